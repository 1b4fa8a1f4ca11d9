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
}
