import { describe, expect, it } from 'vitest';
import { policyDefaults, policyDefinition } from '@dj/domain';
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

describe('containsPattern', () => {
  it('escapes LIKE wildcards', () => {
    expect(containsPattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
  });
});
