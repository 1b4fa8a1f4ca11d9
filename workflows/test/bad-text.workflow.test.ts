// A task action whose text PostgreSQL refuses, sent straight to the workflow (past the HTTP edge):
// recordTaskAction fails at once as a non-retryable DATA_ERROR, the Update fails with it, the step is
// left as it was and a following valid action completes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { Actor } from '@dj/contracts';
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

describe('a task action with text PostgreSQL cannot store', () => {
  it('fails promptly with DATA_ERROR, changes nothing, and the step still takes a valid approve', async () => {
    const { handle, caseId, snapshot } = await h.startRequest();
    const taskId = snapshot.openTasks[0]!.id;
    const li = await h.actor('li.zuzhi');
    const eventsBefore = await h.db.caseEvent.count({ where: { caseId } });

    // A deciding action (approve closes this 或签 step) with NUL in the comment (jsonb refuses it: 22P05)…
    const started = Date.now();
    const nul = await updateFailure(act(handle, taskId, li, 'approve', { comment: '同意\u0000', form: { opinion: '同意' } }));
    expect(Date.now() - started).toBeLessThan(10_000); // no retries: the first attempt's failure is final
    expect(nul.type).toBe('DATA_ERROR');
    expect(nul.message).toContain('recordTaskAction: the data cannot be stored (SQLSTATE 22P05');
    // …and a lone surrogate in a form field (Prisma cannot send it).
    const lone = await updateFailure(act(handle, taskId, li, 'forward', { form: { opinion: '同意上报\ud800' } }));
    expect(lone.type).toBe('DATA_ERROR');
    // A non-deciding action too: a comment.
    expect((await updateFailure(act(handle, taskId, li, 'comment', { comment: '\udc00' }))).type).toBe('DATA_ERROR');

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
});
