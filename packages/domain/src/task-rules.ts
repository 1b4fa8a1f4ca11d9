/**
 * The state of one human-step task inside a case workflow, and the pure rules that decide whether
 * an actor may perform an action and what it changes. Deterministic: used by update validators
 * and handlers in workflow code, and unit-tested directly.
 */
import {
  actionsRequiringComment,
  formErrors,
  meetingBodyOf,
  type Actor,
  type AssigneeRef,
  type DecisionAction,
  type ErrorCode,
  type TaskAction,
  type MeetingRecord,
  type TaskActionRequest,
} from '@dj/contracts';
import { meetingRefusal, type ElectionThresholds } from './collective-decision';

export type SlotStatus = 'pending' | 'approved' | 'rejected' | 'waiting';

/** One assignee position: a user, or an (org, role) pair that any holder may act on or claim (认领). */
export type Slot = {
  id: string;
  userId?: string | undefined;
  displayName?: string | undefined;
  orgId?: string | undefined;
  role?: string | undefined;
  claimedById?: string | undefined;
  status: SlotStatus;
  /** 加签: the slot whose approval this signer follows. */
  addedBySlot?: string | undefined;
};

export type Decision = {
  taskId: string;
  outcome: DecisionAction;
  form?: Record<string, unknown> | undefined;
  comment?: string | undefined;
  actor: { userId: string; name: string };
};

export type TaskState = {
  id: string;
  kind: 'step' | 'supervision';
  stepKey: string;
  round: number;
  title: string;
  orgId: string;
  mode: 'all' | 'any';
  formId?: string | undefined;
  actions: TaskAction[];
  slots: Slot[];
  /** open → closing (decided, being written) → closed. Only `open` accepts actions. */
  status: 'open' | 'closing' | 'closed';
  supervisesTaskId?: string | undefined;
  decision?: Decision | undefined;
  /** Process-specific checks of the submitted form beyond its schema (e.g. the chosen candidate exists). */
  checkForm?: ((form: Record<string, unknown>) => string[]) | undefined;
  /** A meeting step that is an election: its thresholds (选举工作条例) instead of a decision's (collective-decision.ts). */
  election?: ElectionThresholds | undefined;
};

export class ActionRejected extends Error {
  constructor(
    readonly code: ErrorCode,
    detail?: string,
  ) {
    super(detail ?? code);
    this.name = 'ActionRejected';
  }
}

export function slotMatches(slot: Slot, actor: Pick<Actor, 'userId' | 'memberships'>): boolean {
  if (slot.userId) return slot.userId === actor.userId;
  if (slot.claimedById) return slot.claimedById === actor.userId;
  return actor.memberships.some((m) => m.orgId === slot.orgId && m.role === slot.role);
}

export function pendingSlotOf(task: TaskState, actor: Pick<Actor, 'userId' | 'memberships'>): Slot | undefined {
  return task.slots.find((s) => s.status === 'pending' && slotMatches(s, actor));
}

function chainComplete(task: TaskState, slot: Slot): boolean {
  return slot.status === 'approved' && task.slots.filter((s) => s.addedBySlot === slot.id).every((s) => chainComplete(task, s));
}

/** 会签 (all): every original signer's chain approved; 或签 (any): one chain approved. */
export function approvalsComplete(task: TaskState): boolean {
  const roots = task.slots.filter((s) => !s.addedBySlot);
  return task.mode === 'all' ? roots.every((s) => chainComplete(task, s)) : roots.some((s) => chainComplete(task, s));
}

export type ActionContext = {
  initiatorId: string;
  /** Supervision (督办) tasks of this case, to let their holders 催办 the supervised task. */
  supervisionTasksOf(taskId: string): TaskState[];
};

/** The hand-overs name whom they hand over to; no other action takes a target. */
const actionsTakingTargets: ReadonlySet<TaskAction> = new Set(['transfer', 'add_signer', 'cc']);

