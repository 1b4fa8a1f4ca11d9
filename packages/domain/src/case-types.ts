import type { MembershipRef } from './roles';
import type { OrgType } from './org-tree';

/** Who may start a case of each type: a holder of one of `startRoles` in an org of `startOrgTypes`. */
export type CaseTypeDefinition = {
  type: string;
  name: string;
  startRoles: readonly string[];
  startOrgTypes: readonly OrgType[];
  /** Form of the start input (a form id of @dj/contracts). */
  startForm: string;
};

export const caseTypes: Record<string, CaseTypeDefinition> = {
  'request-report': {
    type: 'request-report',
    name: '请示报告审批',
    startRoles: ['branch_secretary'],
    startOrgTypes: ['branch'],
    startForm: 'request-report.submission',
  },
};

export function canStartCase(def: CaseTypeDefinition, org: { id: string; type: OrgType }, memberships: readonly MembershipRef[]): boolean {
  return def.startOrgTypes.includes(org.type) && memberships.some((m) => m.orgId === org.id && def.startRoles.includes(m.role));
}
