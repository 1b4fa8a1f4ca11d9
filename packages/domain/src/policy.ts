import { secretaryPolicyDefaults } from './secretary-replacement';
import { memberPolicyDefaults } from './member-development';
import type { MonthDuration } from './month-schedule';
import { jointMeetingPolicyDefaults } from './joint-meeting';

/** Policy: durations and escalation as typed data with defaults here; administrators override them in the policy table. */
export type StepDuration = { workingDays: number };

export type EscalationPolicy = {
  /** A reminder goes to the assignee this many working days before the due date. */
  reminderLeadWorkingDays: number;
  /** After the first 督办 at the due date, the next level up gets one every this many working days. */
  rungIntervalWorkingDays: number;
  /** How many levels up the ladder an overdue step may climb. */
  maxLevels: number;
};

export const defaultEscalation: EscalationPolicy = {
  reminderLeadWorkingDays: 1,
  rungIntervalWorkingDays: 3,
  maxLevels: 2,
};

export const stepDurationDefaults = {
  'request-report.revise': { workingDays: 10 },
  'request-report.township-review': { workingDays: 5 },
  'request-report.county-decision': { workingDays: 5 },
  // 村党组织书记选配 (domain.md §1)
  'secretary-replacement.propose': { workingDays: 10 },
  'secretary-replacement.joint-review': { workingDays: 5 },
  'secretary-replacement.interview': { workingDays: 10 },
  'secretary-replacement.township-decision': { workingDays: 5 },
  'secretary-replacement.county-filing': { workingDays: 5 },
  'secretary-replacement.public-notice': { workingDays: 5 },
  'secretary-replacement.verify-objection': { workingDays: 5 },
  'secretary-replacement.election': { workingDays: 10 },
  'secretary-replacement.appointment': { workingDays: 5 },
  // 发展党员 (domain.md §2): steps without a national time limit
  'member-development.recommendation': { workingDays: 20 },
  'member-development.committee': { workingDays: 10 },
  'member-development.public-notice': { workingDays: 5 },
  'member-development.verify-objection': { workingDays: 5 },
  'member-development.filing': { workingDays: 10 },
  'member-development.assign': { workingDays: 10 },
  'member-development.evaluation': { workingDays: 20 },
  'member-development.political-review': { workingDays: 20 },
  'member-development.concentrated-training': { workingDays: 60 },
  'member-development.application-form': { workingDays: 10 },
  'member-development.branch-meeting': { workingDays: 20 },
  'member-development.superior-talk': { workingDays: 10 },
  'member-development.archive': { workingDays: 10 },
} satisfies Record<string, StepDuration>;

/** Steps limited in calendar months (发展党员's national time limits). */
export const monthDurationDefaults = {
  'member-development.talk': { months: 1 },
  'member-development.training-evaluation': { months: 6 },
  'member-development.superior-approval': { months: 3 },
  'member-development.superior-approval-extension': { months: 3 },
  'member-development.probation': { months: 12 },
} satisfies Record<string, MonthDuration>;

export type StepPolicyKey = keyof typeof stepDurationDefaults;

export const policyDefaults: Record<string, unknown> = {
  ...Object.fromEntries(Object.entries(stepDurationDefaults).map(([k, v]) => [`duration.${k}`, v])),
  ...Object.fromEntries(Object.entries(monthDurationDefaults).map(([k, v]) => [`duration.${k}`, v])),
  'escalation.default': defaultEscalation,
  ...secretaryPolicyDefaults,
  ...memberPolicyDefaults,
  ...jointMeetingPolicyDefaults,
};

export function isStepDuration(v: unknown): v is StepDuration {
  return typeof v === 'object' && v !== null && Number.isInteger((v as StepDuration).workingDays) && (v as StepDuration).workingDays >= 0 && (v as StepDuration).workingDays <= 3660;
}

export function isEscalationPolicy(v: unknown): v is EscalationPolicy {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as EscalationPolicy;
  return [p.reminderLeadWorkingDays, p.rungIntervalWorkingDays, p.maxLevels].every((n) => Number.isInteger(n) && n >= 0 && n <= 365) && p.rungIntervalWorkingDays > 0;
}
