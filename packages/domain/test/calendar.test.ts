import { describe, expect, it } from 'vitest';
import {
  WorkingCalendar,
  chinaEndOfDay,
  chineseDaysSeed,
  toChinaDate,
  type CalendarData,
} from '../src/calendar';

const seed = chineseDaysSeed();
const cal = new WorkingCalendar(seed);

/** An instant given as China local wall-clock time. */
const cst = (local: string): Date => new Date(`${local}+08:00`);
const iso = (d: Date): string => d.toISOString();

describe('chineseDaysSeed (chinese-days 1.5.7 data)', () => {
  it('contains the 2026 National Day make-up workdays with their Chinese name', () => {
    const byDate = new Map(seed.days.map((d) => [d.date, d]));
    expect(byDate.get('2026-09-20')).toEqual({ date: '2026-09-20', kind: 'workday', name: '国庆节' });
    expect(byDate.get('2026-10-10')).toEqual({ date: '2026-10-10', kind: 'workday', name: '国庆节' });
    expect(byDate.get('2026-10-01')).toEqual({ date: '2026-10-01', kind: 'holiday', name: '国庆节' });
    expect(byDate.get('2026-02-17')).toEqual({ date: '2026-02-17', kind: 'holiday', name: '春节' });
  });

  it('lists every year with entries as published, and nothing beyond the data', () => {
    expect(seed.publishedYears[0]).toBe(2004);
    expect(seed.publishedYears.at(-1)).toBe(2026);
    expect(seed.publishedYears).toHaveLength(2026 - 2004 + 1);
    expect(cal.isPublished(2026)).toBe(true);
    expect(cal.isPublished(2004)).toBe(true);
    expect(cal.isPublished(2027)).toBe(false);
    expect(cal.isPublished(2031)).toBe(false);
  });

  it('has sorted, well-formed days', () => {
    const dates = seed.days.map((d) => d.date);
    expect(dates).toEqual([...dates].sort());
    expect(seed.days.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d.date) && d.name.length > 0)).toBe(true);
  });
});

describe('helpers', () => {
  it('toChinaDate uses UTC+08:00', () => {
    expect(toChinaDate(new Date('2026-11-20T15:59:59.999Z'))).toBe('2026-11-20');
    expect(toChinaDate(new Date('2026-11-20T16:00:00.000Z'))).toBe('2026-11-21');
    // 17:00Z on Friday is already 01:00 Saturday in China.
    expect(toChinaDate(new Date('2026-11-20T17:00:00Z'))).toBe('2026-11-21');
  });

  it('chinaEndOfDay is 23:59:59.999 +08:00', () => {
    expect(iso(chinaEndOfDay('2026-11-23'))).toBe('2026-11-23T15:59:59.999Z');
    expect(iso(chinaEndOfDay('2026-01-01'))).toBe('2026-01-01T15:59:59.999Z');
  });

  it('rejects malformed dates', () => {
    expect(() => chinaEndOfDay('2026-02-30')).toThrow(RangeError);
    expect(() => chinaEndOfDay('2026-1-1')).toThrow(RangeError);
    expect(() => cal.isWorkingDay('not a date')).toThrow(RangeError);
    expect(() => toChinaDate(new Date('garbage'))).toThrow(RangeError);
  });
});

describe('isWorkingDay', () => {
  it('National Day 2026: Oct 1–7 off, make-up workdays Sep 20 (Sun) and Oct 10 (Sat)', () => {
    for (let d = 1; d <= 7; d++) {
      expect(cal.isWorkingDay(`2026-10-0${d}`), `2026-10-0${d}`).toBe(false);
    }
    expect(cal.isWorkingDay('2026-09-30')).toBe(true);
    expect(cal.isWorkingDay('2026-10-08')).toBe(true);
    expect(cal.isWorkingDay('2026-09-20')).toBe(true);
    expect(cal.isWorkingDay('2026-10-10')).toBe(true);
    expect(cal.isWorkingDay('2026-10-11')).toBe(false); // ordinary Sunday
  });

  it('Spring Festival 2026: Feb 15–23 off, Feb 14 and Feb 28 (Saturdays) worked', () => {
    for (let d = 15; d <= 23; d++) {
      expect(cal.isWorkingDay(`2026-02-${d}`), `2026-02-${d}`).toBe(false);
    }
    expect(cal.isWorkingDay('2026-02-13')).toBe(true);
    expect(cal.isWorkingDay('2026-02-14')).toBe(true);
    expect(cal.isWorkingDay('2026-02-24')).toBe(true);
    expect(cal.isWorkingDay('2026-02-28')).toBe(true);
    expect(cal.isWorkingDay('2026-03-01')).toBe(false);
  });

  it('ordinary weekend and weekdays', () => {
    expect(cal.isWorkingDay('2026-11-20')).toBe(true); // Fri
    expect(cal.isWorkingDay('2026-11-21')).toBe(false); // Sat
    expect(cal.isWorkingDay('2026-11-22')).toBe(false); // Sun
    expect(cal.isWorkingDay('2026-11-23')).toBe(true); // Mon
  });

  it('unpublished year 2031 falls back to Mon–Fri (even on what will be New Year)', () => {
    expect(cal.isWorkingDay('2031-01-01')).toBe(true); // Wed
    expect(cal.isWorkingDay('2031-01-04')).toBe(false); // Sat
    expect(cal.isWorkingDay('2031-01-05')).toBe(false); // Sun
    expect(cal.isWorkingDay('2031-01-06')).toBe(true); // Mon
  });
});

