import type { WorkingCalendar } from './calendar';
import type { EscalationPolicy } from './policy';

/**
 * When a step is due, when its assignee is reminded and when each 督办 rung fires.
 *
 * Time scale: with `workingDaySeconds` set (tests and demos), one working day lasts that many seconds
 * of wall time and the holiday calendar is ignored; unset (production), durations are real working
 * days of the statutory calendar, deadlines falling at the end of the working day.
 */
export type StepSchedule = {
  dueAt: Date;
  remindAt: Date;
  /** Fire times of the 督办 rungs, level 1 first (level 1 fires at the due date). */
  rungAt: Date[];
  /** The due date lies in a year whose holiday calendar is not yet published. */
  provisional: boolean;
};

export type ScheduleInput = {
  openedAt: Date;
  workingDays: number;
  escalation: EscalationPolicy;
  levels: number;
  calendar: WorkingCalendar;
  workingDaySeconds?: number | undefined;
};

export function scheduleStep(input: ScheduleInput): StepSchedule {
  const { openedAt, workingDays, escalation, calendar, workingDaySeconds } = input;
  const levels = Math.min(input.levels, escalation.maxLevels);
  if (workingDaySeconds !== undefined) {
    const day = workingDaySeconds * 1000;
    const dueAt = new Date(openedAt.getTime() + workingDays * day);
    const remindAt = new Date(Math.max(openedAt.getTime() + (dueAt.getTime() - openedAt.getTime()) / 2, dueAt.getTime() - escalation.reminderLeadWorkingDays * day));
    const rungAt = Array.from({ length: levels }, (_, i) => new Date(dueAt.getTime() + i * escalation.rungIntervalWorkingDays * day));
    return { dueAt, remindAt, rungAt, provisional: false };
  }
  const due = calendar.addWorkingDays(openedAt, workingDays);
  const lead = workingDays - escalation.reminderLeadWorkingDays;
  const remindAt =
    lead > 0
      ? calendar.addWorkingDays(openedAt, lead).due
      : new Date(openedAt.getTime() + (due.due.getTime() - openedAt.getTime()) / 2);
  const rungAt = Array.from({ length: levels }, (_, i) =>
    i === 0 ? due.due : calendar.addWorkingDays(due.due, i * escalation.rungIntervalWorkingDays).due,
  );
  return { dueAt: due.due, remindAt, rungAt, provisional: due.provisional };
}

/** Like scheduleStep, for a step whose due date is fixed by a person (e.g. a decision's 完成时限). */
export function scheduleStepUntil(input: Omit<ScheduleInput, 'workingDays'> & { dueAt: Date }): StepSchedule {
  const { openedAt, dueAt, escalation, calendar, workingDaySeconds } = input;
  const levels = Math.min(input.levels, escalation.maxLevels);
  const dayMs = (workingDaySeconds ?? 24 * 3600) * 1000;
  const remindAt = new Date(Math.max(openedAt.getTime() + (dueAt.getTime() - openedAt.getTime()) / 2, dueAt.getTime() - escalation.reminderLeadWorkingDays * dayMs));
  const rungAt = Array.from({ length: levels }, (_, i) =>
    workingDaySeconds !== undefined || i === 0 ? new Date(dueAt.getTime() + i * escalation.rungIntervalWorkingDays * dayMs) : calendar.addWorkingDays(dueAt, i * escalation.rungIntervalWorkingDays).due,
  );
  return { dueAt, remindAt, rungAt, provisional: false };
}

/**
 * A compressed clock that keeps the holiday calendar (tests of calendar-dependent behaviour, e.g. the
 * rescheduling of provisional due dates when a year is published): from the real instant `realEpochMs`
 * on, China calendar time runs from `virtualEpochMs` with one calendar day lasting `daySeconds` of wall
 * time. Unlike `workingDaySeconds` (which ignores the calendar), weekends and holidays take their share.
 */
export type CalendarClock = { realEpochMs: number; virtualEpochMs: number; daySeconds: number };

const DAY_SECONDS = 86_400;

/** The calendar instant a real instant stands for on this clock. */
export function clockToVirtual(clock: CalendarClock, realMs: number): Date {
  return new Date(clock.virtualEpochMs + ((realMs - clock.realEpochMs) * DAY_SECONDS) / clock.daySeconds);
}

/** The real instant a calendar instant falls at on this clock. */
export function clockToReal(clock: CalendarClock, virtual: Date): Date {
  return new Date(Math.round(clock.realEpochMs + ((virtual.getTime() - clock.virtualEpochMs) * clock.daySeconds) / DAY_SECONDS));
}

/** Computes a schedule in calendar time on the clock (`compute` receives the opening as calendar time) and maps it back to real instants. */
export function scheduleOnClock(clock: CalendarClock | undefined, openedAt: Date, compute: (openedAt: Date) => StepSchedule): StepSchedule {
  if (!clock) return compute(openedAt);
  const s = compute(clockToVirtual(clock, openedAt.getTime()));
  return { dueAt: clockToReal(clock, s.dueAt), remindAt: clockToReal(clock, s.remindAt), rungAt: s.rungAt.map((r) => clockToReal(clock, r)), provisional: s.provisional };
}
