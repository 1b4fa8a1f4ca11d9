import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskActionRequest } from '@dj/contracts';
import { caseActionUpdate, taskActionUpdate, workflowIdOf } from '@dj/process-api';
import { actorFor, idFromKey } from '@dj/service-kit';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

let f: Fixture;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  f = await startServices();
  for (const u of ['zhang.zhibu', 'li.zuzhi', 'wuye.lianluo']) tokens[u] = await f.login(u);
});
afterAll(async () => {
  await f?.close();
});

type Snapshot = { caseId: string; status: string; openTasks: { id: string; stepKey: string }[] };
const request = () => ({ type: 'request-report', orgId: 'branch-a1-1', input: { title: `请示 ${randomUUID().slice(0, 8)}`, body: '正文' } });
const start = (payload: Record<string, unknown>, key?: string) =>
  f.cases.inject({ method: 'POST', url: '/api/cases', headers: { ...bearer(tokens['zhang.zhibu']!), ...(key ? { 'idempotency-key': key } : {}) }, payload });
const act = (taskId: string, payload: Record<string, unknown>, key: string) =>
  f.inbox.inject({ method: 'POST', url: `/api/tasks/${taskId}/actions?wait=next`, headers: { ...bearer(tokens['li.zuzhi']!), 'idempotency-key': key }, payload });
const events = (caseId: string, type: string) => f.db.caseEvent.count({ where: { caseId, type } });

async function openCase(): Promise<Snapshot> {
  const res = await start(request());
  expect(res.statusCode).toBe(201);
  return body<Snapshot>(res);
}

/** The signed-in user as the services see it, for driving the engine as a service would. */
async function authOf(username: string) {
  const u = await f.db.user.findFirstOrThrow({ where: { username }, include: { memberships: { include: { org: true } } } });
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    memberships: u.memberships.map((m) => ({ orgId: m.orgId, orgPath: m.org.path, orgType: m.org.type, orgName: m.org.name, role: m.role })),
  };
}

/** What the inbox service does before it would crash: the Update with the id derived from the key. */
async function updateAsInboxWould(caseId: string, taskId: string, action: 'forward' | 'approve', updateKey: string) {
  const li = await authOf('li.zuzhi');
  const c = await f.db.case.findUniqueOrThrow({ where: { id: caseId } });
  const req: TaskActionRequest = { taskId, action, actor: actorFor(li, c.orgPath), form: { opinion: '同意' } };
  await f.deps.temporal.workflow.getHandle(c.workflowId).executeUpdate(taskActionUpdate, { args: [req], updateId: `${li.id}:${updateKey}` });
}

describe('Idempotency-Key on task actions', () => {
  it('a retry gets the original answer, status and body, after the action closed the task', async () => {
    const s = await openCase();
    const taskId = s.openTasks[0]!.id;
    const key = `approve-${randomUUID()}`;
    const first = await act(taskId, { action: 'approve', form: { opinion: '同意' } }, key);
    expect(first.statusCode).toBe(200);
    const retry = await act(taskId, { action: 'approve', form: { opinion: '同意' } }, key);
    expect(retry.statusCode).toBe(200);
    expect(retry.body).toBe(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await events(s.caseId, 'task.approve')).toBe(1);

    // Without the key the same request is a new action on a closed task.
    const again = await f.inbox.inject({ method: 'POST', url: `/api/tasks/${taskId}/actions`, headers: bearer(tokens['li.zuzhi']!), payload: { action: 'approve', form: { opinion: '同意' } } });
    expect(again.statusCode).toBe(409);
    expect(body(again)).toMatchObject({ code: 'TASK_NOT_OPEN' });
  });

  it('the same key for another request is refused with a code, and nothing happens', async () => {
    const s = await openCase();
    const taskId = s.openTasks[0]!.id;
    const key = `comment-${randomUUID()}`;
    expect((await act(taskId, { action: 'comment', comment: '收到' }, key)).statusCode).toBe(200);
    const other = await act(taskId, { action: 'comment', comment: '另一条' }, key);
    expect(other.statusCode).toBe(422);
    expect(body(other)).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await events(s.caseId, 'task.comment')).toBe(1);
  });


  it('an action that ended the case, whose answer was lost, is answered on retry and not applied again', async () => {
    const s = await openCase();
    const taskId = s.openTasks[0]!.id;
    const key = `approve-${randomUUID()}`;
    await updateAsInboxWould(s.caseId, taskId, 'approve', key);
    expect(await events(s.caseId, 'task.approve')).toBe(1);
    // The township's approval ends a 请示报告: the workflow is closed when the retry comes.
    await expect.poll(async () => (await f.db.case.findUniqueOrThrow({ where: { id: s.caseId } })).status, { timeout: 30_000 }).toBe('completed');
    const retry = await act(taskId, { action: 'approve', form: { opinion: '同意' } }, key);
    expect([retry.statusCode, retry.body]).toEqual([200, expect.any(String)]);
    expect(await events(s.caseId, 'task.approve')).toBe(1);
  });

  it('an action the engine took but whose answer was lost (a crash) is answered, not applied again', async () => {
    const s = await openCase();
    const taskId = s.openTasks[0]!.id;
    const key = `forward-${randomUUID()}`;
    await updateAsInboxWould(s.caseId, taskId, 'forward', key);
    expect(await events(s.caseId, 'task.forward')).toBe(1);

    const retry = await act(taskId, { action: 'forward', form: { opinion: '同意' } }, key);
    expect(retry.statusCode).toBe(200);
    expect(body<{ task: { id: string } }>(retry).task.id).toBe(taskId);
    expect(await events(s.caseId, 'task.forward')).toBe(1);
  });
});

