/**
 * 三权分立 over HTTP (issue 13 point 5, 等保 2.0 level 3): the 系统管理员 (admin), the 安全管理员
 * (security_admin) and the 审计管理员 (audit_admin) each do only their duties (403 outside them,
 * 404 outside their subtree), no one holds two of the roles (409 SEPARATION_OF_DUTIES), no one
 * grants or withdraws their own roles, and the audit administrator exports the audit log (CSV and
 * xlsx, keyset-paged), the export itself recorded.
 */
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { auditLogPages, createDb } from '@dj/db';
import { DEMO_PASSWORD } from '@dj/db/seed-demo';
import { buildIdentityApp } from '@dj/identity';
import { signedClientAddress } from '@dj/service-kit';
import { captureLogs } from '../src/log-capture';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

let f: Fixture;
let identity: FastifyInstance;
const logs = captureLogs();
const tokens: Record<string, string> = {};
const P = randomUUID().slice(0, 6);
const V = `sep-${P}`; // a village of this test under 西山镇 (town-a2)
const XIHE_SECURITY = `xihe.security.${P}`;
const XIHE_AUDITOR = `xihe.auditor.${P}`;
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

type Account = { id: string; username: string; memberships: { orgId: string; role: string }[] };
const call = (user: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  identity.inject({ method, url, headers: bearer(tokens[user]!), ...(payload ? { payload } : {}) });
const cases = (user: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => f.cases.inject({ method, url, headers: bearer(tokens[user]!), ...(payload ? { payload } : {}) });

async function dbState() {
  return {
    users: await f.db.user.findMany({ orderBy: { id: 'asc' }, select: { id: true, passwordHash: true, disabled: true, totpEnabledAt: true } }),
    memberships: await f.db.membership.findMany({ orderBy: [{ userId: 'asc' }, { orgId: 'asc' }, { role: 'asc' }] }),
    orgs: await f.db.orgUnit.count(),
    audit: await f.db.adminAuditLog.count(),
    policies: await f.db.policyChange.count(),
    calendar: await f.db.calendarDayChange.count(),
    sessions: await f.db.userSession.count({ where: { revokedAt: { not: null } } }),
  };
}

let target: Account; // an account of the test's village, created by the system administrator
let securityId: string;

beforeAll(async () => {
  f = await startServices();
  identity = await buildIdentityApp({ ...f.deps, logger: { level: 'info', stream: logs.stream } });
  for (const u of ['admin', 'security', 'auditor', 'zhang.zhibu']) tokens[u] = await f.login(u);
  tokens[XIHE_SECURITY] = await f.addUser(XIHE_SECURITY, '西河县安全管理员', [{ orgId: 'county-b', role: 'security_admin' }]);
  tokens[XIHE_AUDITOR] = await f.addUser(XIHE_AUDITOR, '西河县审计管理员', [{ orgId: 'county-b', role: 'audit_admin' }]);
  const v = await call('admin', 'POST', '/api/admin/orgs', { id: V, name: '分立测试村党总支', type: 'village', parentId: 'town-a2', effectiveOn: today, reason: '西山镇党委批复〔2026〕9号' });
  expect(v.statusCode, v.body).toBe(201);
  const created = await call('admin', 'POST', '/api/admin/accounts', { username: `sep.${P}`, displayName: '分立测试员', memberships: [{ orgId: V, role: 'party_member' }] });
  expect(created.statusCode, created.body).toBe(201);
  target = body<Account>(await call('admin', 'GET', `/api/admin/accounts/${body<{ id: string }>(created).id}`));
  securityId = (await f.db.user.findUniqueOrThrow({ where: { username: 'security' } })).id;
});
afterAll(async () => {
  await identity?.close();
  await f?.close();
});

describe('三权分立', () => {
  it('the demo seed has one administrator of each kind at the root, each holding only that role', async () => {
    for (const [username, role] of [['admin', 'admin'], ['security', 'security_admin'], ['auditor', 'audit_admin']] as const) {
      const user = await f.db.user.findUniqueOrThrow({ where: { username }, include: { memberships: true } });
      expect(user.memberships.map((m) => `${m.orgId}/${m.role}`), username).toEqual([`city/${role}`]);
    }
    const me = body<{ memberships: { role: string }[] }>(await call('auditor', 'GET', '/api/me'));
    expect(me.memberships.map((m) => m.role)).toEqual(['audit_admin']);
    expect(DEMO_PASSWORD).toBeTruthy();
  });

  it('each administrator is refused (403) outside their duties, and nothing changes', async () => {
    const before = await dbState();
    const zhang = await f.db.user.findUniqueOrThrow({ where: { username: 'zhang.zhibu' } });
    const system: ['GET' | 'POST' | 'PUT' | 'DELETE', string, object?][] = [
      ['POST', '/api/admin/orgs', { id: `${V}-x`, name: '越权村', type: 'village', parentId: 'town-a2', effectiveOn: today, reason: '越权' }],
      ['POST', `/api/admin/orgs/${V}/rename`, { name: '越权改名', effectiveOn: today, reason: '越权' }],
      ['POST', '/api/admin/accounts', { username: `spy.${P}`, displayName: '越权者', memberships: [{ orgId: V, role: 'party_member' }] }],
      ['POST', `/api/admin/accounts/${target.id}/reset-password`, { reason: '越权' }],
      ['POST', `/api/admin/accounts/${target.id}/disable`, { reason: '越权' }],
      ['GET', '/api/admin/people?orgId=town-a2'],
      ['POST', '/api/admin/people', { name: '越权者', gender: 'male', birthDate: '1990-01-01', joinedOn: '2020-01-01', fullOn: null, phone: null, branchId: 'branch-a2-1', startOn: today }],
    ];
    const security: typeof system = [
      ['POST', `/api/admin/accounts/${target.id}/memberships/grant`, { orgId: V, role: 'branch_secretary', reason: '越权' }],
      ['POST', `/api/admin/accounts/${target.id}/memberships/revoke`, { orgId: V, role: 'party_member', reason: '越权' }],
      ['POST', `/api/admin/accounts/${zhang.id}/reset-two-step`, { reason: '越权' }],
      ['DELETE', `/api/users/${zhang.id}/sessions`],
    ];
    const audit: typeof system = [['GET', '/api/admin/audit'], ['GET', `/api/admin/audit/export.csv?from=${today}&to=${today}`], ['GET', `/api/admin/audit/export.xlsx?from=${today}&to=${today}`]];
    const refusals: [string, typeof system][] = [
      ['admin', [...security, ...audit]],
      ['security', [...system, ...audit]],
      // The audit administrator changes nothing: every write answers 403 (and reading accounts or people is not theirs either).
      ['auditor', [...system, ...security, ['GET', '/api/admin/accounts'], ['GET', `/api/admin/accounts/${target.id}`]]],
    ];
    for (const [user, attempts] of refusals) {
      for (const [method, url, payload] of attempts) {
        const res = await call(user, method, url, payload);
        expect([res.statusCode, body(res).code], `${user} ${method} ${url}`).toEqual([403, 'FORBIDDEN']);
      }
    }
    // Policies and the calendar are the security administrator's; auditing the record the audit administrator's.
    for (const user of ['admin', 'auditor']) {
      expect((await cases(user, 'GET', '/api/policies')).statusCode, user).toBe(403);
      expect((await cases(user, 'PUT', '/api/policies/duration.request-report.township-review', { value: { workingDays: 6 }, reason: '越权' })).statusCode, user).toBe(403);
      expect((await cases(user, 'PUT', '/api/calendar/days/2031-05-17', { kind: 'workday', reason: '越权' })).statusCode, user).toBe(403);
    }
    for (const user of ['admin', 'security']) expect((await cases(user, 'GET', '/api/admin/record-audit?limit=1')).statusCode, user).toBe(403);
    expect(await dbState()).toEqual(before);
    // Each reads what their duties need.
    expect((await call('security', 'GET', `/api/admin/accounts/${target.id}`)).statusCode).toBe(200);
    expect((await call('auditor', 'GET', '/api/admin/orgs')).statusCode).toBe(200);
    expect((await cases('security', 'GET', '/api/policies')).statusCode).toBe(200);
    expect((await cases('auditor', 'GET', '/api/admin/record-audit?limit=1')).statusCode).toBe(200);
  });

  it('the security administrator grants and withdraws roles, the administrator roles too; never two of them to one person', async () => {
    const granted = await call('security', 'POST', `/api/admin/accounts/${target.id}/memberships/grant`, { orgId: V, role: 'audit_admin', reason: '任命为村审计管理员' });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(body<Account>(granted).memberships.map((m) => m.role).sort()).toEqual(['audit_admin', 'party_member']);
    expect(await f.db.adminAuditLog.count({ where: { objectId: target.id, action: 'account.grant', actorId: securityId } })).toBe(1);
    const before = await dbState();
    for (const role of ['admin', 'security_admin']) {
      const res = await call('security', 'POST', `/api/admin/accounts/${target.id}/memberships/grant`, { orgId: 'town-a2', role, reason: '兼任' });
      expect([res.statusCode, body(res).code], role).toEqual([409, 'SEPARATION_OF_DUTIES']);
      expect(body<{ message: string }>(res).message).toMatch(/三权分立.*separation of duties/i);
    }
    // The system administrator cannot make a new administrator at all (the security administrator grants those).
    const made = await call('admin', 'POST', '/api/admin/accounts', { username: `new.admin.${P}`, displayName: '新管理员', memberships: [{ orgId: V, role: 'security_admin' }] });
    expect([made.statusCode, body(made).code]).toEqual([403, 'FORBIDDEN']);
    // Another county's security administrator: 404, as for anything outside the subtree.
    const outsider = await call(XIHE_SECURITY, 'POST', `/api/admin/accounts/${target.id}/memberships/revoke`, { orgId: V, role: 'audit_admin', reason: '越权' });
    expect(outsider.statusCode).toBe(404);
    expect(await dbState()).toEqual(before);
    const revoked = await call('security', 'POST', `/api/admin/accounts/${target.id}/memberships/revoke`, { orgId: V, role: 'audit_admin', reason: '任期届满' });
    expect(body<Account>(revoked).memberships.map((m) => m.role)).toEqual(['party_member']);
    // Now it may become a system administrator of the village.
    const sys = await call('security', 'POST', `/api/admin/accounts/${target.id}/memberships/grant`, { orgId: V, role: 'admin', reason: '任命为村系统管理员' });
    expect(sys.statusCode, sys.body).toBe(200);
    const back = await call('security', 'POST', `/api/admin/accounts/${target.id}/memberships/revoke`, { orgId: V, role: 'admin', reason: '调整' });
    expect(back.statusCode).toBe(200);
  });

  it('no one grants or withdraws their own roles', async () => {
    const before = await dbState();
    for (const [path, role] of [['grant', 'county_org_dept'], ['grant', 'audit_admin'], ['revoke', 'security_admin']] as const) {
      const res = await call('security', 'POST', `/api/admin/accounts/${securityId}/memberships/${path}`, { orgId: 'city', role, reason: '自己给自己' });
      expect([res.statusCode, body(res).code], `${path} ${role}`).toEqual([400, 'ACCOUNT_SELF']);
    }
    expect(await dbState()).toEqual(before);
  });

  it('the security administrator resets two-step verification and ends sessions; the audit administrator reads cases but does not 催办', async () => {
    const res = await call('security', 'DELETE', `/api/users/${target.id}/sessions`);
    expect(res.statusCode, res.body).toBe(200);
    expect((await call(XIHE_SECURITY, 'DELETE', `/api/users/${target.id}/sessions`)).statusCode).toBe(404);
    const notOn = await call('security', 'POST', `/api/admin/accounts/${target.id}/reset-two-step`, { reason: '手机丢失' });
    expect([notOn.statusCode, body(notOn).code]).toEqual([409, 'TWO_STEP_NOT_ENABLED']);

    const started = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens['zhang.zhibu']!), payload: { type: 'request-report', orgId: 'branch-a1-1', input: { title: `分立 ${P}`, body: '正文' } } });
    expect(started.statusCode).toBe(201);
    const taskId = body<{ openTasks: { id: string }[] }>(started).openTasks[0]!.id;
    const seen = await f.inbox.inject({ method: 'GET', url: `/api/tasks/${taskId}`, headers: bearer(tokens.auditor!) });
    expect(seen.statusCode).toBe(200);
    expect(body<{ availableActions: string[] }>(seen).availableActions).not.toContain('urge');
    const urged = await f.inbox.inject({ method: 'POST', url: `/api/tasks/${taskId}/actions?wait=next`, headers: bearer(tokens.auditor!), payload: { action: 'urge', comment: '请尽快办理' } });
    expect(urged.statusCode).toBe(403);
    expect((await f.inbox.inject({ method: 'GET', url: `/api/tasks/${taskId}`, headers: bearer(tokens.security!) })).statusCode).toBe(404);
    expect((await f.inbox.inject({ method: 'GET', url: `/api/tasks/${taskId}`, headers: bearer(tokens[XIHE_AUDITOR]!) })).statusCode).toBe(404);
  });

  it('two-step verification is required of all three administrators', async () => {
    const strict = await buildIdentityApp({ ...f.deps, logger: false, adminSecondFactor: 'required' });
    try {
      for (const user of ['admin', 'security', 'auditor']) {
        const login = await strict.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user, password: DEMO_PASSWORD } });
        const { token, user: me } = body<{ token: string; user: { twoStep: { required: boolean } } }>(login);
        expect(me.twoStep.required, user).toBe(true);
        const res = await strict.inject({ method: 'GET', url: '/api/admin/orgs', headers: bearer(token) });
        expect([res.statusCode, body(res).code], user).toEqual([403, 'SECOND_FACTOR_REQUIRED']);
      }
    } finally {
      await strict.close();
    }
  });
});

