export { createCaseActivities } from './activities/case-activities';
export { classifyActivityErrors, classifyActivityError, dataErrorReason, DATA_ERROR } from './activities/classify-errors';
export { createNoticeActivities } from './activities/notice-activities';
export { workflowsPath } from './worker-paths';
export { createActivities, type ActivityDeps } from './processes/activities';
export { createDeliveryActivities, setEnabledChannels } from './activities/delivery-activities';
export type { NotificationChannel, OutboundNotification } from './notifications/channel';
export { WebhookChannel, webhookSignature } from './notifications/webhook';
