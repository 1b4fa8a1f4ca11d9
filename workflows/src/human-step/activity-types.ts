/** Inputs and outputs of the activities the human-step primitive calls (projections + record). */
import type { Slot, TaskState } from '@dj/domain';
import type { OrgRole, Person } from '@dj/process-api';

export type { OrgRole, Person } from '@dj/process-api';

export type OpenCaseInput = {
  caseId: string;
  workflowId: string;
  type: string;
  orgId: string;
  title: string;
  stage: string;
  initiator: Person;
  input: Record<string, unknown>;
};

/** The task as the workflow holds it (task-state.ts), plus what the projection needs besides. */
export type OpenTaskInput = Pick<TaskState, 'stepKey' | 'round' | 'title' | 'orgId' | 'mode' | 'formId' | 'actions' | 'slots'> & {
  caseId: string;
  taskId: string;
  /** Key of the step-duration policy, e.g. "request-report.township-review". */
  policyKey: string;
  /** Overrides the policy's duration with this many calendar months. */
  months?: number | undefined;
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  /** Fixed due date (epoch ms); the policy then only names the step. */
  dueAt?: number | undefined;
  /** The case's new stage, written in the same transaction (the runtime is the only writer of case.stage). */
  stage?: string | undefined;
};

export type Rung = { at: number; orgId: string; role: string; orgName: string };
export type OpenedTask = { dueAt: number; remindAt: number; rungs: Rung[]; provisional: boolean };

/**
 * The schedule of an open step whose due date was provisional, recomputed with the calendar now in force
 * (`keep`: nothing to recompute — the task closed, was already marked overdue, or is no longer provisional —
 * and the step keeps the instants it has).
 */
export type RescheduledTask = { keep: true } | ({ keep: false; changed: boolean } & OpenedTask);

export type RecordTaskActionInput = {
  caseId: string;
  taskId: string;
  idemKey: string;
  action: string;
  actor: Person;
  comment?: string | undefined;
  form?: Record<string, unknown> | undefined;
  changedSlots: Slot[];
  newSlots: Slot[];
  copies: string[];
  /** Extra facts for the record (e.g. transfer from/to). */
  data?: Record<string, unknown> | undefined;
  /** The action decides the task: it closes (and its 督办 tasks with it) in the same transaction. */
  close?: { outcome: string } | undefined;
};

export type CloseTaskInput = {
  caseId: string;
  taskId: string;
  status: 'completed' | 'cancelled';
  outcome: string;
  closedBy?: Person | undefined;
};

export type EscalateTaskInput = {
  caseId: string;
  taskId: string;
  level: number;
  supervisionTaskId: string;
  supervisor: { orgId: string; role: string; orgName: string };
  /** When the next rung fires (due date of this 督办), or the original due date for the last one. */
  supervisionDueAt: number;
};

export type FinishCaseInput = {
  caseId: string;
  status: 'completed' | 'rejected' | 'withdrawn' | 'cancelled';
  result: Record<string, unknown>;
  actor?: Person | undefined;
  /** 撤回 / cancel: steps still open are closed as cancelled with this outcome, by this person. */
  cancelOpenSteps?: { outcome: string; by: Person } | undefined;
};

export type UpdateCaseInput = {
  caseId: string;
  idemKey: string;
  eventType: string;
  stage?: string | undefined;
  /** A resubmitted request replaces the case's title and input. */
  title?: string | undefined;
  input?: Record<string, unknown> | undefined;
  actor?: Person | undefined;
  data?: Record<string, unknown> | undefined;
};

export type CaseDeadlineActivities = {
  /** Sets the case deadline (calendar months from opening; compressed: 21 working days a month) and returns when to warn. */
  setCaseDeadline(input: { caseId: string; months: number; warnMonths: number }): Promise<{ warnAt: number; deadlineAt: number }>;
  /** Warning before the deadline: record event + notifications to the holders of these roles. */
  warnCaseDeadline(input: { caseId: string; recipients: OrgRole[]; deadlineAt: number }): Promise<void>;
  /** The deadline passed: case overdue on every board, a 督办 task for the supervisor; the case goes on. */
  caseDeadlinePassed(input: { caseId: string; supervisionTaskId: string; supervisor: OrgRole; title: string }): Promise<void>;
};

export type CaseActivities = {
  openCase(input: OpenCaseInput): Promise<void>;
  openTask(input: OpenTaskInput): Promise<OpenedTask>;
  recordTaskAction(input: RecordTaskActionInput): Promise<void>;
  closeTask(input: CloseTaskInput): Promise<void>;
  remindTask(input: { caseId: string; taskId: string }): Promise<void>;
  escalateTask(input: EscalateTaskInput): Promise<void>;
  /** Recomputes a provisional due date (a calendar year was published); writes it with its record event in one transaction. */
  rescheduleTask(input: { caseId: string; taskId: string; idemKey: string }): Promise<RescheduledTask>;
  updateCase(input: UpdateCaseInput): Promise<void>;
  /** Closes the case and every task still open, in one transaction. */
  finishCase(input: FinishCaseInput): Promise<void>;
};

