/**
 * Object-level authorization, inside the queries: "not yours" and "does not exist" are the same 404.
 * A user sees a case or task when involved in it (initiator, assignee by user, claim or role, copied,
 * or has acted on it) or when holding a supervisory role at or above the case's organization.
 */
import { Prisma, type Db } from '@dj/db';
import { caseReaderRoles } from '@dj/domain';
import type { AuthUser } from './auth';

export function membershipArrays(user: AuthUser) {
  return { orgIds: user.memberships.map((m) => m.orgId), roles: user.memberships.map((m) => m.role) };
}

/** Where the user reads every case (supervisory roles and the audit administrator, see caseReaderRoles). */
export function supervisoryPaths(user: AuthUser): string[] {
  return user.memberships.filter((m) => caseReaderRoles.has(m.role)).map((m) => m.orgPath);
}

/** SQL predicate: the assignee row `a` is held by the user (directly, by claim, or by an unclaimed role slot). */
export function assigneeHeldBy(user: AuthUser): Prisma.Sql {
  const { orgIds, roles } = membershipArrays(user);
  return Prisma.sql`(a.user_id = ${user.id}::uuid OR a.claimed_by_id = ${user.id}::uuid OR (a.user_id IS NULL AND a.claimed_by_id IS NULL AND (a.org_id, a.role) IN (SELECT * FROM unnest(${orgIds}::text[], ${roles}::text[]))))`;
}

/** SQL predicate on case `c`: visible to the user. */
export function caseVisibleTo(user: AuthUser): Prisma.Sql {
  const paths = supervisoryPaths(user);
  return Prisma.sql`(
    c.initiator_id = ${user.id}::uuid
    OR EXISTS (SELECT 1 FROM unnest(${paths}::text[]) p WHERE c.org_path LIKE p || '%')
    OR EXISTS (SELECT 1 FROM task t2 JOIN task_assignee a ON a.task_id = t2.id WHERE t2.case_id = c.id AND ${assigneeHeldBy(user)})
    OR EXISTS (SELECT 1 FROM task t3 JOIN task_copy tc ON tc.task_id = t3.id WHERE t3.case_id = c.id AND tc.user_id = ${user.id}::uuid)
    OR EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = c.id AND e.actor_id = ${user.id}::uuid)
  )`;
}

export async function visibleCaseId(db: Db, user: AuthUser, caseId: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`SELECT c.id FROM "case" c WHERE c.id = ${caseId}::uuid AND ${caseVisibleTo(user)}`;
  return rows.length > 0;
}
