import { describe, expect, it } from 'vitest';
import {
  WorkingCalendar,
  canStartCase,
  caseTypes,
  chineseDaysSeed,
  defaultEscalation,
  isEscalationPolicy,
  isStepDuration,
  joinedUnderAge,
  scheduleStep,
  supervisingChain,
  type OrgNode,
} from '../src/index';

const orgs = new Map<string, OrgNode>(
  (
    [
      ['city', null, 'city_org_dept'],
      ['county', 'city', 'county'],
      ['town', 'county', 'township'],
      ['village', 'town', 'village'],
      ['branch', 'village', 'branch'],
    ] as const
  ).map(([id, parentId, type]) => [id, { id, parentId, type, name: id }]),
);

describe('escalation ladder', () => {
  it('climbs from a branch to the township, the county, then the city, skipping the village', () => {
    expect(supervisingChain('branch', orgs).map((s) => [s.orgId, s.role])).toEqual([
      ['town', 'township_secretary'],
      ['county', 'county_org_dept'],
      ['city', 'city_org_dept'],
    ]);
    expect(supervisingChain('town', orgs).map((s) => s.orgId)).toEqual(['county', 'city']);
    expect(supervisingChain('city', orgs)).toEqual([]);
  });

  it('is data: another ladder gives other supervisors', () => {
    expect(supervisingChain('branch', orgs, { supervisorRoleByOrgType: { village: 'village_secretary' } })).toEqual([{ orgId: 'village', role: 'village_secretary', orgName: 'village' }]);
  });
});

describe('step schedule', () => {
  const calendar = new WorkingCalendar(chineseDaysSeed());

  it('compressed time: due after n × the working-day length, reminder one day before, rungs apart', () => {
    const openedAt = new Date('2026-11-22T00:00:00Z');
    const s = scheduleStep({ openedAt, workingDays: 5, escalation: defaultEscalation, levels: 3, calendar, workingDaySeconds: 2 });
    expect(s.dueAt.getTime() - openedAt.getTime()).toBe(10_000);
    expect(s.remindAt.getTime() - openedAt.getTime()).toBe(8_000);
    // maxLevels (2) caps the rungs even though three supervisors exist.
    expect(s.rungAt.map((d) => d.getTime() - openedAt.getTime())).toEqual([10_000, 16_000]);
  });

  it('real time: deadlines honour the statutory calendar (National Day 2026)', () => {
    const openedAt = new Date('2026-09-30T02:00:00Z'); // Wednesday, 10:00 in Beijing
    const s = scheduleStep({ openedAt, workingDays: 5, escalation: defaultEscalation, levels: 1, calendar });
    // Oct 1–7 are holidays: working days Oct 8, 9, 10 (make-up Saturday), 12, 13.
    expect(s.dueAt.toISOString()).toBe('2026-10-13T15:59:59.999Z');
    expect(s.remindAt.toISOString()).toBe('2026-10-12T15:59:59.999Z');
    expect(s.rungAt).toEqual([s.dueAt]);
    expect(s.provisional).toBe(false);
  });

  it('a deadline in an unpublished year is flagged provisional', () => {
    const s = scheduleStep({ openedAt: new Date('2026-12-28T02:00:00Z'), workingDays: 10, escalation: defaultEscalation, levels: 0, calendar });
    expect(s.provisional).toBe(true);
    expect(s.rungAt).toEqual([]);
  });
});

describe('policy validation and who may start a case', () => {
  it('accepts well-formed policies and refuses nonsense', () => {
    expect(isStepDuration({ workingDays: 5 })).toBe(true);
    expect(isStepDuration({ workingDays: -1 })).toBe(false);
    expect(isStepDuration({ workingDays: 1.5 })).toBe(false);
    expect(isEscalationPolicy(defaultEscalation)).toBe(true);
    expect(isEscalationPolicy({ ...defaultEscalation, rungIntervalWorkingDays: 0 })).toBe(false);
  });

  it('a branch secretary may start a 请示报告 for their own branch only', () => {
    const def = caseTypes['request-report']!;
    const m = [{ orgId: 'branch', role: 'branch_secretary' }];
    expect(canStartCase(def, { id: 'branch', type: 'branch' }, m)).toBe(true);
    expect(canStartCase(def, { id: 'other', type: 'branch' }, m)).toBe(false);
    expect(canStartCase(def, { id: 'town', type: 'township' }, [{ orgId: 'town', role: 'branch_secretary' }])).toBe(false);
  });
});

describe('roster: joined at 18 or older (党章第一条)', () => {
  it('refuses a join date before the 18th birthday and accepts the birthday itself', () => {
    expect(joinedUnderAge('2000-03-15', '2018-03-14')).toBe(true);
    expect(joinedUnderAge('2000-03-15', '2018-03-15')).toBe(false);
    expect(joinedUnderAge('1960-12-31', '1985-07-01')).toBe(false);
  });
  it('counts a 29 February birthday as reached on 1 March of a common year', () => {
    expect(joinedUnderAge('2000-02-29', '2018-02-28')).toBe(true);
    expect(joinedUnderAge('2000-02-29', '2018-03-01')).toBe(false);
  });
  it('leaves a join date before the birth date to its own rule', () => {
    expect(joinedUnderAge('2000-01-01', '1999-01-01')).toBe(false);
  });
});
