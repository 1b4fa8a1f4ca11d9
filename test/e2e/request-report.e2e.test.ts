// End to end over HTTP: the whole stack as the README starts it (orchestrator, Temporal dev server,
// worker, services, gateway), driving 请示报告审批 through the gateway like the console does.
// One working day lasts 2 s, so the township review (5 working days) is due 10 s after it opens.
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@dj/infra/temporal-server';
import { createDb } from '@dj/db';
import { createHttpClient, describeReply, expectCodedError, expectStatus, type Json, PASSWORD, type Reply, sleep } from './http-client';
import { useStack } from './stack';
import { dashboardMetricNames, served } from '../src/dashboard';

const WORKING_DAY_SECONDS = 2;
const TOWNSHIP_REVIEW_MS = 5 * WORKING_DAY_SECONDS * 1000;

let workerMetricsPort = 0;
beforeAll(async () => {
  workerMetricsPort = await freePort();
});
const stack = useStack({ databaseSuffix: '_e2e', workingDaySeconds: WORKING_DAY_SECONDS, env: () => ({ WORKER_METRICS_ADDRESS: `127.0.0.1:${workerMetricsPort}` }) });
const { call, login, asUser } = createHttpClient(() => stack().baseUrl);

// ---------------------------------------------------------------------------------------------
// Helpers of this process

let counter = 0;
async function startRequest(label: string): Promise<{ caseId: string; taskId: string; title: string; snapshot: Json; startedAt: number; answeredAt: number }> {
  counter += 1;
  const title = `关于${label}的请示（e2e ${counter}）`;
  const startedAt = Date.now();
  const r = await asUser('zhang.zhibu', 'POST', '/api/cases', {
    type: 'request-report',
    orgId: 'branch-a1-1',
    input: { title, body: '村党群服务中心屋顶漏雨，申请专项经费修缮。' },
  });
  const answeredAt = Date.now();
  expectStatus(r, 201);
  expect(r.body.status).toBe('open');
  expect(r.body.stage).toBe('township-review');
  expect(r.body.openTasks).toHaveLength(1);
  expect(r.body.openTasks[0]).toMatchObject({ stepKey: 'township-review', kind: 'step', status: 'open' });
  return { caseId: r.body.caseId as string, taskId: r.body.openTasks[0].id as string, title, snapshot: r.body, startedAt, answeredAt };
}

async function inbox(username: string, view: string): Promise<{ items: Json[]; counts: Record<string, number> }> {
  const r = await asUser(username, 'GET', `/api/inbox?view=${view}&limit=100`);
  expectStatus(r, 200);
  expect(r.body.view).toBe(view);
  expect(Array.isArray(r.body.items)).toBe(true);
  return { items: r.body.items as Json[], counts: r.body.counts as Record<string, number> };
}

async function taskAction(username: string, taskId: string, body: Json): Promise<Reply> {
  return asUser(username, 'POST', `/api/tasks/${taskId}/actions?wait=next`, body);
}

// ---------------------------------------------------------------------------------------------

