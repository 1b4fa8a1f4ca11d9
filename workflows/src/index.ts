export { createCaseActivities } from './activities/case-activities';
export { createNoticeActivities } from './activities/notice-activities';
export { workflowsPath } from './worker-paths';
export { createSecretaryActivities } from './activities/secretary-activities';
export { createMemberActivities } from './activities/member-activities';
export { createJointMeetingActivities } from './activities/joint-meeting-activities';
export { createDeliveryActivities, setEnabledChannels } from './activities/delivery-activities';
export type { NotificationChannel, OutboundNotification } from './notifications/channel';
export { WebhookChannel, webhookSignature } from './notifications/webhook';
