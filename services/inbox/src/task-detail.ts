import { meetingRoster, type Db } from '@dj/db';
import { forms, isFormId, meetingBodyOf, taskActions, type TaskAction } from '@dj/contracts';
import { actorFor, caseVisibleTo, type AuthUser } from '@dj/service-kit';
import { ActionRejected, meetingBodyName, toChinaDate, validateTaskAction, type TaskState } from '@dj/domain';

export type LoadedTask = NonNullable<Awaited<ReturnType<typeof loadVisibleTask>>>;

/** The task with its case and assignees, or undefined when it does not exist or the user may not see it. */
export async function loadVisibleTask(db: Db, user: AuthUser, taskId: string) {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT t.id FROM task t JOIN "case" c ON c.id = t.case_id WHERE t.id = ${taskId}::uuid AND ${caseVisibleTo(user)}`;
  if (!rows.length) return undefined;
  return db.task.findUniqueOrThrow({ where: { id: taskId }, include: { assignees: true, case: true } });
}

function stateOf(task: LoadedTask): TaskState {
  return {
    id: task.id,
    kind: task.kind as TaskState['kind'],
    stepKey: task.stepKey,
    round: task.round,
    title: task.title,
    orgId: task.orgId,
    mode: task.mode as TaskState['mode'],
    formId: task.formId ?? undefined,
    actions: task.actions as TaskAction[],
    status: task.status === 'open' ? 'open' : 'closed',
    supervisesTaskId: task.supervisesTaskId ?? undefined,
    slots: task.assignees.map((a) => ({
      id: a.id,
      userId: a.userId ?? undefined,
      orgId: a.orgId ?? undefined,
      role: a.role ?? undefined,
      claimedById: a.claimedById ?? undefined,
      status: a.status as TaskState['slots'][number]['status'],
      addedBySlot: a.addedBySlot ?? undefined,
    })),
  };
}

/**
 * The actions this user may take now, by the same rules the workflow's validator applies (so the UI
 * offers exactly what will be accepted); reasons, targets and form contents are checked on submit.
 */
const HAND_OVERS: ReadonlySet<TaskAction> = new Set(['transfer', 'add_signer', 'cc']);
/** Stands for whomever the user will name; who is allowed is checked on submit. */
const PROBE_TARGET = '00000000-0000-0000-0000-000000000000';

export async function availableActions(db: Db, user: AuthUser, task: LoadedTask): Promise<TaskAction[]> {
  const state = stateOf(task);
  const supervision = await db.task.findMany({ where: { supervisesTaskId: task.id, status: 'open' }, include: { assignees: true, case: true } });
  const ctx = { initiatorId: task.case.initiatorId, supervisionTasksOf: () => supervision.map((s) => stateOf(s)) };
  const actor = actorFor(user, task.case.orgPath);
  return taskActions.filter((action) => {
    try {
      validateTaskAction(state, { taskId: task.id, action, actor, comment: 'x', ...(HAND_OVERS.has(action) ? { to: [{ userId: PROBE_TARGET }] } : {}) }, ctx);
      return true;
    } catch (e) {
      return e instanceof ActionRejected && e.code === 'INVALID_FORM';
    }
  });
}

export function formOf(formId: string | null) {
  return formId && isFormId(formId) ? { id: formId, schema: forms[formId] } : null;
}


/**
 * A step decided by a body's meeting (issue 14): the body and the roster expected on `on` (default today,
 * China time) with names, so the console offers the attendees as checkboxes. The roster that counts is
 * the one at the meeting date typed in, read again when the meeting is submitted.
 */
export async function meetingOfTask(db: Db, task: Pick<LoadedTask, 'formId' | 'orgId'>, on: string = toChinaDate(new Date())) {
  const body = meetingBodyOf(task.formId);
  if (!body) return null;
  const org = await db.orgUnit.findUnique({ where: { id: task.orgId }, select: { type: true, name: true } });
  return { body, bodyName: meetingBodyName(body, org?.type), orgId: task.orgId, orgName: org?.name ?? task.orgId, on, roster: await meetingRoster(db, task.orgId, body, on) };
}
