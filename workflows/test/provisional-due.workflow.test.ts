// Provisional due dates (issue 16): a step whose due date was computed across a year without its holidays
// is rescheduled when the year is published — the `calendarPublished` signal, the rescheduleTask activity,
// the timers restarted with the new instants (step-timers.ts).
//
// Time runs on a CalendarClock that keeps the calendar: one calendar day lasts 3 s, starting on Saturday
// 2040-12-29 00:00 China time (a weekend: the cases may open any time in its 6 s with the same due dates), with 2040 published (no holidays in late December) and 2041 not (years no
// other test file uses).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { calendarPublishedSignal } from '@dj/process-api';
import { chinaEndOfDay, clockToReal, type CalendarClock } from '@dj/domain';
import { verifyCaseRecord } from '@dj/db';
import { actAndWait, captureHistory, startHarness, until, type Harness } from './harness';

const YEAR = 2041;
const DAY_SECONDS = 3;
const clock: CalendarClock = { realEpochMs: Date.now(), virtualEpochMs: Date.parse('2040-12-29T00:00:30+08:00'), daySeconds: DAY_SECONDS };
/** The real instant of the end of a China day on the clock. */
const endOf = (date: string) => clockToReal(clock, chinaEndOfDay(date)).getTime();
const yearDays = { date: { gte: new Date(`${YEAR}-01-01`), lt: new Date(`${YEAR + 1}-01-01`) } };

let h: Harness;
let escalationBefore: unknown;
beforeAll(async () => {
  h = await startHarness({ calendarClock: clock });
  await h.db.calendarYear.deleteMany({ where: { year: YEAR } });
  await h.db.calendarDay.deleteMany({ where: yearDays });
  await h.db.calendarYear.upsert({ where: { year: YEAR - 1 }, create: { year: YEAR - 1, source: 'test' }, update: {} });
  escalationBefore = (await h.db.policy.findUnique({ where: { key: 'escalation.default' } }))?.value;
});
afterAll(async () => {
  await h?.db.calendarYear.deleteMany({ where: { year: { in: [YEAR - 1, YEAR] } } });
  await h?.db.calendarDay.deleteMany({ where: yearDays });
  await h?.close();
});

async function setReminderLead(days: number | undefined) {
  if (days === undefined) {
    if (escalationBefore === undefined) await h.db.policy.deleteMany({ where: { key: 'escalation.default' } });
    else await h.db.policy.update({ where: { key: 'escalation.default' }, data: { value: escalationBefore as object } });
    return;
  }
  const value = { reminderLeadWorkingDays: days, rungIntervalWorkingDays: 3, maxLevels: 2 };
  await h.db.policy.upsert({ where: { key: 'escalation.default' }, create: { key: 'escalation.default', value }, update: { value } });
}

it('a provisional due date moves when its year is published; the reminder and the 督办 follow the new instants, a reminder already sent is not sent again', async () => {
  clock.realEpochMs = Date.now();
  // B is reminded 4 working days before its due date (after one working day: Monday 31 December), A one day before.
  await setReminderLead(4);
  const b = await h.startRequest('关于年底走访慰问困难党员的请示', '拟于元旦前走访慰问。');
  await setReminderLead(undefined);
  const a = await h.startRequest('关于召开年度组织生活会的请示', '拟于一月上旬召开。');
  const aTask = a.snapshot.openTasks[0]!.id;
  const bTask = b.snapshot.openTasks[0]!.id;

  // Both opened on the weekend of 29–30 December; 5 working days counted on weekdays only across unpublished
  // 2041: 31 Dec, 1, 2, 3, 4 Jan → due at the end of Friday 4 January, provisional.
  for (const id of [aTask, bTask]) {
    expect(await h.db.task.findUniqueOrThrow({ where: { id } })).toMatchObject({ dueAt: new Date(endOf('2041-01-04')), dueProvisional: true });
  }

  // B's reminder goes at the end of Monday 31 December, before the year is published.
  const bReminded = await until(() => h.db.caseEvent.findFirst({ where: { taskId: bTask, type: 'task.reminded' } }), 30_000);
  expect(bReminded.at.getTime()).toBeGreaterThanOrEqual(endOf('2040-12-31') - 300);
  expect(await h.db.caseEvent.count({ where: { taskId: aTask, type: 'task.reminded' } })).toBe(0);

  // The State Council publishes 2041: 元旦 1–3 January. (What PUT /api/calendar/years/:year writes, then the signal the cases service sends.)
  await h.db.calendarDay.createMany({ data: ['01', '02', '03'].map((d) => ({ date: new Date(`${YEAR}-01-${d}T00:00:00Z`), kind: 'holiday', name: '元旦' })) });
  await h.db.calendarYear.create({ data: { year: YEAR, source: `国务院办公厅关于${YEAR}年部分节假日安排的通知` } });
  for (const { handle } of [a, b]) await handle.signal(calendarPublishedSignal, { year: YEAR });

  // 31 Dec, 4, 7, 8, 9 Jan → due at the end of Wednesday 9 January, no longer provisional.
  const newDue = endOf('2041-01-09');
  for (const id of [aTask, bTask]) {
    const event = await until(() => h.db.caseEvent.findFirst({ where: { taskId: id, type: 'task.rescheduled' } }));
    expect(event.data).toMatchObject({ fromDueAt: new Date(endOf('2041-01-04')).toISOString(), dueAt: new Date(newDue).toISOString(), provisional: false });
    expect(await h.db.task.findUniqueOrThrow({ where: { id } })).toMatchObject({ dueAt: new Date(newDue), dueProvisional: false, overdue: false });
  }

  // A is reminded one working day before its new due date (end of Tuesday 8 January), not at the old instant (end of 3 January).
  const aReminded = await until(() => h.db.caseEvent.findFirst({ where: { taskId: aTask, type: 'task.reminded' } }), 60_000);
  expect(aReminded.at.getTime()).toBeGreaterThanOrEqual(endOf('2041-01-08') - 300);

  // B is not reminded again; its 督办 goes at the new due date, not the old one.
  const bEscalated = await until(() => h.db.caseEvent.findFirst({ where: { taskId: bTask, type: 'task.escalated' }, orderBy: { seq: 'asc' } }), 30_000);
  expect(bEscalated.at.getTime()).toBeGreaterThanOrEqual(newDue - 300);
  expect(bEscalated.data).toMatchObject({ level: 1, dueAt: new Date(newDue).toISOString() });
  expect(await h.db.caseEvent.count({ where: { taskId: bTask, type: 'task.reminded' } })).toBe(1);
  expect(await h.db.notification.count({ where: { taskId: bTask, kind: 'task.reminder' } })).toBe(1);
  // Neither step was marked overdue at the old due date.
  expect(await h.db.caseEvent.count({ where: { taskId: { in: [aTask, bTask] }, type: 'task.escalated', at: { lt: new Date(newDue - 300) } } })).toBe(0);

  const li = await h.actor('li.zuzhi');
  for (const [{ handle, caseId }, taskId] of [[a, aTask], [b, bTask]] as const) {
    await actAndWait(handle, { taskId, actor: li, action: 'approve', form: {} });
    await handle.result();
    expect((await verifyCaseRecord(h.db, caseId)).valid).toBe(true);
  }
  await captureHistory(a.handle, 'request-report-provisional-rescheduled');
  await captureHistory(b.handle, 'request-report-provisional-reminded-rescheduled-escalated');
}, 120_000);