describe('audit export', () => {
  it('the audit administrator reads and exports the audit log of the subtree as CSV, the export itself recorded', async () => {
    expect((await call('admin', 'POST', `/api/admin/orgs/${V}/rename`, { name: '分立测试村党总支（新）', effectiveOn: today, reason: '更名, "带引号"' })).statusCode).toBe(200);
    const listed = body<{ items: { action: string; objectId: string }[] }>(await call('auditor', 'GET', `/api/admin/audit?orgId=${V}&limit=100`)).items;
    expect(listed.map((i) => i.action)).toEqual(expect.arrayContaining(['org.create', 'org.rename', 'account.create', 'account.grant', 'account.revoke']));

    const res = await call('auditor', 'GET', `/api/admin/audit/export.csv?orgId=${V}&from=${today}&to=${today}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain(`audit-${today}-${today}.csv`);
    const lines = res.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('时间,操作人,操作人ID,操作,对象类型,对象ID,组织,组织ID,变更前,变更后,原因,来源地址');
    const rows = await f.db.adminAuditLog.findMany({ where: { orgId: V }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
    // Oldest first; the export's own row is recorded before the rows are read, so it is the last one.
    expect(rows.at(-1)).toMatchObject({ action: 'audit.export', objectType: 'admin_audit_log', objectId: V, after: { from: today, to: today, format: 'csv' } });
    expect(lines).toHaveLength(rows.length + 1);
    expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual(rows.map((r) => r.action));
    expect(lines.find((l) => l.includes('org.rename'))).toContain('"更名, ""带引号"""');
    expect(lines.find((l) => l.includes('org.rename'))).toContain('系统管理员');
    expect(logs.entries().some((l) => l.event === 'admin.audit.export' && l.format === 'csv')).toBe(true);

    // A day range before anything happened: the header only (and one more export row).
    const empty = await call('auditor', 'GET', `/api/admin/audit/export.csv?orgId=${V}&from=2020-01-01&to=2020-01-31`);
    expect(empty.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n')).toHaveLength(1);
    expect(await f.db.adminAuditLog.count({ where: { orgId: V, action: 'audit.export' } })).toBe(2);
  });

  it('exports xlsx too; bad ranges are 400, another county’s auditor 404, and neither is recorded', async () => {
    const res = await call('auditor', 'GET', `/api/admin/audit/export.xlsx?orgId=${V}&from=${today}&to=${today}`);
    expect(res.statusCode, res.body).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('审计日志')!;
    const actions: string[] = [];
    sheet.eachRow((row, n) => n > 1 && actions.push(String(row.getCell(4).value)));
    const rows = await f.db.adminAuditLog.findMany({ where: { orgId: V }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
    expect(actions).toEqual(rows.map((r) => r.action));
    expect(actions.at(-1)).toBe('audit.export');

    const before = await f.db.adminAuditLog.count();
    expect((await call('auditor', 'GET', `/api/admin/audit/export.csv?orgId=${V}&from=${today}&to=2020-01-01`)).statusCode).toBe(400);
    expect((await call('auditor', 'GET', `/api/admin/audit/export.csv?orgId=${V}&from=${today}`)).statusCode).toBe(400);
    expect((await call('auditor', 'GET', `/api/admin/audit/export.csv?orgId=${V}&from=2026-13-01&to=${today}`)).statusCode).toBe(400);
    for (const url of [`/api/admin/audit/export.csv?orgId=${V}&from=${today}&to=${today}`, `/api/admin/audit?orgId=${V}`]) {
      expect((await call(XIHE_AUDITOR, 'GET', url)).statusCode, url).toBe(404);
    }
    const own = await call(XIHE_AUDITOR, 'GET', `/api/admin/audit/export.csv?from=${today}&to=${today}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).not.toContain(V);
    expect(await f.db.adminAuditLog.count()).toBe(before + 1); // the outsider's own export only
  });

  it('reads the log a page at a time (keyset on time and id), the pages together being the whole range', async () => {
    const scope = [(await f.db.orgUnit.findUniqueOrThrow({ where: { id: V } })).path];
    const range = { from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 86_400_000) };
    const pages: string[][] = [];
    for await (const page of auditLogPages(f.db, scope, range, 2)) pages.push(page.map((r) => r.id));
    const all = await f.db.adminAuditLog.findMany({ where: { orgId: V }, orderBy: [{ at: 'asc' }, { id: 'asc' }], select: { id: true } });
    expect(pages.length).toBe(Math.ceil(all.length / 2));
    expect(pages.every((p) => p.length <= 2)).toBe(true);
    expect(pages.flat()).toEqual(all.map((r) => r.id));
  });
});

