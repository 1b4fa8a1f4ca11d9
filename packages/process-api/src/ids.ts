/** Task queues and workflow ids besides the case workflows' (`TASK_QUEUE`, `workflowIdOf` in messages.ts). */

/** Task queue of the notification dispatcher and its delivery activities (apart from the case workflows). */
export const NOTIFY_TASK_QUEUE = 'dangjian-notifications';
export const DISPATCHER_WORKFLOW_ID = 'notification-dispatcher';

/** A joint-meeting body's cycle of one quarter (started by the body's Schedule, at most once per quarter). */
export const cycleWorkflowId = (bodyId: string, quarter: string) => `joint-meeting:${bodyId}:${quarter}`;
