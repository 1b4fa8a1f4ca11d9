import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@dj/db/seed-demo';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

let f: Fixture;
beforeAll(async () => {
  f = await startServices();
});
afterAll(async () => {
  await f?.close();
});

const login = (username: string, password: string) => f.identity.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

describe('identity service', () => {
  it('logs in with the right password and returns the user with memberships', async () => {
    const res = await login('li.zuzhi', DEMO_PASSWORD);
    expect(res.statusCode).toBe(200);
    const b = body<{ token: string; user: { username: string; memberships: { orgId: string; role: string }[] } }>(res);
    expect(b.user.username).toBe('li.zuzhi');
    expect(b.user.memberships).toEqual([expect.objectContaining({ orgId: 'town-a1', role: 'township_org_member', orgName: '东湖镇党委' })]);
    const me = await f.identity.inject({ method: 'GET', url: '/api/me', headers: bearer(b.token) });
    expect(me.statusCode).toBe(200);
    expect(body(me)).toMatchObject({ username: 'li.zuzhi' });
  });

  it('refuses wrong credentials with a coded bilingual error, and locks after five failures', async () => {
    const user = await f.db.user.findUniqueOrThrow({ where: { username: 'wang.shuji' } });
    await f.db.user.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: null } });
    for (let i = 1; i <= 4; i++) {
      const res = await login('wang.shuji', 'wrong');
      expect(res.statusCode).toBe(401);
      expect(body(res)).toEqual({ code: 'INVALID_CREDENTIALS', message: expect.stringContaining(' / ') });
    }
    const fifth = await login('wang.shuji', 'wrong');
    expect(fifth.statusCode).toBe(423);
    expect(body(fifth)).toMatchObject({ code: 'ACCOUNT_LOCKED' });
    const right = await login('wang.shuji', DEMO_PASSWORD);
    expect(body(right)).toMatchObject({ code: 'ACCOUNT_LOCKED' });
    const locked = await f.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(locked.lockedUntil!.getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    // After the lock expires the right password works again and resets the counter.
    await f.db.user.update({ where: { id: user.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    expect((await login('wang.shuji', DEMO_PASSWORD)).statusCode).toBe(200);
    expect((await f.db.user.findUniqueOrThrow({ where: { id: user.id } })).failedLogins).toBe(0);
  });

  it('an unknown user gets the same answer as a wrong password', async () => {
    const res = await login('nobody', 'x');
    expect(res.statusCode).toBe(401);
    expect(body(res)).toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('rejects missing, invalid and forged tokens with 401', async () => {
    for (const headers of [{}, { authorization: 'Bearer nonsense' }, { authorization: `Bearer ${f.identity.jwt.sign({ sub: '00000000-0000-0000-0000-000000000000' })}` }]) {
      const res = await f.identity.inject({ method: 'GET', url: '/api/me', headers });
      expect(res.statusCode).toBe(401);
      expect(body(res)).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it('validates bodies: unknown fields and missing fields are 400', async () => {
    for (const payload of [{}, { username: 'a' }, { username: 'a', password: 'b', extra: 1 }]) {
      const res = await f.identity.inject({ method: 'POST', url: '/api/auth/login', payload });
      expect(res.statusCode).toBe(400);
      expect(body(res)).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it('serves its OpenAPI document and health endpoints', async () => {
    const doc = await f.identity.inject({ method: 'GET', url: '/api/identity/openapi.json' });
    expect(body<{ paths: Record<string, unknown> }>(doc).paths).toHaveProperty('/api/auth/login');
    expect((await f.identity.inject({ method: 'GET', url: '/api/identity/health/live' })).statusCode).toBe(200);
    const ready = await f.identity.inject({ method: 'GET', url: '/api/identity/health/ready' });
    expect(body(ready)).toEqual({ status: 'ready', database: true, temporal: true });
  });
});