describe('addWorkingDays', () => {
  it('Friday + 1 over an ordinary weekend is due end of Monday', () => {
    const r = cal.addWorkingDays(cst('2026-11-20T10:00:00'), 1);
    expect(iso(r.due)).toBe('2026-11-23T15:59:59.999Z');
    expect(r.provisional).toBe(false);
    expect(iso(cal.addWorkingDays(cst('2026-11-20T10:00:00'), 2).due)).toBe('2026-11-24T15:59:59.999Z');
  });

  it('n = 0 is the end of the day of `from` (even on a weekend)', () => {
    const r = cal.addWorkingDays(cst('2026-11-21T10:00:00'), 0);
    expect(iso(r.due)).toBe('2026-11-21T15:59:59.999Z');
    expect(r.provisional).toBe(false);
    expect(iso(cal.addWorkingDays(cst('2026-11-20T00:00:00'), 0).due)).toBe('2026-11-20T15:59:59.999Z');
  });

  it('timezone edge: the day is taken in China time, not UTC', () => {
    // 2026-11-20T17:00Z is Saturday 01:00 in China → n=0 is due end of Saturday (China).
    expect(iso(cal.addWorkingDays(new Date('2026-11-20T17:00:00Z'), 0).due)).toBe('2026-11-21T15:59:59.999Z');
    // 2026-11-19T16:30Z is still Thursday in UTC but Friday 00:30 in China → n=1 is Monday, not Friday.
    expect(iso(cal.addWorkingDays(new Date('2026-11-19T16:30:00Z'), 1).due)).toBe('2026-11-23T15:59:59.999Z');
    // One ms before China midnight is still Thursday → n=1 is Friday.
    expect(iso(cal.addWorkingDays(new Date('2026-11-19T15:59:59.999Z'), 1).due)).toBe('2026-11-20T15:59:59.999Z');
  });

  it('National Day 2026 skips Oct 1–7 and counts the Saturday make-up day Oct 10', () => {
    const from = cst('2026-09-30T09:00:00'); // Wed
    expect(iso(cal.addWorkingDays(from, 1).due)).toBe('2026-10-08T15:59:59.999Z');
    expect(iso(cal.addWorkingDays(from, 2).due)).toBe('2026-10-09T15:59:59.999Z');
    expect(iso(cal.addWorkingDays(from, 3).due)).toBe('2026-10-10T15:59:59.999Z');
    expect(iso(cal.addWorkingDays(from, 4).due)).toBe('2026-10-12T15:59:59.999Z');
    // Sunday 2026-09-20 is a make-up workday: Saturday Sep 19 + 1 → Sep 20.
    expect(iso(cal.addWorkingDays(cst('2026-09-19T12:00:00'), 1).due)).toBe('2026-09-20T15:59:59.999Z');
    // Mid-Autumn (Fri Sep 25 – Sun Sep 27) is off: Thu Sep 24 + 1 → Mon Sep 28.
    expect(iso(cal.addWorkingDays(cst('2026-09-24T12:00:00'), 1).due)).toBe('2026-09-28T15:59:59.999Z');
  });

  it('Spring Festival 2026', () => {
    const from = cst('2026-02-13T18:00:00'); // Fri
    expect(iso(cal.addWorkingDays(from, 1).due)).toBe('2026-02-14T15:59:59.999Z'); // Sat make-up day
    expect(iso(cal.addWorkingDays(from, 2).due)).toBe('2026-02-24T15:59:59.999Z'); // first day after the break
    expect(cal.addWorkingDays(from, 2).provisional).toBe(false);
  });

  it('unpublished year 2031: Mon–Fri and provisional', () => {
    const r = cal.addWorkingDays(cst('2031-01-03T10:00:00'), 1); // Fri
    expect(iso(r.due)).toBe('2031-01-06T15:59:59.999Z'); // Mon
    expect(r.provisional).toBe(true);
    const r2 = cal.addWorkingDays(cst('2030-12-31T10:00:00'), 5); // Tue; Jan 1 2031 counted as working
    expect(iso(r2.due)).toBe('2031-01-07T15:59:59.999Z');
    expect(r2.provisional).toBe(true);
  });

  it('is provisional only once the walk enters an unpublished year', () => {
    const from = cst('2026-12-30T10:00:00'); // Wed
    const inside = cal.addWorkingDays(from, 1);
    expect(iso(inside.due)).toBe('2026-12-31T15:59:59.999Z');
    expect(inside.provisional).toBe(false);
    const across = cal.addWorkingDays(from, 3); // Thu 31, Fri 2027-01-01 (unpublished → working), Mon 4
    expect(iso(across.due)).toBe('2027-01-04T15:59:59.999Z');
    expect(across.provisional).toBe(true);
  });

  it('uses the supplied data (not a global calendar)', () => {
    const data: CalendarData = {
      days: [
        { date: '2031-01-01', kind: 'holiday', name: '元旦' },
        { date: '2031-01-04', kind: 'workday', name: '元旦' },
      ],
      publishedYears: [2031],
    };
    const custom = new WorkingCalendar(data);
    const r = custom.addWorkingDays(cst('2030-12-31T10:00:00'), 1);
    expect(r.provisional).toBe(false);
    expect(iso(r.due)).toBe('2031-01-02T15:59:59.999Z');
    expect(iso(custom.addWorkingDays(cst('2031-01-03T10:00:00'), 1).due)).toBe('2031-01-04T15:59:59.999Z');
  });

  it('rejects invalid n', () => {
    const from = cst('2026-11-20T10:00:00');
    for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 3661]) {
      expect(() => cal.addWorkingDays(from, n), String(n)).toThrow(RangeError);
    }
    expect(() => cal.addWorkingDays(new Date('garbage'), 1)).toThrow(RangeError);
    expect(cal.addWorkingDays(from, 3660).provisional).toBe(true);
  });

  it('is the inverse of workingDaysBetween', () => {
    const from = cst('2026-09-15T11:00:00');
    for (const n of [0, 1, 5, 17, 120, 300]) {
      expect(cal.workingDaysBetween(from, cal.addWorkingDays(from, n).due), String(n)).toBe(n);
    }
  });
});

