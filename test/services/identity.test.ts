import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@dj/db';
import { DEMO_PASSWORD } from '@dj/db/seed-demo';
import { buildGateway, GATEWAY_BODY_LIMIT, parseTrustedProxies } from '@dj/gateway';
import { buildIdentityApp } from '@dj/identity';
import { signedClientAddress } from '@dj/service-kit';
import { captureLogs } from '../src/log-capture';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

let f: Fixture;
beforeAll(async () => {
  f = await startServices();
});
afterAll(async () => {
  await f?.close();
});

/** Documentation addresses (RFC 5737), a new one per call, signed as the gateway does. */
let ipCounter = 0;
const nextIp = () => `198.51.${100 + Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`;
const from = (ip: string) => signedClientAddress(ip, f.deps.jwtSecret);

const login = (username: string, password: string, ip = nextIp()) => f.identity.inject({ method: 'POST', url: '/api/auth/login', headers: from(ip), payload: { username, password } });
const tokenOf = (res: LightMyRequestResponse) => body<{ token: string }>(res).token;
const me = (token: string) => f.identity.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });

function expectThrottled(res: LightMyRequestResponse) {
  expect(res.statusCode, res.body).toBe(429);
  expect(body(res)).toEqual({ code: 'LOGIN_THROTTLED', message: expect.stringContaining(' / ') });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

describe('login', () => {
  it('logs in with the right password and returns the user with memberships', async () => {
    const res = await login('li.zuzhi', DEMO_PASSWORD);
    expect(res.statusCode).toBe(200);
    const b = body<{ token: string; user: { username: string; memberships: { orgId: string; role: string }[] } }>(res);
    expect(b.user.username).toBe('li.zuzhi');
    expect(b.user.memberships).toEqual([expect.objectContaining({ orgId: 'town-a1', role: 'township_org_member', orgName: '东湖镇党委' })]);
    const mine = await me(b.token);
    expect(mine.statusCode).toBe(200);
    expect(body(mine)).toMatchObject({ username: 'li.zuzhi' });
  });

  it('slows guessing from one address with a progressive delay, while the official logs in from elsewhere', async () => {
    const attacker = nextIp();
    for (let i = 1; i <= 3; i++) expect((await login('wang.shuji', 'wrong', attacker)).statusCode).toBe(401);
    // The 4th attempt comes too soon: refused without checking the password, even the right one.
    const early = await login('wang.shuji', DEMO_PASSWORD, attacker);
    expectThrottled(early);
    expect(Number(early.headers['retry-after'])).toBeLessThanOrEqual(2);
    // No account lock: the official, from another address, is not kept out.
    expect((await login('wang.shuji', DEMO_PASSWORD)).statusCode).toBe(200);
    // After the delay the attacker's address may try again (and a success clears its delay).
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await login('wang.shuji', DEMO_PASSWORD, attacker)).statusCode).toBe(200);
    expect((await login('wang.shuji', 'wrong', attacker)).statusCode).toBe(401);
  });

  it('counts parallel guesses before checking them: of 30 at once, only the first 3 are checked', async () => {
    const attacker = nextIp();
    const results = await Promise.all(Array.from({ length: 30 }, () => login('he.xianwei', 'wrong', attacker)));
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(27);
  });

  it('limits failed logins per client address, whatever the names tried', async () => {
    const attacker = nextIp();
    for (let i = 0; i < 30; i++) expect((await login(`nobody-${i}-${randomUUID().slice(0, 6)}`, 'wrong', attacker)).statusCode).toBe(401);
    expectThrottled(await login('zhang.zhibu', DEMO_PASSWORD, attacker));
    expect((await login('zhang.zhibu', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('limits guessing of one account spread over many addresses, except from addresses it logged in from; unknown names behave the same', async () => {
    const officialsDesk = nextIp();
    expect((await login('qian.minzheng', DEMO_PASSWORD, officialsDesk)).statusCode).toBe(200);
    const unknown = `ghost-${randomUUID().slice(0, 8)}`;
    for (const name of ['qian.minzheng', unknown]) {
      for (let i = 0; i < 20; i++) expect((await login(name, 'wrong')).statusCode, `${name} #${i}`).toBe(401);
      expectThrottled(await login(name, name === unknown ? 'wrong' : DEMO_PASSWORD));
    }
    // The official's own address still gets in.
    expect((await login('qian.minzheng', DEMO_PASSWORD, officialsDesk)).statusCode).toBe(200);
  });

  it('an unknown user gets the same answer as a wrong password, after as long', async () => {
    const time = async (username: string) => {
      const started = process.hrtime.bigint();
      const res = await login(username, 'wrong-password');
      expect(res.statusCode).toBe(401);
      expect(body(res)).toEqual({ code: 'INVALID_CREDENTIALS', message: expect.any(String) });
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 7; i++) {
      unknown.push(await time(`unknown-${randomUUID().slice(0, 8)}`));
      wrong.push(await time('feng.zhengfa'));
    }
    // Both check one scrypt hash; before, an unknown name answered in a few ms against ~100 ms.
    expect(median(unknown) / median(wrong)).toBeGreaterThan(0.6);
    expect(median(unknown) / median(wrong)).toBeLessThan(1.6);
  });

  it('rejects missing, invalid and forged tokens with 401', async () => {
    const forged = f.identity.jwt.sign({ sub: '00000000-0000-0000-0000-000000000000', sid: randomUUID() });
    const user = await f.db.user.findUniqueOrThrow({ where: { username: 'li.zuzhi' } });
    const noSession = f.identity.jwt.sign({ sub: user.id, sid: randomUUID() });
    for (const headers of [{}, { authorization: 'Bearer nonsense' }, bearer(forged), bearer(noSession)]) {
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
});

describe('sessions', () => {
  it('logout ends this session only: its token answers 401, another session of the user goes on', async () => {
    const one = tokenOf(await login('zhao.xianwei', DEMO_PASSWORD));
    const two = tokenOf(await login('zhao.xianwei', DEMO_PASSWORD));
    const out = await f.identity.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(one) });
    expect(out.statusCode).toBe(204);
    expect(body(await me(one))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await me(one)).statusCode).toBe(401);
    // Every service checks the session: the inbox refuses the token too.
    expect((await f.inbox.inject({ method: 'GET', url: '/api/inbox?view=todo', headers: bearer(one) })).statusCode).toBe(401);
    expect((await me(two)).statusCode).toBe(200);
    expect((await f.identity.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(one) })).statusCode).toBe(401);
  });

  it('a login purges the user’s sessions expired over 30 days ago and throttle rows whose window ended a day ago', async () => {
    const user = await f.db.user.findUniqueOrThrow({ where: { username: 'gd.jingli' } });
    const day = 86_400_000;
    const [old, recent] = [randomUUID(), randomUUID()];
    await f.db.userSession.createMany({ data: [{ id: old, userId: user.id, expiresAt: new Date(Date.now() - 40 * day) }, { id: recent, userId: user.id, expiresAt: new Date(Date.now() - 10 * day) }] });
    await f.db.throttle.createMany({ data: [{ key: 'test:stale', hits: 3, windowEndsAt: new Date(Date.now() - 2 * day), blockedUntil: new Date(Date.now() - 2 * day) }, { key: 'test:live', hits: 3, windowEndsAt: new Date(Date.now() + day), blockedUntil: new Date() }] });
    expect((await login('gd.jingli', DEMO_PASSWORD)).statusCode).toBe(200);
    expect(await f.db.userSession.count({ where: { id: { in: [old, recent] } } })).toBe(1);
    expect(await f.db.userSession.findUnique({ where: { id: recent } })).not.toBeNull();
    expect((await f.db.throttle.findMany({ where: { key: { startsWith: 'test:' } } })).map((t) => t.key)).toEqual(['test:live']);
  });

  it('a password change needs the current password and a sound new one, and ends the other sessions', async () => {
    const user = await f.db.user.findUniqueOrThrow({ where: { username: 'wu.sifa' } });
    const current = tokenOf(await login('wu.sifa', DEMO_PASSWORD));
    const other = tokenOf(await login('wu.sifa', DEMO_PASSWORD));
    const change = (currentPassword: string, newPassword: string) =>
      f.identity.inject({ method: 'POST', url: '/api/auth/password', headers: bearer(current), payload: { currentPassword, newPassword } });
    const wrong = await change('not-it', 'a-long-new-passphrase');
    expect(wrong.statusCode).toBe(403);
    expect(body(wrong)).toMatchObject({ code: 'WRONG_PASSWORD' });
    for (const weak of ['short', DEMO_PASSWORD, 'WU.SIFA', 'wu.sifa']) {
      const res = await change(DEMO_PASSWORD, weak);
      expect(res.statusCode, weak).toBe(400);
      expect(body(res)).toMatchObject({ code: 'WEAK_PASSWORD' });
    }
    expect((await f.db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBe(user.passwordHash);
    expect((await me(other)).statusCode).toBe(200);

    const ok = await change(DEMO_PASSWORD, '新的口令-2026-Dangjian');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(body(ok)).toEqual({ endedSessions: 1 });
    expect((await me(other)).statusCode).toBe(401);
    expect((await me(current)).statusCode).toBe(200);
    expect((await login('wu.sifa', DEMO_PASSWORD)).statusCode).toBe(401);
    expect((await login('wu.sifa', '新的口令-2026-Dangjian')).statusCode).toBe(200);
    await f.db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(DEMO_PASSWORD) } });
  });

  it('a security administrator ends the sessions of a user within their organization; others may not', async () => {
    const li = tokenOf(await login('li.zuzhi', DEMO_PASSWORD));
    // 三权分立: ending sessions is the 安全管理员's duty, not the 系统管理员's.
    const townAdmin = await f.addUser(`donghu.security.${Date.now()}`, '东湖镇安全管理员', [{ orgId: 'town-a1', role: 'security_admin' }]);
    const systemAdmin = tokenOf(await login('donghu.admin', DEMO_PASSWORD));
    const zhou = tokenOf(await login('zhou.zhibu', DEMO_PASSWORD));
    const ids = Object.fromEntries((await f.db.user.findMany({ where: { username: { in: ['li.zuzhi', 'zhou.zhibu', 'wang.shuji'] } } })).map((u) => [u.username, u.id]));
    const revoke = (token: string, userId: string) => f.identity.inject({ method: 'DELETE', url: `/api/users/${userId}/sessions`, headers: bearer(token) });

    for (const token of [li, systemAdmin]) {
      const notAdmin = await revoke(token, ids['wang.shuji']!);
      expect(notAdmin.statusCode).toBe(403);
      expect(body(notAdmin)).toMatchObject({ code: 'FORBIDDEN' });
    }
    const outside = await revoke(townAdmin, ids['zhou.zhibu']!);
    expect(outside.statusCode).toBe(404);
    expect((await me(zhou)).statusCode).toBe(200);

    const done = await revoke(townAdmin, ids['li.zuzhi']!);
    expect(done.statusCode).toBe(200);
    expect(body<{ endedSessions: number }>(done).endedSessions).toBeGreaterThanOrEqual(1);
    expect((await me(li)).statusCode).toBe(401);
    expect((await me(townAdmin)).statusCode).toBe(200);
    // The root security administrator reaches everyone.
    const root = tokenOf(await login('security', DEMO_PASSWORD));
    expect((await revoke(root, ids['zhou.zhibu']!)).statusCode).toBe(200);
    expect((await me(zhou)).statusCode).toBe(401);
  });
});

describe('user picker', () => {
  const pick = async (username: string, q?: string) => {
    const token = tokenOf(await login(username, DEMO_PASSWORD));
    const res = await f.identity.inject({ method: 'GET', url: `/api/users?limit=50${q ? `&q=${encodeURIComponent(q)}` : ''}`, headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    return body<{ items: { username: string }[] }>(res).items.map((u) => u.username);
  };

  it('lists the users of the caller’s organizations, their subtrees and supervising chains only', async () => {
    const li = await pick('li.zuzhi');
    expect(li).toEqual(expect.arrayContaining(['zhang.zhibu', 'wang.shuji', 'zhao.xianwei', 'feng.zhengfa', 'chen.shiwei']));
    for (const outsider of ['sun.zhibu', 'liu.zuzhi', 'zhou.zhibu']) expect(li).not.toContain(outsider);
    const zhou = await pick('zhou.zhibu');
    expect(zhou).not.toContain('zhang.zhibu');
    expect(zhou).toContain('chen.shiwei');
    expect(await pick('admin')).toEqual(expect.arrayContaining(['zhang.zhibu', 'sun.zhibu', 'zhou.zhibu']));
    // The search stays inside the reach.
    expect(await pick('li.zuzhi', '孙海涛')).toEqual([]);
    expect(await pick('li.zuzhi', 'zhang')).toEqual(['zhang.zhibu']);
  });
});

describe('edges', () => {
  it('sends security headers on answers and errors', async () => {
    for (const res of [await f.identity.inject({ method: 'GET', url: '/api/identity/health/live' }), await me('nonsense'), await f.identity.inject({ method: 'GET', url: '/api/nowhere' })]) {
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('keeps {code, message} for unknown routes, wrong media types, malformed JSON and large bodies', async () => {
    const cases: [LightMyRequestResponse, number, string][] = [
      [await f.identity.inject({ method: 'GET', url: '/api/nowhere' }), 404, 'NOT_FOUND'],
      [await f.identity.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<login/>' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [await f.identity.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username": "a",' }), 400, 'VALIDATION_FAILED'],
      [await f.identity.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'a', password: 'x'.repeat(2 * 1024 * 1024) }) }), 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [res, status, code] of cases) {
      expect(res.statusCode, res.body).toBe(status);
      expect(Object.keys(body(res)).sort()).toEqual(['code', 'message']);
      expect(body(res)).toMatchObject({ code, message: expect.stringContaining(' / ') });
    }
  });

  it('logs request URLs without their query strings', async () => {
    const logs = captureLogs();
    const app = await buildIdentityApp({ ...f.deps, logger: { level: 'info', stream: logs.stream } } as Parameters<typeof buildIdentityApp>[0]);
    try {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', headers: from(nextIp()), payload: { username: 'ma.dangyuan', password: DEMO_PASSWORD } });
      const token = tokenOf(res);
      expect((await app.inject({ method: 'GET', url: '/api/users?q=13812345678', headers: bearer(token) })).statusCode).toBe(200);
      const text = logs.lines.join('');
      expect(text).toContain('/api/users?[redacted]');
      expect(text).not.toContain('13812345678');
      expect(text).not.toContain(token);
      expect(text).toContain('"login.succeeded"');
    } finally {
      await app.close();
    }
  });

  it('serves its OpenAPI document and health endpoints', async () => {
    const doc = await f.identity.inject({ method: 'GET', url: '/api/identity/openapi.json' });
    expect(Object.keys(body<{ paths: Record<string, unknown> }>(doc).paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/auth/logout', '/api/auth/password', '/api/users/{id}/sessions']));
    expect((await f.identity.inject({ method: 'GET', url: '/api/identity/health/live' })).statusCode).toBe(200);
    const ready = await f.identity.inject({ method: 'GET', url: '/api/identity/health/ready' });
    expect(body(ready)).toMatchObject({ status: 'ready', database: true, temporal: true });
  });
});

describe('the gateway', () => {
  let gatewayUrl: string;
  let gateway: Awaited<ReturnType<typeof buildGateway>>;
  beforeAll(async () => {
    const identityUrl = await f.identity.listen({ host: '127.0.0.1', port: 0 });
    const nowhere = 'http://127.0.0.1:9';
    gateway = await buildGateway({ identity: identityUrl, inbox: nowhere, cases: nowhere, noticeBoard: nowhere, console: nowhere }, { logLevel: 'silent', jwtSecret: f.deps.jwtSecret });
    gatewayUrl = await gateway.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  const chunked = (text: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
        controller.close();
      },
    });
  const postLogin = (init: { body: string | ReadableStream<Uint8Array>; headers?: Record<string, string> }) =>
    fetch(`${gatewayUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...init.headers }, body: init.body, duplex: 'half' } as RequestInit);

  it('answers bodies over the limit with a coded 413, with or without a length', async () => {
    const big = JSON.stringify({ username: 'li.zuzhi', password: 'x'.repeat(GATEWAY_BODY_LIMIT + 10) });
    for (const res of [await postLogin({ body: big }), await postLogin({ body: chunked(big) })]) {
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining(' / ') });
    }
    // A small chunked body goes through.
    await f.db.throttle.deleteMany();
    const small = await postLogin({ body: chunked(JSON.stringify({ username: 'li.zuzhi', password: DEMO_PASSWORD })) });
    expect(small.status).toBe(200);
  });

  it('keeps {code, message} when a service is down, and sends security headers', async () => {
    const down = await fetch(`${gatewayUrl}/api/cases/00000000-0000-4000-8000-000000000000`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ code: 'UNAVAILABLE', message: expect.stringContaining(' / ') });
    for (const url of ['/api/health/live', '/api/nowhere', '/api/identity/health/live']) {
      const res = await fetch(`${gatewayUrl}${url}`);
      expect(res.headers.get('content-security-policy'), url).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), url).toBe('no-referrer');
    }
  });

  it('answers 503 UNAVAILABLE, not 500, when a service drops the connection mid-request (as one being restarted does)', async () => {
    // A listener that accepts and closes at the first bytes, as a service killed while answering.
    const dropping = createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(dropping.address() as AddressInfo).port}`;
    const edge = await buildGateway({ identity: url, inbox: url, cases: url, noticeBoard: url, console: url }, { logLevel: 'silent' });
    try {
      const base = await edge.listen({ host: '127.0.0.1', port: 0 });
      for (const [method, path] of [['GET', '/api/inbox'], ['POST', '/api/tasks/00000000-0000-4000-8000-000000000000/actions']] as const) {
        const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{"action":"approve"}' } : {}) });
        expect(res.status, path).toBe(503);
        expect(await res.json(), path).toEqual({ code: 'UNAVAILABLE', message: expect.stringContaining(' / ') });
      }
    } finally {
      await edge.close();
      dropping.close();
    }
  });

  it('throttles logins by the address that connected to it, whatever the client claims', async () => {
    await f.db.throttle.deleteMany();
    for (let i = 0; i < 3; i++) {
      const res = await postLogin({ body: JSON.stringify({ username: 'chen.shiwei', password: 'wrong' }), headers: { 'x-forwarded-for': nextIp(), 'x-dj-client-address': nextIp(), 'x-dj-client-signature': 'forged' } });
      expect(res.status).toBe(401);
    }
    const refused = await postLogin({ body: JSON.stringify({ username: 'chen.shiwei', password: DEMO_PASSWORD }), headers: { 'x-forwarded-for': nextIp(), ...from(nextIp()) } });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'LOGIN_THROTTLED' });
    await f.db.throttle.deleteMany();
  });

  it('behind trusted proxies (TRUSTED_PROXIES), throttles by the client they name, and ignores that header from anyone else', async () => {
    expect(() => parseTrustedProxies('10.0.0.0/8, not-an-address')).toThrow(/not-an-address/);
    expect(parseTrustedProxies(' 127.0.0.1 , 10.0.0.0/8 ')).toEqual(['127.0.0.1', '10.0.0.0/8']);
    const identityUrl = `http://127.0.0.1:${(f.identity.server.address() as AddressInfo).port}`;
    const nowhere = 'http://127.0.0.1:9';
    const behind = await buildGateway({ identity: identityUrl, inbox: nowhere, cases: nowhere, noticeBoard: nowhere, console: nowhere }, { logLevel: 'silent', jwtSecret: f.deps.jwtSecret, trustedProxies: parseTrustedProxies('127.0.0.1') });
    try {
      const base = await behind.listen({ host: '127.0.0.1', port: 0 });
      const login = (client: string, password: string) =>
        fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': client }, body: JSON.stringify({ username: 'chen.shiwei', password }) });
      await f.db.throttle.deleteMany();
      const guesser = nextIp();
      for (let i = 0; i < 3; i++) expect((await login(guesser, 'wrong')).status).toBe(401);
      // The guessing client is slowed; another client behind the same proxy logs in.
      expect((await login(guesser, DEMO_PASSWORD)).status).toBe(429);
      expect((await login(nextIp(), DEMO_PASSWORD)).status).toBe(200);
    } finally {
      await behind.close();
      await f.db.throttle.deleteMany();
    }
  });
});
