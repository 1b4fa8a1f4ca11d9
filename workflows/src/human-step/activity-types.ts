/** Inputs and outputs of the activities the human-step primitive calls (projections + record). */
import type { Slot } from './task-state';

export type Person = { userId: string; name: string };

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

export type OpenTaskInput = {
  caseId: string;
  taskId: string;
  stepKey: string;
  round: number;
  title: string;
  orgId: string;
  mode: 'all' | 'any';
  formId?: string | undefined;
  actions: string[];
  slots: Slot[];
  /** Key of the step-duration policy, e.g. "request-report.township-review". */
  policyKey: string;
};

export type Rung = { at: number; orgId: string; role: string; orgName: string };
export type OpenedTask = { dueAt: number; remindAt: number; rungs: Rung[]; provisional: boolean };

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

export type UpdateCaseInput = {
  caseId: string;
  idemKey: string;
  eventType: string;
  stage?: string | undefined;
  status?: 'open' | 'completed' | 'rejected' | 'withdrawn' | 'cancelled' | undefined;
  result?: Record<string, unknown> | undefined;
  /** A resubmitted request replaces the case's title and input. */
  title?: string | undefined;
  input?: Record<string, unknown> | undefined;
  actor?: Person | undefined;
  data?: Record<string, unknown> | undefined;
};

export type CaseActivities = {
  openCase(input: OpenCaseInput): Promise<void>;
  openTask(input: OpenTaskInput): Promise<OpenedTask>;
  recordTaskAction(input: RecordTaskActionInput): Promise<void>;
  closeTask(input: CloseTaskInput): Promise<void>;
  remindTask(input: { caseId: string; taskId: string }): Promise<void>;
  escalateTask(input: EscalateTaskInput): Promise<void>;
  updateCase(input: UpdateCaseInput): Promise<void>;
};
