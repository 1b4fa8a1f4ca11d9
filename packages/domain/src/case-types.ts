import type { MembershipRef } from './roles';
import type { OrgType } from './org-tree';

/**
 * Who may start a case of each type: the case is opened for an organization of `startOrgTypes`, by a
 * holder of one of `startRoles` in that organization or, with `starterOrgType`, in its ancestor of that type
 * (a township official opens a secretary replacement for a village branch).
 */
export type CaseTypeDefinition = {
  type: string;
  name: string;
  workflowType: string;
  startRoles: readonly string[];
  startOrgTypes: readonly OrgType[];
  starterOrgType?: OrgType;
  /** Form of the start input (a form id of @dj/contracts). */
  startForm: string;
};

export const caseTypes: Record<string, CaseTypeDefinition> = {
  'request-report': {
    type: 'request-report',
    name: '请示报告审批',
    workflowType: 'requestReport',
    startRoles: ['branch_secretary'],
    startOrgTypes: ['branch'],
    startForm: 'request-report.submission',
  },
  'secretary-replacement': {
    type: 'secretary-replacement',
    name: '村党组织书记选配',
    workflowType: 'secretaryReplacement',
    startRoles: ['township_org_member', 'township_secretary'],
    startOrgTypes: ['branch'],
    starterOrgType: 'township',
    startForm: 'secretary.open',
  },
  'member-development': {
    type: 'member-development',
    name: '发展党员',
    workflowType: 'memberDevelopment',
    startRoles: ['branch_secretary'],
    startOrgTypes: ['branch'],
    startForm: 'member.application',
  },
};

/** `ancestors`: the organization itself and every organization above it. */
export function canStartCase(
  def: CaseTypeDefinition,
  org: { id: string; type: OrgType },
  memberships: readonly MembershipRef[],
  ancestors: readonly { id: string; type: OrgType }[] = [org],
): boolean {
  if (!def.startOrgTypes.includes(org.type)) return false;
  const starter = def.starterOrgType ? ancestors.find((a) => a.type === def.starterOrgType) : org;
  return !!starter && memberships.some((m) => m.orgId === starter.id && def.startRoles.includes(m.role));
}
