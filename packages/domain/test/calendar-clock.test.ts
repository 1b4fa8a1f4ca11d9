import { describe, expect, it } from 'vitest';
import { WorkingCalendar, chinaEndOfDay } from '../src/calendar';
import { defaultEscalation } from '../src/policy';
import { clockToReal, clockToVirtual, scheduleOnClock, scheduleStep, type CalendarClock } from '../src/schedule';

// The compressed clock that keeps the calendar (tests of provisional due dates): 2 s per calendar day from
// Saturday 2040-12-29 00:00 China time.
const clock: CalendarClock = { realEpochMs: 1_000_000, virtualEpochMs: Date.parse('2040-12-29T00:00:00+08:00'), daySeconds: 2 };
const unpublished2041 = new WorkingCalendar({ days: [], publishedYears: [2040] });
const published2041 = new WorkingCalendar({ days: ['01', '02', '03'].map((d) => ({ date: `2041-01-${d}`, kind: 'holiday' as const, name: '元旦' })), publishedYears: [2040, 2041] });

describe('calendar clock', () => {
  it('maps real time to calendar time and back, one calendar day per daySeconds', () => {
    expect(clockToVirtual(clock, 1_000_000 + 2_000).toISOString()).toBe(new Date('2040-12-30T00:00:00+08:00').toISOString());
    expect(clockToReal(clock, new Date('2041-01-01T12:00:00+08:00')).getTime()).toBe(1_000_000 + 3.5 * 2_000);
  });

  it('computes a schedule on the calendar and answers real instants; the published year moves it', () => {
    const openedAt = new Date(1_000_000 + 1_000); // Saturday noon
    const step = (calendar: WorkingCalendar) => scheduleOnClock(clock, openedAt, (o) => scheduleStep({ openedAt: o, workingDays: 5, escalation: defaultEscalation, levels: 1, calendar }));
    const before = step(unpublished2041);
    expect(before).toMatchObject({ dueAt: clockToReal(clock, chinaEndOfDay('2041-01-04')), provisional: true });
    const after = step(published2041);
    expect(after).toMatchObject({ dueAt: clockToReal(clock, chinaEndOfDay('2041-01-09')), remindAt: clockToReal(clock, chinaEndOfDay('2041-01-08')), provisional: false });
    // Without a clock, the same computation in real time.
    expect(scheduleOnClock(undefined, new Date('2040-12-29T12:00:00+08:00'), (o) => scheduleStep({ openedAt: o, workingDays: 5, escalation: defaultEscalation, levels: 1, calendar: published2041 })).dueAt).toEqual(chinaEndOfDay('2041-01-09'));
  });
});
