/**
 * Working-day calendar for mainland China.
 *
 * Pure module: no I/O (apart from the static JSON import of the chinese-days
 * data set), no clock, no environment access. It is safe to import inside
 * Temporal workflow code.
 *
 * All calendar dates are China Standard Time (fixed UTC+08:00, no DST) and are
 * represented as 'YYYY-MM-DD' strings. Arithmetic shifts epoch milliseconds by
 * +8h and uses the UTC getters; no timezone library is involved.
 */
import chineseDaysJson from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

export type CalendarDay = {
  date: string;
  /** holiday = statutory day off; workday = adjusted make-up working day on a weekend (调休). */
  kind: 'holiday' | 'workday';
  name: string;
};

export type CalendarData = { days: CalendarDay[]; publishedYears: number[] };

const DAY_MS = 86_400_000;
const CST_OFFSET_MS = 8 * 3_600_000;
/** Upper bound for `n` in addWorkingDays (≈ 10 years of days) — guards against runaway loops. */
const MAX_WORKING_DAYS = 3660;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 (CST calendar) → 'YYYY-MM-DD'. */
function dayNumberToDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD' → days since 1970-01-01. Throws RangeError on malformed or non-existent dates. */
function dateToDayNumber(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`Invalid calendar date '${date}' (expected YYYY-MM-DD)`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new RangeError(`Invalid calendar date '${date}'`);
  }
  return ms / DAY_MS;
}

function assertValidInstant(d: Date, what: string): number {
  const t = d instanceof Date ? d.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new RangeError(`Invalid ${what} date`);
  return t;
}

/** Instant → CST day number. */
function instantToDayNumber(d: Date, what = 'input'): number {
  return Math.floor((assertValidInstant(d, what) + CST_OFFSET_MS) / DAY_MS);
}

function yearOfDayNumber(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
function weekdayOfDayNumber(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function endOfDayNumber(day: number): Date {
  return new Date((day + 1) * DAY_MS - CST_OFFSET_MS - 1);
}

/** The China-Standard-Time calendar date ('YYYY-MM-DD') of an instant. */
export function toChinaDate(d: Date): string {
  return dayNumberToDate(instantToDayNumber(d));
}

/** The last millisecond (23:59:59.999 +08:00) of a China calendar date. */
export function chinaEndOfDay(date: string): Date {
  return endOfDayNumber(dateToDayNumber(date));
}

type ChineseDaysJson = {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
  inLieuDays?: Record<string, string>;
};

/** Builds calendar data from the bundled chinese-days data set. */
export function chineseDaysSeed(): CalendarData {
  const src = chineseDaysJson as unknown as ChineseDaysJson;
  const days: CalendarDay[] = [];
  const years = new Set<number>();
  const nameOf = (raw: string): string => raw.split(',')[1]?.trim() ?? '';
  for (const [date, raw] of Object.entries(src.holidays)) {
    days.push({ date, kind: 'holiday', name: nameOf(raw) });
  }
  for (const [date, raw] of Object.entries(src.workdays)) {
    days.push({ date, kind: 'workday', name: nameOf(raw) });
  }
  for (const section of [src.holidays, src.workdays, src.inLieuDays ?? {}]) {
    for (const date of Object.keys(section)) years.add(Number(date.slice(0, 4)));
  }
  days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { days, publishedYears: [...years].sort((a, b) => a - b) };
}

/**
 * Working-day calendar.
 *
 * Rule for years the State Council has not published yet (not in
 * `publishedYears`): a plain Monday–Friday working week is assumed, and any
 * deadline computed across such a year is flagged `provisional: true` so
 * callers can show it as tentative.
 */
export class WorkingCalendar {
  private readonly overrides = new Map<number, CalendarDay['kind']>();
  private readonly published: ReadonlySet<number>;

  constructor(data: CalendarData) {
    for (const day of data.days) {
      const n = dateToDayNumber(day.date);
      const existing = this.overrides.get(n);
      if (existing !== undefined && existing !== day.kind) {
        throw new Error(`Calendar date ${day.date} is listed both as holiday and as workday`);
      }
      this.overrides.set(n, day.kind);
    }
    this.published = new Set(data.publishedYears);
  }

  isPublished(year: number): boolean {
    return this.published.has(year);
  }

  isWorkingDay(date: string): boolean {
    return this.isWorkingDayNumber(dateToDayNumber(date));
  }

  /**
   * Deadline = end (23:59:59.999 +08:00) of the n-th working day counted from
   * the day after `from`'s China date; n = 0 → end of `from`'s own day.
   * `provisional` is true when any day walked through (after `from`'s day, up
   * to and including the due day) lies in an unpublished year.
   */
  addWorkingDays(from: Date, n: number): { due: Date; provisional: boolean } {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`n must be a non-negative integer, got ${String(n)}`);
    }
    if (n > MAX_WORKING_DAYS) {
      throw new RangeError(`n must be at most ${MAX_WORKING_DAYS}, got ${n}`);
    }
    let day = instantToDayNumber(from, 'from');
    let provisional = false;
    let remaining = n;
    let lastYear = Number.NaN;
    while (remaining > 0) {
      day += 1;
      const year = yearOfDayNumber(day);
      if (year !== lastYear) {
        lastYear = year;
        if (!this.published.has(year)) provisional = true;
      }
      if (this.isWorkingDayNumber(day)) remaining -= 1;
    }
    return { due: endOfDayNumber(day), provisional };
  }

  /** Number of working days d with from-day < d <= to-day (0 if to-day <= from-day). */
  workingDaysBetween(from: Date, to: Date): number {
    const start = instantToDayNumber(from, 'from');
    const end = instantToDayNumber(to, 'to');
    let count = 0;
    for (let day = start + 1; day <= end; day++) {
      if (this.isWorkingDayNumber(day)) count += 1;
    }
    return count;
  }

  /** True when `now` is strictly after `due`. */
  isOverdue(due: Date, now: Date): boolean {
    return assertValidInstant(now, 'now') > assertValidInstant(due, 'due');
  }

  private isWorkingDayNumber(day: number): boolean {
    const override = this.overrides.get(day);
    if (override === 'holiday') return false;
    if (override === 'workday') return true;
    const wd = weekdayOfDayNumber(day);
    return wd !== 0 && wd !== 6;
  }
}
