// Provisional due dates (issue 16): publishing a calendar year answers at once with how many open steps it
// reschedules; their cases recompute the due dates in the background (the task row and the record show it).
//
// The worker runs on a compressed clock that keeps the calendar (one calendar day lasts 10 minutes, so no
// reminder fires during the test): cases open on a weekend at the end of a year that is published, their
// 5-working-day limit running into the next, unpublished one. Years no other test file uses.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCasesApp } from '@dj/cases';
import { captureLogs } from '../src/log-capture';
import { bearer, body, startServices, type CalendarClock, type Fixture } from '../src/service-fixture';
import { until } from '../../workflows/test/harness';

const DAY_SECONDS = 600;
const clock: CalendarClock = { realEpochMs: Date.now(), virtualEpochMs: 0, daySeconds: DAY_SECONDS };
const YEARS = [2042, 2043, 2044];
const yearRange = (from: number, to: number) => ({ date: { gte: new Date(`${from}-01-01`), lt: new Date(`${to + 1}-01-01`) } });
let f: Fixture;
let cases: FastifyInstance;
const logs = captureLogs();
const tokens: Record<string, string> = {};

/** Real time from now on stands for China time from `at` (e.g. a Saturday at the end of a year). */
function startClockAt(at: string) {
  clock.realEpochMs = Date.now();
  clock.virtualEpochMs = Date.parse(at);
}
/** The real instant of the end of a China day on the clock. */
const endOf = (date: string) => new Date(Math.round(clock.realEpochMs + ((Date.parse(`${date}T23:59:59.999+08:00`) - clock.virtualEpochMs) * DAY_SECONDS) / 86_400));

beforeAll(async () => {
  f = await startServices({ calendarClock: clock });
  cases = await buildCasesApp({ ...f.deps, logger: { level: 'info', stream: logs.stream } });
  for (const u of ['security', 'zhang.zhibu']) tokens[u] = await f.login(u);
  await f.db.calendarYear.deleteMany({ where: { year: { in: YEARS } } });
  await f.db.calendarDayChange.deleteMany({ where: yearRange(2042, 2044) });
  await f.db.calendarDay.deleteMany({ where: yearRange(2042, 2044) });
  await f.db.calendarYear.create({ data: { year: 2042, source: 'test' } });
});
afterAll(async () => {
  await f?.db.calendarYear.deleteMany({ where: { year: { in: YEARS } } });
  await f?.db.calendarDayChange.deleteMany({ where: yearRange(2042, 2044) });
  await f?.db.calendarDay.deleteMany({ where: yearRange(2042, 2044) });
  await cases?.close();
  await f?.close();
});

const put = (url: string, payload: Record<string, unknown>, user = 'security') => cases.inject({ method: 'PUT', url, headers: bearer(tokens[user]!), payload });

async function openRequest(): Promise<{ caseId: string; taskId: string }> {
  const res = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens['zhang.zhibu']!), payload: { type: 'request-report', orgId: 'branch-a1-1', input: { title: '关于元旦走访慰问的请示', body: '拟于元旦前后走访慰问老党员。' } } });
  expect(res.statusCode, res.body).toBe(201);
  const c = body<{ caseId: string; openTasks: { id: string }[] }>(res);
  return { caseId: c.caseId, taskId: c.openTasks[0]!.id };
}

type RecordEvent = { type: string; taskId?: string; data: Record<string, unknown> };
async function rescheduledEvent(caseId: string, taskId: string): Promise<RecordEvent | undefined> {
  const res = await f.cases.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: bearer(tokens['zhang.zhibu']!) });
  expect(res.statusCode).toBe(200);
  return body<{ record: RecordEvent[] }>(res).record.find((e) => e.type === 'task.rescheduled' && e.taskId === taskId);
}

describe('publishing a calendar year reschedules provisional due dates', () => {
  it('days entered one by one, then PUT /api/calendar/years/:year/published: the answer counts the steps, the task row and the record follow', async () => {
    // Saturday 27 December 2042: 5 working days on weekdays only → 29, 30, 31 Dec, 1, 2 Jan 2043.
    startClockAt('2042-12-27T08:00:00+08:00');
    const { caseId, taskId } = await openRequest();
    const before = await f.db.task.findUniqueOrThrow({ where: { id: taskId } });
    expect(before).toMatchObject({ dueAt: endOf('2043-01-02'), dueProvisional: true });

    expect((await put('/api/calendar/days/2043-01-01', { kind: 'holiday', name: '元旦', reason: '国务院办公厅通知' })).statusCode).toBe(200);
    // Not for anyone but the security administrator of the root: nothing changes.
    expect((await put('/api/calendar/years/2043/published', { source: '国务院办公厅关于2043年部分节假日安排的通知' }, 'zhang.zhibu')).statusCode).toBe(403);
    expect((await f.db.task.findUniqueOrThrow({ where: { id: taskId } })).dueProvisional).toBe(true);

    const from = logs.lines.length;
    const res = await put('/api/calendar/years/2043/published', { source: '国务院办公厅关于2043年部分节假日安排的通知' });
    expect(res.statusCode, res.body).toBe(200);
    expect(body(res)).toMatchObject({ year: 2043, holidays: 1, rescheduled: 1 });

    // 29, 30, 31 Dec, 2, 5 Jan: due at the end of Monday 5 January, no longer provisional.
    const after = await until(async () => {
      const t = await f.db.task.findUniqueOrThrow({ where: { id: taskId } });
      return t.dueProvisional ? undefined : t;
    });
    expect(after).toMatchObject({ status: 'open', dueAt: endOf('2043-01-05'), dueProvisional: false, overdue: false });
    const event = await until(() => rescheduledEvent(caseId, taskId));
    expect(event.data).toMatchObject({ fromDueAt: endOf('2043-01-02').toISOString(), dueAt: endOf('2043-01-05').toISOString(), provisional: false, reason: 'calendar-published' });
    const logged = await until(async () => logs.entries(from).find((l) => l.event === 'calendar.rescheduled'));
    expect(logged).toMatchObject({ year: 2043, tasks: 1, cases: 1, failed: 0 });

    // Published again: nothing provisional is left in it.
    expect(body(await put('/api/calendar/years/2043/published', { source: '国务院办公厅关于2043年部分节假日安排的通知' }))).toMatchObject({ rescheduled: 0 });
  });

  it('PUT /api/calendar/years/:year (the whole year replaced) does the same', async () => {
    // Saturday 26 December 2043 (2043 is published now): 28, 29, 30, 31 Dec, 1 Jan 2044 (a Friday).
    startClockAt('2043-12-26T08:00:00+08:00');
    const { caseId, taskId } = await openRequest();
    expect(await f.db.task.findUniqueOrThrow({ where: { id: taskId } })).toMatchObject({ dueAt: endOf('2044-01-01'), dueProvisional: true });

    const res = await put('/api/calendar/years/2044', { source: '国务院办公厅关于2044年部分节假日安排的通知', days: [{ date: '2044-01-01', kind: 'holiday', name: '元旦' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(body(res)).toMatchObject({ year: 2044, days: 1, rescheduled: 1 });

    // 28, 29, 30, 31 Dec, 4 Jan: due at the end of Monday 4 January.
    const event = await until(() => rescheduledEvent(caseId, taskId));
    expect(event.data).toMatchObject({ fromDueAt: endOf('2044-01-01').toISOString(), dueAt: endOf('2044-01-04').toISOString(), provisional: false });
    expect(await f.db.task.findUniqueOrThrow({ where: { id: taskId } })).toMatchObject({ dueAt: endOf('2044-01-04'), dueProvisional: false });
  });
});
