import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/client';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadWorkingCalendar, objectionPhoneContext, personalData, verifyCaseRecord } from '@dj/db';
import { request as httpRequest } from 'node:http';
import { buildGateway } from '@dj/gateway';
import { buildNoticeBoardApp, OBJECTION_RATE_LIMIT } from '@dj/notice-board';
import { signedClientAddress } from '@dj/service-kit';
import { createNoticeActivities } from '@dj/workflows';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

const POLICY = 'secretary-replacement.public-notice';
const WDS = 60; // one working day lasts 60 s for these activities
const HOUR = 3_600_000;

let f: Fixture;
let acts: ReturnType<typeof createNoticeActivities>;
/** The notice board under test, its log output captured for the whole file. */
let board: FastifyInstance;
const logLines: string[] = [];
const tokens: Record<string, string> = {};
beforeAll(async () => {
  f = await startServices();
  acts = createNoticeActivities({ db: f.db, workingDaySeconds: WDS });
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  board = await buildNoticeBoardApp({ ...f.deps, logger: { level: 'info', stream } });
  for (const u of ['li.zuzhi', 'wang.shuji', 'liu.zuzhi', 'zhao.xianwei']) tokens[u] = await f.login(u);
});
afterAll(async () => {
  await board?.close();
  await f?.close();
});

type NoticeItem = { id: string; title: string; body: string; org: { id: string; name: string }; startsAt: string; endsAt: string; status: string; active: boolean };
type NoticePage = { items: NoticeItem[]; nextCursor: string | null };

/** Documentation addresses (RFC 5737), a new one per call: each test has its own rate-limit bucket. */
let ipCounter = 0;
const nextIp = () => `203.0.${113 + Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`;

/** A case row, so the notice has a case to record into (its workflow id names no running workflow). */
async function makeCase(orgId = 'branch-a1-1') {
  const org = await f.db.orgUnit.findUniqueOrThrow({ where: { id: orgId } });
  const initiator = await f.db.user.findUniqueOrThrow({ where: { username: 'zhang.zhibu' } });
  const id = randomUUID();
  await f.db.case.create({
    data: { id, type: 'secretary-replacement', workflowId: `notice-test:${id}`, orgId, orgPath: org.path, title: '东湖村第一党支部书记补选', status: 'open', stage: 'public-notice', initiatorId: initiator.id, input: {}, openedAt: new Date() },
  });
  return id;
}

async function publish(opts: { caseId?: string; orgId?: string; title?: string; activities?: typeof acts } = {}) {
  const caseId = opts.caseId ?? (await makeCase(opts.orgId));
  const input = {
    caseId,
    idemKey: `${caseId}:public-notice:${randomUUID()}`,
    orgId: opts.orgId ?? 'branch-a1-1',
    title: opts.title ?? '关于王某某同志任东湖村第一党支部书记的公示',
    body: '公示期内，如有异议，请实名反映。',
    policyKey: POLICY,
  };
  const published = await (opts.activities ?? acts).publishNotice(input);
  return { ...published, caseId, input };
}

const validObjection = { name: '张三丰', phone: '13812345678', content: '该同志在村务工作中存在优亲厚友的问题，请组织核实。' };

function fileObjection(noticeId: string, payload: unknown, ip = nextIp()) {
  return board.inject({ method: 'POST', url: `/api/notices/${noticeId}/objections`, headers: signedClientAddress(ip, f.deps.jwtSecret), payload: payload as Record<string, unknown> });
}

const objectionCount = (noticeId: string) => f.db.objection.count({ where: { noticeId } });