describe('security event log', () => {
  type Ev = { id: string; event: string; userId: string | null; username: string | null; clientAddress: string | null; detail: Record<string, unknown> | null };
  const events = async (user: string, query = '') => {
    const res = await call(user, 'GET', `/api/admin/audit/security-events?limit=100${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return body<{ items: Ev[]; nextCursor: string | null }>(res);
  };

  it('records logins, failures and refusals without secrets; the audit administrators read those of their subtree', async () => {
    const username = `xihe.se.${P}`;
    await f.addUser(username, '西河县干部', [{ orgId: 'county-b', role: 'county_org_dept' }]);
    const id = (await f.db.user.findUniqueOrThrow({ where: { username } })).id;
    const wrong = `Wrong-${P}-password`;
    const from = signedClientAddress('198.51.100.77', f.deps.jwtSecret);
    const failed = await identity.inject({ method: 'POST', url: '/api/auth/login', headers: from, payload: { username, password: wrong } });
    expect(failed.statusCode).toBe(401);
    // A password typed into the username field is not kept either.
    expect((await identity.inject({ method: 'POST', url: '/api/auth/login', headers: from, payload: { username: wrong, password: wrong } })).statusCode).toBe(401);
    const ok = await identity.inject({ method: 'POST', url: '/api/auth/login', headers: from, payload: { username, password: DEMO_PASSWORD } });
    expect(ok.statusCode).toBe(200);

    // (Other test files log in meanwhile: each read is narrowed to what this test looks for.)
    const county = (await events(XIHE_AUDITOR)).items;
    const mine = county.filter((e) => e.userId === id);
    // Newest first (the first login is the fixture's, when it made the account).
    expect(mine.map((e) => e.event)).toEqual(['login.succeeded', 'login.failed', 'login.succeeded']);
    expect(mine[1]).toMatchObject({ username, clientAddress: '198.51.100.77', detail: { reason: 'password' } });
    // 西河县's audit administrator: the county's accounts only, no events of unknown accounts.
    expect(county.some((e) => e.userId === securityId || e.userId === null)).toBe(false);
    // The root's: also the failed login of no known account, and the refusals of the tests above
    // (the security administrator tried to read the audit log).
    expect((await events('auditor', '&event=login.failed')).items.some((e) => e.userId === null && e.clientAddress === '198.51.100.77')).toBe(true);
    expect((await events('auditor', '&event=access.denied')).items.some((e) => e.userId === securityId && e.detail?.route === '/api/admin/audit' && e.detail.code === 'FORBIDDEN')).toBe(true);
    const stored = JSON.stringify(await f.db.securityEvent.findMany());
    expect(stored).not.toContain(wrong);
    expect(stored).not.toContain(DEMO_PASSWORD);

    const failures = (await events('auditor', '&event=login.failed')).items;
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures.every((e) => e.event === 'login.failed')).toBe(true);
    // Nobody else reads it.
    for (const user of ['admin', 'security', 'zhang.zhibu']) expect((await call(user, 'GET', '/api/admin/audit/security-events')).statusCode, user).toBe(403);
  });

  it('pages newest first with a keyset cursor, and the database refuses to change or remove an event', async () => {
    const all = (await events(XIHE_AUDITOR)).items.map((e) => e.id);
    expect(all.length).toBeGreaterThanOrEqual(2);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Ev[]; nextCursor: string | null } = body(await call(XIHE_AUDITOR, 'GET', `/api/admin/audit/security-events?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 1000);
    // Events written meanwhile by other test files come first; every earlier one is seen once, in order.
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => all.includes(id))).toEqual(all);
    expect((await call('auditor', 'GET', '/api/admin/audit/security-events?cursor=bm9wZQ')).statusCode).toBe(400);
    // The services' role may not (ensureAppRole); the owner is stopped by the triggers.
    await expect(f.db.$executeRaw`UPDATE security_event SET event = 'changed'`).rejects.toThrow(/permission denied/);
    await expect(f.db.$executeRaw`DELETE FROM security_event`).rejects.toThrow(/permission denied/);
    const owner = createDb(inject('databaseUrl'), { max: 1 });
    try {
      await expect(owner.$executeRaw`UPDATE security_event SET event = 'changed'`).rejects.toThrow(/append-only/);
      await expect(owner.$executeRaw`DELETE FROM security_event`).rejects.toThrow(/append-only/);
      await expect(owner.$executeRaw`TRUNCATE security_event`).rejects.toThrow(/append-only/);
    } finally {
      await owner.$disconnect();
    }
  });
});
