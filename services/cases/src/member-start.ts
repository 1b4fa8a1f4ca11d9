import type { MemberApplicationForm } from '@dj/contracts';
import type { Db, OrgUnit } from '@dj/db';
import { applicationErrors, type OrgType } from '@dj/domain';
import { httpError, type AuthUser } from '@dj/service-kit';
import type { MemberDevelopmentInput } from '@dj/process-api';

/** The 发展党员 workflow input: the applicant at least 18, and a second managing branch (两地管理) that exists. */
export async function memberDevelopmentInput(
  db: Db,
  ctx: { caseId: string; org: OrgUnit; ancestor(type: OrgType): OrgUnit; user: AuthUser; input: Record<string, unknown> },
): Promise<MemberDevelopmentInput> {
  const form = ctx.input as MemberApplicationForm;
  const errors = applicationErrors(form.birthDate, form.applicationDate);
  if ((form.secondOrgId === undefined) !== (form.dualManagement === undefined)) errors.push('secondOrgId 与 dualManagement 须同时填写 (secondOrgId and dualManagement go together)');
  let second: MemberDevelopmentInput['second'];
  if (form.secondOrgId !== undefined && form.dualManagement !== undefined) {
    const org = await db.orgUnit.findUnique({ where: { id: form.secondOrgId } });
    if (!org || org.type !== 'branch' || org.id === ctx.org.id) errors.push('第二管理组织须为另一个党支部 (the second organization must be another branch)');
    else second = { orgId: org.id, orgName: org.name, kind: form.dualManagement };
  }
  if (errors.length) throw httpError('INVALID_FORM', errors.join('; '));
  return {
    caseId: ctx.caseId,
    branchId: ctx.org.id,
    branchName: ctx.org.name,
    townshipId: ctx.ancestor('township').id,
    countyId: ctx.ancestor('county').id,
    initiator: { userId: ctx.user.id, name: ctx.user.displayName },
    applicant: { name: form.name, gender: form.gender, birthDate: form.birthDate, applicationDate: form.applicationDate, occupation: form.occupation },
    second,
  };
}
