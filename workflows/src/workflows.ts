// Entry point of the workflow bundle: every process workflow, exported by name.
export { requestReport } from './processes/request-report';
export { secretaryReplacement } from './processes/secretary-replacement';
export { notificationDispatcher } from './processes/notification-dispatcher';