describe('请示报告审批 end to end (stack started like the README)', () => {
  it('happy path: submit, township forwards, county approves, case closed with a verifiable record', async () => {
    const zhang = await login('zhang.zhibu');
    const li = await login('li.zuzhi');
    const zhao = await login('zhao.xianwei');
    const { caseId, taskId, title, startedAt, answeredAt } = await startRequest('修缮村党群服务中心');

    // The township organization member sees it in the to-do inbox.
    const todo = await inbox('li.zuzhi', 'todo');
    const item = todo.items.find((i) => i.taskId === taskId);
    expect(item, JSON.stringify(todo.items)).toBeDefined();
    expect(item).toMatchObject({
      taskId,
      caseId,
      caseType: 'request-report',
      caseTitle: title,
      stepKey: 'township-review',
      stepTitle: '乡镇党委审核请示',
      kind: 'step',
      status: 'open',
      org: { id: 'town-a1', name: '东湖镇党委' },
      overdue: false,
      escalationLevel: 0,
    });
    const due = Date.parse(item!.dueAt as string);
    expect(due).toBeGreaterThanOrEqual(startedAt + TOWNSHIP_REVIEW_MS - 1_000);
    expect(due).toBeLessThanOrEqual(answeredAt + TOWNSHIP_REVIEW_MS + 1_000);
    expect(todo.counts.todo).toBeGreaterThanOrEqual(1);
    expect(todo.counts.todo).toBeGreaterThanOrEqual(todo.items.length);

    // Task detail: what li may do, and the form to fill in.
    const detail = await asUser('li.zuzhi', 'GET', `/api/tasks/${taskId}`);
    expectStatus(detail, 200);
    expect(detail.body.task).toMatchObject({ id: taskId, status: 'open', stepKey: 'township-review' });
    expect(detail.body.availableActions).toEqual(expect.arrayContaining(['approve', 'reject', 'return', 'forward']));
    expect(detail.body.form).toMatchObject({ id: 'review.opinion' });
    expect(detail.body.form.schema?.properties).toHaveProperty('opinion');
    expect(detail.body.case).toMatchObject({ id: caseId, status: 'open', stage: 'township-review', title });

    // Forward to the county organization department.
    const forwarded = await taskAction('li.zuzhi', taskId, { action: 'forward', comment: '涉及经费，报县委组织部审批', form: { opinion: '同意上报' } });
    expectStatus(forwarded, 200);
    expect(forwarded.body.case).toMatchObject({ caseId, status: 'open', stage: 'county-decision' });
    expect(forwarded.body.task).toMatchObject({ id: taskId, status: 'closed', outcome: 'forward' });
    expect(forwarded.body.case.openTasks).toHaveLength(1);
    expect(forwarded.body.case.openTasks[0]).toMatchObject({ stepKey: 'county-decision', status: 'open' });
    const countyTaskId = forwarded.body.case.openTasks[0].id as string;

    // li: done, no longer to do.
    const liDone = await inbox('li.zuzhi', 'done');
    expect(liDone.items.map((i) => i.taskId)).toContain(taskId);
    const liTodo = await inbox('li.zuzhi', 'todo');
    expect(liTodo.items.map((i) => i.taskId)).not.toContain(taskId);
    expect(liTodo.items.map((i) => i.caseId)).not.toContain(caseId);

    // The county finds it in its inbox and approves.
    const zhaoTodo = await inbox('zhao.xianwei', 'todo');
    const countyItem = zhaoTodo.items.find((i) => i.caseId === caseId);
    expect(countyItem, JSON.stringify(zhaoTodo.items)).toBeDefined();
    expect(countyItem).toMatchObject({ taskId: countyTaskId, stepKey: 'county-decision', stepTitle: '县委组织部审批请示', org: { id: 'county-a' }, overdue: false });
    const approved = await taskAction('zhao.xianwei', countyTaskId, { action: 'approve', form: { opinion: '同意' } });
    expectStatus(approved, 200);
    expect(approved.body.case).toMatchObject({ caseId, status: 'completed', stage: 'closed' });
    expect(approved.body.case.openTasks).toEqual([]);

    // The initiator sees a closed case with an intact record naming who did what.
    const c = await asUser('zhang.zhibu', 'GET', `/api/cases/${caseId}`);
    expectStatus(c, 200);
    expect(c.body.case).toMatchObject({ id: caseId, status: 'completed', stage: 'closed', initiatorId: zhang.userId });
    expect(c.body.case.closedAt).toEqual(expect.any(String));
    expect(c.body.case.result).toMatchObject({ decision: 'approved', decidedAt: 'county' });
    expect(c.body.openTasks).toEqual([]);
    expect(c.body.recordVerification).toMatchObject({ valid: true, events: c.body.record.length });
    // The worker anchored the closed case's chain head (README, Security).
    let anchored = c.body.recordVerification.anchored as number;
    for (let i = 0; i < 20 && anchored !== c.body.record.length; i++) {
      await sleep(250);
      anchored = (await asUser('zhang.zhibu', 'GET', `/api/cases/${caseId}`)).body.recordVerification.anchored as number;
    }
    expect(anchored).toBe(c.body.record.length);
    const record = c.body.record as Json[];
    expect(record.map((e) => e.seq)).toEqual(record.map((_, i) => i + 1));
    expect(record[0]).toMatchObject({ type: 'case.opened', actor: { id: zhang.userId, name: zhang.displayName } });
    const forwardEvent = record.find((e) => e.type === 'task.forward');
    expect(forwardEvent, JSON.stringify(record)).toBeDefined();
    expect(forwardEvent).toMatchObject({ taskId, actor: { id: li.userId, name: '李晓梅' } });
    expect(forwardEvent!.data).toMatchObject({ comment: '涉及经费，报县委组织部审批', form: { opinion: '同意上报' } });
    const approveEvents = record.filter((e) => e.type === 'task.approve');
    expect(approveEvents).toHaveLength(1);
    expect(approveEvents[0]).toMatchObject({ taskId: countyTaskId, actor: { id: zhao.userId, name: '赵立新' } });
    expect(record.at(-1)).toMatchObject({ type: 'case.closed' });
  });

  it('the services and the worker connect to PostgreSQL as the least-privilege role, not the owner', async () => {
    const owner = createDb(stack().databaseUrl, { max: 1 });
    try {
      const rows = await owner.$queryRaw<Array<{ usename: string; superuser: boolean }>>`
        SELECT DISTINCT a.usename::text AS usename, r.rolsuper AS superuser FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid
        WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()`;
      expect(rows).toEqual([{ usename: 'dangjian_app', superuser: false }]);
    } finally {
      await owner.$disconnect();
    }
  });

  it('a step left alone becomes overdue: the county gets a 督办 task, the township keeps the task', async () => {
    const { caseId, taskId } = await startRequest('村级活动场所建设');

    // Level 1 of the ladder for a township step is the county organization department.
    const deadline = Date.now() + 40_000;
    let supervision: Json | undefined;
    while (!supervision && Date.now() < deadline) {
      const { items } = await inbox('zhao.xianwei', 'supervising');
      supervision = items.find((i) => i.caseId === caseId);
      if (!supervision) await sleep(1_000);
    }
    expect(supervision, `no 督办 for case ${caseId} in zhao.xianwei's supervising view after 40 s`).toBeDefined();
    expect(supervision).toMatchObject({ caseId, kind: 'supervision', status: 'open', org: { id: 'county-a' }, stepKey: 'township-review' });
    expect(supervision!.stepTitle).toContain('督办');
    expect(supervision!.escalationLevel).toBeGreaterThanOrEqual(1);
    expect(supervision!.taskId).not.toBe(taskId);

    // The township task is overdue and escalated, but still li's.
    const todo = await inbox('li.zuzhi', 'todo');
    const item = todo.items.find((i) => i.taskId === taskId);
    expect(item, JSON.stringify(todo.items)).toBeDefined();
    expect(item).toMatchObject({ caseId, status: 'open', overdue: true });
    expect(item!.escalationLevel).toBeGreaterThanOrEqual(1);
    expect(Date.parse(item!.dueAt as string)).toBeLessThan(Date.now());
    const overdue = await inbox('li.zuzhi', 'overdue');
    expect(overdue.items.map((i) => i.taskId)).toContain(taskId);
    expect(overdue.counts.overdue).toBeGreaterThanOrEqual(1);
    // li is not the supervisor of her own task.
    const liSupervising = await inbox('li.zuzhi', 'supervising');
    expect(liSupervising.items.map((i) => i.caseId)).not.toContain(caseId);

    const detail = await asUser('li.zuzhi', 'GET', `/api/tasks/${taskId}`);
    expectStatus(detail, 200);
    expect(detail.body.task).toMatchObject({ status: 'open', overdue: true });
    expect(detail.body.assignees).toEqual([expect.objectContaining({ orgId: 'town-a1', role: 'township_org_member', status: 'pending' })]);
    expect(detail.body.availableActions).toContain('approve');
    const escalated = (detail.body.record as Json[]).filter((e) => e.type === 'task.escalated');
    expect(escalated.length).toBeGreaterThanOrEqual(1);
    expect(escalated[0]).toMatchObject({ taskId, data: { level: 1, supervisor: { orgId: 'county-a', role: 'county_org_dept' } } });

    // Late, but li can still decide it; the 督办 is resolved with it.
    const approved = await taskAction('li.zuzhi', taskId, { action: 'approve', form: {} });
    expectStatus(approved, 200);
    expect(approved.body.case).toMatchObject({ caseId, status: 'completed' });
    const after = await inbox('zhao.xianwei', 'supervising');
    expect(after.items.map((i) => i.caseId)).not.toContain(caseId);
  }, 70_000);

  it('double approval: one 200 and one 409, and a single approval in the record', async () => {
    const { caseId, taskId } = await startRequest('党员活动室添置设备');
    const results = await Promise.all([
      taskAction('li.zuzhi', taskId, { action: 'approve', form: { opinion: '同意' } }),
      taskAction('li.zuzhi', taskId, { action: 'approve', form: { opinion: '同意' } }),
    ]);
    expect(
      results.map((r) => r.status).sort((a, b) => a - b),
      results.map(describeReply).join('\n'),
    ).toEqual([200, 409]);
    const conflict = results.find((r) => r.status === 409)!;
    expectCodedError(conflict, 409, ['TASK_NOT_OPEN', 'ALREADY_ACTED']);
    const ok = results.find((r) => r.status === 200)!;
    expect(ok.body.case).toMatchObject({ caseId, status: 'completed' });

    const c = await asUser('zhang.zhibu', 'GET', `/api/cases/${caseId}`);
    expectStatus(c, 200);
    expect(c.body.case.status).toBe('completed');
    expect((c.body.record as Json[]).filter((e) => e.type === 'task.approve')).toHaveLength(1);
    expect((c.body.record as Json[]).filter((e) => e.type === 'case.closed')).toHaveLength(1);
    expect(c.body.recordVerification.valid).toBe(true);

    // And a third try after the fact is a conflict too.
    const late = await taskAction('li.zuzhi', taskId, { action: 'approve', form: {} });
    expectCodedError(late, 409, ['TASK_NOT_OPEN', 'ALREADY_ACTED']);
  });

  it('a user of another township can neither see nor act on the task', async () => {
    const { caseId, taskId } = await startRequest('换届选举筹备');
    const liu = await login('liu.zuzhi');

    const seen = await asUser('liu.zuzhi', 'GET', `/api/tasks/${taskId}`);
    expectCodedError(seen, 404, 'NOT_FOUND');
    const acted = await taskAction('liu.zuzhi', taskId, { action: 'approve', form: { opinion: '同意' } });
    expectCodedError(acted, 404, 'NOT_FOUND');
    const forwarded = await taskAction('liu.zuzhi', taskId, { action: 'forward', form: {} });
    expectCodedError(forwarded, 404, 'NOT_FOUND');
    for (const view of ['todo', 'done', 'overdue', 'supervising', 'cc']) {
      const { items } = await inbox('liu.zuzhi', view);
      expect(items.map((i) => i.taskId), view).not.toContain(taskId);
      expect(items.map((i) => i.caseId), view).not.toContain(caseId);
    }
    expectCodedError(await asUser('liu.zuzhi', 'GET', `/api/cases/${caseId}`), 404, 'NOT_FOUND');
    expectCodedError(await asUser('sun.zhibu', 'GET', `/api/cases/${caseId}`), 404, 'NOT_FOUND');
    expectCodedError(await asUser('sun.zhibu', 'GET', `/api/tasks/${taskId}`), 404, 'NOT_FOUND');

    // Unchanged for the rightful assignee, who can still act.
    const detail = await asUser('li.zuzhi', 'GET', `/api/tasks/${taskId}`);
    expectStatus(detail, 200);
    expect(detail.body.task.status).toBe('open');
    expect(detail.body.assignees).toEqual([expect.objectContaining({ orgId: 'town-a1', role: 'township_org_member', status: 'pending', claimedById: null })]);
    expect(detail.body.availableActions).toContain('approve');
    expect((detail.body.record as Json[]).some((e) => e.actor?.id === liu.userId)).toBe(false);
    expect((detail.body.record as Json[]).filter((e) => /^task\.(approve|forward|reject|return)$/.test(e.type as string))).toEqual([]);
    const approved = await taskAction('li.zuzhi', taskId, { action: 'approve', form: { opinion: '同意' } });
    expectStatus(approved, 200);
    expect(approved.body.case).toMatchObject({ caseId, status: 'completed' });
  });

  it('invalid input gets 400 with a code and a bilingual message, and changes nothing', async () => {
    const { caseId, taskId } = await startRequest('组织生活会安排');
    const zhang = await login('zhang.zhibu');
    const li = await login('li.zuzhi');
    // Reminders and 督办 are written by timers on this compressed clock; everything else must not move.
    const actorEvents = (record: Json[]) => record.filter((e) => e.type !== 'task.reminded' && e.type !== 'task.escalated');

    const before = await asUser('zhang.zhibu', 'GET', `/api/cases/${caseId}`);
    expectStatus(before, 200);
    const recordBefore = actorEvents(before.body.record as Json[]);
    const todoBefore = (await inbox('li.zuzhi', 'todo')).counts.todo;

    const goodInput = { title: '关于召开组织生活会的请示', body: '拟于下月召开。' };
    const newCase = (body: unknown) => call('POST', '/api/cases', { token: zhang.token, body });
    expectCodedError(await newCase({ type: 'request-report', orgId: 'branch-a1-1', input: { body: '没有标题' } }), 400, 'INVALID_FORM');
    expectCodedError(await newCase({ type: 'request-report', orgId: 'branch-a1-1', input: goodInput, extra: true }), 400, 'VALIDATION_FAILED');
    expectCodedError(await newCase({ type: 'request-report', orgId: 'branch-a1-1', input: { ...goodInput, extra: 'x' } }), 400, 'INVALID_FORM');
    expectCodedError(await newCase({ type: 'request-report', orgId: 'branch-a1-1', input: 'not an object' }), 400, 'VALIDATION_FAILED');
    expectCodedError(await newCase({ type: 'request-report', orgId: 'branch-a1-1', input: { title: 42, body: '正文' } }), 400, 'INVALID_FORM');
    expectCodedError(await newCase({ type: 'request-report', orgId: 'branch-a1-1', input: { title: '   ', body: '正文' } }), 400, 'INVALID_FORM');
    expectCodedError(await newCase({ type: 'request-report', orgId: 'branch-a1-1' }), 400, 'VALIDATION_FAILED');

    const act = (body: unknown) => call('POST', `/api/tasks/${taskId}/actions?wait=next`, { token: li.token, body });
    expectCodedError(await act({ action: 'sign_off', form: {} }), 400, 'VALIDATION_FAILED');
    expectCodedError(await act({ action: 'reject' }), 400, 'COMMENT_REQUIRED');
    expectCodedError(await act({ action: 'reject', comment: '   ' }), 400, 'COMMENT_REQUIRED');
    expectCodedError(await act({ action: 'approve', form: {}, extra: 1 }), 400, 'VALIDATION_FAILED');
    expectCodedError(await act({ action: 'approve', form: { opinion: '同意', extra: 1 } }), 400, 'INVALID_FORM');
    expectCodedError(await act({}), 400, 'VALIDATION_FAILED');

    expectCodedError(await call('GET', '/api/inbox?view=bogus', { token: li.token }), 400, 'VALIDATION_FAILED');
    expectCodedError(await call('POST', '/api/auth/login', { body: {} }), 400, 'VALIDATION_FAILED');
    expectCodedError(await call('POST', '/api/auth/login', { rawBody: '' }), 400, 'VALIDATION_FAILED');
    expectCodedError(await call('POST', '/api/auth/login', { body: { username: 'li.zuzhi', password: PASSWORD, extra: 1 } }), 400, 'VALIDATION_FAILED');

    // Not signed in, or a forged token.
    expectCodedError(await call('GET', '/api/inbox'), 401, 'UNAUTHENTICATED');
    expectCodedError(await call('GET', `/api/tasks/${taskId}`), 401, 'UNAUTHENTICATED');
    expectCodedError(await call('POST', `/api/tasks/${taskId}/actions?wait=next`, { body: { action: 'approve', form: {} } }), 401, 'UNAUTHENTICATED');
    expectCodedError(await call('GET', '/api/inbox', { token: 'not.a.jwt' }), 401, 'UNAUTHENTICATED');
    expectCodedError(await call('POST', `/api/tasks/${taskId}/actions?wait=next`, { token: `${li.token.slice(0, -4)}AAAA`, body: { action: 'approve', form: {} } }), 401, 'UNAUTHENTICATED');
    expectCodedError(await call('POST', '/api/cases', { token: 'garbage', body: { type: 'request-report', orgId: 'branch-a1-1', input: goodInput } }), 401, 'UNAUTHENTICATED');

    // Nothing changed: the task is open, the record and li's to-do count are as before.
    const detail = await asUser('li.zuzhi', 'GET', `/api/tasks/${taskId}`);
    expectStatus(detail, 200);
    expect(detail.body.task.status).toBe('open');
    expect(detail.body.assignees).toEqual([expect.objectContaining({ status: 'pending', claimedById: null })]);
    const after = await asUser('zhang.zhibu', 'GET', `/api/cases/${caseId}`);
    expectStatus(after, 200);
    expect(after.body.case).toMatchObject({ status: 'open', stage: 'township-review', title: before.body.case.title });
    expect(after.body.case.input).toEqual(before.body.case.input);
    expect(actorEvents(after.body.record as Json[])).toHaveLength(recordBefore.length);
    expect(actorEvents(after.body.record as Json[])).toEqual(recordBefore);
    expect(after.body.recordVerification.valid).toBe(true);
    expect((await inbox('li.zuzhi', 'todo')).counts.todo).toBe(todoBefore);
  });

  it('wrongly typed JSON values get 400 too (not coerced into valid ones) and change nothing', async () => {
    const { caseId, taskId } = await startRequest('党费收缴情况');
    const zhang = await login('zhang.zhibu');
    const li = await login('li.zuzhi');
    const todoBefore = (await inbox('li.zuzhi', 'todo')).counts.todo;
    const goodInput = { title: '关于党费收缴情况的请示', body: '拟调整收缴时间。' };
    // Soft: report every wrongly accepted body in one run; the state checks below say what it cost.
    const expectRejected = (r: Reply, what: string) => {
      expect.soft(r.status, `${what}: ${describeReply(r)}`).toBe(400);
      expect.soft(r.body.code, `${what}: ${describeReply(r)}`).toBe('VALIDATION_FAILED');
    };
    expectRejected(await call('POST', '/api/cases', { token: zhang.token, body: { type: 'request-report', orgId: 123, input: goodInput } }), 'POST /api/cases orgId: number');
    expectRejected(await call('POST', '/api/cases', { token: zhang.token, body: { type: ['request-report'], orgId: 'branch-a1-1', input: goodInput } }), 'POST /api/cases type: array');
    expectRejected(await call('POST', '/api/auth/login', { body: { username: ['li.zuzhi'], password: PASSWORD } }), 'POST /api/auth/login username: array');
    expectRejected(await call('POST', `/api/tasks/${taskId}/actions?wait=next`, { token: li.token, body: { action: 'reject', comment: 42 } }), 'POST actions comment: number');

    const detail = await asUser('li.zuzhi', 'GET', `/api/tasks/${taskId}`);
    expectStatus(detail, 200);
    expect(detail.body.task.status, 'the task must still be open').toBe('open');
    const c = await asUser('zhang.zhibu', 'GET', `/api/cases/${caseId}`);
    expect(c.body.case.status).toBe('open');
    expect((await inbox('li.zuzhi', 'todo')).counts.todo, 'no case may have been started').toBe(todoBefore);
  });

  it('wrong passwords from one address are slowed down, never locking the account; logout ends the session', async () => {
    for (let i = 0; i < 3; i += 1) expectCodedError(await call('POST', '/api/auth/login', { body: { username: 'zhou.zhibu', password: `wrong-${i}` } }), 401, 'INVALID_CREDENTIALS');
    const early = await call('POST', '/api/auth/login', { body: { username: 'zhou.zhibu', password: PASSWORD } });
    expectCodedError(early, 429, 'LOGIN_THROTTLED');
    expect(early.body.token).toBeUndefined();
    // After the delay the right password works: no lock an anonymous client could keep on.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const right = await call('POST', '/api/auth/login', { body: { username: 'zhou.zhibu', password: PASSWORD } });
    expectStatus(right, 200);

    const token = right.body.token as string;
    expectStatus(await call('GET', '/api/me', { token }), 200);
    expect((await call('POST', '/api/auth/logout', { token })).status).toBe(204);
    expectCodedError(await call('GET', '/api/me', { token }), 401, 'UNAUTHENTICATED');
  });

  it('the worker serves the Temporal SDK\'s Prometheus metrics where WORKER_METRICS_ADDRESS says, after it has done work', async () => {
    const res = await fetch(`http://127.0.0.1:${workerMetricsPort}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    // Workflow and activity task latencies and the worker's slots, from the SDK's own telemetry.
    expect(text).toMatch(/^temporal_workflow_task_execution_latency_seconds_count\{.*task_queue="dangjian-cases".*\} [1-9]/m);
    expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
    // Every worker metric the Grafana dashboard queries is served.
    const names = dashboardMetricNames(/^temporal_/);
    expect(names.length).toBeGreaterThan(3);
    expect(names.filter((name) => !served(text, name))).toEqual([]);
  });
});
