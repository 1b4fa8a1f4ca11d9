import type { MonthDuration } from './month-schedule';
import { processCatalogues } from './processes';

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

/** Default time limits in working days and in calendar months, by `<type>.<step>`, from the catalogues. */
export const stepDurationDefaults: Readonly<Record<string, StepDuration>> = Object.fromEntries(catalogueDurations().filter(([, d]) => 'workingDays' in d)) as Record<string, StepDuration>;
export const monthDurationDefaults: Readonly<Record<string, MonthDuration>> = Object.fromEntries(catalogueDurations().filter(([, d]) => 'months' in d)) as Record<string, MonthDuration>;

function catalogueDurations(): [string, StepDuration | MonthDuration][] {
  return processCatalogues.flatMap((c) => Object.entries(c.steps).flatMap(([key, step]) => (step.duration ? [[`${c.type}.${key}`, step.duration] as [string, StepDuration | MonthDuration]] : [])));
}

export const policyDefaults: Record<string, unknown> = {
  ...Object.fromEntries(Object.entries(stepDurationDefaults).map(([k, v]) => [`duration.${k}`, v])),
  ...Object.fromEntries(Object.entries(monthDurationDefaults).map(([k, v]) => [`duration.${k}`, v])),
  'escalation.default': defaultEscalation,
  ...Object.assign({}, ...processCatalogues.map((c) => c.policies ?? {})),
};

export function isStepDuration(v: unknown): v is StepDuration {
  return typeof v === 'object' && v !== null && Number.isInteger((v as StepDuration).workingDays) && (v as StepDuration).workingDays >= 0 && (v as StepDuration).workingDays <= 3660;
}

export function isEscalationPolicy(v: unknown): v is EscalationPolicy {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as EscalationPolicy;
  return [p.reminderLeadWorkingDays, p.rungIntervalWorkingDays, p.maxLevels].every((n) => Number.isInteger(n) && n >= 0 && n <= 365) && p.rungIntervalWorkingDays > 0;
}
