import { chinaEndOfDay, toChinaDate, type WorkingCalendar } from './calendar';
import type { EscalationPolicy } from './policy';
import type { StepSchedule } from './schedule';
import { addCalendarMonths } from './processes/secretary-replacement/rules';

/** A step whose time limit is in calendar months (发展党员: 1 month talk, 6-month evaluations, 3-month approval, 1-year probation). */
export type MonthDuration = { months: number };

export function isMonthDuration(v: unknown): v is MonthDuration {
  return typeof v === 'object' && v !== null && Number.isInteger((v as MonthDuration).months) && (v as MonthDuration).months >= 1 && (v as MonthDuration).months <= 120;
}

/** With compressed time a calendar month lasts as long as 21 working days (as the case-level deadline does). */
export const COMPRESSED_MONTH_WORKING_DAYS = 21;
/** Month-long steps are reminded a week (5 working days) before they fall due, or at half time if shorter. */
const MONTH_STEP_REMINDER_WORKING_DAYS = 5;

/**
 * Due date, reminder and 督办 rungs of a step limited in calendar months: due at the end of the China
 * day `months` months after opening; compressed (tests, demos), `months` × 21 working days of wall time.
 */
export function scheduleMonthStep(input: {
  openedAt: Date;
  months: number;
  escalation: EscalationPolicy;
  levels: number;
  calendar: WorkingCalendar;
  workingDaySeconds?: number | undefined;
}): StepSchedule {
  const { openedAt, months, escalation, calendar, workingDaySeconds } = input;
  const levels = Math.min(input.levels, escalation.maxLevels);
  const opened = openedAt.getTime();
  if (workingDaySeconds !== undefined) {
    const day = workingDaySeconds * 1000;
    const dueAt = opened + months * COMPRESSED_MONTH_WORKING_DAYS * day;
    const remindAt = Math.max(opened + (dueAt - opened) / 2, dueAt - MONTH_STEP_REMINDER_WORKING_DAYS * day);
    const rungAt = Array.from({ length: levels }, (_, i) => new Date(dueAt + i * escalation.rungIntervalWorkingDays * day));
    return { dueAt: new Date(dueAt), remindAt: new Date(remindAt), rungAt, provisional: false };
  }
  const dueAt = chinaEndOfDay(toChinaDate(addCalendarMonths(openedAt, months)));
  const weekBefore = dueAt.getTime() - 7 * 86_400_000;
  const remindAt = new Date(Math.max(opened + (dueAt.getTime() - opened) / 2, weekBefore));
  const rungAt = Array.from({ length: levels }, (_, i) => (i === 0 ? dueAt : calendar.addWorkingDays(dueAt, i * escalation.rungIntervalWorkingDays).due));
  return { dueAt, remindAt, rungAt, provisional: !calendar.isPublished(Number(toChinaDate(dueAt).slice(0, 4))) };
}

/** An instant `months` calendar months after `from` (compressed: months × 21 working days). */
export function monthsAfter(from: Date, months: number, workingDaySeconds?: number): Date {
  if (workingDaySeconds !== undefined) return new Date(from.getTime() + months * COMPRESSED_MONTH_WORKING_DAYS * workingDaySeconds * 1000);
  return addCalendarMonths(from, months);
}
