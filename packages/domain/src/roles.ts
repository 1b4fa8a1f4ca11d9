/** Roles a user can hold in an organization (membership = user, org, role). */
export const Role = {
  branchSecretary: 'branch_secretary', // 党支部书记
  townshipOrgMember: 'township_org_member', // 乡镇党委组织委员
  townshipSecretary: 'township_secretary', // 乡镇党委书记
  countyOrgDept: 'county_org_dept', // 县委组织部 (staff)
  countySecretary: 'county_secretary', // 县委书记 (the county committee)
  countyCivilAffairs: 'county_civil_affairs', // 县民政局
  countyDiscipline: 'county_discipline', // 县纪委监委
  countyPoliticalLegal: 'county_political_legal', // 县委政法委
  countyJustice: 'county_justice', // 县司法局
  cityOrgDept: 'city_org_dept', // 市委组织部 (staff)
  admin: 'admin', // 系统管理员 of an organization subtree: organizations, people, committees, accounts
  securityAdmin: 'security_admin', // 安全管理员: role memberships, policies, the calendar, two-step resets
  auditAdmin: 'audit_admin', // 审计管理员: reads the audit and security logs, audits the record, changes nothing
  jointMeetingLiaison: 'joint_meeting_liaison', // 联席会议成员单位党建联络员
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const roleNames: Record<Role, string> = {
  branch_secretary: '党支部书记',
  township_org_member: '乡镇党委组织委员',
  township_secretary: '乡镇党委书记',
  county_org_dept: '县委组织部',
  county_secretary: '县委书记',
  county_civil_affairs: '县民政局',
  county_discipline: '县纪委监委',
  county_political_legal: '县委政法委',
  county_justice: '县司法局',
  city_org_dept: '市委组织部',
  admin: '系统管理员',
  security_admin: '安全管理员',
  audit_admin: '审计管理员',
  joint_meeting_liaison: '党建联络员',
};

export type MembershipRef = { orgId: string; role: string };

/** Roles whose holders oversee every case in their organization's subtree (read access, 催办). */
export const supervisoryRoles: ReadonlySet<string> = new Set<string>([
  Role.townshipSecretary,
  Role.countyOrgDept,
  Role.countySecretary,
  Role.cityOrgDept,
  Role.admin,
]);

/**
 * 三权分立 (网络安全等级保护 2.0, GB/T 22239-2019 level 3, 8.1.4.2 / 8.1.10.2: 系统管理员、安全管理员、
 * 审计管理员 separated): the three administrator roles. No one holds two of them, in any organizations.
 */
export const administratorRoles: readonly Role[] = [Role.admin, Role.securityAdmin, Role.auditAdmin];
export const isAdministratorRole = (role: string) => (administratorRoles as readonly string[]).includes(role);

/**
 * The administrator role that `role` may not be held with, given the roles the person already holds
 * (in any organization); undefined when the grant keeps the duties separated.
 */
export function separationConflict(heldRoles: readonly string[], role: string): string | undefined {
  if (!isAdministratorRole(role)) return undefined;
  return heldRoles.find((r) => r !== role && isAdministratorRole(r));
}

/**
 * Roles whose holders read every case in their organization's subtree (case views, monitoring): the
 * supervisory roles and the audit administrator, who reads but does not 催办 (the workflow's
 * supervisesCase follows supervisoryRoles only).
 */
export const caseReaderRoles: ReadonlySet<string> = new Set<string>([...supervisoryRoles, Role.auditAdmin]);
