import { describe, expect, it } from 'vitest';
import {
  addMonthsToDate,
  applicationErrors,
  approvalDueAt,
  approvalExtensionErrors,
  approvalLimitMonths,
  approvalMaxMonths,
  checkBranchMeeting,
  checkVote,
  concentratedTrainingErrors,
  defaultEvaluationThreshold,
  defaultRecommendationThreshold,
  extendedProbationEnd,
  extensionErrors,
  isMonthDuration,
  isVoteThreshold,
  massOrganizationErrors,
  monthsAfter,
  policyDefaults,
  probationPeriod,
  scheduleMonthStep,
  defaultEscalation,
  WorkingCalendar,
  chineseDaysSeed,
} from '../src/index';

const vote = (present: number, yes: number, eligible = 30) => ({ eligible, present, for: yes, against: present - yes, abstain: 0 });

describe('双推 / 双评 votes', () => {
  it('a recommendation needs at least 60 % of those present (boundary included)', () => {
    expect(checkVote(vote(25, 15), defaultRecommendationThreshold).passed).toBe(true); // exactly 60 %
    expect(checkVote(vote(25, 14), defaultRecommendationThreshold).passed).toBe(false);
  });

  it('an evaluation needs more than half of those present (half is not enough)', () => {
    expect(checkVote(vote(24, 12), defaultEvaluationThreshold).passed).toBe(false);
    expect(checkVote(vote(24, 13), defaultEvaluationThreshold).passed).toBe(true);
  });

  it('refuses inconsistent counts and never passes them', () => {
    expect(checkVote({ eligible: 20, present: 21, for: 21, against: 0, abstain: 0 }, defaultRecommendationThreshold)).toMatchObject({ consistent: false, passed: false });
    expect(checkVote({ eligible: 30, present: 20, for: 15, against: 5, abstain: 1 }, defaultRecommendationThreshold).errors[0]).toContain('for + against + abstain');
    expect(checkVote({ eligible: 30, present: 0, for: 0, against: 0, abstain: 0 }, defaultRecommendationThreshold).consistent).toBe(false);
    expect(checkVote({ eligible: 30, present: 20, for: 1.5, against: 0, abstain: 0 }, defaultRecommendationThreshold).consistent).toBe(false);
  });

  it('validates threshold policies', () => {
    expect(isVoteThreshold(defaultRecommendationThreshold)).toBe(true);
    expect(isVoteThreshold({ numerator: 3, denominator: 2, strict: false })).toBe(false);
    expect(isVoteThreshold({ numerator: 1, denominator: 2 })).toBe(false);
    expect(checkVote(vote(10, 10), { numerator: 1, denominator: 0, strict: true }).passed).toBe(false);
    expect(policyDefaults['member.recommendation-threshold']).toEqual(defaultRecommendationThreshold);
  });
});

describe('branch general meeting (支部大会)', () => {
  const base = { expected: 30, present: 20, written: 0, for: 16, against: 2, abstain: 2 };

  it('quorum: present voting members exceed half of those expected', () => {
    expect(checkBranchMeeting({ ...base, present: 15, for: 15, against: 0, abstain: 0 })).toMatchObject({ consistent: true, quorumMet: false, passed: false });
    expect(checkBranchMeeting({ ...base, present: 16, for: 16, against: 0, abstain: 0 })).toMatchObject({ quorumMet: true, passed: true });
  });

  it('passes only if "for" exceeds half of the EXPECTED members, not of those present', () => {
    // 15 of 20 present is a large majority of those present, but not more than half of 30 expected.
    expect(checkBranchMeeting({ ...base, for: 15, against: 3, abstain: 2 })).toMatchObject({ quorumMet: true, passed: false });
    expect(checkBranchMeeting({ ...base, for: 16, against: 2, abstain: 2 }).passed).toBe(true);
  });

  it("absent members' written opinions count", () => {
    expect(checkBranchMeeting({ expected: 30, present: 16, written: 2, for: 16, against: 2, abstain: 0 })).toMatchObject({ consistent: true, passed: true });
    expect(checkBranchMeeting({ expected: 30, present: 16, written: 0, for: 16, against: 2, abstain: 0 }).consistent).toBe(false);
  });

  it('refuses inconsistent counts', () => {
    expect(checkBranchMeeting({ ...base, present: 31 }).consistent).toBe(false);
    expect(checkBranchMeeting({ ...base, written: 11 }).errors[0]).toContain('written');
    expect(checkBranchMeeting({ ...base, expected: 0, present: 0, for: 0, against: 0, abstain: 0 }).consistent).toBe(false);
  });
});

describe('applicant and mass-organization rules', () => {
  it('the applicant must be 18 on the application date', () => {
    expect(applicationErrors('2008-11-02', '2026-11-01')).toHaveLength(1);
    expect(applicationErrors('2008-11-01', '2026-11-01')).toEqual([]);
    expect(applicationErrors('2008-02-30', '2026-11-01')).toHaveLength(1);
  });

  it('the Youth League recommends under-28s; the union or women’s federation from 28', () => {
    expect(massOrganizationErrors('youth-league', '2000-05-01', '2026-11-20')).toEqual([]);
    expect(massOrganizationErrors('trade-union', '2000-05-01', '2026-11-20')).toHaveLength(1);
    expect(massOrganizationErrors('womens-federation', '1990-05-01', '2026-11-20')).toEqual([]);
    expect(massOrganizationErrors('youth-league', '1990-05-01', '2026-11-20')).toHaveLength(1);
  });
});

