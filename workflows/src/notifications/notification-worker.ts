import { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { NotifyConfig } from '@dj/config';
import type { Db } from '@dj/db';
import type { Logger } from '@dj/logging';
import { createDeliveryActivities, setEnabledChannels } from '../activities/delivery-activities';
import { classifyActivityErrors } from '../activities/classify-errors';
import { workflowsPath } from '../worker-paths';
import { DISPATCHER_WORKFLOW_ID, NOTIFY_TASK_QUEUE } from '@dj/process-api';
import type { NotificationChannel } from './channel';
import { WebhookChannel } from './webhook';

/**
 * With an outbound channel configured: enables it (notify() then queues deliveries for it), runs the
 * delivery activities and the dispatcher workflow on their own task queue, and makes sure the one
 * dispatcher runs. Without: disables the channels, so nothing piles up in the outbox.
 */
export async function startNotificationWorker(opts: { db: Db; connection: NativeConnection; namespace: string; config: NotifyConfig; log: Logger; activitySlots?: number }) {
  const channels: NotificationChannel[] = opts.config.webhookUrl ? [new WebhookChannel({ url: opts.config.webhookUrl, secret: opts.config.webhookSecret })] : [];
  await setEnabledChannels(opts.db, channels.map((c) => c.name));
  if (!channels.length) return { run: async () => undefined };
  const worker = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: NOTIFY_TASK_QUEUE,
    workflowsPath,
    // Deliveries share the worker's connection pool: no more at once than it has connections.
    ...(opts.activitySlots ? { maxConcurrentActivityTaskExecutions: opts.activitySlots } : {}),
    activities: classifyActivityErrors(createDeliveryActivities({ db: opts.db, channels })),
  });
  const client = new Client({ connection: opts.connection, namespace: opts.namespace });
  await client.workflow.start('notificationDispatcher', {
    taskQueue: NOTIFY_TASK_QUEUE,
    workflowId: DISPATCHER_WORKFLOW_ID,
    args: [{ pollSeconds: opts.config.pollSeconds }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  opts.log.info({ channels: channels.map((c) => c.name), taskQueue: NOTIFY_TASK_QUEUE }, 'outbound notifications enabled');
  return { run: () => worker.run() };
}