async function listAll(query: string): Promise<NoticeItem[]> {
  const items: NoticeItem[] = [];
  let cursor: string | null = null;
  do {
    const res: LightMyRequestResponse = await board.inject({ method: 'GET', url: `/api/notices?${query}&limit=50${cursor ? `&cursor=${cursor}` : ''}` });
    expect(res.statusCode).toBe(200);
    const page: NoticePage = body<NoticePage>(res);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe('publishNotice', () => {
  it('is idempotent on its key: one notice, one record event, the same times; length from the policy', async () => {
    const caseId = await makeCase();
    const first = await publish({ caseId });
    const again = await acts.publishNotice(first.input);
    expect(again).toEqual({ noticeId: first.noticeId, startsAt: first.startsAt, endsAt: first.endsAt, workingDays: 5 });
    expect(first.endsAt - first.startsAt).toBe(5 * WDS * 1000);
    expect(Math.abs(first.startsAt - Date.now())).toBeLessThan(60_000);
    expect(await f.db.notice.count({ where: { idemKey: first.input.idemKey } })).toBe(1);

    const notice = await f.db.notice.findUniqueOrThrow({ where: { id: first.noticeId } });
    const org = await f.db.orgUnit.findUniqueOrThrow({ where: { id: 'branch-a1-1' } });
    expect(notice).toMatchObject({ caseId, orgId: 'branch-a1-1', orgPath: org.path, status: 'active', workingDays: 5, title: first.input.title });

    const events = await f.db.caseEvent.findMany({ where: { caseId, type: 'notice.published' } });
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ noticeId: first.noticeId, title: first.input.title, startsAt: new Date(first.startsAt).toISOString(), endsAt: new Date(first.endsAt).toISOString() });
    expect(await verifyCaseRecord(f.db, caseId)).toMatchObject({ valid: true, events: 1 });
  });

  it('reads the policy table: an administrator’s override applies to notices published afterwards', async () => {
    const key = `duration.${POLICY}`;
    const saved = await f.db.policy.findUnique({ where: { key } });
    await f.db.policy.upsert({ where: { key }, create: { key, value: { workingDays: 2 } }, update: { value: { workingDays: 2 } } });
    try {
      const p = await publish();
      expect(p.workingDays).toBe(2);
      expect(p.endsAt - p.startsAt).toBe(2 * WDS * 1000);
    } finally {
      if (saved) await f.db.policy.update({ where: { key }, data: { value: saved.value as object } });
      else await f.db.policy.delete({ where: { key } });
    }
  });

  it('on the real calendar ends at 23:59:59.999 China time of the 5th working day after today', async () => {
    const real = createNoticeActivities({ db: f.db });
    const p = await publish({ activities: real });
    const calendar = await loadWorkingCalendar(f.db);
    expect(p.endsAt).toBe(calendar.addWorkingDays(new Date(p.startsAt), 5).due.getTime());
    expect(new Date(p.endsAt + 8 * HOUR).toISOString().slice(11)).toBe('23:59:59.999Z');
    expect(p.endsAt - p.startsAt).toBeGreaterThan(5 * 24 * HOUR);
  });
});