/** 公示: notices published by a case and the objections the public files against them. */
export type PublishNoticeInput = {
  caseId: string;
  /** One notice per key, e.g. "<caseId>:public-notice:<round>": a retried activity finds it. */
  idemKey: string;
  orgId: string;
  title: string;
  body: string;
  /** Policy key of the notice length in working days, e.g. "secretary-replacement.public-notice". */
  policyKey: string;
};
export type PublishedNotice = { noticeId: string; startsAt: number; endsAt: number; workingDays: number };

export type NoticeActivities = {
  publishNotice(input: PublishNoticeInput): Promise<PublishedNotice>;
  /** closed: ran its course; withdrawn: the case went back before it ended. */
  closeNotice(input: { caseId: string; noticeId: string; status: 'closed' | 'withdrawn' }): Promise<void>;
  /** Objections still pending, oldest first (reconciles signals that never arrived). */
  pendingObjections(input: { noticeId: string }): Promise<{ objectionId: string }[]>;
  recordObjectionFinding(input: {
    caseId: string;
    objectionId: string;
    taskId: string;
    substantiated: boolean;
    finding: string;
    handledBy: Person;
  }): Promise<void>;
};

/** Activities of 村党组织书记选配 beyond the shared ones. */
export type SecretaryActivities = {
  /** The negative list and election rules in force (policy table, defaults in @dj/domain). */
  loadSecretaryPolicies(): Promise<{ negativeList: unknown; election: unknown }>;
  /**
   * The branch's secretary is updated when the case closes (vacancy filled). With `personId` (a member of the
   * roster, elected and approved) the committee posts follow: the previous secretary's post ends and the member
   * holds the post of 书记 from `since` (their other post in the branch ends the same day).
   */
  setBranchSecretary(input: { caseId: string; branchId: string; name: string; since: string; method: 'election' | 'appointment'; personId?: string }): Promise<void>;
  /**
   * What the election needs from the roster on `on` (issue 14 point 3): the branch's full members (the path:
   * committee or not), its committee, and the roster member matching the candidate by name and birth date.
   */
  branchElectionFacts(input: { branchId: string; on: string; candidate: { name: string; birthDate: string } }): Promise<{
    fullMembers: number;
    committee: { personId: string; name: string; role: string }[];
    match?: { personId: string; name: string; birthDate: string; joinedOn: string; fullOn: string | null };
  }>;
  /** 补选: the member elected by the 党员大会 holds a committee post (委员) of the branch from `since` (报上级党组织备案). */
  addCommitteeMember(input: { caseId: string; branchId: string; personId: string; name: string; since: string }): Promise<void>;
  /** A 第一书记 dispatched by the county to the branch while the case runs. */
  recordFirstSecretary(input: { caseId: string; branchId: string; name: string; unit: string; actor: Person; idemKey: string }): Promise<void>;
};

/** Activities of 发展党员 beyond the shared ones. */
/** What a 发展党员 case writes into the roster (packages/db case-roster.ts). */
export type CaseEnrolment = { caseId: string; actorId: string; name: string; gender: 'male' | 'female'; birthDate: string; joinedOn: string; branchId: string; groupId: string | null; startOn: string };
export type CaseEnrolmentResult = { enrolled: true; personId: string; linked: boolean; branchName: string; groupName: string | null } | { enrolled: false; reason: string };
export type CaseProbationEnd = { caseId: string; actorId: string; outcome: 'full' | 'cancelled'; on: string };

export type MemberActivities = {
  /** The 双推 / 双评 vote thresholds in force (policy table, defaults in @dj/domain). */
  loadMemberPolicies(): Promise<{ recommendation: unknown; evaluation: unknown }>;
  /** Names of active users, or undefined when one of the ids is unknown or disabled. */
  resolvePeople(input: { userIds: string[] }): Promise<Person[] | undefined>;
  /** The instant `months` calendar months after `from` (compressed with WORKING_DAY_SECONDS). */
  instantAfterMonths(input: { from: number; months: number }): Promise<number>;
  /** When a probation period ends: the end of its last day `endDate` (compressed: `months` after `recordedFrom`). */
  probationEndsAt(input: { endDate: string; recordedFrom: number; months: number }): Promise<number>;
  /** Due instant of the superior approval: 3 (extended: 6) months from the branch meeting (compressed: from when it was recorded). */
  approvalDueAt(input: { meetingDate: string; recordedAt: number; extended: boolean }): Promise<{ dueAt: number; months: number; anchor: 'meeting-date' | 'recorded-at' }>;
  /** Writes the admitted member into the roster (党员花名册) as probationary; once per case. */
  enrolMember(input: CaseEnrolment): Promise<CaseEnrolmentResult>;
  /** The 转正 date, or the membership's end when the probation is cancelled; undefined when the case wrote nobody into the roster. */
  recordProbationEnd(input: CaseProbationEnd): Promise<{ personId: string; changed: boolean } | undefined>;
};
