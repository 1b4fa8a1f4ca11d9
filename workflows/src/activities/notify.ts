import { randomUUID } from 'node:crypto';
import type { Prisma } from '@dj/db';

type Tx = Prisma.TransactionClient;
export type Recipient = { userId?: string | null; claimedById?: string | null; orgId?: string | null; role?: string | null };

/** The users behind assignee positions: the user, the claimer, or every holder of the (org, role). */
export async function usersOf(tx: Tx, recipients: Recipient[]): Promise<string[]> {
  const ids = new Set<string>();
  const roles: { orgId: string; role: string }[] = [];
  for (const r of recipients) {
    if (r.userId) ids.add(r.userId);
    else if (r.claimedById) ids.add(r.claimedById);
    else if (r.orgId && r.role) roles.push({ orgId: r.orgId, role: r.role });
  }
  if (roles.length) {
    const holders = await tx.membership.findMany({ where: { OR: roles }, select: { userId: true } });
    for (const h of holders) ids.add(h.userId);
  }
  return [...ids];
}

/** In-app notifications, one per recipient; idempotent per (key, recipient). */
export async function notify(
  tx: Tx,
  input: { idemKey: string; userIds: string[]; kind: string; title: string; caseId: string; taskId?: string; at: Date },
): Promise<void> {
  if (!input.userIds.length) return;
  await tx.notification.createMany({
    data: input.userIds.map((userId) => ({
      id: randomUUID(),
      idemKey: `${input.idemKey}:${userId}`,
      userId,
      kind: input.kind,
      title: input.title,
      caseId: input.caseId,
      taskId: input.taskId ?? null,
      createdAt: input.at,
    })),
    skipDuplicates: true,
  });
  await queueDeliveries(tx, input.userIds.map((userId) => `${input.idemKey}:${userId}`));
}

/**
 * The outbox: one pending delivery per notification and enabled outbound channel, in the caller's
 * transaction (so a notification is never written without its deliveries); a retry adds nothing.
 */
async function queueDeliveries(tx: Tx, idemKeys: string[]): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO notification_delivery (id, notification_id, channel, status, attempts, next_attempt_at, created_at)
    SELECT gen_random_uuid(), n.id, ch.name, 'pending', 0, n.created_at, n.created_at
    FROM notification n JOIN notification_channel ch ON ch.enabled
    WHERE n.idem_key = ANY(${idemKeys}::text[])
    ON CONFLICT (notification_id, channel) DO NOTHING`;
}