describe('public notice board', () => {
  it('lists and shows notices without a token; the org filter takes the subtree', async () => {
    const a1 = await publish({ orgId: 'branch-a1-1', title: `东湖公示 ${randomUUID().slice(0, 6)}` });
    const a2 = await publish({ orgId: 'branch-a2-1', title: `西山公示 ${randomUUID().slice(0, 6)}` });

    const town = await listAll('orgId=town-a1');
    expect(town.map((n) => n.id)).toContain(a1.noticeId);
    expect(town.map((n) => n.id)).not.toContain(a2.noticeId);
    const all = await listAll('active=true');
    expect(all.map((n) => n.id)).toEqual(expect.arrayContaining([a1.noticeId, a2.noticeId]));

    const one = await board.inject({ method: 'GET', url: `/api/notices/${a1.noticeId}` });
    expect(one.statusCode).toBe(200);
    expect(body<NoticeItem>(one)).toEqual({
      id: a1.noticeId,
      title: a1.input.title,
      body: a1.input.body,
      org: { id: 'branch-a1-1', name: '东湖村第一党支部' },
      startsAt: new Date(a1.startsAt).toISOString(),
      endsAt: new Date(a1.endsAt).toISOString(),
      status: 'active',
      active: true,
    });
    expect((await board.inject({ method: 'GET', url: `/api/notices/${randomUUID()}` })).statusCode).toBe(404);
    expect((await board.inject({ method: 'GET', url: '/api/notices?orgId=no-such-org' })).statusCode).toBe(404);
    for (const q of ['active=maybe', 'limit=0', 'limit=101', 'cursor=abc', 'extra=1']) {
      const res = await board.inject({ method: 'GET', url: `/api/notices?${q}` });
      expect(res.statusCode, q).toBe(400);
      expect(body(res), q).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it('pages newest first with a keyset cursor', async () => {
    for (let i = 0; i < 3; i++) await publish({ orgId: 'branch-a1-1' });
    const whole = body<NoticePage>(await board.inject({ method: 'GET', url: '/api/notices?orgId=town-a1&limit=100' }));
    expect(whole.items.length).toBeGreaterThanOrEqual(3);
    const paged: NoticeItem[] = [];
    let cursor: string | null = null;
    do {
      const page: NoticePage = body<NoticePage>(await board.inject({ method: 'GET', url: `/api/notices?orgId=town-a1&limit=2${cursor ? `&cursor=${cursor}` : ''}` }));
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged.map((n) => n.id)).toEqual(whole.items.map((n) => n.id));
    const starts = paged.map((n) => n.startsAt);
    expect([...starts].sort().reverse()).toEqual(starts);
  });

  it('active = now within [startsAt, endsAt] and status active', async () => {
    const open = await publish();
    const future = await publish();
    const ended = await publish();
    const withdrawn = await publish();
    await f.db.notice.update({ where: { id: future.noticeId }, data: { startsAt: new Date(Date.now() + HOUR), endsAt: new Date(Date.now() + 2 * HOUR) } });
    await f.db.notice.update({ where: { id: ended.noticeId }, data: { startsAt: new Date(Date.now() - 2 * HOUR), endsAt: new Date(Date.now() - HOUR) } });
    await acts.closeNotice({ caseId: withdrawn.caseId, noticeId: withdrawn.noticeId, status: 'withdrawn' });

    const active = (await listAll('orgId=branch-a1-1&active=true')).map((n) => n.id);
    const inactive = await listAll('orgId=branch-a1-1&active=false');
    expect(active).toContain(open.noticeId);
    for (const n of [future, ended, withdrawn]) expect(active).not.toContain(n.noticeId);
    expect(inactive.map((n) => n.id)).toEqual(expect.arrayContaining([future.noticeId, ended.noticeId, withdrawn.noticeId]));
    expect(inactive.map((n) => n.id)).not.toContain(open.noticeId);
    expect(inactive.every((n) => !n.active)).toBe(true);
    expect(inactive.find((n) => n.id === withdrawn.noticeId)?.status).toBe('withdrawn');
  });
});

describe('objections from the public', () => {
  it('stores the objection before answering 201 with a receipt; the log has a masked phone only', async () => {
    const before = logLines.length;
    {
      const n = await publish();
      const res = await fileObjection(n.noticeId, validObjection);
      expect(res.statusCode).toBe(201);
      const answer = body<{ receiptNo: string; noticeId: string; status: string }>(res);
      const today = new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 10).replaceAll('-', '');
      expect(answer.receiptNo).toMatch(new RegExp(`^YY${today}-[0-9A-HJKMNP-TV-Z]{6}$`));
      expect(answer).toEqual({ receiptNo: answer.receiptNo, noticeId: n.noticeId, status: 'received' });

      const row = await f.db.objection.findUniqueOrThrow({ where: { receiptNo: answer.receiptNo } });
      expect(row).toMatchObject({ noticeId: n.noticeId, name: validObjection.name, plainPhone: null, content: validObjection.content, status: 'pending', finding: null });
      // The phone only encrypted (key outside the database) with its keyed hash: no plaintext in the table.
      const [raw] = await f.db.$queryRaw<{ phone: string | null; cipher: string; hash: string }[]>`SELECT phone, phone_cipher AS cipher, phone_hash AS hash FROM objection WHERE id = ${row.id}::uuid`;
      expect(raw!.phone).toBeNull();
      expect(raw!.cipher).toMatch(/^pd1:[0-9a-f]{8}:[A-Za-z0-9_-]+$/);
      expect(`${raw!.cipher}${raw!.hash}`).not.toContain('13812345678');
      expect(personalData().decrypt(raw!.cipher, objectionPhoneContext(row.id))).toBe('13812345678');
      expect(personalData().phoneMatches(raw!.hash, '13812345678')).toBe(true);
      expect(row.clientKey).toMatch(/^[0-9a-f]{64}$/);

      const logs = logLines.slice(before).join('');
      expect(logs).toContain('"objection.received"');
      expect(logs).toContain(row.id);
      expect(logs).toContain('138******78');
      expect(logs).toContain('"objection.signal_failed"'); // the case's workflow does not exist, the objection stands
      expect(logs).not.toContain('13812345678');
      expect(logs).not.toContain(validObjection.name);
      expect(logs).not.toContain('优亲厚友');
    }
  });

  it('same client, same key; another client, another key; the key is not the address', async () => {
    const n = await publish();
    const ip = nextIp();
    const r1 = body<{ receiptNo: string }>(await fileObjection(n.noticeId, validObjection, ip));
    const r2 = body<{ receiptNo: string }>(await fileObjection(n.noticeId, validObjection, ip));
    const r3 = body<{ receiptNo: string }>(await fileObjection(n.noticeId, validObjection));
    const [k1, k2, k3] = await Promise.all([r1, r2, r3].map(async (r) => (await f.db.objection.findUniqueOrThrow({ where: { receiptNo: r.receiptNo } })).clientKey));
    expect(new Set([r1.receiptNo, r2.receiptNo, r3.receiptNo]).size).toBe(3);
    expect(k1).toBe(k2);
    expect(k3).not.toBe(k1);
    expect(k1).not.toContain(ip);
  });

  it('signals the case workflow with the objection', async () => {
    const started = await f.cases.inject({
      method: 'POST',
      url: '/api/cases',
      headers: bearer(await f.login('zhang.zhibu')),
      payload: { type: 'request-report', orgId: 'branch-a1-1', input: { title: '用于公示信号测试的请示', body: '正文' } },
    });
    expect(started.statusCode).toBe(201);
    const caseId = body<{ caseId: string }>(started).caseId;
    const n = await publish({ caseId });
    const res = await fileObjection(n.noticeId, validObjection);
    expect(res.statusCode).toBe(201);
    const objection = await f.db.objection.findUniqueOrThrow({ where: { receiptNo: body<{ receiptNo: string }>(res).receiptNo } });
    const c = await f.db.case.findUniqueOrThrow({ where: { id: caseId } });
    const logged = logLines.map((l) => JSON.parse(l) as { event?: string; objectionId?: string }).filter((l) => l.objectionId === objection.id);
    expect(logged.map((l) => l.event)).toEqual(['objection.received']); // and no objection.signal_failed
    const history = await f.deps.temporal.workflow.getHandle(c.workflowId).fetchHistory();
    const signals = (history.events ?? []).map((e) => e.workflowExecutionSignaledEventAttributes).filter((a) => a?.signalName === 'objectionFiled');
    expect(signals).toHaveLength(1);
    expect(defaultPayloadConverter.fromPayload(signals[0]!.input!.payloads![0]!)).toEqual({ objectionId: objection.id, noticeId: n.noticeId });
  });

  it('accepts a landline, a name with ·, a Latin name', async () => {
    const n = await publish();
    for (const variant of [{ phone: '0571-88888888' }, { phone: '01062345678' }, { name: '阿卜杜拉·艾力' }, { name: 'John Smith' }]) {
      const res = await fileObjection(n.noticeId, { ...validObjection, ...variant });
      expect(res.statusCode, JSON.stringify(variant)).toBe(201);
    }
    expect(await objectionCount(n.noticeId)).toBe(4);
  });

  it('refuses bad input with 400 and stores nothing', async () => {
    const n = await publish();
    const { name: _name, ...noName } = validObjection;
    const cases: Record<string, unknown> = {
      'missing name': noName,
      'digits in name': { ...validObjection, name: '张三1' },
      'one-character name': { ...validObjection, name: '张' },
      'symbols in name': { ...validObjection, name: '张三!' },
      'name too long': { ...validObjection, name: '张'.repeat(21) },
      'phone with 12': { ...validObjection, phone: '12812345678' },
      'phone too short': { ...validObjection, phone: '1381234567' },
      'phone with country code': { ...validObjection, phone: '+8613812345678' },
      'phone as a number': { ...validObjection, phone: 13812345678 },
      'content too short': { ...validObjection, content: '不同意' },
      'content only spaces around a short word': { ...validObjection, content: `    不同意    ` },
      'content too long': { ...validObjection, content: '异'.repeat(2001) },
      'unknown field': { ...validObjection, idNumber: '110101199003077777' },
      'no body': undefined,
    };
    for (const [what, payload] of Object.entries(cases)) {
      const res = await fileObjection(n.noticeId, payload);
      expect(res.statusCode, what).toBe(400);
      expect(body(res), what).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(await objectionCount(n.noticeId)).toBe(0);
  });

  it('outside the notice period or after withdrawal: 409 NOTICE_NOT_ACTIVE and nothing stored; unknown notice 404', async () => {
    const future = await publish();
    const ended = await publish();
    const withdrawn = await publish();
    const closed = await publish();
    await f.db.notice.update({ where: { id: future.noticeId }, data: { startsAt: new Date(Date.now() + HOUR), endsAt: new Date(Date.now() + 2 * HOUR) } });
    await f.db.notice.update({ where: { id: ended.noticeId }, data: { startsAt: new Date(Date.now() - 2 * HOUR), endsAt: new Date(Date.now() - 1000) } });
    await acts.closeNotice({ caseId: withdrawn.caseId, noticeId: withdrawn.noticeId, status: 'withdrawn' });
    await acts.closeNotice({ caseId: closed.caseId, noticeId: closed.noticeId, status: 'closed' });
    for (const n of [future, ended, withdrawn, closed]) {
      const res = await fileObjection(n.noticeId, validObjection);
      expect(res.statusCode).toBe(409);
      expect(body(res)).toEqual({ code: 'NOTICE_NOT_ACTIVE', message: '公示期外不受理异议 / Notice is not open for objections' });
      expect(await objectionCount(n.noticeId)).toBe(0);
    }
    const unknown = await fileObjection(randomUUID(), validObjection);
    expect(unknown.statusCode).toBe(404);
    expect(body(unknown)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('rate-limits per client address: the 6th request in 10 minutes is a 429 and stores nothing', async () => {
    const n = await publish();
    const ip = nextIp();
    for (let i = 0; i < 5; i++) expect((await fileObjection(n.noticeId, validObjection, ip)).statusCode).toBe(201);
    const refused = await fileObjection(n.noticeId, validObjection, ip);
    expect(refused.statusCode).toBe(429);
    expect(body(refused)).toEqual({ code: 'RATE_LIMITED', message: '请求过于频繁，请稍后再试 / Too many requests' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await fileObjection(n.noticeId, validObjection, ip)).statusCode).toBe(429);
    expect(await objectionCount(n.noticeId)).toBe(5);
    // Another client is not affected; reading notices is not limited.
    expect((await fileObjection(n.noticeId, validObjection)).statusCode).toBe(201);
    expect((await board.inject({ method: 'GET', url: `/api/notices/${n.noticeId}`, headers: signedClientAddress(ip, f.deps.jwtSecret) })).statusCode).toBe(200);
    expect(await objectionCount(n.noticeId)).toBe(6);
  });

  it('keeps the count in PostgreSQL: every instance of the board shares it', async () => {
    const n = await publish();
    const ip = nextIp();
    const second = await buildNoticeBoardApp({ ...f.deps, logger: false });
    try {
      const via = (app: typeof board) => app.inject({ method: 'POST', url: `/api/notices/${n.noticeId}/objections`, headers: signedClientAddress(ip, f.deps.jwtSecret), payload: validObjection });
      for (let i = 0; i < 3; i++) expect((await via(board)).statusCode).toBe(201);
      for (let i = 0; i < 2; i++) expect((await via(second)).statusCode).toBe(201);
      expect((await via(second)).statusCode).toBe(429);
      expect((await via(board)).statusCode).toBe(429);
      expect(await objectionCount(n.noticeId)).toBe(OBJECTION_RATE_LIMIT.max);
    } finally {
      await second.close();
    }
  });

  it('trusts only the address the gateway signed: forged headers on the board’s own port count against the connection’s peer', async () => {
    const n = await publish();
    const victim = nextIp();
    for (let i = 0; i < 5; i++) expect((await fileObjection(n.noticeId, validObjection, victim)).statusCode).toBe(201);
    const peer = '198.51.100.7';
    const direct = (headers: Record<string, string>) => board.inject({ method: 'POST', url: `/api/notices/${n.noticeId}/objections`, remoteAddress: peer, headers, payload: validObjection });
    // Posing as the exhausted address does not work, nor does escaping one's own limit.
    expect((await direct({ 'x-forwarded-for': victim })).statusCode).toBe(201);
    expect((await direct({ 'x-dj-client-address': nextIp(), 'x-dj-client-signature': 'forged' })).statusCode).toBe(201);
    expect((await direct(signedClientAddress(nextIp(), 'another-secret-another-secret-another'))).statusCode).toBe(201);
    for (let i = 0; i < 2; i++) expect((await direct({ 'x-forwarded-for': nextIp() })).statusCode).toBe(201);
    const refused = await direct({ 'x-forwarded-for': nextIp() });
    expect(refused.statusCode).toBe(429);
    expect(body(refused)).toEqual({ code: 'RATE_LIMITED', message: expect.stringContaining(' / ') });
  });

  it('applies the same limit through the gateway and on the board’s own port', async () => {
    const n = await publish();
    const boardUrl = await board.listen({ host: '127.0.0.1', port: 0 });
    const gateway = await buildGateway({ identity: boardUrl, inbox: boardUrl, cases: boardUrl, noticeBoard: boardUrl, console: 'http://127.0.0.1:9' }, { logLevel: 'silent', jwtSecret: f.deps.jwtSecret });
    try {
      const gatewayUrl = await gateway.listen({ host: '127.0.0.1', port: 0 });
      // A real client on this machine: through the gateway it is 127.0.0.1, signed; directly, the peer 127.0.0.1.
      const post = (base: string, headers: Record<string, string> = {}) =>
        fetch(`${base}/api/notices/${n.noticeId}/objections`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(validObjection) });
      await f.db.throttle.deleteMany(); // this machine's address may have been counted by earlier requests
      for (let i = 0; i < 3; i++) expect((await post(gatewayUrl, { 'x-forwarded-for': nextIp() })).status).toBe(201);
      for (let i = 0; i < 2; i++) expect((await post(boardUrl, { 'x-forwarded-for': nextIp() })).status).toBe(201);
      const viaGateway = await post(gatewayUrl, { 'x-dj-client-address': nextIp() });
      expect(viaGateway.status).toBe(429);
      expect(await viaGateway.json()).toMatchObject({ code: 'RATE_LIMITED' });
      expect((await post(boardUrl)).status).toBe(429);
    } finally {
      await gateway.close();
    }
  });

  it('the gateway passes `Expect: 100-continue` requests on', async () => {
    const n = await publish();
    const boardUrl = board.server.listening ? `http://127.0.0.1:${(board.server.address() as { port: number }).port}` : await board.listen({ host: '127.0.0.1', port: 0 });
    const gateway = await buildGateway({ identity: boardUrl, inbox: boardUrl, cases: boardUrl, noticeBoard: boardUrl, console: 'http://127.0.0.1:9' }, { logLevel: 'silent', jwtSecret: f.deps.jwtSecret });
    try {
      const port = (await gateway.listen({ host: '127.0.0.1', port: 0 })).split(':').at(-1);
      await f.db.throttle.deleteMany();
      const payload = JSON.stringify(validObjection);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: Number(port), method: 'POST', path: `/api/notices/${n.noticeId}/objections`, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), expect: '100-continue' } });
        req.on('continue', () => req.end(payload));
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
      });
      expect(status).toBe(201);
      expect(await objectionCount(n.noticeId)).toBe(1);
    } finally {
      await gateway.close();
    }
  });
});

