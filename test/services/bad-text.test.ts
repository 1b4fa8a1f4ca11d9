// Bad text never reaches the database: a NUL or a lone UTF-16 surrogate anywhere a person submits
// text (JSON body at any depth, query string, route param, header) is a 400 INVALID_TEXT from every
// service, also through the gateway, and nothing is written.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@dj/db/seed-demo';
import { buildGateway } from '@dj/gateway';
import { signedClientAddress } from '@dj/service-kit';
import { createNoticeActivities } from '@dj/workflows';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

const NUL = '\u0000';
const LONE_HIGH = '\ud800';
const LONE_LOW = '\udc00';
/** Each kind of text PostgreSQL cannot store, placed inside otherwise valid text. */
const BAD = [`a${NUL}b`, `a${LONE_HIGH}b`, `a${LONE_LOW}b`, `ab${LONE_HIGH}`];

let f: Fixture;
let gateway: FastifyInstance;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  f = await startServices();
  for (const u of ['zhang.zhibu', 'li.zuzhi', 'admin']) tokens[u] = await f.login(u);
  const [identity, inbox, cases, noticeBoard] = await Promise.all([f.identity, f.inbox, f.cases, f.noticeBoard].map((app) => app.listen({ host: '127.0.0.1', port: 0 })));
  gateway = await buildGateway({ identity: identity!, inbox: inbox!, cases: cases!, noticeBoard: noticeBoard!, console: 'http://127.0.0.1:9' }, { logLevel: 'silent', jwtSecret: f.deps.jwtSecret });
});
afterAll(async () => {
  await gateway?.close();
  await f?.close();
});

function expectInvalidText(res: LightMyRequestResponse, what: string) {
  expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
  const b = body<{ code: string; message: string }>(res);
  expect(b.code, what).toBe('INVALID_TEXT');
  expect(b.message, what).toContain('文本含有无法保存的字符');
  expect(b.message, what).toContain('cannot be stored');
}

/** Counts of every table a refused request might have written to. */
async function rowCounts() {
  const [cases, tasks, events, objections, notifications] = await Promise.all([f.db.case.count(), f.db.task.count(), f.db.caseEvent.count(), f.db.objection.count(), f.db.notification.count()]);
  return { cases, tasks, events, objections, notifications };
}

type Snapshot = { caseId: string; openTasks: { id: string; stepKey: string }[] };

async function startCase(title = `请示 ${randomUUID().slice(0, 8)}`) {
  const res = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens['zhang.zhibu']!), payload: { type: 'request-report', orgId: 'branch-a1-1', input: { title, body: '正文' } } });
  expect(res.statusCode, res.body).toBe(201);
  return body<Snapshot>(res);
}

