/**
 * Drains the notification outbox: finds pending deliveries and runs one delivery activity per row
 * (Temporal retries each with backoff), then sleeps when nothing is due. A workflow of its own, so
 * the case workflows' command sequences — and their recorded histories — are untouched.
 */
import { continueAsNew, log, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { DeliveryActivities } from '../activities/delivery-activities';

const { pendingDeliveries } = proxyActivities<DeliveryActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumInterval: '30 seconds' } });
const { deliverNotification } = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5 },
});

export type NotificationDispatcherInput = { pollSeconds: number; batch?: number };

const ROUNDS_PER_RUN = 500;

export async function notificationDispatcher(input: NotificationDispatcherInput): Promise<void> {
  for (let round = 0; round < ROUNDS_PER_RUN && !workflowInfo().continueAsNewSuggested; round++) {
    const ids = await pendingDeliveries({ limit: input.batch ?? 20 });
    if (!ids.length) {
      await sleep(input.pollSeconds * 1000);
      continue;
    }
    const results = await Promise.allSettled(ids.map((deliveryId) => deliverNotification({ deliveryId })));
    const failed = results.filter((r) => r.status === 'rejected').length;
    // Rows that exhausted their retries wait (next_attempt_at) for a later round.
    if (failed) log.warn('notification deliveries failed for now', { failed, of: ids.length });
  }
  await continueAsNew<typeof notificationDispatcher>(input);
}
