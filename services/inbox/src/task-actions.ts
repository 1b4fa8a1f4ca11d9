import type { Client } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import { meetingBodyOf, type AssigneeRef, type TaskAction, type TaskActionRequest } from '@dj/contracts';
import { meetingRoster, type Db } from '@dj/db';
import { isCalendarDate, toChinaDate } from '@dj/domain';
import { actorFor, awaitStableState, callWorkflow, caseVisibleTo, HttpError, httpError, type AuthUser } from '@dj/service-kit';
import { snapshotQuery, stableStateUpdate, taskActionUpdate } from '@dj/process-api';
import { oathGroupErrors, peopleErrors } from './people-check';
import { describeOutcome } from './outcome';

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
  const task = await loadTaskToAct(db, request.auth, taskId);
  if (!task) throw httpError('NOT_FOUND');
  // With a key, a closed task may be the one this key closed (its answer was lost in a crash): the
  // Update with the same id returns the original outcome while the workflow runs.
  if (task.status !== 'open' && !idempotencyKey) throw httpError('TASK_NOT_OPEN');
  const { action, comment, form } = body;
  if (task.status === 'open' && (action === 'approve' || action === 'forward')) {
    const errors = [...(await peopleErrors(db, task, form)), ...(await oathGroupErrors(db, task, form))];
    if (errors.length) throw httpError('INVALID_FORM', errors.join('; '));
  }
  const to = body.to?.length ? await resolveTargets(db, task.orgId, body.to) : undefined;
  const meeting = await meetingOf(db, task, action, form);
  const req: TaskActionRequest = { taskId: task.id, action, actor: actorFor(request.auth, task.orgPath), comment, form, to, ...(meeting ? { meeting } : {}) };
  const handle = temporal.workflow.getHandle(task.workflowId);
  const result = await callWorkflow(() =>
    handle.executeUpdate(taskActionUpdate, {
      args: [req],
      ...(idempotencyKey ? { updateId: `${request.auth.id}:${idempotencyKey}` } : {}),
    }),
  ).catch((error: unknown) => {
    if (task.status !== 'open' && !(error instanceof HttpError && error.statusCode === 503)) throw httpError('TASK_NOT_OPEN');
    throw error;
  });
  request.log.info({ event: 'task.action', action, taskId: task.id, caseId: task.caseId, userId: request.auth.id }, 'task action accepted');
  if (!waitForNext) return result;
  const state = await awaitStableState(handle, { stable: stableStateUpdate, snapshot: snapshotQuery });
  return { ...result, case: state, outcome: await outcomeOf(db, task.caseId, task.id, task.stepKey) };
}

/** What acting on a task needs, in one query with the visibility predicate (undefined: not found or not visible). */
async function loadTaskToAct(db: Db, user: AuthUser, taskId: string) {
  const [task] = await db.$queryRaw<{ id: string; caseId: string; orgId: string; status: string; workflowId: string; orgPath: string; formId: string | null; stepKey: string }[]>`
    SELECT t.id, t.case_id AS "caseId", t.org_id AS "orgId", t.status, c.workflow_id AS "workflowId", c.org_path AS "orgPath",
           t.form_id AS "formId", t.step_key AS "stepKey"
    FROM task t JOIN "case" c ON c.id = t.case_id
    WHERE t.id = ${taskId}::uuid AND ${caseVisibleTo(user)}`;
  return task;
}

/**
 * A step decided by a body's meeting (支委会, 党委会, 党员大会): the roster expected, read from the
 * organization's committee data at the meeting date, goes with the request; the workflow's validator
 * judges the meeting against it (collective-decision.ts in @dj/domain). A meeting date in the future is
 * refused here, where the clock is read.
 */
async function meetingOf(db: Db, task: { orgId: string; formId: string | null }, action: TaskAction, form: Record<string, unknown> | undefined): Promise<TaskActionRequest['meeting']> {
  const body = meetingBodyOf(task.formId);
  if (!body || (action !== 'approve' && action !== 'forward' && action !== 'reject')) return undefined;
  const on = form?.meetingDate;
  if (typeof on !== 'string') return undefined; // the form check names the missing date
  if (!isCalendarDate(on) || on > toChinaDate(new Date())) throw httpError('MEETING_DATE_INVALID', on);
  return { body, orgId: task.orgId, on, roster: await meetingRoster(db, task.orgId, body, on) };
}

/**
 * 转办 / 加签 / 抄送 stay within the responsible organization's reach: the step's organization, the
 * organizations under it and its supervising chain (the organizations above it). A user is within reach
 * when one of their memberships is; an organization role when its organization is. Policy stated in the
 * README (Security); a target outside answers TARGET_OUT_OF_REACH and nothing changes.
 */
async function resolveTargets(db: Db, taskOrgId: string, targets: ({ userId: string } | { orgId: string; role: string })[]): Promise<AssigneeRef[]> {
  const taskOrg = await db.orgUnit.findUnique({ where: { id: taskOrgId }, select: { path: true } });
  if (!taskOrg) throw httpError('UNKNOWN_TARGET');
  const withinReach = (path: string) => path.startsWith(taskOrg.path) || taskOrg.path.startsWith(path);
  return Promise.all(
    targets.map(async (t) => {
      if ('userId' in t) {
        const u = await db.user.findUnique({ where: { id: t.userId }, include: { memberships: { include: { org: { select: { path: true } } } } } });
        if (!u || u.disabled) throw httpError('UNKNOWN_TARGET');
        if (!u.memberships.some((m) => withinReach(m.org.path))) throw httpError('TARGET_OUT_OF_REACH');
        return { userId: u.id, displayName: u.displayName };
      }
      const org = await db.orgUnit.findUnique({ where: { id: t.orgId }, select: { path: true } });
      if (!org) throw httpError('UNKNOWN_TARGET');
      if (!withinReach(org.path)) throw httpError('TARGET_OUT_OF_REACH');
      return { orgId: t.orgId, role: t.role };
    }),
  );
}

/**
 * What the process recorded after this task's latest decision (the counted vote, the screening, a
 * send-back), in words: the answer says what happened, not only that the action was taken.
 */
async function outcomeOf(db: Db, caseId: string, taskId: string, stepKey: string) {
  const [decision] = await db.$queryRaw<{ seq: number }[]>`
    SELECT max(seq)::int AS seq FROM case_event WHERE case_id = ${caseId}::uuid AND task_id = ${taskId}::uuid AND type IN ('task.approve', 'task.forward', 'task.reject', 'task.return')`;
  if (decision?.seq === undefined || decision.seq === null) return null;
  const following = await db.caseEvent.findMany({
    where: { caseId, seq: { gt: decision.seq }, type: { in: ['candidates.screened', 'election.counted', 'vote.counted', 'meeting.counted', 'case.sent-back'] } },
    orderBy: { seq: 'asc' },
    select: { type: true, data: true },
  });
  // A count of another step running in parallel is not this action's outcome.
  const mine = following.filter((e) => !['vote.counted', 'meeting.counted'].includes(e.type) || (e.data as { step?: string } | null)?.step === stepKey);
  return describeOutcome(mine.map((e) => ({ type: e.type, data: (e.data ?? {}) as Record<string, unknown> })));
}
