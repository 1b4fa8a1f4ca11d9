/**
 * Accounts over HTTP (issue 13): created by an administrator of the organization (from the roster or
 * not) with a one-time password that must be changed, reset (recorded), disabled and re-enabled;
 * another county's administrator gets 404 and changes nothing; no password reaches a log.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIdentityApp } from '@dj/identity';
import { captureLogs } from '../src/log-capture';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

let f: Fixture;
let identity: FastifyInstance;
const logs = captureLogs();
const tokens: Record<string, string> = {};
const P = randomUUID().slice(0, 6);
const OUTSIDER = `xihe.accounts.${P}`;
const OUTSIDER_SECURITY = `xihe.security.${P}`;
const DONGHU_SECURITY = `donghu.security.${P}`;

const call = (user: string, method: 'GET' | 'POST', url: string, payload?: object) => identity.inject({ method, url, headers: bearer(tokens[user]!), ...(payload ? { payload } : {}) });
const login = (username: string, password: string) => identity.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

type Account = { id: string; username: string; displayName: string; disabled: boolean; mustChangePassword: boolean; memberships: { orgId: string; role: string }[] };

async function dbState() {
  return {
    users: await f.db.user.findMany({ orderBy: { id: 'asc' }, select: { id: true, passwordHash: true, disabled: true, mustChangePassword: true } }),
    memberships: await f.db.membership.count(),
    people: await f.db.person.findMany({ orderBy: { id: 'asc' }, select: { id: true, userId: true } }),
    audit: await f.db.adminAuditLog.count(),
  };
}

beforeAll(async () => {
  f = await startServices();
  identity = await buildIdentityApp({ ...f.deps, logger: { level: 'info', stream: logs.stream } });
  for (const u of ['admin', 'donghu.admin', 'zhang.zhibu']) tokens[u] = await f.login(u);
  tokens[OUTSIDER] = await f.addUser(OUTSIDER, '西河县管理员', [{ orgId: 'county-b', role: 'admin' }]);
  // 三权分立: roles are granted by the security administrators (安全管理员).
  tokens[OUTSIDER_SECURITY] = await f.addUser(OUTSIDER_SECURITY, '西河县安全管理员', [{ orgId: 'county-b', role: 'security_admin' }]);
  tokens[DONGHU_SECURITY] = await f.addUser(DONGHU_SECURITY, '东湖镇安全管理员', [{ orgId: 'town-a1', role: 'security_admin' }]);
});
afterAll(async () => {
  await identity?.close();
  await f?.close();
});

let created: { id: string; username: string; password: string };

describe('accounts', () => {
  it('an administrator creates an account for a roster member; the one-time password works once shown and must be changed', async () => {
    const person = await f.db.person.findFirstOrThrow({ where: { name: '刘桂兰' } });
    const username = `liu.guilan.${P}`;
    const res = await call('donghu.admin', 'POST', '/api/admin/accounts', { username, personId: person.id, memberships: [{ orgId: 'branch-a1-1', role: 'party_member' }] });
    expect(res.statusCode, res.body).toBe(201);
    const { id, oneTimePassword } = body<{ id: string; oneTimePassword: string }>(res);
    expect(oneTimePassword).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[@#%+=?]).{14}$/);
    created = { id, username, password: oneTimePassword };
    expect((await f.db.person.findUniqueOrThrow({ where: { id: person.id } })).userId).toBe(id);

    const first = await login(username, oneTimePassword);
    expect(first.statusCode).toBe(200);
    expect(body<{ user: { displayName: string; mustChangePassword: boolean } }>(first).user).toMatchObject({ displayName: '刘桂兰', mustChangePassword: true });
    const audit = await f.db.adminAuditLog.findFirstOrThrow({ where: { objectId: id, action: 'account.create' } });
    expect(audit.after).toMatchObject({ username, personId: person.id });
    expect(JSON.stringify(audit)).not.toContain(oneTimePassword);
    expect(logs.lines.join('\n')).not.toContain(oneTimePassword);

    // Until the one-time password is changed, the session may read who it is, change the password and
    // log out — nothing else, in any service (等保 2.0: a password set by someone else is changed at first login).
    const pending = body<{ token: string }>(first).token;
    const orgs = await identity.inject({ method: 'GET', url: '/api/orgs', headers: bearer(pending) });
    expect([orgs.statusCode, body(orgs).code]).toEqual([403, 'PASSWORD_CHANGE_REQUIRED']);
    const inbox = await f.inbox.inject({ method: 'GET', url: '/api/inbox', headers: bearer(pending) });
    expect([inbox.statusCode, body(inbox).code]).toEqual([403, 'PASSWORD_CHANGE_REQUIRED']);
    expect(logs.entries().some((l) => l.event === 'auth.password-change-required' && l.userId === id)).toBe(true);
    expect((await identity.inject({ method: 'GET', url: '/api/me', headers: bearer(pending) })).statusCode).toBe(200);
    const newPassword = `Xin-${P}-mima2026`;
    const changed = await identity.inject({ method: 'POST', url: '/api/auth/password', headers: bearer(pending), payload: { currentPassword: oneTimePassword, newPassword } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await identity.inject({ method: 'GET', url: '/api/orgs', headers: bearer(pending) })).statusCode).toBe(200);
    expect((await f.inbox.inject({ method: 'GET', url: '/api/inbox', headers: bearer(pending) })).statusCode).toBe(200);
    created.password = newPassword;

    // The same member twice, a taken username, a role that does not exist, a unit outside the township.
    const before = await dbState();
    const again = await call('donghu.admin', 'POST', '/api/admin/accounts', { username: `other.${P}`, personId: person.id, memberships: [{ orgId: 'branch-a1-1', role: 'party_member' }] });
    expect([again.statusCode, body(again).code]).toEqual([400, 'PERSON_INVALID']);
    const taken = await call('donghu.admin', 'POST', '/api/admin/accounts', { username: 'zhang.zhibu', displayName: '张三', memberships: [{ orgId: 'branch-a1-1', role: 'party_member' }] });
    expect([taken.statusCode, body(taken).code]).toEqual([409, 'ACCOUNT_USERNAME_TAKEN']);
    const role = await call('donghu.admin', 'POST', '/api/admin/accounts', { username: `x.${P}`, displayName: '张三', memberships: [{ orgId: 'branch-a1-1', role: 'emperor' }] });
    expect([role.statusCode, body(role).code]).toEqual([400, 'VALIDATION_FAILED']);
    const outside = await call('donghu.admin', 'POST', '/api/admin/accounts', { username: `y.${P}`, displayName: '张三', memberships: [{ orgId: 'branch-a2-1', role: 'party_member' }] });
    expect(outside.statusCode).toBe(404);
    const noName = await call('donghu.admin', 'POST', '/api/admin/accounts', { username: `z.${P}`, memberships: [{ orgId: 'branch-a1-1', role: 'party_member' }] });
    expect([noName.statusCode, body(noName).code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await dbState()).toEqual(before);
  });

  it('lists the accounts of the subtree only, by username', async () => {
    const res = await call('donghu.admin', 'GET', '/api/admin/accounts?limit=100');
    const names = body<{ items: Account[] }>(res).items.map((a) => a.username);
    expect(names).toEqual(expect.arrayContaining(['zhang.zhibu', 'li.zuzhi', 'wang.shuji', created.username]));
    expect(names).not.toContain('he.xianwei'); // the county's secretary
    expect(names).not.toContain('sun.zhibu'); // another township
    expect([...names].sort()).toEqual(names);
    const page = body<{ items: Account[]; nextAfter: string | null }>(await call('donghu.admin', 'GET', '/api/admin/accounts?limit=2'));
    expect(page.items).toHaveLength(2);
    const rest = body<{ items: Account[] }>(await call('donghu.admin', 'GET', `/api/admin/accounts?limit=100&after=${page.nextAfter}`)).items;
    expect([...page.items, ...rest].map((a) => a.username)).toEqual(names);
    expect((await call('zhang.zhibu', 'GET', '/api/admin/accounts')).statusCode).toBe(403);
  });

  it('resets a password (recorded, sessions ended): the old one stops working, the new one must be changed', async () => {
    await f.db.user.update({ where: { id: created.id }, data: { mustChangePassword: false } });
    const before = body<{ token: string }>(await login(created.username, created.password)).token;
    const res = await call('donghu.admin', 'POST', `/api/admin/accounts/${created.id}/reset-password`, { reason: '本人遗忘密码，电话核实身份' });
    expect(res.statusCode, res.body).toBe(200);
    const { oneTimePassword } = body<{ oneTimePassword: string }>(res);
    expect(oneTimePassword).not.toBe(created.password);
    expect((await identity.inject({ method: 'GET', url: '/api/me', headers: bearer(before) })).statusCode).toBe(401);
    expect((await login(created.username, created.password)).statusCode).toBe(401);
    const ok = await login(created.username, oneTimePassword);
    expect(ok.statusCode).toBe(200);
    expect(body<{ user: { mustChangePassword: boolean } }>(ok).user.mustChangePassword).toBe(true);
    expect(await f.db.adminAuditLog.count({ where: { objectId: created.id, action: 'account.reset-password', reason: '本人遗忘密码，电话核实身份' } })).toBe(1);
    expect(logs.entries().some((l) => l.event === 'admin.account.reset-password' && l.accountId === created.id)).toBe(true);
    expect(logs.lines.join('\n')).not.toContain(oneTimePassword);
    created.password = oneTimePassword;
  });

  it('disables an account (login refused, its token stops working at once) and re-enables it', async () => {
    const token = body<{ token: string }>(await login(created.username, created.password)).token;
    expect((await identity.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).statusCode).toBe(200);
    const off = await call('donghu.admin', 'POST', `/api/admin/accounts/${created.id}/disable`, { reason: '组织关系转出' });
    expect(off.statusCode, off.body).toBe(200);
    expect(body<Account>(off).disabled).toBe(true);
    expect((await identity.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).statusCode).toBe(401);
    const refused = await login(created.username, created.password);
    expect([refused.statusCode, body(refused).code]).toEqual([401, 'INVALID_CREDENTIALS']);
    const twice = await call('donghu.admin', 'POST', `/api/admin/accounts/${created.id}/disable`, { reason: '再次停用' });
    expect([twice.statusCode, body(twice).code]).toEqual([409, 'ACCOUNT_STATE']);
    const on = await call('donghu.admin', 'POST', `/api/admin/accounts/${created.id}/enable`, { reason: '转回本支部' });
    expect(body<Account>(on).disabled).toBe(false);
    expect((await login(created.username, created.password)).statusCode).toBe(200);
    const actions = (await f.db.adminAuditLog.findMany({ where: { objectId: created.id }, orderBy: { at: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['account.create', 'account.reset-password', 'account.disable', 'account.enable']);
    // An administrator cannot lock themselves out.
    const donghu = await f.db.user.findUniqueOrThrow({ where: { username: 'donghu.admin' } });
    const self = await call('donghu.admin', 'POST', `/api/admin/accounts/${donghu.id}/disable`, { reason: '误操作' });
    expect([self.statusCode, body(self).code]).toEqual([400, 'ACCOUNT_SELF']);
  });

  it('a security administrator grants and withdraws roles within the subtree', async () => {
    const granted = await call(DONGHU_SECURITY, 'POST', `/api/admin/accounts/${created.id}/memberships/grant`, { orgId: 'village-a1-1', role: 'branch_secretary', reason: '当选党总支书记' });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(body<Account>(granted).memberships.map((m) => `${m.orgId}/${m.role}`)).toEqual(['branch-a1-1/party_member', 'village-a1-1/branch_secretary']);
    expect((await call(DONGHU_SECURITY, 'POST', `/api/admin/accounts/${created.id}/memberships/grant`, { orgId: 'branch-a2-1', role: 'party_member', reason: '越权' })).statusCode).toBe(404);
    const revoked = await call(DONGHU_SECURITY, 'POST', `/api/admin/accounts/${created.id}/memberships/revoke`, { orgId: 'village-a1-1', role: 'branch_secretary', reason: '任期届满' });
    expect(body<Account>(revoked).memberships).toHaveLength(1);
    const last = await call(DONGHU_SECURITY, 'POST', `/api/admin/accounts/${created.id}/memberships/revoke`, { orgId: 'branch-a1-1', role: 'party_member', reason: '最后一项' });
    expect([last.statusCode, body(last).code]).toEqual([409, 'ACCOUNT_STATE']);
  });

  it('gives another county’s administrator 404 for this county’s accounts and changes nothing', async () => {
    const zhang = await f.db.user.findUniqueOrThrow({ where: { username: 'zhang.zhibu' } });
    const before = await dbState();
    const attempts: ['GET' | 'POST', string, object?][] = [
      ['GET', `/api/admin/accounts/${zhang.id}`],
      ['POST', `/api/admin/accounts/${zhang.id}/reset-password`, { reason: '越权' }],
      ['POST', `/api/admin/accounts/${zhang.id}/disable`, { reason: '越权' }],
      ['POST', `/api/admin/accounts/${created.id}/enable`, { reason: '越权' }],
      ['POST', '/api/admin/accounts', { username: `spy.${P}`, displayName: '渗透者', memberships: [{ orgId: 'branch-a1-1', role: 'admin' }] }],
    ];
    for (const [method, url, payload] of attempts) {
      const res = await call(OUTSIDER, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    // … and so does its security administrator for the roles of this county's accounts.
    for (const [url, payload] of [
      [`/api/admin/accounts/${zhang.id}/memberships/grant`, { orgId: 'branch-b1-1', role: 'party_member', reason: '越权' }],
      [`/api/admin/accounts/${zhang.id}/memberships/revoke`, { orgId: 'branch-a1-1', role: 'branch_secretary', reason: '越权' }],
      [`/api/admin/accounts/${zhang.id}/reset-two-step`, { reason: '越权' }],
    ] as const) {
      expect((await call(OUTSIDER_SECURITY, 'POST', url, payload)).statusCode, url).toBe(404);
    }
    const own = body<{ items: Account[] }>(await call(OUTSIDER, 'GET', '/api/admin/accounts?limit=100')).items.map((a) => a.username);
    expect(own).toContain('zhou.zhibu');
    expect(own).not.toContain('zhang.zhibu');
    expect(await dbState()).toEqual(before);
  });
});
