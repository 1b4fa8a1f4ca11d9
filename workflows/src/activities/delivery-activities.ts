/**
 * Outbound delivery (the outbox's far side): notify() queues one notification_delivery row per enabled
 * channel in the transaction that writes the notification; these activities send the pending rows.
 */
import type { Db } from '@dj/db';
import type { NotificationChannel } from '../notifications/channel';

export type DeliveryActivities = {
  /** Ids of deliveries due now, oldest first. */
  pendingDeliveries(input: { limit: number }): Promise<string[]>;
  /** Sends one delivery; throws (and Temporal retries) when the channel did not accept it. */
  deliverNotification(input: { deliveryId: string }): Promise<'delivered' | 'already'>;
};

/** After a delivery activity gave up its retries, the row waits this long (doubling, capped) before a new round. */
function backoffMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** The worker enables the channels it is configured for (and disables the others), so notify() queues only for them. */
export async function setEnabledChannels(db: Db, enabled: string[], known: string[] = ['webhook']): Promise<void> {
  const now = new Date();
  for (const name of new Set([...known, ...enabled])) {
    await db.notificationChannel.upsert({ where: { name }, create: { name, enabled: enabled.includes(name), updatedAt: now }, update: { enabled: enabled.includes(name), updatedAt: now } });
  }
}

export function createDeliveryActivities({ db, channels }: { db: Db; channels: NotificationChannel[] }): DeliveryActivities {
  const byName = new Map(channels.map((c) => [c.name, c]));
  return {
    async pendingDeliveries({ limit }) {
      const rows = await db.notificationDelivery.findMany({
        where: { channel: { in: [...byName.keys()] }, status: 'pending', nextAttemptAt: { lte: new Date() } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: limit,
        select: { id: true },
      });
      return rows.map((r) => r.id);
    },

    async deliverNotification({ deliveryId }) {
      const delivery = await db.notificationDelivery.findUnique({ where: { id: deliveryId } });
      if (!delivery || delivery.status === 'delivered') return 'already';
      const channel = byName.get(delivery.channel);
      if (!channel) throw new Error(`channel ${delivery.channel} is not configured on this worker`);
      const n = await db.notification.findUniqueOrThrow({ where: { id: delivery.notificationId } });
      const user = await db.user.findUniqueOrThrow({ where: { id: n.userId }, select: { id: true, username: true, displayName: true } });
      try {
        await channel.send({
          id: n.id,
          kind: n.kind,
          title: n.title,
          createdAt: n.createdAt.toISOString(),
          caseId: n.caseId,
          taskId: n.taskId,
          recipient: { userId: user.id, username: user.username, displayName: user.displayName },
        });
      } catch (e) {
        const attempts = delivery.attempts + 1;
        await db.notificationDelivery.update({
          where: { id: deliveryId },
          data: { attempts, lastError: (e instanceof Error ? e.message : String(e)).slice(0, 500), nextAttemptAt: new Date(Date.now() + backoffMs(attempts)) },
        });
        throw e;
      }
      await db.notificationDelivery.updateMany({
        where: { id: deliveryId, status: 'pending' },
        data: { status: 'delivered', deliveredAt: new Date(), attempts: { increment: 1 }, lastError: null },
      });
      return 'delivered';
    },
  };
}
