import type { MeetingBody, MeetingRosterMember } from './meeting-forms';
/** Operations on a human step (approval operations officials expect). */
export const decisionActions = ['approve', 'reject', 'return', 'forward'] as const; // 同意 驳回 退回 上报
export const taskActions = [
  ...decisionActions,
  'transfer', // 转办
  'add_signer', // 加签 (after oneself)
  'cc', // 抄送
  'comment', // 评论
  'claim', // 认领
  'urge', // 催办
] as const;
export type DecisionAction = (typeof decisionActions)[number];
export type TaskAction = (typeof taskActions)[number];

export const actionNames: Record<TaskAction | 'withdraw', string> = {
  approve: '同意',
  reject: '驳回',
  return: '退回',
  forward: '上报',
  transfer: '转办',
  add_signer: '加签',
  cc: '抄送',
  comment: '评论',
  claim: '认领',
  urge: '催办',
  withdraw: '撤回',
};

/** Actions whose reason is part of the record and therefore mandatory. */
export const actionsRequiringComment: ReadonlySet<TaskAction> = new Set(['reject', 'return', 'transfer', 'comment']);

export type AssigneeRef = { userId: string; displayName?: string } | { orgId: string; role: string };

/** The authenticated actor, as resolved by the service that received the request. */
export type Actor = {
  userId: string;
  name: string;
  memberships: { orgId: string; role: string }[];
  /** The actor holds a supervisory role above the case's organization (may 催办). */
  supervisesCase: boolean;
};

export type TaskActionRequest = {
  taskId: string;
  action: TaskAction;
  actor: Actor;
  comment?: string | undefined;
  form?: Record<string, unknown> | undefined;
  /** transfer / add_signer: one target; cc: users. Resolved (existence checked) by the service. */
  to?: AssigneeRef[] | undefined;
  /**
   * A step recorded as a body's meeting (`meetingBodyOf(formId)`): the roster expected, read by the
   * service from the organization's committee data at the meeting date (like targets, resolved there).
   */
  meeting?: { body: MeetingBody; orgId: string; on: string; roster: MeetingRosterMember[] } | undefined;
};

/** A case-level action: 撤回 (withdraw) by the initiator, or one a process registers (e.g. cancel). */
export type CaseActionRequest = { action: string; actor: Actor; comment?: string | undefined; data?: Record<string, unknown> | undefined };

export type TaskSummary = { id: string; stepKey: string; title: string; kind: 'step' | 'supervision'; status: string; outcome?: string | undefined };

export type CaseSnapshot = {
  caseId: string;
  status: 'open' | 'completed' | 'rejected' | 'withdrawn' | 'cancelled';
  stage: string;
  openTasks: TaskSummary[];
};

export type ActionResult = { task: TaskSummary; case: CaseSnapshot };
