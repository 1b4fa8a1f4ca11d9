import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { verifyCaseRecord } from '@dj/db';
import type { Actor } from '@dj/contracts';
import { taskActionUpdate } from '@dj/process-api';
import { captureHistory, stableState, startHarness, type Harness, actAndWait, caseActionAndWait } from '../../../test/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ workingDaySeconds: 60 });
});
afterAll(async () => {
  await h?.close();
});

const startRequest = (title?: string) => h.startRequest(title);

function act(handle: WorkflowHandle, taskId: string, actor: Actor, action: string, extra: Record<string, unknown> = {}) {
  return actAndWait(handle, { taskId, actor, action: action as never, ...extra });
}

async function rejectionType(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    if (e instanceof WorkflowUpdateFailedError) return (e.cause as { type?: string } | undefined)?.type;
    throw e;
  }
  return undefined;
}

async function updatesInHistory(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
}

describe('请示报告审批 workflow', () => {
  it('forwarded to the county and approved: tasks, projections and a verifiable record', async () => {
    const { handle, caseId, snapshot } = await startRequest();
    expect(snapshot.stage).toBe('township-review');
    expect(snapshot.openTasks).toHaveLength(1);
    const reviewTask = snapshot.openTasks[0]!;

    const row = await h.db.task.findUniqueOrThrow({ where: { id: reviewTask.id }, include: { assignees: true } });
    expect(row).toMatchObject({ status: 'open', orgId: 'town-a1', kind: 'step' });
    expect(row.assignees).toEqual([expect.objectContaining({ orgId: 'town-a1', role: 'township_org_member', status: 'pending' })]);

    const li = await h.actor('li.zuzhi');
    const forwarded = await act(handle, reviewTask.id, li, 'forward', { form: { opinion: '同意上报' } });
    expect(forwarded.task).toMatchObject({ id: reviewTask.id, status: 'closed', outcome: 'forward' });
    expect(forwarded.case.stage).toBe('county-decision');
    const countyTask = forwarded.case.openTasks[0]!;
    expect(countyTask.stepKey).toBe('county-decision');
    // The projection is written before the action returns.
    expect((await h.db.task.findUniqueOrThrow({ where: { id: reviewTask.id } })).status).toBe('completed');

    const zhao = await h.actor('zhao.xianwei');
    const approved = await act(handle, countyTask.id, zhao, 'approve', { form: { opinion: '同意' } });
    expect(approved.case.status).toBe('completed');
    expect(await handle.result()).toMatchObject({ status: 'completed' });

    const c = await h.db.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(c).toMatchObject({ status: 'completed', stage: 'closed', result: { decision: 'approved', decidedAt: 'county' } });
    const events = await h.db.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.type)).toEqual([
      'case.opened',
      'task.opened',
      'task.forward',
      'task.closed',
      'case.stage',
      'task.opened',
      'task.approve',
      'task.closed',
      'case.closed',
    ]);
    expect(events.find((e) => e.type === 'task.forward')).toMatchObject({ actorId: li.userId, actorName: li.name });
    expect(await verifyCaseRecord(h.db, caseId)).toMatchObject({ valid: true, events: events.length });
    await captureHistory(handle, 'request-report-forwarded-approved');
  });

  it('an action answers once it is recorded: one local-activity transaction records it and closes the task, one activity opens the next step', async () => {
    const { handle, caseId, snapshot } = await startRequest();
    const taskId = snapshot.openTasks[0]!.id;
    const li = await h.actor('li.zuzhi');
    const before = (await handle.fetchHistory()).events?.length ?? 0;

    const answer = await handle.executeUpdate(taskActionUpdate, { args: [{ taskId, actor: li, action: 'forward', form: { opinion: '同意上报' } }] });
    expect(answer.task).toMatchObject({ id: taskId, status: 'closed', outcome: 'forward' });
    // The answer is the case at that moment: the township step is done, the county's is not open yet.
    expect(answer.case).toMatchObject({ status: 'open', stage: 'township-review', openTasks: [] });
    // Recorded and closed in the same transaction that the answer waited for.
    const row = await h.db.task.findUniqueOrThrow({ where: { id: taskId } });
    expect(row).toMatchObject({ status: 'completed', outcome: 'forward', closedById: li.userId });

    const next = await stableState(handle);
    expect(next).toMatchObject({ status: 'open', stage: 'county-decision' });
    expect(next.openTasks.map((t) => t.stepKey)).toEqual(['county-decision']);
    expect((await h.db.case.findUniqueOrThrow({ where: { id: caseId } })).stage).toBe('county-decision');
    const stageEvents = await h.db.caseEvent.findMany({ where: { caseId, type: 'case.stage' } });
    expect(stageEvents.map((e) => (e.data as { stage: string }).stage)).toEqual(['county-decision']);

    // What the click cost in the workflow's history: one local activity (marker) and one activity (openTask).
    const events = ((await handle.fetchHistory()).events ?? []).slice(before);
    const scheduled = events.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : []));
    expect(scheduled).toEqual(['openTask']);
    expect(events.filter((e) => e.markerRecordedEventAttributes).length).toBe(1);
  });

  it('rejects an outsider and invalid forms in the validator, leaving nothing in history', async () => {
    const { handle, snapshot } = await startRequest();
    const taskId = snapshot.openTasks[0]!.id;
    const outsider = await h.actor('liu.zuzhi');
    expect(await rejectionType(act(handle, taskId, outsider, 'approve', { form: {} }))).toBe('NOT_ASSIGNEE');
    const li = await h.actor('li.zuzhi');
    expect(await rejectionType(act(handle, taskId, li, 'approve', { form: { opinion: 5 } }))).toBe('INVALID_FORM');
    expect(await rejectionType(act(handle, taskId, li, 'reject', {}))).toBe('COMMENT_REQUIRED');
    expect(await rejectionType(act(handle, randomUUID(), li, 'approve', {}))).toBe('NOT_FOUND');
    expect(await updatesInHistory(handle)).toBe(1); // only the stableState update of the start
    const reject = await act(handle, taskId, li, 'reject', { comment: '不属于乡镇审批事项' });
    expect(reject.case.status).toBe('rejected');
    // The case has ended: the workflow no longer takes updates at all.
    await expect(act(handle, taskId, li, 'approve', { form: {} })).rejects.toThrow(/already completed/);
  });

  it('two simultaneous approvals of the same task: exactly one wins', async () => {
    const { handle, snapshot } = await startRequest();
    const taskId = snapshot.openTasks[0]!.id;
    const li = await h.actor('li.zuzhi');
    const results = await Promise.allSettled([act(handle, taskId, li, 'approve', { form: {} }), act(handle, taskId, li, 'approve', { form: {} })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(['TASK_NOT_OPEN', 'ALREADY_ACTED']).toContain((failed.reason as WorkflowUpdateFailedError).cause && ((failed.reason as WorkflowUpdateFailedError).cause as { type?: string }).type);
  });

  it('退回 sends the request back for changes; the resubmitted request replaces the case input', async () => {
    const { handle, caseId, snapshot, initiator } = await startRequest('原标题');
    const li = await h.actor('li.zuzhi');
    const returned = await act(handle, snapshot.openTasks[0]!.id, li, 'return', { comment: '请补充经费预算' });
    expect(returned.case.stage).toBe('revise');
    const revise = returned.case.openTasks[0]!;
    expect(revise.stepKey).toBe('revise');
    expect(await rejectionType(act(handle, revise.id, initiator, 'approve', { form: { title: '' } }))).toBe('INVALID_FORM');
    const resubmitted = await act(handle, revise.id, initiator, 'approve', { form: { title: '新标题', body: '附预算：3万元' } });
    expect(resubmitted.case.stage).toBe('township-review');
    expect((await h.db.case.findUniqueOrThrow({ where: { id: caseId } })).title).toBe('新标题');
    const second = resubmitted.case.openTasks[0]!;
    const row = await h.db.task.findUniqueOrThrow({ where: { id: second.id } });
    expect(row.round).toBe(2);
    await act(handle, second.id, await h.actor('li.zuzhi'), 'reject', { comment: '经费另行安排' });
    await captureHistory(handle, 'request-report-returned-resubmitted-rejected');
  });

  it('认领, 加签, 转办, 抄送, 评论 on a role-assigned task', async () => {
    const { handle, caseId, snapshot } = await startRequest();
    const taskId = snapshot.openTasks[0]!.id;
    const li = await h.actor('li.zuzhi');
    const wang = await h.actor('wang.shuji', '/city/county-a/town-a1/');
    const chen = await h.actor('chen.shiwei');

    await act(handle, taskId, li, 'claim');
    const slot = await h.db.taskAssignee.findFirstOrThrow({ where: { taskId } });
    expect(slot.claimedById).toBe(li.userId);

    await act(handle, taskId, li, 'add_signer', { to: [{ userId: wang.userId, displayName: wang.name }] });
    const afterLi = await act(handle, taskId, li, 'approve', { form: { opinion: '同意，请书记审定' } });
    expect(afterLi.task.status).toBe('open'); // the added signer still has to approve
    expect(await rejectionType(act(handle, taskId, li, 'approve', { form: {} }))).toBe('ALREADY_ACTED');

    await act(handle, taskId, wang, 'transfer', { to: [{ userId: chen.userId, displayName: chen.name }], comment: '请市委组织部把关' });
    expect(await rejectionType(act(handle, taskId, wang, 'approve', { form: {} }))).toBe('NOT_ASSIGNEE');
    await act(handle, taskId, chen, 'cc', { to: [{ userId: wang.userId }] });
    await act(handle, taskId, chen, 'comment', { comment: '已阅' });
    const done = await act(handle, taskId, chen, 'approve', { form: {} });
    expect(done.case.status).toBe('completed');

    expect(await h.db.taskCopy.count({ where: { taskId, userId: wang.userId } })).toBe(1);
    const types = (await h.db.caseEvent.findMany({ where: { caseId, taskId }, orderBy: { seq: 'asc' } })).map((e) => e.type);
    await captureHistory(handle, 'request-report-claim-addsigner-transfer');
    expect(types).toEqual(['task.opened', 'task.claim', 'task.add_signer', 'task.approve', 'task.transfer', 'task.cc', 'task.comment', 'task.approve', 'task.closed']);
    const transfer = await h.db.caseEvent.findFirstOrThrow({ where: { caseId, type: 'task.transfer' } });
    expect(transfer).toMatchObject({ actorId: wang.userId, data: expect.objectContaining({ comment: '请市委组织部把关' }) });
  });

  it('撤回: the initiator may withdraw only while no one has acted', async () => {
    const first = await startRequest();
    const other = await h.actor('sun.zhibu');
    expect(await rejectionType(caseActionAndWait(first.handle, { action: 'withdraw', actor: other }))).toBe('FORBIDDEN');
    const withdrawn = await caseActionAndWait(first.handle, { action: 'withdraw', actor: first.initiator, comment: '重复提交' });
    expect(withdrawn.status).toBe('withdrawn');
    expect(withdrawn.openTasks).toHaveLength(0);
    expect((await h.db.task.findUniqueOrThrow({ where: { id: first.snapshot.openTasks[0]!.id } })).status).toBe('cancelled');
    await captureHistory(first.handle, 'request-report-withdrawn');

    const second = await startRequest();
    const li = await h.actor('li.zuzhi');
    await act(second.handle, second.snapshot.openTasks[0]!.id, li, 'comment', { comment: '正在研究' });
    expect(await rejectionType(caseActionAndWait(second.handle, { action: 'withdraw', actor: second.initiator }))).toBe('WITHDRAW_TOO_LATE');
  });
});
