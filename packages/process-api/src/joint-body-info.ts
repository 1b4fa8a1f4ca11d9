/** Reads a 党建联席会议 body as a cycle sees it when it starts: the input of its cycle and 临时会议 workflows. */
import { loadOrgTree, type Db } from '@dj/db';
import { supervisingChain } from '@dj/domain';
import type { JointBodyInfo } from './inputs';

export async function loadJointBodyInfo(db: Db, bodyId: string): Promise<JointBodyInfo | null> {
  const body = await db.jointMeetingBody.findUnique({ where: { id: bodyId }, include: { members: { where: { removedAt: null }, orderBy: { createdAt: 'asc' } } } });
  if (!body || body.status === 'deleted') return null;
  const userIds = [body.convenerId, body.secretaryId, ...body.members.flatMap((m) => [m.liaisonId, ...(m.superiorUserId ? [m.superiorUserId] : [])])];
  const users = new Map((await db.user.findMany({ where: { id: { in: userIds } } })).map((u) => [u.id, { userId: u.id, name: u.displayName }]));
  const person = (id: string) => users.get(id) ?? { userId: id, name: id };
  const chain = supervisingChain(body.orgId, await loadOrgTree(db));
  return {
    id: body.id,
    name: body.name,
    orgId: body.orgId,
    convener: person(body.convenerId),
    secretary: person(body.secretaryId),
    members: body.members.map((m) => ({ id: m.id, name: m.name, kind: m.kind, liaison: person(m.liaisonId), superior: m.superiorUserId ? person(m.superiorUserId) : null })),
    convenerCommittee: chain[0] ? { orgId: chain[0].orgId, role: chain[0].role } : { orgId: body.orgId, role: 'admin' },
  };
}
