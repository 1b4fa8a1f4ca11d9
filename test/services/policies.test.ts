import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCasesApp } from '@dj/cases';
import type { Prisma } from '@dj/db';
import { captureLogs } from '../src/log-capture';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

/** The fixture's compressed time: one working day per hour. */
const WDS = 3600;
const KEY = 'duration.request-report.township-review';
let f: Fixture;
let cases: FastifyInstance;
const logs = captureLogs();
const tokens: Record<string, string> = {};
let original: Prisma.JsonValue;

beforeAll(async () => {
  f = await startServices({ workingDaySeconds: WDS });
  cases = await buildCasesApp({ ...f.deps, workingDaySeconds: WDS, logger: { level: 'info', stream: logs.stream } });
  for (const u of ['security', 'zhao.xianwei', 'zhang.zhibu']) tokens[u] = await f.login(u);
  original = (await f.db.policy.findUniqueOrThrow({ where: { key: KEY } })).value;
});
afterAll(async () => {
  // The database is shared by the run's test files: leave the policy and calendar as they were.
  await f?.db.policy.update({ where: { key: KEY }, data: { value: original as Prisma.InputJsonValue } });
  await f?.db.calendarDay.deleteMany({ where: { date: new Date('2031-05-10T00:00:00Z') } });
  await cases?.close();
  await f?.close();
});

const put = (user: string, key: string, payload: unknown) => cases.inject({ method: 'PUT', url: `/api/policies/${key}`, headers: bearer(tokens[user]!), payload: payload as object });
type Policy = { key: string; name: string; value: unknown; schema: { type: string; properties?: Record<string, unknown> }; updatedAt: string | null; updatedBy: string | null };

async function submit() {
  const res = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens['zhang.zhibu']!), payload: { type: 'request-report', orgId: 'branch-a1-1', input: { title: '关于时限的请示', body: '正文' } } });
  expect(res.statusCode).toBe(201);
  const s = body<{ openTasks: { id: string }[] }>(res);
  return f.db.task.findUniqueOrThrow({ where: { id: s.openTasks[0]!.id } });
}

