import type { Db } from '@dj/db';
import { formErrors } from '@dj/contracts';

/**
 * Who may be named on the 培养联系人 / 入党介绍人 step (form member.people), checked before the action
 * reaches the workflow so a refusal names the rule and nothing changes:
 * - 《中国共产党发展党员工作细则》第十条: 党组织应当指定一至两名正式党员作为入党积极分子的培养联系人;
 * - 党章第五条 and 细则第十三条: 发展对象应当有两名正式党员作入党介绍人;
 * - each named person is a full (not probationary) member of the step's branch today (党员花名册:
 *   person.status 'full', a current party_membership of that branch) and has an enabled account
 *   (their evaluations are tasks in their inbox).
 * Returns the errors (Chinese (English)); empty when the form is fine or not of this kind.
 */
export async function peopleErrors(db: Db, task: { formId: string | null; stepKey: string; orgId: string }, form: Record<string, unknown> | undefined): Promise<string[]> {
  if (task.formId !== 'member.people' || !form) return [];
  // A form that does not match the schema is refused by the workflow's validator with the schema's errors.
  if (formErrors(task.formId, form).length) return [];
  const userIds = form.userIds as string[];
  if (new Set(userIds).size !== userIds.length) return ['/userIds: 不能重复指定同一人 (the same person is named twice)'];
  if (task.stepKey === 'assign-introducers' && userIds.length !== 2) return ['/userIds: 发展对象应当有两名正式党员作入党介绍人（党章第五条、《发展党员工作细则》第十三条） (two full members introduce the applicant)'];
  const eligible = await db.$queryRaw<{ id: string }[]>`
    SELECT u.id FROM app_user u JOIN person p ON p.user_id = u.id
    WHERE u.id = ANY (${userIds}::uuid[]) AND NOT u.disabled AND p.status = 'full'
      AND EXISTS (SELECT 1 FROM party_membership pm WHERE pm.person_id = p.id AND pm.branch_id = ${task.orgId}
                  AND pm.start_on <= current_date AND (pm.end_on IS NULL OR pm.end_on > current_date))`;
  const ok = new Set(eligible.map((r) => r.id));
  const missing = userIds.filter((id) => !ok.has(id));
  if (!missing.length) return [];
  const names = await db.user.findMany({ where: { id: { in: missing } }, select: { displayName: true } });
  const who = names.map((n) => n.displayName).join('、') || '所选人员';
  const role = task.stepKey === 'assign-introducers' ? '入党介绍人' : '培养联系人';
  const article = task.stepKey === 'assign-introducers' ? '党章第五条、《发展党员工作细则》第十三条' : '《发展党员工作细则》第十条';
  return [`/userIds: ${who}不是本支部的正式党员，不能作${role}（${article}） (${role === '入党介绍人' ? 'introducers' : 'contacts'} must be full members of the branch)`];
}

/**
 * 入党宣誓、编入党小组 (form member.oath): the new member joins one of the step's branch's own active
 * 党小组 (domain.md §2 step 5: 编入党支部和党小组); a branch that has 党小组 must name one, a branch
 * without any names none. Returns the errors (Chinese (English)); empty when fine or not this form.
 */
export async function oathGroupErrors(db: Db, task: { formId: string | null; orgId: string }, form: Record<string, unknown> | undefined): Promise<string[]> {
  if (task.formId !== 'member.oath' || !form || formErrors(task.formId, form).length) return [];
  const groups = await db.orgUnit.findMany({ where: { parentId: task.orgId, type: 'group', status: 'active' }, select: { id: true } });
  const groupId = form.groupId as string | undefined;
  if (groupId === undefined) return groups.length ? ['/groupId: 本支部设有党小组，须选择编入的党小组 (the branch has 党小组: choose the one the member joins)'] : [];
  if (!groups.some((g) => g.id === groupId)) return ['/groupId: 所选不是本支部现有的党小组 (not a current 党小组 of this branch)'];
  return [];
}