describe('Idempotency-Key on bulk approval', () => {
  const bulk = (payload: Record<string, unknown>, key: string) =>
    f.inbox.inject({ method: 'POST', url: '/api/tasks/bulk-actions', headers: { ...bearer(tokens['li.zuzhi']!), 'idempotency-key': key }, payload });

  it('a retry gets the original results and approves nothing twice', async () => {
    const cases = [await openCase(), await openCase()];
    const payload = { taskIds: cases.map((s) => s.openTasks[0]!.id), action: 'approve', comment: '同意' };
    const key = `bulk-${randomUUID()}`;
    const first = await bulk(payload, key);
    expect(first.statusCode).toBe(200);
    expect(body<{ results: { ok: boolean }[] }>(first).results.map((r) => r.ok)).toEqual([true, true]);
    const retry = await bulk(payload, key);
    expect([retry.statusCode, retry.body, retry.headers['idempotent-replayed']]).toEqual([200, first.body, 'true']);
    for (const s of cases) expect(await events(s.caseId, 'task.approve')).toBe(1);
    const other = await bulk({ ...payload, comment: '另一条' }, key);
    expect([other.statusCode, body(other).code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
  });

  it('after a crash that lost the answer, the retry reports the approvals the engine took, once each', async () => {
    const cases = [await openCase(), await openCase()];
    const taskIds = cases.map((s) => s.openTasks[0]!.id);
    const key = `bulk-${randomUUID()}`;
    // The first task's approval reached the engine before the crash; the second never left.
    await updateAsInboxWould(cases[0]!.caseId, taskIds[0]!, 'approve', `${key}:${taskIds[0]}`);
    await expect.poll(async () => (await f.db.case.findUniqueOrThrow({ where: { id: cases[0]!.caseId } })).status, { timeout: 30_000 }).toBe('completed');
    const retry = await bulk({ taskIds, action: 'approve', comment: '同意' }, key);
    expect(retry.statusCode).toBe(200);
    expect(body<{ results: { ok: boolean }[] }>(retry).results.map((r) => r.ok)).toEqual([true, true]);
    for (const s of cases) expect(await events(s.caseId, 'task.approve')).toBe(1);
  });
});

describe('Idempotency-Key on case actions (撤回)', () => {
  const withdraw = (caseId: string, key: string, comment = '撤回重报') =>
    f.cases.inject({ method: 'POST', url: `/api/cases/${caseId}/withdraw`, headers: { ...bearer(tokens['zhang.zhibu']!), 'idempotency-key': key }, payload: { comment } });

  it('a retry gets the original answer instead of 409, and the case is withdrawn once', async () => {
    const s = await openCase();
    const key = `withdraw-${randomUUID()}`;
    const first = await withdraw(s.caseId, key);
    expect(first.statusCode).toBe(200);
    expect(body(first)).toMatchObject({ status: 'withdrawn' });
    const recorded = await f.db.caseEvent.count({ where: { caseId: s.caseId } });
    const retry = await withdraw(s.caseId, key);
    expect([retry.statusCode, retry.body, retry.headers['idempotent-replayed']]).toEqual([200, first.body, 'true']);
    expect(await f.db.caseEvent.count({ where: { caseId: s.caseId } })).toBe(recorded);
    const other = await withdraw(s.caseId, key, '另一个理由');
    expect([other.statusCode, body(other).code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
  });

  it('after a crash that lost the answer, the retry is answered from the engine, not applied again', async () => {
    const s = await openCase();
    const key = `withdraw-${randomUUID()}`;
    const zhang = await authOf('zhang.zhibu');
    const c = await f.db.case.findUniqueOrThrow({ where: { id: s.caseId } });
    await f.deps.temporal.workflow
      .getHandle(c.workflowId)
      .executeUpdate(caseActionUpdate, { args: [{ action: 'withdraw', actor: actorFor(zhang, c.orgPath), comment: '撤回重报' }], updateId: `${zhang.id}:${key}` });
    await expect.poll(async () => (await f.db.case.findUniqueOrThrow({ where: { id: s.caseId } })).status, { timeout: 30_000 }).toBe('withdrawn');
    const recorded = await f.db.caseEvent.count({ where: { caseId: s.caseId } });
    const retry = await withdraw(s.caseId, key);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(body(retry)).toMatchObject({ status: 'withdrawn' });
    expect(await f.db.caseEvent.count({ where: { caseId: s.caseId } })).toBe(recorded);
  });
});

describe('Idempotency-Key on POST /api/cases', () => {
  it('starts exactly one case for one key, however often and however concurrently it is sent', async () => {
    const payload = request();
    const key = `start-${randomUUID()}`;
    const answers = await Promise.all([start(payload, key), start(payload, key), start(payload, key)]);
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201]);
    const ids = new Set(answers.map((a) => body<Snapshot>(a).caseId));
    expect(ids.size).toBe(1);
    const later = await start(payload, key);
    expect(later.statusCode).toBe(201);
    // Every caller got the answer stored first.
    expect(answers.map((a) => a.body)).toEqual([later.body, later.body, later.body]);
    expect(await f.db.case.count({ where: { title: payload.input.title } })).toBe(1);
  });

  it('a retry after an answer that was never stored finds the case already started', async () => {
    const payload = request();
    const key = `start-${randomUUID()}`;
    const first = await start(payload, key);
    expect(first.statusCode).toBe(201);
    const zhang = await f.db.user.findFirstOrThrow({ where: { username: 'zhang.zhibu' } });
    // As if the service had crashed after starting the workflow, before storing its answer.
    await f.db.idempotentRequest.delete({ where: { userId_key: { userId: zhang.id, key } } });
    const retry = await start(payload, key);
    expect(retry.statusCode).toBe(201);
    expect(body<Snapshot>(retry).caseId).toBe(body<Snapshot>(first).caseId);
    expect(body<Snapshot>(retry).caseId).toBe(idFromKey(zhang.id, key, 'case'));
    expect(await f.db.case.count({ where: { title: payload.input.title } })).toBe(1);
    const c = await f.db.case.findUniqueOrThrow({ where: { id: body<Snapshot>(first).caseId } });
    expect(c.workflowId).toBe(workflowIdOf('request-report', c.id));
  });

  it('a key reused for another case is refused and starts nothing', async () => {
    const key = `start-${randomUUID()}`;
    expect((await start(request(), key)).statusCode).toBe(201);
    const other = request();
    const res = await start(other, key);
    expect(res.statusCode).toBe(422);
    expect(body(res)).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await f.db.case.count({ where: { title: other.input.title } })).toBe(0);
  });
});

describe('Idempotency-Key on a 临时会议 request', () => {
  it('one key, one extraordinary case', async () => {
    const wuye = await f.db.user.findFirstOrThrow({ where: { username: 'wuye.lianluo' } });
    const jm = await f.db.jointMeetingBody.findFirstOrThrow({ where: { status: 'active', members: { some: { liaisonId: wuye.id, removedAt: null } } } });
    const key = `extra-${randomUUID()}`;
    const send = () =>
      f.cases.inject({ method: 'POST', url: `/api/joint-meetings/${jm.id}/extraordinary`, headers: { ...bearer(tokens['wuye.lianluo']!), 'idempotency-key': key }, payload: { reason: '汛期排涝，需要各单位协同。' } });
    const [a, b] = await Promise.all([send(), send()]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    const caseId = body<Snapshot>(a).caseId;
    expect(body<Snapshot>(b).caseId).toBe(caseId);
    const c = await send();
    expect(c.body).toBe(a.body);
    expect(caseId).toBe(idFromKey(wuye.id, key, 'joint-extraordinary'));
    expect(await f.db.case.count({ where: { id: caseId } })).toBe(1);
    expect(await f.db.caseEvent.count({ where: { caseId, type: 'case.opened' } })).toBe(1);
  });
});
