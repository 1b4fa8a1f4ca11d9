export const OrgType = {
  cityOrgDept: 'city_org_dept', // 市委组织部
  county: 'county', // 县(市、区)委
  township: 'township', // 乡镇党委 / 街道党工委
  village: 'village', // 村(社区)党组织
  branch: 'branch', // 党支部
  group: 'group', // 党小组
  jointMeeting: 'joint_meeting', // 联席会议
} as const;
export type OrgType = (typeof OrgType)[keyof typeof OrgType];

export type OrgNode = { id: string; parentId: string | null; type: OrgType; name: string };

/**
 * Escalation ladder (一级抓一级): for each organization type that supervises the levels below it,
 * the role that receives a 督办 (supervision) task. Data, not code, so a locality can change it.
 */
export type EscalationLadder = { supervisorRoleByOrgType: Partial<Record<OrgType, string>> };

export const defaultEscalationLadder: EscalationLadder = {
  supervisorRoleByOrgType: {
    township: 'township_secretary',
    county: 'county_org_dept',
    city_org_dept: 'city_org_dept',
  },
};

export type Supervisor = { orgId: string; role: string; orgName: string };

/** The supervising organizations of `orgId`, nearest first, strictly above it in the tree. */
export function supervisingChain(
  orgId: string,
  orgs: ReadonlyMap<string, OrgNode>,
  ladder: EscalationLadder = defaultEscalationLadder,
): Supervisor[] {
  const chain: Supervisor[] = [];
  const seen = new Set<string>([orgId]);
  let current = orgs.get(orgId);
  if (!current) throw new Error(`unknown organization ${orgId}`);
  while (current.parentId) {
    const parent = orgs.get(current.parentId);
    if (!parent || seen.has(parent.id)) break;
    seen.add(parent.id);
    const role = ladder.supervisorRoleByOrgType[parent.type];
    if (role) chain.push({ orgId: parent.id, role, orgName: parent.name });
    current = parent;
  }
  return chain;
}

/**
 * The levels of the chain, top down (domain.md: 市委组织部 → 县(市、区)委 → 乡镇党委 / 街道党工委 →
 * 村(社区)党组织 → 党支部 → 党小组). A unit sits below any higher level (a township may hold a
 * 机关党支部 directly); joint-meeting bodies are not units of the chain and are not managed here.
 */
const chainLevel: Partial<Record<OrgType, number>> = { city_org_dept: 0, county: 1, township: 2, village: 3, branch: 4, group: 5 };

/** Types administrators create and move in the tree (not joint-meeting bodies). */
export const chainOrgTypes: OrgType[] = ['city_org_dept', 'county', 'township', 'village', 'branch', 'group'];

/** Whether a unit of type `child` may sit directly under a unit of type `parent`. */
export function mayContain(parent: OrgType, child: OrgType): boolean {
  const p = chainLevel[parent];
  const c = chainLevel[child];
  return p !== undefined && c !== undefined && c > p;
}
