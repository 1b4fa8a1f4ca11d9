// Entry point of the workflow bundle: every process workflow, exported by name.
export { requestReport } from './processes/request-report';
export { secretaryReplacement } from './processes/secretary-replacement';
export { memberDevelopment } from './processes/member-development';
export { jointMeetingSchedule, jointMeetingCycle, jointMeetingExtraordinary } from './processes/joint-meeting/cycle';
export { jointMeetingDecision } from './processes/joint-meeting/decision';
export { notificationDispatcher } from './processes/notification-dispatcher';