describe('time limits', () => {
  it('probation: one year from the meeting; an extension counts from its end', () => {
    expect(probationPeriod('2026-11-25')).toEqual({ start: '2026-11-25', end: '2027-11-24' });
    expect(probationPeriod('2024-03-01')).toEqual({ start: '2024-03-01', end: '2025-02-28' });
    expect(extendedProbationEnd('2027-11-24', 6)).toBe('2028-05-24');
    expect(extendedProbationEnd('2027-08-30', 6)).toBe('2028-02-28'); // 31 Aug + 6 months clamps to 29 Feb, the day before
    expect(addMonthsToDate('2024-02-29', 12)).toBe('2025-02-28');
  });

  it('probation extension: 6 to 12 months, once only', () => {
    expect(extensionErrors(5, 0)).toHaveLength(1);
    expect(extensionErrors(13, 0)).toHaveLength(1);
    expect(extensionErrors(6, 0)).toEqual([]);
    expect(extensionErrors(12, 0)).toEqual([]);
    expect(extensionErrors(6, 1)).toHaveLength(1);
  });

  it('the approval time may be extended once', () => {
    expect(approvalExtensionErrors(false)).toEqual([]);
    expect(approvalExtensionErrors(true)).toHaveLength(1);
  });

  it('the superior approval falls due at the end of the China day 3 months after the branch meeting, 6 after the extension', () => {
    const due = (meetingDate: string, extended: boolean, recordedAt = new Date('2027-12-01T02:00:00Z')) => approvalDueAt({ meetingDate, recordedAt, extended }).toISOString();
    expect(due('2026-11-25', false)).toBe('2027-02-25T15:59:59.999Z');
    expect(due('2026-11-25', true)).toBe('2027-05-25T15:59:59.999Z');
    // Runs from the meeting date typed in, not from when it was recorded or the extension decided.
    expect(due('2026-11-25', true, new Date('2027-04-30T09:00:00Z'))).toBe('2027-05-25T15:59:59.999Z');
    // Month ends: a day past the end of the target month is clamped.
    expect(due('2026-11-30', false)).toBe('2027-02-28T15:59:59.999Z');
    expect(due('2026-11-30', true)).toBe('2027-05-30T15:59:59.999Z');
    expect(due('2027-11-30', false)).toBe('2028-02-29T15:59:59.999Z');
    expect(due('2026-08-31', false)).toBe('2026-11-30T15:59:59.999Z');
    expect(due('2026-08-31', true)).toBe('2027-02-28T15:59:59.999Z');
    expect(due('2026-12-31', true)).toBe('2027-06-30T15:59:59.999Z');
    // Never more than 6 months, however often it is asked.
    expect([approvalLimitMonths(false), approvalLimitMonths(true)]).toEqual([3, approvalMaxMonths]);
    expect(approvalMaxMonths).toBe(6);
  });

  it('with compressed time the approval limit runs from when the meeting was recorded (a typed date cannot be compressed)', () => {
    const recordedAt = new Date('2026-11-22T10:00:00Z');
    const month = 21 * 0.05 * 1000;
    expect(approvalDueAt({ meetingDate: '2026-11-30', recordedAt, extended: false, workingDaySeconds: 0.05 }).getTime()).toBe(recordedAt.getTime() + 3 * month);
    expect(approvalDueAt({ meetingDate: '2026-11-30', recordedAt, extended: true, workingDaySeconds: 0.05 }).getTime()).toBe(recordedAt.getTime() + 6 * month);
  });

  it('concentrated training: at least 3 days or 24 class hours', () => {
    expect(concentratedTrainingErrors({ from: '2027-11-01', to: '2027-11-02', days: 2, hours: 16 })).toHaveLength(1);
    expect(concentratedTrainingErrors({ from: '2027-11-01', to: '2027-11-02', days: 2, hours: 24 })).toEqual([]);
    expect(concentratedTrainingErrors({ from: '2027-11-03', to: '2027-11-01', days: 3, hours: 24 })).toHaveLength(1);
  });

  it('steps limited in calendar months fall due at the end of the China day, months later; compressed, 21 working days a month', () => {
    const calendar = new WorkingCalendar(chineseDaysSeed());
    const openedAt = new Date('2026-01-31T02:00:00Z'); // 10:00 China time
    const s = scheduleMonthStep({ openedAt, months: 1, escalation: defaultEscalation, levels: 2, calendar });
    expect(s.dueAt.toISOString()).toBe('2026-02-28T15:59:59.999Z');
    expect(s.remindAt.getTime()).toBe(s.dueAt.getTime() - 7 * 86_400_000);
    expect(s.rungAt[0]).toEqual(s.dueAt);
    const c = scheduleMonthStep({ openedAt, months: 3, escalation: defaultEscalation, levels: 2, calendar, workingDaySeconds: 1 });
    expect(c.dueAt.getTime() - openedAt.getTime()).toBe(63_000);
    expect(monthsAfter(openedAt, 2, 1).getTime() - openedAt.getTime()).toBe(42_000);
    expect(isMonthDuration({ months: 6 })).toBe(true);
    expect(isMonthDuration({ workingDays: 6 })).toBe(false);
  });
});
