/**
 * The roster entries a 发展党员 case writes (issue 14): the new probationary member at 编入党支部和党小组,
 * the 转正 date when the superior committee approves full membership, the end of the membership when it
 * cancels the probation. Each is one transaction with its administrative audit row, keyed by the case
 * (person.admitted_case_id), so an activity retried after a lost answer changes nothing the second time.
 */
import { randomUUID } from 'node:crypto';
import { toChinaDate } from '@dj/domain';
import type { Db } from './client';
import type { Prisma } from './generated/client';
import { recordAdminAction } from './org-admin';

type Tx = Prisma.TransactionClient;
const date = (s: string) => new Date(`${s}T00:00:00Z`);

export type CaseEnrolment = {
  caseId: string;
  /** Who recorded the oath and the 党小组 (the audit row's actor). */
  actorId: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  /** 入党日期: the 支部大会 that admitted the applicant (党章第七条: the probation runs from that day). */
  joinedOn: string;
  branchId: string;
  groupId: string | null;
  /** The day the member is placed in the branch and 党小组 (the oath's date). */
  startOn: string;
};

export type CaseEnrolmentResult =
  | { enrolled: true; personId: string; linked: boolean; branchName: string; groupName: string | null }
  | { enrolled: false; reason: string };

type Unit = { id: string; name: string; type: string; status: string; parentId: string | null };

async function unit(tx: Tx, id: string): Promise<Unit | undefined> {
  const [u] = await tx.$queryRaw<Unit[]>`SELECT id, name, type::text AS type, status, parent_id AS "parentId" FROM org_unit WHERE id = ${id} FOR KEY SHARE`;
  return u;
}

/**
 * Writes the member admitted by a case into the roster as probationary, in the branch and 党小组 of the
 * oath step. A member an administrator already registered by hand in that branch (same name and birth
 * date, not yet tied to a case) is linked instead of added twice. A branch dissolved or a 党小组 moved
 * since the step was completed is reported, not thrown: the case goes on and says so in its record.
 */
export async function enrolFromCase(db: Db, input: CaseEnrolment): Promise<CaseEnrolmentResult> {
  return db.$transaction(async (tx) => {
    const branch = await unit(tx, input.branchId);
    const group = input.groupId ? await unit(tx, input.groupId) : undefined;
    const names = { branchName: branch?.name ?? input.branchId, groupName: group?.name ?? null };
    const [done] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM person WHERE admitted_case_id = ${input.caseId}::uuid`;
    if (done) return { enrolled: true, personId: done.id, linked: false, ...names };

    if (!branch || branch.type !== 'branch' || branch.status !== 'active') return { enrolled: false, reason: `党支部 ${names.branchName} 已不存在或已撤销，未登记入党员花名册` };
    if (input.groupId && (!group || group.type !== 'group' || group.parentId !== branch.id || group.status !== 'active')) {
      return { enrolled: false, reason: `党小组 ${names.groupName ?? input.groupId} 已不属于 ${branch.name} 或已撤销，未登记入党员花名册` };
    }

    const [registered] = await tx.$queryRaw<{ id: string }[]>`
      SELECT p.id FROM person p JOIN party_membership m ON m.person_id = p.id AND m.end_on IS NULL AND m.branch_id = ${branch.id}
      WHERE p.name = ${input.name} AND p.birth_date = ${date(input.birthDate)} AND p.admitted_case_id IS NULL
      ORDER BY p.created_at LIMIT 1 FOR UPDATE OF p`;
    const ctx = { actorId: input.actorId };
    const reason = `发展党员案件 ${input.caseId}`;
    if (registered) {
      await tx.$executeRaw`UPDATE person SET admitted_case_id = ${input.caseId}::uuid, updated_at = now() WHERE id = ${registered.id}::uuid`;
      await recordAdminAction(tx, ctx, { action: 'person.link-case', objectType: 'person', objectId: registered.id, orgId: branch.id, after: { admittedCaseId: input.caseId }, reason });
      return { enrolled: true, personId: registered.id, linked: true, ...names };
    }

    const id = randomUUID();
    await tx.person.create({
      data: { id, name: input.name, gender: input.gender, birthDate: date(input.birthDate), joinedOn: date(input.joinedOn), fullOn: null, status: 'probationary', admittedCaseId: input.caseId },
    });
    await tx.partyMembership.create({ data: { id: randomUUID(), personId: id, branchId: branch.id, groupId: input.groupId, startOn: date(input.startOn), reason: '发展党员编入' } });
    await recordAdminAction(tx, ctx, {
      action: 'person.enrol-from-case',
      objectType: 'person',
      objectId: id,
      orgId: branch.id,
      after: { name: input.name, gender: input.gender, birthDate: input.birthDate, joinedOn: input.joinedOn, status: 'probationary', branchId: branch.id, groupId: input.groupId, startOn: input.startOn },
      reason,
    });
    return { enrolled: true, personId: id, linked: false, ...names };
  });
}

export type CaseProbationEnd = {
  caseId: string;
  /** The superior committee's approver (the audit row's actor). */
  actorId: string;
  /** full: 转正 on `on` (the probation's last day: 党章第七条, 党龄 from 转正); cancelled: membership ends on `on`. */
  outcome: 'full' | 'cancelled';
  on: string;
};

/**
 * The end of the probation in the roster: the 转正 date, or (取消预备党员资格) the end of the member's
 * current branch membership. Undefined when the case wrote nobody into the roster (a case admitted
 * before cases did so): the record says an administrator has to update the roster.
 */
export async function recordProbationEnd(db: Db, input: CaseProbationEnd): Promise<{ personId: string; changed: boolean } | undefined> {
  return db.$transaction(async (tx) => {
    const [p] = await tx.$queryRaw<{ id: string; fullOn: Date | null }[]>`SELECT id, full_on AS "fullOn" FROM person WHERE admitted_case_id = ${input.caseId}::uuid FOR UPDATE`;
    if (!p) return undefined;
    const [current] = await tx.$queryRaw<{ id: string; branchId: string }[]>`
      SELECT id, branch_id AS "branchId" FROM party_membership WHERE person_id = ${p.id}::uuid AND end_on IS NULL ORDER BY start_on DESC LIMIT 1`;
    const orgId = current?.branchId;
    const ctx = { actorId: input.actorId };
    const reason = `发展党员案件 ${input.caseId}`;
    if (input.outcome === 'full') {
      const before = p.fullOn ? toChinaDate(p.fullOn) : null;
      if (before === input.on) return { personId: p.id, changed: false };
      // status is what the roster shows; it is probationary until the 转正 date is reached (statusOn at read).
      await tx.$executeRaw`UPDATE person SET full_on = ${date(input.on)}, status = ${input.on <= toChinaDate(new Date()) ? 'full' : 'probationary'}, updated_at = now() WHERE id = ${p.id}::uuid`;
      if (orgId) await recordAdminAction(tx, ctx, { action: 'person.full-from-case', objectType: 'person', objectId: p.id, orgId, before: { fullOn: before }, after: { fullOn: input.on }, reason });
      return { personId: p.id, changed: true };
    }
    if (!current) return { personId: p.id, changed: false };
    await tx.$executeRaw`UPDATE party_membership SET end_on = ${date(input.on)}, reason = ${'取消预备党员资格'} WHERE id = ${current.id}::uuid`;
    await recordAdminAction(tx, ctx, { action: 'person.probation-cancelled', objectType: 'person', objectId: p.id, orgId: current.branchId, after: { membershipEndOn: input.on }, reason });
    return { personId: p.id, changed: true };
  });
}