describe('text PostgreSQL cannot store is refused at the edge', () => {
  it('login: username and password; no failed-login count, no throttle', async () => {
    const before = await f.db.throttle.count();
    for (const bad of BAD) {
      expectInvalidText(await f.identity.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `zhang.zhibu${bad}`, password: DEMO_PASSWORD } }), `username ${JSON.stringify(bad)}`);
      expectInvalidText(await f.identity.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'zhang.zhibu', password: `${DEMO_PASSWORD}${bad}` } }), `password ${JSON.stringify(bad)}`);
    }
    expect(await f.db.throttle.count()).toBe(before);
    // Well-formed text outside the BMP (a surrogate pair) is ordinary text: just a wrong password.
    const pair = await f.identity.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'zhang.zhibu', password: 'Dangjian@2026😀' } });
    expect(pair.statusCode).toBe(401);
    await f.db.throttle.deleteMany();
  });

  it('starting a case: the title, a field deep in the input, an object key, the org id; no case is created', async () => {
    const before = await rowCounts();
    const start = (payload: Record<string, unknown>) => f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens['zhang.zhibu']!), payload });
    for (const bad of BAD) {
      expectInvalidText(await start({ type: 'request-report', orgId: 'branch-a1-1', input: { title: `关于${bad}的请示`, body: '正文' } }), 'title');
      expectInvalidText(await start({ type: 'request-report', orgId: 'branch-a1-1', input: { title: '请示', body: '正文', attachments: [{ files: [{ name: bad }] }] } }), 'deep field');
      expectInvalidText(await start({ type: 'request-report', orgId: 'branch-a1-1', input: { title: '请示', body: '正文', [`key${bad}`]: 'x' } }), 'key');
      expectInvalidText(await start({ type: 'request-report', orgId: `branch-a1-1${bad}`, input: { title: '请示', body: '正文' } }), 'orgId');
      expectInvalidText(await start({ type: `request-report${bad}`, orgId: 'branch-a1-1', input: { title: '请示', body: '正文' } }), 'type');
    }
    const res = await start({ type: 'request-report', orgId: 'branch-a1-1', input: { title: `关于a${NUL}b的请示`, body: '正文' } });
    expect(body<{ message: string }>(res).message).toContain('body /input/title');
    expect(await rowCounts()).toEqual(before);
    // Chinese, emoji (surrogate pairs) and other control characters PostgreSQL stores are accepted.
    const ok = await startCase('关于修缮😀党群服务中心的请示\t（二）');
    expect((await f.db.case.findUniqueOrThrow({ where: { id: ok.caseId } })).title).toBe('关于修缮😀党群服务中心的请示\t（二）');
  });

  it('task actions: a comment, a form field, an Idempotency-Key; the task stays open and unrecorded', async () => {
    const s = await startCase();
    const taskId = s.openTasks[0]!.id;
    const before = await rowCounts();
    const act = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
      f.inbox.inject({ method: 'POST', url: `/api/tasks/${taskId}/actions`, headers: { ...bearer(tokens['li.zuzhi']!), ...headers }, payload });
    for (const bad of BAD) {
      expectInvalidText(await act({ action: 'comment', comment: `请补充材料${bad}` }), 'comment');
      expectInvalidText(await act({ action: 'approve', form: { opinion: `同意${bad}` } }), 'form field');
      expectInvalidText(await act({ action: 'reject', comment: '不同意', form: { opinion: '不同意', [bad]: 1 } }), 'form key');
      expectInvalidText(await act({ action: 'approve', form: { opinion: '同意' } }, { 'idempotency-key': `key-12345678${bad}` }), 'Idempotency-Key');
    }
    expect(await rowCounts()).toEqual(before);
    expect((await f.db.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe('open');
    // The step still takes a valid action.
    const ok = await act({ action: 'approve', form: { opinion: '同意' } }, { 'idempotency-key': `key-${randomUUID()}` });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await f.db.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe('completed');
  });

  it('query strings and route params: the inbox search q, an org id filter, ids in the path', async () => {
    const get = (app: FastifyInstance, url: string, user = 'li.zuzhi') => app.inject({ method: 'GET', url, headers: bearer(tokens[user]!) });
    for (const bad of ['%00', 'a%00b']) {
      expectInvalidText(await get(f.inbox, `/api/inbox?view=todo&q=${bad}`), `q=${bad}`);
      expectInvalidText(await get(f.inbox, `/api/inbox?view=todo&orgId=${bad}`), `inbox orgId=${bad}`);
      expectInvalidText(await get(f.cases, `/api/admin/board?orgId=town-a1${bad}`, 'admin'), `board orgId=${bad}`);
      expectInvalidText(await get(f.cases, `/api/admin/stats?orgId=${bad}`, 'admin'), `stats orgId=${bad}`);
      expectInvalidText(await get(f.inbox, `/api/tasks/${bad}`), `task id ${bad}`);
      expectInvalidText(await get(f.cases, `/api/cases/${bad}`), `case id ${bad}`);
      expectInvalidText(await get(f.cases, `/api/policies/${bad}`, 'admin'), `policy key ${bad}`);
      expectInvalidText(await get(f.identity, `/api/users?q=${bad}`), `users q=${bad}`);
    }
    const res = await get(f.inbox, '/api/inbox?q=a%00b');
    expect(body<{ message: string }>(res).message).toContain('querystring /q');
    // The same searches with storable text answer normally.
    expect((await get(f.inbox, `/api/inbox?view=todo&q=${encodeURIComponent('请示😀')}`)).statusCode).toBe(200);
    expect((await get(f.cases, '/api/admin/board?orgId=town-a1', 'admin')).statusCode).toBe(200);
  });

  it('public objections: name and content; nothing is stored', async () => {
    const noticeId = await activeNotice();
    const before = await f.db.objection.count({ where: { noticeId } });
    let ip = 1;
    const file = (payload: Record<string, unknown>) =>
      f.noticeBoard.inject({ method: 'POST', url: `/api/notices/${noticeId}/objections`, headers: signedClientAddress(`203.0.113.${ip++}`, f.deps.jwtSecret), payload });
    const valid = { name: '张三丰', phone: '13812345678', content: '该同志在村务工作中存在优亲厚友的问题，请组织核实。' };
    for (const bad of BAD) {
      expectInvalidText(await file({ ...valid, name: `张${bad}三` }), 'name');
      expectInvalidText(await file({ ...valid, content: `${valid.content}${bad}` }), 'content');
      expectInvalidText(await file({ ...valid, phone: `138${bad}12345678` }), 'phone');
    }
    expectInvalidText(await f.noticeBoard.inject({ method: 'POST', url: `/api/notices/${noticeId}${'%00'}/objections`, payload: valid }), 'notice id');
    expect(await f.db.objection.count({ where: { noticeId } })).toBe(before);
    const ok = await file(valid);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(await f.db.objection.count({ where: { noticeId } })).toBe(before + 1);
  });

  it('through the gateway: body, query and path reach services that refuse them', async () => {
    const before = await rowCounts();
    const login = await gateway.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `zhang${NUL}`, password: DEMO_PASSWORD } });
    expectInvalidText(login, 'gateway login');
    const start = await gateway.inject({
      method: 'POST',
      url: '/api/cases',
      headers: bearer(tokens['zhang.zhibu']!),
      payload: { type: 'request-report', orgId: 'branch-a1-1', input: { title: `关于${LONE_HIGH}的请示`, body: '正文' } },
    });
    expectInvalidText(start, 'gateway case title');
    expectInvalidText(await gateway.inject({ method: 'GET', url: '/api/inbox?q=%00', headers: bearer(tokens['li.zuzhi']!) }), 'gateway q');
    expectInvalidText(await gateway.inject({ method: 'GET', url: '/api/cases/%00', headers: bearer(tokens['li.zuzhi']!) }), 'gateway path');
    expectInvalidText(await gateway.inject({ method: 'POST', url: `/api/notices/${randomUUID()}/objections`, payload: { name: '张三', phone: '13812345678', content: `异议${NUL}内容内容内容内容` } }), 'gateway objection');
    expect(await rowCounts()).toEqual(before);
  });
});

/** An active notice of a case row (the notice activity as the workflow runs it). */
async function activeNotice(): Promise<string> {
  const org = await f.db.orgUnit.findUniqueOrThrow({ where: { id: 'branch-a1-1' } });
  const initiator = await f.db.user.findUniqueOrThrow({ where: { username: 'zhang.zhibu' } });
  const caseId = randomUUID();
  await f.db.case.create({
    data: { id: caseId, type: 'secretary-replacement', workflowId: `bad-text-test:${caseId}`, orgId: org.id, orgPath: org.path, title: '东湖村第一党支部书记补选', status: 'open', stage: 'public-notice', initiatorId: initiator.id, input: {}, openedAt: new Date() },
  });
  const published = await createNoticeActivities({ db: f.db, workingDaySeconds: 3600 }).publishNotice({
    caseId,
    idemKey: `${caseId}:public-notice`,
    orgId: org.id,
    title: '关于王某某同志任东湖村第一党支部书记的公示',
    body: '公示期内，如有异议，请实名反映。',
    policyKey: 'secretary-replacement.public-notice',
  });
  return published.noticeId;
}
