/**
 * Recovery codes and an administrator's reset of two-step verification, over HTTP: ten one-time codes
 * when two-step is turned on (shown once, stored as keyed hashes only), each usable once instead of the
 * authenticator's code, regenerated with a current code; an administrator resets another account's
 * two-step verification within their jurisdiction, with a reason, recorded in the audit log: the
 * account's sessions end and it must set up two-step verification again before doing anything else.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@dj/db/seed-demo';
import { buildIdentityApp } from '@dj/identity';
import { totpCode } from '@dj/service-kit';
import { captureLogs } from '../src/log-capture';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

let f: Fixture;
let identity: FastifyInstance;
const logs = captureLogs();
const P = randomUUID().slice(0, 6);
const OFFICIAL = `xihe.rec.${P}`;
const ADMIN = `xihe.rec.admin.${P}`;
const OUTSIDER = `dongshan.rec.admin.${P}`;
const PLAIN = `xihe.rec.plain.${P}`;
let address = 0;

beforeAll(async () => {
  f = await startServices();
  identity = await buildIdentityApp({ ...f.deps, logger: { level: 'info', stream: logs.stream } });
  await f.addUser(OFFICIAL, '西河县组织员', [{ orgId: 'county-b', role: 'county_org_dept' }]);
  await f.addUser(ADMIN, '西河县安全管理员', [{ orgId: 'county-b', role: 'security_admin' }]);
  await f.addUser(OUTSIDER, '东山县安全管理员', [{ orgId: 'county-a', role: 'security_admin' }]);
  await f.addUser(PLAIN, '西河县干部', [{ orgId: 'county-b', role: 'county_org_dept' }]);
});
afterAll(async () => {
  await identity?.close();
  await f?.close();
});

// Each login from an address of its own: this file is about codes, not the login throttles.
const login = (username: string, extra: { otp?: string; recoveryCode?: string } = {}) =>
  identity.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: `198.51.100.${++address}`, payload: { username, password: DEMO_PASSWORD, ...extra } });
const tokenOf = (res: { json(): unknown }) => (res.json() as { token: string }).token;
const call = (token: string, method: 'GET' | 'POST', url: string, payload?: object) => identity.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

/** Turns two-step verification on for `username`: its secret and the recovery codes shown once. */
async function enrol(token: string): Promise<{ secret: string; codes: string[] }> {
  const { secret } = body<{ secret: string }>(await call(token, 'POST', '/api/me/two-step/setup', { currentPassword: DEMO_PASSWORD }));
  const confirmed = await call(token, 'POST', '/api/me/two-step/confirm', { code: totpCode(secret) });
  expect(confirmed.statusCode).toBe(200);
  return { secret, codes: body<{ recoveryCodes: string[] }>(confirmed).recoveryCodes };
}

let secret = '';
let codes: string[] = [];

describe('recovery codes', () => {
  it('are ten, shown once when two-step verification is turned on, and stored only as keyed hashes', async () => {
    const token = tokenOf(await login(OFFICIAL));
    ({ secret, codes } = await enrol(token));
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    const user = await f.db.user.findUniqueOrThrow({ where: { username: OFFICIAL } });
    const rows = await f.db.totpRecoveryCode.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(10);
    const stored = JSON.stringify(rows);
    for (const c of codes) {
      expect(stored).not.toContain(c);
      expect(stored).not.toContain(c.replaceAll('-', ''));
      expect(logs.lines.join('')).not.toContain(c);
    }
    expect(body(await call(token, 'GET', '/api/me'))).toMatchObject({ twoStep: { enabled: true, recoveryCodesLeft: 10 } });
  });

  it('each signs in once instead of a code, typed in any case with or without hyphens', async () => {
    const typed = codes[0]!.replaceAll('-', '').toUpperCase();
    const ok = await login(OFFICIAL, { recoveryCode: ` ${typed} ` });
    expect(ok.statusCode).toBe(200);
    expect(body(ok)).toMatchObject({ user: { twoStep: { enabled: true, thisSession: true, recoveryCodesLeft: 9 } } });
    const again = await login(OFFICIAL, { recoveryCode: codes[0]! });
    expect([again.statusCode, body(again).code]).toEqual([401, 'RECOVERY_CODE_INVALID']);
    const wrong = await login(OFFICIAL, { recoveryCode: 'aaaa-bbbb-cccc-dddd' });
    expect([wrong.statusCode, body(wrong).code]).toEqual([401, 'RECOVERY_CODE_INVALID']);
    // Without a code or a recovery code the password is not enough.
    expect(body(await login(OFFICIAL)).code).toBe('OTP_REQUIRED');
    expect(logs.entries().some((l) => l.event === 'login.recovery-code-used' && l.recoveryCodesLeft === 9)).toBe(true);
    expect(await f.db.securityEvent.count({ where: { event: 'login.recovery-code-used', detail: { equals: { recoveryCodesLeft: 9 } } } })).toBeGreaterThanOrEqual(1);
    expect(logs.lines.join('')).not.toContain(typed);
  });

  it('one code used by two logins at once lets exactly one in', async () => {
    const racing = await Promise.all([login(OFFICIAL, { recoveryCode: codes[1]! }), login(OFFICIAL, { recoveryCode: codes[1]! })]);
    expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 401]);
    const user = await f.db.user.findUniqueOrThrow({ where: { username: OFFICIAL } });
    expect(await f.db.totpRecoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(8);
  });

  it('are regenerated only with a current code of the authenticator; the earlier ones stop working', async () => {
    const token = tokenOf(await login(OFFICIAL, { recoveryCode: codes[2]! }));
    const wrong = await call(token, 'POST', '/api/me/two-step/recovery-codes', { code: '000000' });
    expect([wrong.statusCode, body(wrong).code]).toEqual([403, 'WRONG_OTP']);
    const fresh = await call(token, 'POST', '/api/me/two-step/recovery-codes', { code: totpCode(secret, Date.now() + 30_000) });
    expect(fresh.statusCode).toBe(200);
    const newCodes = body<{ recoveryCodes: string[] }>(fresh).recoveryCodes;
    expect(newCodes).toHaveLength(10);
    expect(newCodes.filter((c) => codes.includes(c))).toEqual([]);
    expect(body(await login(OFFICIAL, { recoveryCode: codes[3]! })).code).toBe('RECOVERY_CODE_INVALID');
    expect((await login(OFFICIAL, { recoveryCode: newCodes[0]! })).statusCode).toBe(200);
    expect(logs.entries().some((l) => l.event === 'two-step.recovery-codes-regenerated')).toBe(true);
    codes = newCodes;
  });
});

