export * from './messages';
export { createCaseActivities } from './activities/case-activities';
export { workflowsPath } from './worker-paths';
export type { RequestReportInput } from './processes/request-report';
