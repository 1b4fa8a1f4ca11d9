/**
 * The organization tree over HTTP (issue 13): administrators create, rename, move and dissolve units
 * of their own subtree; a moved village keeps its cases, whose paths, inbox rows, board, stage and
 * daily counters follow it; another county's administrator gets 404 and changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../src/log-capture';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';
import { buildIdentityApp } from '@dj/identity';
import type { FastifyInstance } from 'fastify';

let f: Fixture;
let identity: FastifyInstance;
const logs = captureLogs();
const tokens: Record<string, string> = {};
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const P = `h${randomUUID().slice(0, 6)}`;
const V = `${P}-village`;
const B = `${P}-branch`;

async function addUser(username: string, memberships: { orgId: string; role: string }[]) {
  tokens[username] = await f.addUser(username, username, memberships);
}

const call = (user: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  identity.inject({ method, url, headers: { ...bearer(tokens[user]!), 'x-forwarded-for': '203.0.113.9' }, ...(payload ? { payload } : {}) });

/** The board, stage and daily roll-ups of one organization, summed over shards. */
async function rollups(orgId: string) {
  const [board] = await f.db.$queryRaw<{ open: number }[]>`SELECT COALESCE(sum(open_cases), 0)::int AS open FROM org_board WHERE org_id = ${orgId}`;
  const [stages] = await f.db.$queryRaw<{ open: number }[]>`SELECT COALESCE(sum(open_cases), 0)::int AS open FROM org_stage_count WHERE org_id = ${orgId}`;
  const [daily] = await f.db.$queryRaw<{ opened: number; steps: number }[]>`SELECT COALESCE(sum(opened), 0)::int AS opened, COALESCE(sum(steps_closed), 0)::int AS steps FROM org_daily WHERE org_id = ${orgId}`;
  return { open: board!.open, stageOpen: stages!.open, opened: daily!.opened, stepsClosed: daily!.steps };
}

/** The same figures counted directly over the cases and tasks of the organization's current subtree. */
async function direct(orgId: string) {
  const org = await f.db.orgUnit.findUniqueOrThrow({ where: { id: orgId } });
  const [r] = await f.db.$queryRaw<{ open: number; opened: number; steps: number }[]>`
    SELECT (SELECT count(*)::int FROM "case" c WHERE c.org_path LIKE ${`${org.path}%`} AND c.status = 'open') AS open,
           (SELECT count(*)::int FROM "case" c WHERE c.org_path LIKE ${`${org.path}%`}) AS opened,
           (SELECT count(*)::int FROM task t JOIN "case" c ON c.id = t.case_id WHERE c.org_path LIKE ${`${org.path}%`} AND t.kind = 'step' AND t.status = 'completed' AND t.closed_at IS NOT NULL) AS steps`;
  return { open: r!.open, stageOpen: r!.open, opened: r!.opened, stepsClosed: r!.steps };
}

async function dbState() {
  const units = await f.db.orgUnit.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true, path: true, status: true, parentId: true } });
  return { units, audit: await f.db.adminAuditLog.count(), history: await f.db.orgUnitHistory.count(), memberships: await f.db.membership.count() };
}

beforeAll(async () => {
  f = await startServices();
  identity = await buildIdentityApp({ ...f.deps, logger: { level: 'info', stream: logs.stream } });
  for (const u of ['admin', 'donghu.admin', 'auditor', 'zhang.zhibu', 'li.zuzhi']) tokens[u] = await f.login(u);
  // Another county's administrator (西河县), and the secretary of the branch this test sets up.
  await addUser(`${P}.xihe`, [{ orgId: 'county-b', role: 'admin' }]);
  // … and its audit administrator (审计管理员: the audit log is theirs to read, 三权分立).
  await addUser(`${P}.xihe.auditor`, [{ orgId: 'county-b', role: 'audit_admin' }]);
});
afterAll(async () => {
  await identity?.close();
  await f?.close();
});

