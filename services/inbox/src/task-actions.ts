import type { Client } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import type { AssigneeRef, TaskAction, TaskActionRequest } from '@dj/contracts';
import type { Db } from '@dj/db';
import { actorFor, awaitStableState, callWorkflow, httpError, type AuthUser } from '@dj/service-kit';
import { snapshotQuery, stableStateUpdate, taskActionUpdate } from '@dj/process-api';
import { loadVisibleTask } from './task-detail';

export type TaskActionBody = {
  action: TaskAction;
  comment?: string | undefined;
  form?: Record<string, unknown> | undefined;
  to?: ({ userId: string } | { orgId: string; role: string })[] | undefined;
};

/**
 * One action on one task, as every caller takes it (single action, bulk approval): visibility,
 * then the case workflow's taskAction Update, whose validator has the last word. The answer comes as
 * soon as the action is recorded; with `waitForNext` the case part is the state after the process
 * moved on (next step open, or the case closed).
 */
export async function performTaskAction(
  deps: { db: Db; temporal: Client },
  request: { auth: AuthUser; log: FastifyBaseLogger },
  taskId: string,
  body: TaskActionBody,
  idempotencyKey?: string,
  waitForNext = false,
) {
  const { db, temporal } = deps;
  const task = await loadVisibleTask(db, request.auth, taskId);
  if (!task) throw httpError('NOT_FOUND');
  if (task.status !== 'open') throw httpError('TASK_NOT_OPEN');
  const { action, comment, form } = body;
  const to = body.to ? await resolveTargets(db, body.to) : undefined;
  const req: TaskActionRequest = { taskId: task.id, action, actor: actorFor(request.auth, task.case.orgPath), comment, form, to };
  const handle = temporal.workflow.getHandle(task.case.workflowId);
  const result = await callWorkflow(() =>
    handle.executeUpdate(taskActionUpdate, {
      args: [req],
      ...(idempotencyKey ? { updateId: `${request.auth.id}:${idempotencyKey}` } : {}),
    }),
  );
  request.log.info({ event: 'task.action', action, taskId: task.id, caseId: task.caseId, userId: request.auth.id }, 'task action accepted');
  if (!waitForNext) return result;
  return { ...result, case: await awaitStableState(handle, { stable: stableStateUpdate, snapshot: snapshotQuery }) };
}

async function resolveTargets(db: Db, targets: ({ userId: string } | { orgId: string; role: string })[]): Promise<AssigneeRef[]> {
  return Promise.all(
    targets.map(async (t) => {
      if ('userId' in t) {
        const u = await db.user.findUnique({ where: { id: t.userId } });
        if (!u || u.disabled) throw httpError('UNKNOWN_TARGET');
        return { userId: u.id, displayName: u.displayName };
      }
      const org = await db.orgUnit.findUnique({ where: { id: t.orgId } });
      if (!org) throw httpError('UNKNOWN_TARGET');
      return { orgId: t.orgId, role: t.role };
    }),
  );
}
