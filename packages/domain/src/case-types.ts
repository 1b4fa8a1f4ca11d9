import type { MembershipRef } from './roles';
import type { OrgType } from './org-tree';
import { processCatalogues } from './processes';

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

/** The case types started through POST /api/cases: every catalogue with a `start`. */
export const caseTypes: Record<string, CaseTypeDefinition> = Object.fromEntries(
  processCatalogues.flatMap((c) =>
    c.start
      ? [[c.type, { type: c.type, name: c.name, workflowType: c.workflowType, startRoles: c.start.roles, startOrgTypes: c.start.orgTypes, ...(c.start.starterOrgType ? { starterOrgType: c.start.starterOrgType } : {}), startForm: c.start.form }]]
      : [],
  ),
);

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