describe('objections for the officials verifying them', () => {
  async function objectionWithTask() {
    const n = await publish();
    const res = await fileObjection(n.noticeId, validObjection);
    expect(res.statusCode).toBe(201);
    const objection = await f.db.objection.findUniqueOrThrow({ where: { receiptNo: body<{ receiptNo: string }>(res).receiptNo } });
    const taskId = randomUUID();
    const zhao = await f.db.user.findUniqueOrThrow({ where: { username: 'zhao.xianwei' } });
    await f.db.task.create({
      data: {
        id: taskId,
        caseId: n.caseId,
        kind: 'step',
        stepKey: 'objection-verification',
        round: 1,
        title: '核实公示异议',
        orgId: 'town-a1',
        status: 'open',
        mode: 'any',
        actions: ['approve', 'reject'],
        dueAt: new Date(Date.now() + 24 * HOUR),
        openedAt: new Date(),
        subjectType: 'objection',
        subjectId: objection.id,
      },
    });
    await f.db.taskAssignee.createMany({
      data: [
        { id: randomUUID(), taskId, orgId: 'town-a1', role: 'township_org_member', status: 'pending' },
        // Transferred away: no longer handling it.
        { id: randomUUID(), taskId, userId: zhao.id, status: 'transferred' },
      ],
    });
    return { n, objection };
  }

  const read = (id: string, user?: string) =>
    board.inject({ method: 'GET', url: `/api/notice-board/objections/${id}`, headers: user ? bearer(tokens[user]!) : {} });

  it('401 without a token, 404 to anyone not holding the 核实 task (supervisors included), full data to the handler', async () => {
    const { n, objection } = await objectionWithTask();
    expect((await read(objection.id)).statusCode).toBe(401);
    for (const user of ['wang.shuji', 'liu.zuzhi', 'zhao.xianwei']) {
      const res = await read(objection.id, user);
      expect(res.statusCode, user).toBe(404);
      expect(res.body, user).not.toContain('13812345678');
    }
    const res = await read(objection.id, 'li.zuzhi');
    expect(res.statusCode).toBe(200);
    expect(body(res)).toEqual({
      id: objection.id,
      receiptNo: objection.receiptNo,
      notice: { id: n.noticeId, title: n.input.title, caseId: n.caseId },
      name: validObjection.name,
      phone: '13812345678',
      content: validObjection.content,
      status: 'pending',
      finding: null,
      taskId: null,
      createdAt: objection.createdAt.toISOString(),
      handledAt: null,
    });
    expect((await read(randomUUID(), 'li.zuzhi')).statusCode).toBe(404);
  });

  it('an objection without a verification task is shown to nobody', async () => {
    const n = await publish();
    const res = await fileObjection(n.noticeId, validObjection);
    const objection = await f.db.objection.findUniqueOrThrow({ where: { receiptNo: body<{ receiptNo: string }>(res).receiptNo } });
    expect((await read(objection.id, 'li.zuzhi')).statusCode).toBe(404);
  });
});

