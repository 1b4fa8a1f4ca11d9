export * from './messages';
export { createCaseActivities } from './activities/case-activities';
export type { RequestReportInput } from './processes/request-report';
