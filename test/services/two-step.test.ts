/**
 * Two-step verification (TOTP) over HTTP (issues 11 and 13, 等保 2.0 level 3): set up with the password,
 * confirmed with a first code; from then on a login needs a code, each code works once; with
 * ADMIN_SECOND_FACTOR=required an administrator administers only from a session that passed the second
 * step. The secret is stored encrypted and never logged.
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
let identity: FastifyInstance; // ADMIN_SECOND_FACTOR=required, as deployed
const logs = captureLogs();
const P = randomUUID().slice(0, 6);
const ADMIN = `xihe.2fa.${P}`;
const SECRETARY = `xihe.zhibu.${P}`;

beforeAll(async () => {
  f = await startServices();
  identity = await buildIdentityApp({ ...f.deps, adminSecondFactor: 'required', logger: { level: 'info', stream: logs.stream } });
  await f.addUser(ADMIN, '西河县管理员', [{ orgId: 'county-b', role: 'admin' }]);
  await f.addUser(SECRETARY, '西河支部书记', [{ orgId: 'county-b', role: 'branch_secretary' }]);
});
afterAll(async () => {
  await identity?.close();
  await f?.close();
});

const login = (username: string, otp?: string) =>
  identity.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '203.0.113.77', payload: { username, password: DEMO_PASSWORD, ...(otp !== undefined ? { otp } : {}) } });
const tokenOf = (res: { json(): unknown }) => (res.json() as { token: string }).token;
const call = (token: string, method: 'GET' | 'POST', url: string, payload?: object) => identity.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

describe('two-step verification', () => {
  let secret = '';
  let confirmedAt = 0; // the time whose code confirmed the set-up: that time step is spent

  it('keeps an administrator without it out of administration, and shows why', async () => {
    const token = tokenOf(await login(ADMIN));
    const refused = await call(token, 'GET', '/api/admin/accounts');
    expect([refused.statusCode, body(refused).code]).toEqual([403, 'SECOND_FACTOR_REQUIRED']);
    expect(body(await call(token, 'GET', '/api/me'))).toMatchObject({ twoStep: { enabled: false, thisSession: false, required: true } });
    // Someone who is no administrator gets the routes' own refusal, not a prompt to enrol.
    const secretary = tokenOf(await login(SECRETARY));
    expect(body(await call(secretary, 'GET', '/api/admin/accounts')).code).toBe('FORBIDDEN');
    expect(body(await call(secretary, 'GET', '/api/me'))).toMatchObject({ twoStep: { required: false } });
  });

  it('is set up with the password and confirmed with a first code; that session may administer', async () => {
    const token = tokenOf(await login(ADMIN));
    expect(body(await call(token, 'POST', '/api/me/two-step/setup', { currentPassword: 'wrong-password' })).code).toBe('WRONG_PASSWORD');
    expect(body(await call(token, 'POST', '/api/me/two-step/confirm', { code: '123456' })).code).toBe('TOTP_NOT_PENDING');
    const setup = await call(token, 'POST', '/api/me/two-step/setup', { currentPassword: DEMO_PASSWORD });
    expect(setup.statusCode).toBe(200);
    ({ secret } = body<{ secret: string; otpauthUri: string }>(setup));
    expect(body<{ otpauthUri: string }>(setup).otpauthUri).toContain(`secret=${secret}`);
    // Not on until confirmed: the password alone still logs in.
    expect((await login(ADMIN)).statusCode).toBe(200);
    const wrong = await call(token, 'POST', '/api/me/two-step/confirm', { code: totpCode(secret, Date.now() + 5 * 60_000) });
    expect([wrong.statusCode, body(wrong).code]).toEqual([403, 'WRONG_OTP']);
    confirmedAt = Date.now();
    expect((await call(token, 'POST', '/api/me/two-step/confirm', { code: totpCode(secret, confirmedAt) })).statusCode).toBe(200);
    expect((await call(token, 'GET', '/api/admin/accounts')).statusCode).toBe(200);

    const stored = await f.db.user.findUniqueOrThrow({ where: { username: ADMIN } });
    expect(stored.totpSecret).not.toContain(secret);
    expect(stored.totpPending).toBeNull();
    expect(logs.lines.join('')).not.toContain(secret);
  });

  it('then needs a code at every login, each code once', async () => {
    const none = await login(ADMIN);
    expect([none.statusCode, body(none).code]).toEqual([401, 'OTP_REQUIRED']);
    const wrong = await login(ADMIN, '000000');
    expect([wrong.statusCode, body(wrong).code]).toEqual([401, 'OTP_INVALID']);
    // The code of the step used to confirm was spent; the next step's code (30 s of drift allowed) works once.
    expect(body(await login(ADMIN, totpCode(secret, confirmedAt))).code).toBe('OTP_INVALID');
    // Those three failures from one address slow the next attempt down (the login throttle counts codes too).
    const slowed = await login(ADMIN, totpCode(secret, Date.now() + 30_000));
    expect([slowed.statusCode, body(slowed).code]).toEqual([429, 'LOGIN_THROTTLED']);
    await new Promise((resolve) => setTimeout(resolve, Number(slowed.headers['retry-after']) * 1000 + 100));
    const next = totpCode(secret, confirmedAt + 30_000);
    const ok = await login(ADMIN, next);
    expect(ok.statusCode).toBe(200);
    expect(body(ok)).toMatchObject({ user: { twoStep: { enabled: true, thisSession: true } } });
    expect((await call(tokenOf(ok), 'GET', '/api/admin/accounts')).statusCode).toBe(200);
    expect(body(await login(ADMIN, next)).code).toBe('OTP_INVALID');
    expect(logs.lines.join('')).not.toContain(`"${next}"`);
  });

  it('is turned off only with the password and a current code', async () => {
    const user = `xihe.off.${P}`;
    await f.addUser(user, '西河县组织员', [{ orgId: 'county-b', role: 'admin' }]);
    const token = tokenOf(await login(user));
    const { secret: own } = body<{ secret: string }>(await call(token, 'POST', '/api/me/two-step/setup', { currentPassword: DEMO_PASSWORD }));
    expect((await call(token, 'POST', '/api/me/two-step/confirm', { code: totpCode(own) })).statusCode).toBe(200);
    expect(body(await call(token, 'POST', '/api/me/two-step/disable', { currentPassword: DEMO_PASSWORD, code: '000000' })).code).toBe('WRONG_OTP');
    expect(body(await call(token, 'POST', '/api/me/two-step/disable', { currentPassword: 'nope-nope-nope', code: totpCode(own, Date.now() + 30_000) })).code).toBe('WRONG_PASSWORD');
    expect((await login(user)).statusCode).toBe(401);
    const off = await call(token, 'POST', '/api/me/two-step/disable', { currentPassword: DEMO_PASSWORD, code: totpCode(own, Date.now() + 30_000) });
    expect([off.statusCode, body(off)]).toEqual([200, { enabled: false }]);
    expect((await login(user)).statusCode).toBe(200);
    // Off again: this session no longer counts as two-step, so administration is refused.
    expect(body(await call(token, 'GET', '/api/admin/accounts')).code).toBe('SECOND_FACTOR_REQUIRED');
  });
});