describe('workingDaysBetween', () => {
  it('counts working days in (from-day, to-day]', () => {
    expect(cal.workingDaysBetween(cst('2026-11-20T10:00:00'), cst('2026-11-23T09:00:00'))).toBe(1);
    expect(cal.workingDaysBetween(cst('2026-11-20T10:00:00'), cst('2026-11-22T23:00:00'))).toBe(0);
    expect(cal.workingDaysBetween(cst('2026-11-20T10:00:00'), cst('2026-11-27T10:00:00'))).toBe(5);
  });

  it('uses the statutory calendar', () => {
    // Oct 8, 9, 10 (Sat make-up), 12
    expect(cal.workingDaysBetween(cst('2026-09-30T10:00:00'), cst('2026-10-12T10:00:00'))).toBe(4);
    // Feb 14 (Sat), 24, 25, 26, 27, 28 (Sat)
    expect(cal.workingDaysBetween(cst('2026-02-13T10:00:00'), cst('2026-02-28T10:00:00'))).toBe(6);
  });

  it('is 0 when to is not after from (by China day)', () => {
    expect(cal.workingDaysBetween(cst('2026-11-23T10:00:00'), cst('2026-11-20T10:00:00'))).toBe(0);
    expect(cal.workingDaysBetween(cst('2026-11-23T01:00:00'), cst('2026-11-23T23:00:00'))).toBe(0);
    // Different UTC days, same China day.
    expect(cal.workingDaysBetween(new Date('2026-11-22T16:30:00Z'), new Date('2026-11-23T15:00:00Z'))).toBe(0);
  });
});

describe('isOverdue', () => {
  it('is true only strictly after the deadline', () => {
    const due = chinaEndOfDay('2026-11-23');
    expect(cal.isOverdue(due, new Date(due.getTime()))).toBe(false);
    expect(cal.isOverdue(due, new Date(due.getTime() - 60_000))).toBe(false);
    expect(cal.isOverdue(due, new Date(due.getTime() + 1))).toBe(true);
    expect(cal.isOverdue(due, cst('2026-11-24T00:00:00'))).toBe(true);
  });
});

describe('WorkingCalendar construction', () => {
  it('rejects contradictory or malformed data', () => {
    expect(
      () =>
        new WorkingCalendar({
          days: [
            { date: '2026-10-10', kind: 'workday', name: 'x' },
            { date: '2026-10-10', kind: 'holiday', name: 'x' },
          ],
          publishedYears: [2026],
        }),
    ).toThrow();
    expect(() => new WorkingCalendar({ days: [{ date: '2026/10/10', kind: 'holiday', name: 'x' }], publishedYears: [] })).toThrow(
      RangeError,
    );
  });
});
