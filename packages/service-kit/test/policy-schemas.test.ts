import { describe, expect, it } from 'vitest';
import { caseTypeName, policyDefaults, policyDefinition, processTypes, stepName } from '@dj/domain';
import { containsPattern, jsonSchemaErrors } from '../src';

describe('policy definitions', () => {
  it('every default value satisfies its own schema and rule', () => {
    for (const [key, value] of Object.entries(policyDefaults)) {
      const def = policyDefinition(key);
      expect(def, key).toBeDefined();
      expect(jsonSchemaErrors(def!.schema, value), key).toEqual([]);
      expect(def!.valid(value), key).toBe(true);
    }
  });

  it('a step duration outside 1..3660 whole working days is refused by the schema', () => {
    const def = policyDefinition('duration.request-report.township-review')!;
    for (const bad of [{ workingDays: 0 }, { workingDays: 1.5 }, { workingDays: 3661 }, {}, { workingDays: 5, x: 1 }]) expect(jsonSchemaErrors(def.schema, bad), JSON.stringify(bad)).not.toEqual([]);
    expect(jsonSchemaErrors(def.schema, { workingDays: 3660 })).toEqual([]);
  });
});

describe('month limits and vote thresholds of 发展党员', () => {
  it('a month-limited step takes whole months 1..120, not working days', () => {
    const def = policyDefinition('duration.member-development.probation')!;
    expect(def.name).toBe('办理时限：发展党员·预备党员考察和转正');
    expect(jsonSchemaErrors(def.schema, { months: 12 })).toEqual([]);
    for (const bad of [{ workingDays: 5 }, { months: 0 }, { months: 121 }, { months: 1.5 }]) expect(jsonSchemaErrors(def.schema, bad), JSON.stringify(bad)).not.toEqual([]);
  });

  it('a vote threshold is a fraction with a strictness flag', () => {
    const def = policyDefinition('member.recommendation-threshold')!;
    expect(def.valid({ numerator: 2, denominator: 3, strict: true })).toBe(true);
    expect(jsonSchemaErrors(def.schema, { numerator: 2, denominator: 3 })).not.toEqual([]);
  });
});

describe('display names', () => {
  it('names every process type, including those started by Schedules', () => {
    expect(caseTypeName('joint-meeting-decision')).toBe('联席会议议定事项督办');
    expect(processTypes().map((t) => t.type)).toEqual(expect.arrayContaining(['request-report', 'secretary-replacement', 'member-development', 'joint-meeting', 'joint-meeting-extraordinary', 'joint-meeting-decision']));
    expect(caseTypeName('some-future-process')).toBe('some-future-process');
  });

  it('names an unlisted step by its task title up to the colon, else by its code', () => {
    expect(stepName('joint-meeting', 'collect')).toBe('议题征集');
    expect(stepName('future', 'members-evaluation-second', '党员评议（西山村党支部）：王五')).toBe('党员评议（西山村党支部）');
    expect(stepName('future', 'x-step')).toBe('x-step');
  });
});

describe('containsPattern', () => {
  it('escapes LIKE wildcards', () => {
    expect(containsPattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
  });
});
