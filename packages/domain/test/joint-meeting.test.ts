import { describe, expect, it } from 'vitest';
import { decisionLate, meetingDeadline, nextQuarter, quarterAt, quarterByLabel, quarterReportFigures, scheduleStepUntil, WorkingCalendar, defaultEscalation } from '../src/index';

const china = (iso: string) => Date.parse(`${iso}+08:00`);

describe('quarters', () => {
  it('are calendar quarters in China time', () => {
    expect(quarterAt(china('2026-10-01T00:00:00'))).toEqual({ label: '2026Q4', startsAt: china('2026-10-01T00:00:00'), endsAt: china('2027-01-01T00:00:00') });
    // 23:59 China time on 30 September is still Q3 although it is 15:59 UTC.
    expect(quarterAt(china('2026-09-30T23:59:00')).label).toBe('2026Q3');
    expect(quarterAt(china('2026-01-01T00:00:00')).label).toBe('2026Q1');
    expect(quarterAt(china('2026-12-31T23:59:59')).label).toBe('2026Q4');
  });

  it('round-trip through their labels, and follow each other', () => {
    for (const label of ['2025Q1', '2026Q2', '2026Q4']) expect(quarterByLabel(label)!.label).toBe(label);
    expect(nextQuarter(quarterByLabel('2026Q4')!).label).toBe('2027Q1');
    expect(quarterByLabel('2026Q5')).toBeUndefined();
    expect(quarterByLabel('T12')).toBeUndefined();
  });

  it('compress to fixed periods labelled T<n> for tests and demos', () => {
    expect(quarterAt(125_000, 60)).toEqual({ label: 'T2', startsAt: 120_000, endsAt: 180_000 });
    expect(quarterByLabel('T2', 60)).toEqual(quarterAt(125_000, 60));
    expect(quarterByLabel('2026Q1', 60)).toBeUndefined();
  });

  it('give a late-run (backfilled) quarter a full quarter to hold its meeting', () => {
    const q = quarterByLabel('2026Q3')!;
    expect(meetingDeadline(q, q.startsAt + 1000)).toBe(q.endsAt);
    const now = q.endsAt + 5 * 86_400_000;
    expect(meetingDeadline(q, now)).toBe(now + (q.endsAt - q.startsAt));
  });
});

describe('report figures', () => {
  it('count attendance, decisions done on time / late / open', () => {
    const now = 10_000;
    const figures = quarterReportFigures({
      meetings: [
        { held: true, attendance: [{ present: true }, { present: true }, { present: false }] },
        { held: false, attendance: [] },
      ],
      decisions: [
        { status: 'done', dueAt: 5000, reportedAt: 4000, doneAt: 6000 }, // reported in time, confirmed after: on time
        { status: 'done', dueAt: 5000, reportedAt: 7000, doneAt: 7500 },
        { status: 'open', dueAt: 5000 },
        { status: 'reported', dueAt: 20_000, reportedAt: 9000 },
        { status: 'dropped', dueAt: 1000 },
      ],
      now,
    });
    expect(figures).toEqual({ held: true, attendanceRate: 0.667, decisions: 5, doneOnTime: 1, doneLate: 1, open: 2, openOverdue: 1, dropped: 1 });
  });

  it('have no attendance rate without a meeting', () => {
    expect(quarterReportFigures({ meetings: [{ held: false, attendance: [] }], decisions: [], now: 0 })).toMatchObject({ held: false, attendanceRate: null, decisions: 0 });
    expect(decisionLate({ status: 'open', dueAt: 5 }, 4)).toBe(false);
  });
});

describe('a step due at a fixed date', () => {
  it('reminds before and escalates from the due date (compressed time)', () => {
    const s = scheduleStepUntil({ openedAt: new Date(0), dueAt: new Date(10_000), escalation: defaultEscalation, levels: 2, calendar: new WorkingCalendar({ days: [], publishedYears: [] }), workingDaySeconds: 1 });
    expect(s.remindAt.getTime()).toBe(9000);
    expect(s.rungAt.map((d) => d.getTime())).toEqual([10_000, 13_000]);
  });
});
