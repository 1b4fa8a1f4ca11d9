// Entry point of the workflow bundle: every workflow, exported by name (registering a process's workflows
// is one line here; its activities are one line in processes/activities.ts, its catalogue one line in
// packages/domain/src/processes/index.ts).
export { requestReport } from './processes/request-report/workflow';
export { secretaryReplacement } from './processes/secretary-replacement/workflow';
export { memberDevelopment } from './processes/member-development/workflow';
export { jointMeetingSchedule, jointMeetingCycle, jointMeetingExtraordinary } from './processes/joint-meeting/cycle';
export { jointMeetingDecision } from './processes/joint-meeting/decision';
export { notificationDispatcher } from './processes/notification-dispatcher';