describe('organization tree administration', () => {
  it('lets a township administrator set up a village and its branch, with history and audit', async () => {
    const v = await call('donghu.admin', 'POST', '/api/admin/orgs', { id: V, name: '测试村党总支', type: 'village', parentId: 'town-a1', effectiveOn: today, reason: '东湖镇党委批复〔2026〕1号' });
    expect(v.statusCode, v.body).toBe(201);
    expect(body(v)).toMatchObject({ path: `/city/county-a/town-a1/${V}/`, status: 'active', establishedOn: today });
    const b = await call('donghu.admin', 'POST', '/api/admin/orgs', { id: B, name: '测试村党支部', type: 'branch', parentId: V, effectiveOn: today, reason: '东湖镇党委批复〔2026〕1号' });
    expect(b.statusCode).toBe(201);
    const children = body<{ items: { id: string; childCount: number }[] }>(await call('donghu.admin', 'GET', `/api/admin/orgs?parentId=town-a1`)).items;
    expect(children.find((c) => c.id === V)).toMatchObject({ childCount: 1 });
    const roots = body<{ items: { id: string }[] }>(await call('donghu.admin', 'GET', '/api/admin/orgs')).items;
    expect(roots.map((r) => r.id)).toEqual(['town-a1']);
    const audit = body<{ items: { action: string; objectId: string; clientAddress: string; actorName: string }[] }>(await call('auditor', 'GET', `/api/admin/audit?orgId=${V}`)).items;
    expect(audit.map((a) => [a.action, a.objectId])).toEqual([
      ['org.create', B],
      ['org.create', V],
    ]);
    expect(audit[0]).toMatchObject({ actorName: '东湖镇系统管理员' });
    expect(logs.entries().some((l) => l.event === 'admin.org.create' && l.orgId === V)).toBe(true);
  });

  it('refuses invalid changes with coded 4xx and changes nothing', async () => {
    const before = await dbState();
    const cases: [string, string, object, number, string][] = [
      ['/api/admin/orgs', 'future date', { id: `${P}-x`, name: '某村', type: 'village', parentId: 'town-a1', effectiveOn: '2999-01-01', reason: '未来' }, 400, 'INVALID_EFFECTIVE_DATE'],
      ['/api/admin/orgs', 'level', { id: `${P}-x`, name: '某县', type: 'county', parentId: 'town-a1', effectiveOn: today, reason: '层级' }, 400, 'ORG_LEVEL_INVALID'],
      ['/api/admin/orgs', 'id taken', { id: 'branch-a1-1', name: '重复', type: 'branch', parentId: V, effectiveOn: today, reason: '重复' }, 409, 'ORG_ID_TAKEN'],
      ['/api/admin/orgs', 'bad id', { id: 'Bad Id', name: '某村', type: 'village', parentId: 'town-a1', effectiveOn: today, reason: '编码' }, 400, 'VALIDATION_FAILED'],
      ['/api/admin/orgs', 'unknown field', { id: `${P}-x`, name: '某村', type: 'village', parentId: 'town-a1', effectiveOn: today, reason: '字段', extra: 1 }, 400, 'VALIDATION_FAILED'],
      ['/api/admin/orgs', 'joint meeting', { id: `${P}-x`, name: '联席会', type: 'joint_meeting', parentId: 'town-a1', effectiveOn: today, reason: '类型' }, 400, 'VALIDATION_FAILED'],
      [`/api/admin/orgs/${V}/move`, 'under itself', { parentId: B, effectiveOn: today, reason: '成环' }, 400, 'ORG_MOVE_INVALID'],
      [`/api/admin/orgs/${V}/rename`, 'blank name', { name: '   ', effectiveOn: today, reason: '改名' }, 400, 'VALIDATION_FAILED'],
      [`/api/admin/orgs/${V}/dissolve`, 'not empty', { effectiveOn: today, reason: '撤销' }, 409, 'ORG_NOT_EMPTY'],
      [`/api/admin/orgs/${B}/dissolve`, 'merge into other level', { mergedIntoId: V, effectiveOn: today, reason: '合并' }, 400, 'ORG_MERGE_INVALID'],
    ];
    for (const [url, what, payload, status, code] of cases) {
      const res = await call('donghu.admin', 'POST', url, payload);
      expect(res.statusCode, what).toBe(status);
      expect(body(res), what).toMatchObject({ code, message: expect.stringMatching(/[\u4e00-\u9fff].* \/ [A-Za-z]/) });
    }
    // A township administrator may not move its own township, nor reach above it.
    expect((await call('donghu.admin', 'POST', '/api/admin/orgs/town-a1/move', { parentId: 'county-b', effectiveOn: today, reason: '越权' })).statusCode).toBe(404);
    expect((await call('donghu.admin', 'POST', '/api/admin/orgs', { id: `${P}-x`, name: '某镇', type: 'township', parentId: 'county-a', effectiveOn: today, reason: '越权' })).statusCode).toBe(404);
    // Someone who administers nothing is refused outright.
    expect((await call('zhang.zhibu', 'GET', '/api/admin/orgs')).statusCode).toBe(403);
    expect((await call('zhang.zhibu', 'POST', `/api/admin/orgs/${V}/rename`, { name: '改名', effectiveOn: today, reason: '越权' })).statusCode).toBe(403);
    expect(await dbState()).toEqual(before);
  });

  it('moves a village with an open and a closed case to another township: the cases keep their unit, everything derived follows', async () => {
    await addUser(`${P}.zhibu`, [{ orgId: B, role: 'branch_secretary' }]);
    const start = async (title: string) => {
      const res = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens[`${P}.zhibu`]!), payload: { type: 'request-report', orgId: B, input: { title, body: '正文' } } });
      expect(res.statusCode, res.body).toBe(201);
      return body<{ caseId: string; openTasks: { id: string }[] }>(res);
    };
    const open = await start('合村前的请示（办理中）');
    const closed = await start('合村前的请示（已办结）');
    const approved = await f.inbox.inject({ method: 'POST', url: `/api/tasks/${closed.openTasks[0]!.id}/actions?wait=next`, headers: bearer(tokens['li.zuzhi']!), payload: { action: 'approve', form: { opinion: '同意' } } });
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await f.db.case.findUniqueOrThrow({ where: { id: closed.caseId } })).status).not.toBe('open');
    for (const org of ['town-a1', 'town-a2', 'county-a', V]) expect(await rollups(org), org).toEqual(await direct(org));
    const a1 = await rollups('town-a1');
    const a2 = await rollups('town-a2');
    const county = await rollups('county-a');

    // The county administrator moves the village (it may; 东湖镇's administrator could not reach 西山镇).
    expect((await call('donghu.admin', 'POST', `/api/admin/orgs/${V}/move`, { parentId: 'town-a2', effectiveOn: today, reason: '越权' })).statusCode).toBe(404);
    const moved = await call('admin', 'POST', `/api/admin/orgs/${V}/move`, { parentId: 'town-a2', effectiveOn: today, reason: '县政府关于调整行政区划的批复' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(body(moved)).toMatchObject({ path: `/city/county-a/town-a2/${V}/`, movedUnits: 2, movedCases: 2 });

    const newPath = `/city/county-a/town-a2/${V}/${B}/`;
    for (const id of [open.caseId, closed.caseId]) expect(await f.db.case.findUniqueOrThrow({ where: { id } })).toMatchObject({ orgId: B, orgPath: newPath });
    const entries = await f.db.inboxEntry.findMany({ where: { taskId: open.openTasks[0]!.id } });
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expect(e.orgPath).toBe(newPath);
    // Board, stage and daily counters leave 东湖镇 and arrive at 西山镇; the county sees no change.
    for (const org of ['town-a1', 'town-a2', 'county-a', V]) expect(await rollups(org), org).toEqual(await direct(org));
    expect(await rollups('town-a1')).toEqual({ open: a1.open - 1, stageOpen: a1.stageOpen - 1, opened: a1.opened - 2, stepsClosed: a1.stepsClosed - 1 });
    expect(await rollups('town-a2')).toEqual({ open: a2.open + 1, stageOpen: a2.stageOpen + 1, opened: a2.opened + 2, stepsClosed: a2.stepsClosed + 1 });
    expect(await rollups('county-a')).toEqual(county);

    // The case still opens for the branch and its supervisors now include 西山镇's secretary's township.
    const view = await f.cases.inject({ method: 'GET', url: `/api/cases/${open.caseId}`, headers: bearer(tokens[`${P}.zhibu`]!) });
    expect(view.statusCode).toBe(200);
    // The open task stays with whom it was assigned to (东湖镇's org member) until someone transfers it.
    const todo = await f.inbox.inject({ method: 'GET', url: '/api/inbox?view=todo&limit=100', headers: bearer(tokens['li.zuzhi']!) });
    expect(body<{ items: { taskId: string }[] }>(todo).items.map((i) => i.taskId)).toContain(open.openTasks[0]!.id);

    const detail = body<{ unit: { parentId: string }; parentName: string; openCases: number; history: { kind: string; reason: string; actorName: string }[] }>(await call('admin', 'GET', `/api/admin/orgs/${V}`));
    expect(detail).toMatchObject({ unit: { parentId: 'town-a2' }, parentName: '西山镇党委', openCases: 1 });
    expect(detail.history.map((h) => h.kind)).toEqual(['move', 'create']);
    expect(detail.history[0]).toMatchObject({ reason: '县政府关于调整行政区划的批复', actorName: '系统管理员' });
    const audit = body<{ items: { action: string; clientAddress: string; before: { parentId: string } }[] }>(await call('auditor', 'GET', `/api/admin/audit?orgId=${V}&limit=1`));
    expect(audit.items[0]).toMatchObject({ action: 'org.move', clientAddress: '203.0.113.9', before: { parentId: 'town-a1' } });
  });

  it('gives another county’s administrator 404 for every unit of this county and changes nothing', async () => {
    const outsider = `${P}.xihe`;
    const before = await dbState();
    const attempts: ['GET' | 'POST', string, object?][] = [
      ['GET', `/api/admin/orgs/${V}`],
      ['GET', `/api/admin/orgs?parentId=town-a1`],
      ['POST', '/api/admin/orgs', { id: `${P}-y`, name: '渗透村', type: 'village', parentId: 'town-a2', effectiveOn: today, reason: '越权' }],
      ['POST', `/api/admin/orgs/${V}/rename`, { name: '被改名', effectiveOn: today, reason: '越权' }],
      ['POST', `/api/admin/orgs/${V}/move`, { parentId: 'town-b1', effectiveOn: today, reason: '越权' }],
      ['POST', `/api/admin/orgs/${B}/dissolve`, { effectiveOn: today, reason: '越权' }],
      // Moving one of its own units into this county is as much out of reach.
      ['POST', '/api/admin/orgs/village-b1-1/move', { parentId: 'town-a1', effectiveOn: today, reason: '越权' }],
    ];
    for (const [method, url, payload] of attempts) {
      const res = await call(outsider, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(body(res)).toMatchObject({ code: 'NOT_FOUND' });
    }
    // Its audit administrator gets 404 for this county's audit log, and its own shows nothing of it.
    expect((await call(`${P}.xihe.auditor`, 'GET', `/api/admin/audit?orgId=${V}`)).statusCode).toBe(404);
    const own = body<{ items: { orgId: string }[] }>(await call(`${P}.xihe.auditor`, 'GET', '/api/admin/audit'));
    expect(own.items.filter((i) => i.orgId === V || i.orgId === B)).toEqual([]);
    expect(await dbState()).toEqual(before);
  });

  it('dissolves a village merged into another (合村并组): the row stays, memberships end, no further change', async () => {
    const w = `${P}-village2`;
    expect((await call('admin', 'POST', '/api/admin/orgs', { id: w, name: '小王庄村党支部', type: 'village', parentId: 'town-a2', effectiveOn: today, reason: '设立' })).statusCode).toBe(201);
    await addUser(`${P}.w`, [{ orgId: w, role: 'party_member' }]);
    const res = await call('admin', 'POST', `/api/admin/orgs/${w}/dissolve`, { mergedIntoId: V, effectiveOn: today, reason: '合村并组：并入测试村' });
    expect(res.statusCode, res.body).toBe(200);
    expect(body(res)).toMatchObject({ status: 'dissolved', mergedIntoId: V, dissolvedOn: today, endedMemberships: [{ role: 'party_member' }] });
    expect(await f.db.membership.count({ where: { orgId: w } })).toBe(0);
    const detail = body<{ unit: { status: string }; mergedIntoName: string }>(await call('admin', 'GET', `/api/admin/orgs/${w}`));
    expect(detail).toMatchObject({ unit: { status: 'dissolved' }, mergedIntoName: '测试村党总支' });
    const again = await call('admin', 'POST', `/api/admin/orgs/${w}/rename`, { name: '再改名', effectiveOn: today, reason: '不应允许' });
    expect(again.statusCode).toBe(409);
    expect(body(again)).toMatchObject({ code: 'ORG_DISSOLVED' });
  });

  it('pages the audit log newest first with a keyset cursor', async () => {
    const all = body<{ items: { id: string; at: string }[] }>(await call('auditor', 'GET', '/api/admin/audit?limit=100')).items;
    expect(all.length).toBeGreaterThanOrEqual(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = body(await call('auditor', 'GET', `/api/admin/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 200);
    expect(seen.slice(0, all.length)).toEqual(all.map((i) => i.id));
    expect((await call('auditor', 'GET', '/api/admin/audit?cursor=bm9wZQ')).statusCode).toBe(400);
  });
});
