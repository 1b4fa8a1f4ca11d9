// Unpublished calendar years: GET /api/calendar/coverage says which years the State Council's holidays are
// entered for and warns security administrators and supervisors when open tasks fall due in a year that is not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthUser } from '@dj/service-kit';
import { calendarWarnings } from '../../services/cases/src/calendar-routes';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

// A year no other test file enters or gives due dates in (the database is shared by the run's test files).
const YEAR = 2033;
const HOLIDAY = new Date(`${YEAR}-01-03T00:00:00Z`); // a Monday
let f: Fixture;
const tokens: Record<string, string> = {};
const moved: { id: string; dueAt: Date }[] = [];

beforeAll(async () => {
  f = await startServices();
  for (const u of ['security', 'wang.shuji', 'zhang.zhibu', 'sun.zhibu', 'zhao.xianwei']) tokens[u] = await f.login(u);
});
afterAll(async () => {
  for (const t of moved) await f?.db.task.update({ where: { id: t.id }, data: { dueAt: t.dueAt } });
  await f?.db.calendarYear.deleteMany({ where: { year: YEAR } });
  await f?.db.calendarDayChange.deleteMany({ where: { date: HOLIDAY } });
  await f?.db.calendarDay.deleteMany({ where: { date: HOLIDAY } });
  await f?.close();
});

type Coverage = { publishedYears: number[]; warnings: { year: number; openTasks: number; openTasksCapped: boolean; message: string }[] };
const coverage = async (user: string) => {
  const res = await f.cases.inject({ method: 'GET', url: '/api/calendar/coverage', headers: bearer(tokens[user]!) });
  expect(res.statusCode, res.body).toBe(200);
  return body<Coverage>(res);
};

/** Opens a 请示报告 and moves its open task's due date into YEAR (as if its limit ran into that year). */
async function taskDueIn(user: string, orgId: string): Promise<void> {
  const res = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens[user]!), payload: { type: 'request-report', orgId, input: { title: '关于日历的请示', body: '正文' } } });
  expect(res.statusCode).toBe(201);
  const id = body<{ openTasks: { id: string }[] }>(res).openTasks[0]!.id;
  const task = await f.db.task.findUniqueOrThrow({ where: { id } });
  moved.push({ id, dueAt: task.dueAt });
  // 1 January, 00:30 China time: the first minutes of the year count in it.
  await f.db.task.update({ where: { id }, data: { dueAt: new Date(`${YEAR}-01-01T00:30:00+08:00`) } });
}

