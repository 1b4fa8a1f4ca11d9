/**
 * Committees and the roster (issue 13). Sources:
 * - 《中国共产党章程》第七条: a probationary member has no right to vote, to elect or to be elected —
 *   so a committee post (书记, 副书记, 委员) is held by a full member only;
 * - 《中国共产党支部工作条例（试行）》第六章 (党支部委员会建设): a branch with 7 or more full members sets up a 支部委员会
 *   (书记, and where needed 副书记, and 委员); a branch with fewer has a secretary (and where needed a
 *   deputy); 党小组 have a 组长;
 * - 党委 / 党总支 (township, village-level and above) are likewise committees of 书记, 副书记 and 委员
 *   (《中国共产党基层组织选举工作条例》).
 */
import type { OrgType } from './org-tree';

export const committeeRoles = ['secretary', 'deputy_secretary', 'member'] as const;
export type CommitteeRole = (typeof committeeRoles)[number];
export type OrgRoleName = CommitteeRole | 'group_leader';

export const orgRoleNames: Record<OrgRoleName, string> = { secretary: '书记', deputy_secretary: '副书记', member: '委员', group_leader: '党小组组长' };

/** The posts a unit of this type has: a committee's, or a 党小组's leader. */
export function rolesOf(type: OrgType): OrgRoleName[] {
  if (type === 'group') return ['group_leader'];
  if (type === 'joint_meeting') return [];
  return [...committeeRoles];
}

export type MemberStatus = 'probationary' | 'full';

/** The member's status on a date: full from the date of 转正, probationary before. */
export function statusOn(person: { fullOn: string | null }, on: string): MemberStatus {
  return person.fullOn && person.fullOn <= on ? 'full' : 'probationary';
}

/**
 * Whether a roster entry says the member joined before the age of 18 (党章第一条: 年满十八岁的…先进分子
 * may apply to join): refused by the roster form and by the import alike. Dates are YYYY-MM-DD.
 */
export function joinedUnderAge(birthDate: string, joinedOn: string): boolean {
  return birthDate < joinedOn && joinedOn < `${Number(birthDate.slice(0, 4)) + 18}${birthDate.slice(4)}`;
}

/** Whether two date ranges [start, end) overlap (end null = open). */
export function periodsOverlap(a: { startOn: string; endOn: string | null }, b: { startOn: string; endOn: string | null }): boolean {
  return (a.endOn === null || b.startOn < a.endOn) && (b.endOn === null || a.startOn < b.endOn);
}
