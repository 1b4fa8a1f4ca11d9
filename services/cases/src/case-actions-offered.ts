import type { Db } from '@dj/db';
import type { AuthUser } from '@dj/service-kit';

/**
 * The case-level actions the console offers this user now: the same conditions the workflows' Update
 * validators apply (which keep the last word), so a button is shown only when pressing it can work.
 * - 撤回 (case-runtime.ts): the initiator, before anybody else has acted on a task of the case — read
 *   from the record, where every recorded task action is an event `task.<action>` with its actor;
 * - 终止 of 书记选配 (secretary-replacement workflow 'cancel'): the county's 组织部 or 县委书记;
 * - 终止 of 发展党员 (member-development workflow 'terminate'): the branch secretary of the case's branch
 *   or the township's 组织委员 / 党委书记.
 */
export async function caseActionsOffered(db: Db, user: AuthUser, c: { id: string; type: string; status: string; orgId: string; orgPath: string; initiatorId: string }): Promise<string[]> {
  if (c.status !== 'open') return [];
  const out: string[] = [];
  if (c.initiatorId === user.id) {
    const [acted] = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM case_event
      WHERE case_id = ${c.id}::uuid AND type LIKE 'task.%' AND type NOT IN ('task.opened', 'task.closed', 'task.reminded', 'task.escalated', 'task.overdue')
        AND actor_id IS DISTINCT FROM ${c.initiatorId}::uuid`;
    if (!acted?.n) out.push('withdraw');
  }
  const above = (type: string, roles: string[]) => user.memberships.some((m) => m.orgType === type && c.orgPath.startsWith(m.orgPath) && roles.includes(m.role));
  if (c.type === 'secretary-replacement' && above('county', ['county_org_dept', 'county_secretary'])) out.push('cancel');
  if (c.type === 'member-development') {
    const branchSecretary = user.memberships.some((m) => m.orgId === c.orgId && m.role === 'branch_secretary');
    if (branchSecretary || above('township', ['township_org_member', 'township_secretary'])) out.push('terminate');
  }
  return out;
}
