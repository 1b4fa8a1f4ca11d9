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
    const holders = await tx.$queryRaw<{ user_id: string }[]>`
      SELECT m.user_id FROM membership m
      JOIN unnest(${roles.map((r) => r.orgId)}::text[], ${roles.map((r) => r.role)}::text[]) AS wanted(org_id, role)
        ON m.org_id = wanted.org_id AND m.role = wanted.role`;
    for (const h of holders) ids.add(h.user_id);
  }
  return [...ids];
}

/** In-app notifications, one per recipient; idempotent per (key, recipient). */
export async function notify(
  tx: Tx,
  input: { idemKey: string; userIds: string[]; kind: string; title: string; caseId: string; taskId?: string; at: Date },
): Promise<void> {
  if (!input.userIds.length) return;
  // Raw SQL on this hot path: one statement, without the ORM's query compilation (bench/approvals.ts).
  const idemKeys = input.userIds.map((userId) => `${input.idemKey}:${userId}`);
  await tx.$executeRaw`
    INSERT INTO notification (id, idem_key, user_id, kind, title, case_id, task_id, created_at)
    SELECT gen_random_uuid(), k.idem_key, k.user_id, ${input.kind}, ${input.title}, ${input.caseId}::uuid, ${input.taskId ?? null}::uuid, ${input.at.toISOString()}::timestamptz(3)
    FROM unnest(${idemKeys}::text[], ${input.userIds}::uuid[]) AS k(idem_key, user_id)
    ON CONFLICT (idem_key) DO NOTHING`;
  await queueDeliveries(tx, idemKeys);
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
