export * from './messages';
export { createCaseActivities } from './activities/case-activities';
export { createNoticeActivities } from './activities/notice-activities';
export { workflowsPath } from './worker-paths';
export type { RequestReportInput } from './processes/request-report';
export type { SecretaryReplacementInput } from './processes/secretary-replacement';
export { createSecretaryActivities } from './activities/secretary-activities';
export { createMemberActivities } from './activities/member-activities';
export type { MemberDevelopmentInput } from './processes/member-development';
