import type { Db, Prisma } from '@dj/db';

/** A case's record (全程纪实) as the API shows it: every event with its responsible person. */
export async function caseRecord(db: Db, caseId: string) {
  const events = await db.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
  return events.map((e) => ({
    seq: e.seq,
    type: e.type,
    at: e.at.toISOString(),
    actor: e.actorId || e.actorName ? { id: e.actorId, name: e.actorName } : null,
    orgId: e.orgId,
    taskId: e.taskId,
    data: e.data as Prisma.JsonObject,
  }));
}
