/** Messages of every case workflow, shared by workflow code and the services that send them. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActionResult, CaseActionRequest, CaseSnapshot, TaskActionRequest } from '@dj/contracts';

export const TASK_QUEUE = 'dangjian-cases';

/** An action on one task (同意/驳回/退回/转办/加签/抄送/评论/认领/催办); the validator rejects what is not allowed. */
export const taskActionUpdate = defineUpdate<ActionResult, [TaskActionRequest]>('taskAction');
/** A case-level action (撤回 by the initiator). */
export const caseActionUpdate = defineUpdate<CaseSnapshot, [CaseActionRequest]>('caseAction');
/**
 * The case's state once its projections are written and the process waits for a person, a timer or a
 * signal again: after a start, or after an action when the caller wants the next step. Actions
 * themselves answer as soon as they are recorded.
 */
export const stableStateUpdate = defineUpdate<CaseSnapshot, []>('stableState');
/** The notice board stored an objection (异议) to a notice of this case; the case opens a 核实 task for it. */
export const objectionFiledSignal = defineSignal<[{ objectionId: string; noticeId: string }]>('objectionFiled');
/**
 * A calendar year was published (issue 16): every open step of the case whose due date was computed
 * provisionally (across a year without its holidays) recomputes it, and its reminder and 督办 timers follow.
 * Sent by the cases service after `PUT /api/calendar/years/:year[/published]`.
 */
export const calendarPublishedSignal = defineSignal<[{ year: number }]>('calendarPublished');
export const snapshotQuery = defineQuery<CaseSnapshot>('snapshot');

export const workflowIdOf = (type: string, caseId: string) => `${type}:${caseId}`;