describe('an administrator resets two-step verification', () => {
  let target = '';
  let targetToken = '';

  beforeAll(async () => {
    target = (await f.db.user.findUniqueOrThrow({ where: { username: OFFICIAL } })).id;
    targetToken = tokenOf(await login(OFFICIAL, { recoveryCode: codes[1]! }));
  });

  it('is refused outside the jurisdiction, without a reason, for oneself and for an account without it, changing nothing', async () => {
    const outsider = tokenOf(await login(OUTSIDER));
    const far = await call(outsider, 'POST', `/api/admin/accounts/${target}/reset-two-step`, { reason: '手机丢失，电话核实身份' });
    expect([far.statusCode, body(far).code]).toEqual([404, 'NOT_FOUND']);
    const admin = tokenOf(await login(ADMIN));
    const noReason = await call(admin, 'POST', `/api/admin/accounts/${target}/reset-two-step`, {});
    expect(noReason.statusCode).toBe(400);
    const adminId = (await f.db.user.findUniqueOrThrow({ where: { username: ADMIN } })).id;
    const self = await call(admin, 'POST', `/api/admin/accounts/${adminId}/reset-two-step`, { reason: '自己重置自己' });
    expect([self.statusCode, body(self).code]).toEqual([400, 'ACCOUNT_SELF']);
    const plainId = (await f.db.user.findUniqueOrThrow({ where: { username: PLAIN } })).id;
    const plain = await call(admin, 'POST', `/api/admin/accounts/${plainId}/reset-two-step`, { reason: '未启用也重置' });
    expect([plain.statusCode, body(plain).code]).toEqual([409, 'TWO_STEP_NOT_ENABLED']);
    const user = await f.db.user.findUniqueOrThrow({ where: { id: target } });
    expect(user.totpEnabledAt).not.toBeNull();
    expect(user.twoStepEnrolRequired).toBe(false);
    expect((await call(targetToken, 'GET', '/api/me')).statusCode).toBe(200);
    expect(await f.db.adminAuditLog.count({ where: { objectId: target, action: 'account.reset-two-step' } })).toBe(0);
  });

  it('ends the sessions, is recorded with the reason, and the account must set it up again before anything else', async () => {
    const admin = tokenOf(await login(ADMIN));
    const list = await call(admin, 'GET', `/api/admin/accounts/${target}`);
    expect(body(list)).toMatchObject({ twoStep: true });
    const reset = await call(admin, 'POST', `/api/admin/accounts/${target}/reset-two-step`, { reason: '手机丢失，电话核实身份' });
    expect(reset.statusCode).toBe(200);
    expect(body(reset)).toMatchObject({ account: { id: target, twoStep: false } });
    expect(body<{ endedSessions: number }>(reset).endedSessions).toBeGreaterThanOrEqual(1);
    const again = await call(admin, 'POST', `/api/admin/accounts/${target}/reset-two-step`, { reason: '再次重置' });
    expect([again.statusCode, body(again).code]).toEqual([409, 'TWO_STEP_NOT_ENABLED']);

    expect(body(await call(targetToken, 'GET', '/api/me')).code).toBe('UNAUTHENTICATED');
    expect(await f.db.adminAuditLog.count({ where: { objectId: target, action: 'account.reset-two-step', reason: '手机丢失，电话核实身份' } })).toBe(1);
    expect(await f.db.totpRecoveryCode.count({ where: { userId: target } })).toBe(0);
    expect(logs.entries().some((l) => l.event === 'admin.account.reset-two-step' && l.accountId === target)).toBe(true);
    // … and in the security event log (for the audit administrator).
    expect(await f.db.securityEvent.count({ where: { userId: target, event: 'two-step.reset' } })).toBe(1);

    // The password signs in; the session may only set two-step verification up again.
    const signedIn = await login(OFFICIAL);
    expect(signedIn.statusCode).toBe(200);
    expect(body(signedIn)).toMatchObject({ user: { twoStep: { enabled: false, enrolmentRequired: true } } });
    const token = tokenOf(signedIn);
    const refused = await call(token, 'GET', '/api/orgs');
    expect([refused.statusCode, body(refused).code]).toEqual([403, 'TWO_STEP_ENROLMENT_REQUIRED']);
    expect(body(refused).message).toContain('重新启用两步验证');
    const { codes: newCodes } = await enrol(token);
    expect(newCodes).toHaveLength(10);
    expect((await call(token, 'GET', '/api/orgs')).statusCode).toBe(200);
    expect(body(await call(token, 'GET', '/api/me'))).toMatchObject({ twoStep: { enabled: true, thisSession: true, enrolmentRequired: false, recoveryCodesLeft: 10 } });
  });
});
