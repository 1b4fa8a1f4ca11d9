// A task action with a value PostgreSQL refuses, sent straight to the workflow (past the HTTP edge, which
// refuses bad text and unknown targets first): recordTaskAction fails at once as a non-retryable
// DATA_ERROR, the Update fails with it, the step is left as it was and a following valid action completes
// it. Text PostgreSQL cannot hold is stored as U+FFFD by the record (packages/db/src/case-record.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { Actor } from '@dj/contracts';
import { verifyCaseRecord } from '@dj/db';
import { taskActionUpdate } from '@dj/process-api';
import { actAndWait, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ workingDaySeconds: 60 });
});
afterAll(async () => {
  await h?.close();
});

function act(handle: WorkflowHandle, taskId: string, actor: Actor, action: string, extra: Record<string, unknown> = {}) {
  return handle.executeUpdate(taskActionUpdate, { args: [{ taskId, actor, action: action as never, ...extra }] });
}

/** The failure a refused Update carries: the recording activity's classified failure, as the Update's own. */
async function updateFailure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
  const failure = (e as WorkflowUpdateFailedError).cause;
  expect(failure).toBeInstanceOf(ApplicationFailure);
  return failure as ApplicationFailure;
}

describe('a task action with a value PostgreSQL cannot store', () => {
  it('fails promptly with DATA_ERROR, changes nothing, and the step still takes a valid approve', async () => {
    const { handle, caseId, snapshot } = await h.startRequest();
    const taskId = snapshot.openTasks[0]!.id;
    const li = await h.actor('li.zuzhi');
    const eventsBefore = await h.db.caseEvent.count({ where: { caseId } });

    // A value PostgreSQL refuses (a target id that is no uuid: 22P02), in a hand-over the task rules accept…
    const started = Date.now();
    const bad = await updateFailure(act(handle, taskId, li, 'transfer', { comment: '转办', to: [{ userId: 'not-a-uuid', displayName: '某人' }] }));
    expect(Date.now() - started).toBeLessThan(10_000); // no retries: the first attempt's failure is final
    expect(bad.type).toBe('DATA_ERROR');
    expect(bad.message).toContain('recordTaskAction: the data cannot be stored');
    // …and again for a non-deciding action (抄送).
    expect((await updateFailure(act(handle, taskId, li, 'cc', { to: [{ userId: 'not-a-uuid-either', displayName: '某人' }] }))).type).toBe('DATA_ERROR');

    // Nothing was recorded and the workflow still shows the step open, its slot pending.
    expect(await h.db.caseEvent.count({ where: { caseId } })).toBe(eventsBefore);
    const row = await h.db.task.findUniqueOrThrow({ where: { id: taskId }, include: { assignees: true } });
    expect(row.status).toBe('open');
    expect(row.assignees.map((a) => a.status)).toEqual(['pending']);
    expect((await handle.query<{ openTasks: { id: string }[] }>('snapshot')).openTasks.map((t) => t.id)).toEqual([taskId]);

    // The same person's valid approve is accepted (not ALREADY_ACTED / TASK_NOT_OPEN) and completes the step.
    const approved = await actAndWait(handle, { taskId, actor: li, action: 'approve', comment: '同意', form: { opinion: '同意' } });
    expect(approved.task).toMatchObject({ id: taskId, status: 'closed', outcome: 'approve' });
    expect(approved.case.status).toBe('completed');
    expect(await handle.result()).toMatchObject({ status: 'completed' });
    expect((await h.db.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe('completed');
    const types = (await h.db.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } })).map((e) => e.type);
    expect(types.filter((t) => t.startsWith('task.'))).toEqual(['task.opened', 'task.approve', 'task.closed']);
  });

  it('text PostgreSQL cannot hold (NUL, a lone surrogate) is recorded as U+FFFD, and the record verifies', async () => {
    const { handle, caseId, snapshot } = await h.startRequest();
    const taskId = snapshot.openTasks[0]!.id;
    const li = await h.actor('li.zuzhi');
    await act(handle, taskId, li, 'comment', { comment: '意见\u0000\ud800' });
    const [event] = await h.db.caseEvent.findMany({ where: { caseId, type: 'task.comment' } });
    expect((event!.data as { comment: string }).comment).toBe('意见\ufffd\ufffd');
    expect(await verifyCaseRecord(h.db, caseId)).toMatchObject({ valid: true });
  });
});