/** Throws ActionRejected when the request is not allowed; otherwise returns nothing and changes nothing. */
export function validateTaskAction(task: TaskState | undefined, req: TaskActionRequest, ctx: ActionContext): void {
  if (!task) throw new ActionRejected('NOT_FOUND');
  if (task.status !== 'open') throw new ActionRejected('TASK_NOT_OPEN');
  if (!task.actions.includes(req.action)) throw new ActionRejected('ACTION_NOT_ALLOWED');
  if (actionsRequiringComment.has(req.action) && !req.comment?.trim()) throw new ActionRejected('COMMENT_REQUIRED');
  if (req.to?.length && !actionsTakingTargets.has(req.action)) throw new ActionRejected('TARGET_NOT_ALLOWED');
  const meetingBody = meetingBodyOf(task.formId);
  // 驳回 of a body's decision carries the meeting that did not carry the proposal.
  const formAllowed = ((req.action === 'approve' || req.action === 'forward') && task.formId) || (req.action === 'reject' && meetingBody);
  if (req.form && Object.keys(req.form).length && !formAllowed) throw new ActionRejected('FORM_NOT_ALLOWED');
  const actor = req.actor;

  switch (req.action) {
    case 'urge': {
      const supervised = task.kind === 'supervision';
      const isSupervisor = actor.supervisesCase || supervised || ctx.supervisionTasksOf(task.id).some((t) => t.status === 'open' && t.slots.some((s) => slotMatches(s, actor)));
      if (actor.userId !== ctx.initiatorId && !isSupervisor) throw new ActionRejected('FORBIDDEN');
      if (supervised && !task.slots.some((s) => slotMatches(s, actor)) && !actor.supervisesCase) throw new ActionRejected('NOT_ASSIGNEE');
      return;
    }
    case 'comment': {
      const involved = task.slots.some((s) => slotMatches(s, actor)) || actor.userId === ctx.initiatorId || actor.supervisesCase;
      if (!involved) throw new ActionRejected('NOT_ASSIGNEE');
      return;
    }
    case 'claim': {
      const slot = task.slots.find((s) => s.status === 'pending' && !s.userId && !s.claimedById && slotMatches(s, actor));
      if (!slot) throw new ActionRejected(task.slots.some((s) => s.claimedById === actor.userId) ? 'ALREADY_ACTED' : 'NOT_ASSIGNEE');
      return;
    }
    default:
      break;
  }

  const slot = pendingSlotOf(task, actor);
  if (!slot) {
    const actedBefore = task.slots.some((s) => s.status !== 'pending' && s.status !== 'waiting' && slotMatches(s, actor));
    throw new ActionRejected(actedBefore ? 'ALREADY_ACTED' : 'NOT_ASSIGNEE');
  }
  if (req.action === 'transfer' || req.action === 'add_signer') {
    if (req.to?.length !== 1) throw new ActionRejected('TARGET_REQUIRED');
    // The initiator never decides their own request (转办 / 加签 to them would let them).
    if (req.to.some((t) => 'userId' in t && t.userId === ctx.initiatorId)) throw new ActionRejected('TARGET_IS_INITIATOR');
  }
  if (req.action === 'cc' && (!req.to?.length || req.to.some((t) => !('userId' in t)))) throw new ActionRejected('TARGET_REQUIRED');
  if ((req.action === 'approve' || req.action === 'forward') && task.formId) {
    const errors = formErrors(task.formId, req.form ?? {});
    if (!errors.length && task.checkForm) errors.push(...task.checkForm(req.form ?? {}));
    if (errors.length) throw new ActionRejected('INVALID_FORM', errors.join('; '));
    if (meetingBody) checkMeeting(task, meetingBody, req, true);
  }
  if (req.action === 'reject' && meetingBody) {
    const errors = formErrors('meeting.record', req.form ?? {});
    if (errors.length) throw new ActionRejected('INVALID_FORM', errors.join('; '));
    checkMeeting(task, meetingBody, req, false);
  }
}