describe('calendar coverage', () => {
  it('warns security administrators and supervisors, within their subtree, of open tasks due in a year whose holidays are not entered', async () => {
    await f.db.calendarYear.deleteMany({ where: { year: YEAR } });
    await taskDueIn('zhang.zhibu', 'branch-a1-1'); // 东湖镇
    await taskDueIn('sun.zhibu', 'branch-a2-1'); // 西山镇

    const admin = await coverage('security');
    expect(admin.publishedYears).toContain(2026); // the seeded calendar
    expect(admin.publishedYears).not.toContain(YEAR);
    const warning = admin.warnings.find((w) => w.year === YEAR);
    expect(warning).toMatchObject({ openTasks: 2, openTasksCapped: false });
    expect(warning!.message).toBe(`${YEAR}年节假日安排尚未录入：已有2项待办的办理期限落在${YEAR}年，期限按周末推算，元旦、春节、清明等可能被算作工作日。请在「时限与日历」按国务院办公厅发布的${YEAR}年部分节假日安排录入。`);

    // 东湖镇's secretary counts the tasks of his township only; a branch secretary gets no warnings.
    expect((await coverage('wang.shuji')).warnings.find((w) => w.year === YEAR)).toMatchObject({ openTasks: 1 });
    const official = await coverage('zhang.zhibu');
    expect(official.warnings).toEqual([]);
    expect(official.publishedYears).toEqual(admin.publishedYears);
    expect((await f.cases.inject({ method: 'GET', url: '/api/calendar/coverage' })).statusCode).toBe(401);

    // Entered in the console day by day, then confirmed with its source: the warning goes.
    const put = (user: string, url: string, payload: object) => f.cases.inject({ method: 'PUT', url, headers: bearer(tokens[user]!), payload });
    const confirm = (user: string) => put(user, `/api/calendar/years/${YEAR}/published`, { source: `国务院办公厅关于${YEAR}年部分节假日安排的通知` });
    const empty = await confirm('security');
    expect(empty.statusCode).toBe(400);
    expect(body<{ code: string; message: string }>(empty)).toMatchObject({ code: 'CALENDAR_YEAR_EMPTY', message: expect.stringContaining('请先在日历上录入元旦、春节等节假日') });
    expect((await put('security', `/api/calendar/years/${YEAR}/published`, { source: ' ' })).statusCode).toBe(400);
    expect((await put('security', `/api/calendar/days/${YEAR}-01-03`, { kind: 'holiday', name: '元旦', reason: '国务院办公厅通知' })).statusCode).toBe(200);
    const entered = body<{ published: boolean; days: unknown[] }>(await f.cases.inject({ method: 'GET', url: `/api/calendar/years/${YEAR}`, headers: bearer(tokens['zhang.zhibu']!) }));
    expect(entered).toMatchObject({ published: false, days: [{ date: `${YEAR}-01-03`, kind: 'holiday', name: '元旦' }] });
    expect((await coverage('security')).warnings.map((w) => w.year)).toContain(YEAR); // not confirmed yet
    for (const user of ['zhao.xianwei', 'wang.shuji']) expect((await confirm(user)).statusCode).toBe(403); // national: root security administrators only
    expect((await confirm('security')).statusCode).toBe(200);
    expect(body<{ published: boolean; source: string }>(await f.cases.inject({ method: 'GET', url: `/api/calendar/years/${YEAR}`, headers: bearer(tokens['zhang.zhibu']!) }))).toMatchObject({ published: true, source: `国务院办公厅关于${YEAR}年部分节假日安排的通知` });
    const after = await coverage('security');
    expect(after.publishedYears).toContain(YEAR);
    expect(after.warnings.map((w) => w.year)).not.toContain(YEAR);
  });

  it('warns of the current year always and of next year from 1 November, even before any task falls due in it', async () => {
    const admin: AuthUser = { id: '00000000-0000-0000-0000-000000000000', username: 'admin', displayName: '管理员', memberships: [{ orgId: 'city', orgPath: '/city/', role: 'admin', orgType: 'city', orgName: '市委' }] };
    const allBut = (...missing: number[]) => new Set(Array.from({ length: 200 }, (_, i) => 1950 + i).filter((y) => !missing.includes(y)));
    // 31 October 2040 China time (16:00 UTC is already 1 November there).
    expect(await calendarWarnings(f.db, admin, allBut(2041), new Date('2040-10-31T15:59:00Z'))).toEqual([]);
    const november = await calendarWarnings(f.db, admin, allBut(2041), new Date('2040-10-31T16:00:00Z'));
    expect(november).toEqual([expect.objectContaining({ year: 2041, openTasks: 0 })]);
    expect(november[0]!.message).toBe('2041年节假日安排尚未录入：期限按周末推算，元旦、春节、清明等可能被算作工作日。请在「时限与日历」按国务院办公厅发布的2041年部分节假日安排录入。');
    expect((await calendarWarnings(f.db, admin, allBut(2040), new Date('2040-03-01T00:00:00Z'))).map((w) => w.year)).toEqual([2040]);
    // A year without tasks that is neither this year nor next is not worth a warning.
    expect(await calendarWarnings(f.db, admin, allBut(2043), new Date('2040-12-01T00:00:00Z'))).toEqual([]);
  });
});