describe('the workflow side: pending objections, findings, closing', () => {
  it('pendingObjections lists the pending ones oldest first; recordObjectionFinding records without personal data, once', async () => {
    const n = await publish();
    const receipts: string[] = [];
    for (let i = 0; i < 3; i++) receipts.push(body<{ receiptNo: string }>(await fileObjection(n.noticeId, { ...validObjection, content: `${validObjection.content}（第${i + 1}条）` })).receiptNo);
    const rows = await Promise.all(receipts.map((receiptNo) => f.db.objection.findUniqueOrThrow({ where: { receiptNo } })));
    expect(await acts.pendingObjections({ noticeId: n.noticeId })).toEqual(rows.map((r) => ({ objectionId: r.id })));

    const li = await f.db.user.findUniqueOrThrow({ where: { username: 'li.zuzhi' } });
    const taskId = randomUUID();
    const input = { caseId: n.caseId, objectionId: rows[1]!.id, taskId, substantiated: true, finding: '经走访核实，反映问题属实。', handledBy: { userId: li.id, name: li.displayName } };
    await acts.recordObjectionFinding(input);
    await acts.recordObjectionFinding({ ...input, substantiated: false, finding: '重试' });

    const handled = await f.db.objection.findUniqueOrThrow({ where: { id: rows[1]!.id } });
    expect(handled).toMatchObject({ status: 'substantiated', finding: '经走访核实，反映问题属实。', taskId, handledById: li.id });
    expect(handled.handledAt).toBeInstanceOf(Date);
    expect(await acts.pendingObjections({ noticeId: n.noticeId })).toEqual([{ objectionId: rows[0]!.id }, { objectionId: rows[2]!.id }]);

    const events = await f.db.caseEvent.findMany({ where: { caseId: n.caseId, type: 'objection.verified' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: li.id, actorName: li.displayName, taskId });
    expect(events[0]!.data).toEqual({ objectionId: rows[1]!.id, receiptNo: rows[1]!.receiptNo, noticeId: n.noticeId, substantiated: true, finding: '经走访核实，反映问题属实。' });
    const recorded = JSON.stringify(await f.db.caseEvent.findMany({ where: { caseId: n.caseId } }), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    expect(recorded).not.toContain('13812345678');
    expect(recorded).not.toContain(validObjection.name);
    expect(recorded).not.toContain('优亲厚友');
    expect(await verifyCaseRecord(f.db, n.caseId)).toMatchObject({ valid: true });
  });

  it('closeNotice changes the status once and records it once; the first ending stands', async () => {
    const n = await publish();
    await acts.closeNotice({ caseId: n.caseId, noticeId: n.noticeId, status: 'closed' });
    await acts.closeNotice({ caseId: n.caseId, noticeId: n.noticeId, status: 'closed' });
    await acts.closeNotice({ caseId: n.caseId, noticeId: n.noticeId, status: 'withdrawn' });
    expect((await f.db.notice.findUniqueOrThrow({ where: { id: n.noticeId } })).status).toBe('closed');
    const types = (await f.db.caseEvent.findMany({ where: { caseId: n.caseId }, orderBy: { seq: 'asc' } })).map((e) => e.type);
    expect(types).toEqual(['notice.published', 'notice.closed']);
  });
});

describe('logs', () => {
  it('across every request of this file, never held an objector’s name, phone or words', () => {
    const logs = logLines.join('');
    expect(logLines.length).toBeGreaterThan(100);
    expect(logs).toContain('"objection.viewed"');
    for (const secret of ['13812345678', '0571-88888888', '01062345678', validObjection.name, '阿卜杜拉', 'John Smith', '优亲厚友', '不同意', '110101199003077777']) {
      expect(logs, secret).not.toContain(secret);
    }
  });
});