/**
 * A step decided by a body's meeting: the roster the service resolved must be the body's (this step's
 * organization, the meeting's date), and the meeting valid; 同意 needs the proposal carried, 驳回 a vote
 * that did not carry it (collective-decision.ts).
 */
function checkMeeting(task: TaskState, body: NonNullable<ReturnType<typeof meetingBodyOf>>, req: TaskActionRequest, approving: boolean): void {
  const record = req.form as unknown as MeetingRecord;
  const m = req.meeting;
  if (!m || m.body !== body || m.orgId !== task.orgId || m.on !== record.meetingDate) throw new ActionRejected('MEETING_ROSTER_EMPTY', '未取得会议日期该组织的应到会名单');
  const refusal = meetingRefusal(body, m.roster, record, approving ? 'carried' : 'not-carried', task.election);
  if (refusal) throw new ActionRejected(refusal.code, refusal.message);
}

export type ActionEffect = {
  /** Slots whose stored fields changed (status, target, claim). */
  changedSlots: Slot[];
  newSlots: Slot[];
  copies: string[];
  /** The task is decided with this outcome. */
  decided?: DecisionAction | undefined;
  /** Which task the action is recorded against (urge on a 督办 task targets the supervised task). */
  targetTaskId: string;
};

function refToSlot(ref: AssigneeRef): Pick<Slot, 'userId' | 'displayName' | 'orgId' | 'role'> {
  return 'userId' in ref ? { userId: ref.userId, displayName: ref.displayName, orgId: undefined, role: undefined } : { userId: undefined, displayName: undefined, orgId: ref.orgId, role: ref.role };
}

/** Applies a validated action to the task state (synchronously) and says what changed. */
export function applyTaskAction(task: TaskState, req: TaskActionRequest, newSlotId: () => string): ActionEffect {
  const effect: ActionEffect = { changedSlots: [], newSlots: [], copies: [], targetTaskId: task.id };
  const actor: Actor = req.actor;
  switch (req.action) {
    case 'urge':
      if (task.kind === 'supervision' && task.supervisesTaskId) effect.targetTaskId = task.supervisesTaskId;
      return effect;
    case 'comment':
      return effect;
    case 'claim': {
      const slot = task.slots.find((s) => s.status === 'pending' && !s.userId && !s.claimedById && slotMatches(s, actor))!;
      slot.claimedById = actor.userId;
      effect.changedSlots.push(slot);
      return effect;
    }
    default:
      break;
  }
  const slot = pendingSlotOf(task, actor)!;
  switch (req.action) {
    case 'transfer':
      Object.assign(slot, refToSlot(req.to![0]!), { claimedById: undefined });
      effect.changedSlots.push(slot);
      break;
    case 'add_signer': {
      const added: Slot = { id: newSlotId(), ...refToSlot(req.to![0]!), status: 'waiting', addedBySlot: slot.id };
      task.slots.push(added);
      effect.newSlots.push(added);
      break;
    }
    case 'cc':
      effect.copies = req.to!.flatMap((t) => ('userId' in t ? [t.userId] : []));
      break;
    case 'approve':
      slot.status = 'approved';
      if (!slot.userId && !slot.claimedById) slot.claimedById = actor.userId;
      effect.changedSlots.push(slot);
      for (const next of task.slots.filter((s) => s.addedBySlot === slot.id && s.status === 'waiting')) {
        next.status = 'pending';
        effect.changedSlots.push(next);
      }
      if (approvalsComplete(task)) effect.decided = 'approve';
      break;
    case 'reject':
    case 'return':
    case 'forward':
      slot.status = req.action === 'reject' ? 'rejected' : 'approved';
      if (!slot.userId && !slot.claimedById) slot.claimedById = actor.userId;
      effect.changedSlots.push(slot);
      effect.decided = req.action;
      break;
  }
  if (effect.decided) {
    task.status = 'closing';
  }
  return effect;
}