describe('policies', () => {
  it('lists every policy with its value, name and JSON Schema (root security administrators only)', async () => {
    const res = await cases.inject({ method: 'GET', url: '/api/policies', headers: bearer(tokens.security!) });
    expect(res.statusCode).toBe(200);
    const items = body<{ items: Policy[] }>(res).items;
    const keys = items.map((p) => p.key);
    expect(keys).toEqual(expect.arrayContaining([KEY, 'escalation.default', 'secretary.negative-list', 'secretary.election']));
    const review = items.find((p) => p.key === KEY)!;
    expect(review).toMatchObject({ name: '办理时限：请示报告审批·乡镇党委审核', value: { workingDays: 5 } });
    expect(review.schema).toMatchObject({ type: 'object', required: ['workingDays'], additionalProperties: false });
    expect(items.find((p) => p.key === 'secretary.negative-list')!.schema.type).toBe('array');
    for (const user of ['zhao.xianwei', 'zhang.zhibu']) expect((await cases.inject({ method: 'GET', url: '/api/policies', headers: bearer(tokens[user]!) })).statusCode).toBe(403);
    expect((await put('zhao.xianwei', KEY, { value: { workingDays: 6 }, reason: '试试' })).statusCode).toBe(403);
  });

  it('refuses values that break the schema or the rule with 400 INVALID_POLICY, changing nothing', async () => {
    const before = await f.db.policyChange.count();
    const bad: [string, unknown][] = [
      [KEY, { workingDays: 0 }],
      [KEY, { workingDays: '5' }],
      [KEY, { workingDays: 5, extra: 1 }],
      [KEY, 5],
      ['escalation.default', { reminderLeadWorkingDays: 1, rungIntervalWorkingDays: 0, maxLevels: 2 }],
      ['secretary.election', { quorumNumerator: 5, quorumDenominator: 4, passNumerator: 1, passDenominator: 2 }],
      ['secretary.negative-list', [{ id: 'x', label: '年龄', kind: 'max-age', years: 'old' }]],
      ['secretary.negative-list', [{ id: 'a', label: '一', kind: 'max-age', years: 60 }, { id: 'a', label: '二', kind: 'max-age', years: 50 }]],
    ];
    for (const [key, value] of bad) {
      const res = await put('security', key, { value, reason: '调整' });
      expect(res.statusCode, JSON.stringify(value)).toBe(400);
      const err = body<{ code: string; message: string }>(res);
      expect(err.code).toBe('INVALID_POLICY');
      expect(err.message).toContain('策略取值不合法 / Invalid policy value');
    }
    expect((await put('security', KEY, { value: { workingDays: 6 } })).statusCode).toBe(400); // no reason
    expect((await put('security', 'duration.nothing.here', { value: { workingDays: 6 }, reason: '调整' })).statusCode).toBe(404);
    // A policy no definition describes yet is listed read-only and cannot be changed.
    await f.db.policy.create({ data: { key: 'test.undescribed', value: { x: 1 } } });
    try {
      const listed = body<{ items: (Policy & { editable: boolean })[] }>(await cases.inject({ method: 'GET', url: '/api/policies', headers: bearer(tokens.security!) })).items;
      expect(listed.find((p) => p.key === 'test.undescribed')).toMatchObject({ name: 'test.undescribed', value: { x: 1 }, schema: null, editable: false });
      expect(listed.filter((p) => p.key !== 'test.undescribed').every((p) => p.editable)).toBe(true);
      const refused = await put('security', 'test.undescribed', { value: { x: 2 }, reason: '调整' });
      expect(refused.statusCode).toBe(400);
      expect(body(refused)).toMatchObject({ code: 'INVALID_POLICY' });
    } finally {
      await f.db.policy.delete({ where: { key: 'test.undescribed' } });
    }
    expect((await put('security', 'no-such-policy', { value: 1, reason: '调整' })).statusCode).toBe(404);
    expect(await f.db.policyChange.count()).toBe(before);
    expect((await f.db.policy.findUniqueOrThrow({ where: { key: KEY } })).value).toEqual(original);
  });

  it('a change is recorded with the previous value and applies to steps opened afterwards, not to open ones', async () => {
    const earlier = await submit();
    expect(earlier.dueAt.getTime() - earlier.openedAt.getTime()).toBe(5 * WDS * 1000);

    const res = await put('security', KEY, { value: { workingDays: 7 }, reason: '乡镇审核任务较重，延长时限' });
    expect(res.statusCode, res.body).toBe(200);
    expect(body<Policy>(res)).toMatchObject({ key: KEY, value: { workingDays: 7 }, updatedBy: '安全管理员' });
    const logged = logs.entries().find((l) => l.event === 'policy.changed');
    expect(logged).toMatchObject({ key: KEY });

    const later = await submit();
    expect(later.dueAt.getTime() - later.openedAt.getTime()).toBe(7 * WDS * 1000);
    expect((await f.db.task.findUniqueOrThrow({ where: { id: earlier.id } })).dueAt).toEqual(earlier.dueAt);

    const history = await cases.inject({ method: 'GET', url: `/api/policies/${KEY}/history`, headers: bearer(tokens.security!) });
    expect(history.statusCode).toBe(200);
    expect(body<{ items: unknown[] }>(history).items[0]).toMatchObject({ value: { workingDays: 7 }, previous: { workingDays: 5 }, reason: '乡镇审核任务较重，延长时限', changedBy: '安全管理员' });
  });

  it('a calendar day is changed by a root security administrator with a reason, recorded with what it was', async () => {
    const date = '2031-05-10'; // a Saturday
    const res = await cases.inject({ method: 'PUT', url: `/api/calendar/days/${date}`, headers: bearer(tokens.security!), payload: { kind: 'workday', reason: '调休补班' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(body(res)).toEqual({ date, kind: 'workday', name: '调休上班', previous: null });
    expect(await f.db.calendarDay.findUnique({ where: { date: new Date(`${date}T00:00:00Z`) } })).toMatchObject({ kind: 'workday' });
    const again = await cases.inject({ method: 'PUT', url: `/api/calendar/days/${date}`, headers: bearer(tokens.security!), payload: { kind: 'workday', name: '补班', reason: '改名' } });
    expect(body(again)).toMatchObject({ previous: { kind: 'workday', name: '调休上班' } });
    expect(await f.db.calendarDayChange.count({ where: { date: new Date(`${date}T00:00:00Z`) } })).toBe(2);
    const refused: [string, string, object][] = [
      ['zhao.xianwei', date, { kind: 'holiday', reason: '放假' }],
      ['security', '2031-05-12', { kind: 'workday', reason: '周一不能调休' }],
      ['security', '2031-02-30', { kind: 'holiday', reason: '无此日' }],
      ['security', date, { kind: 'holiday' }],
    ];
    for (const [user, day, payload] of refused) {
      const r = await cases.inject({ method: 'PUT', url: `/api/calendar/days/${day}`, headers: bearer(tokens[user]!), payload });
      expect(r.statusCode, `${user} ${day}`).toBe(user === 'security' ? 400 : 403);
    }
    expect(await f.db.calendarDayChange.count({ where: { date: new Date(`${date}T00:00:00Z`) } })).toBe(2);
  });
});
