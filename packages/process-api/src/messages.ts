/** Messages of every case workflow, shared by workflow code and the services that send them. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActionResult, CaseActionRequest, CaseSnapshot, TaskActionRequest } from '@dj/contracts';

export const TASK_QUEUE = 'dangjian-cases';

/** An action on one task (同意/驳回/退回/转办/加签/抄送/评论/认领/催办); the validator rejects what is not allowed. */
export const taskActionUpdate = defineUpdate<ActionResult, [TaskActionRequest]>('taskAction');
/** A case-level action (撤回 by the initiator). */
export const caseActionUpdate = defineUpdate<CaseSnapshot, [CaseActionRequest]>('caseAction');
/** Returns the snapshot once the workflow has reached a stable point (used right after starting a case). */
export const settledUpdate = defineUpdate<CaseSnapshot, []>('settled');
/** The notice board stored an objection (异议) to a notice of this case; the case opens a 核实 task for it. */
export const objectionFiledSignal = defineSignal<[{ objectionId: string; noticeId: string }]>('objectionFiled');
export const snapshotQuery = defineQuery<CaseSnapshot>('snapshot');

export const workflowIdOf = (type: string, caseId: string) => `${type}:${caseId}`;
