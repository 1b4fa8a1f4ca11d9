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
  admin: 'admin', // 系统管理员 of an organization subtree
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
