import { describe, expect, it } from 'vitest';
import { isFormId } from '@dj/contracts';
import { caseTypes, commonStages, monthDurationDefaults, policyDefaults, policyDefinition, processCatalogues, processTypes, stepDurationDefaults, stepName } from '../src';

describe('process catalogues', () => {
  it('name every process type once', () => {
    const types = processCatalogues.map((c) => c.type);
    expect(new Set(types).size).toBe(types.length);
    expect(processTypes().map((p) => p.type)).toEqual(types);
  });

  it('name only forms that exist', () => {
    for (const c of processCatalogues) {
      for (const [key, step] of Object.entries(c.steps)) if (step.form) expect(isFormId(step.form), `${c.type}.${key}: ${step.form}`).toBe(true);
      if (c.start) expect(isFormId(c.start.form), `${c.type} start form`).toBe(true);
    }
  });

  it('derive a duration policy with a definition for every step that has a limit, and names for its steps', () => {
    for (const c of processCatalogues) {
      for (const [key, step] of Object.entries(c.steps)) {
        expect(stepName(c.type, key)).toBe(step.name);
        if (!step.duration) continue;
        const policyKey = `duration.${c.type}.${key}`;
        expect(policyDefaults[policyKey]).toEqual(step.duration);
        expect(policyDefinition(policyKey)?.valid(step.duration)).toBe(true);
        expect('months' in step.duration ? monthDurationDefaults[`${c.type}.${key}`] : stepDurationDefaults[`${c.type}.${key}`]).toEqual(step.duration);
      }
      for (const [key, name] of Object.entries(c.stepNames ?? {})) expect(stepName(c.type, key)).toBe(name);
    }
  });

  it('make startable exactly the processes with a start rule', () => {
    expect(Object.keys(caseTypes).sort()).toEqual(processCatalogues.filter((c) => c.start).map((c) => c.type).sort());
    expect(caseTypes['secretary-replacement']).toMatchObject({ workflowType: 'secretaryReplacement', starterOrgType: 'township', startForm: 'secretary.open' });
  });

  it('name every stage in Chinese, the same as a step of the same code, and list them in process order', () => {
    for (const c of processCatalogues) {
      expect(Object.keys(c.stages).length, c.type).toBeGreaterThan(0);
      for (const [code, name] of Object.entries(c.stages)) {
        expect(name, `${c.type}.${code}`).toMatch(/^\p{Script=Han}/u);
        expect(stepName(c.type, code)).toBe(name);
        const step = c.steps[code];
        if (step) expect(step.name, `${c.type}.${code}`).toBe(name);
      }
      expect(processTypes().find((p) => p.type === c.type)?.stages).toEqual(Object.entries(c.stages).map(([code, name]) => ({ code, name })));
    }
    expect(processTypes().find((p) => p.type === 'member-development')?.stages.map((s) => s.name)).toEqual(['入党申请', '入党积极分子', '发展对象', '接收预备党员', '预备党员考察和转正']);
    expect(stepName('request-report', 'closed')).toBe(commonStages.closed);
  });
});
