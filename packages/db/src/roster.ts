/**
 * The roster (党员花名册), memberships of branches and 党小组 with dates, and committee posts (书记,
 * 副书记, 委员; 党小组组长) with dates (issue 13). Every change is one transaction with its
 * administrative audit row. Rules and their sources: packages/domain/src/committee.ts.
 * `committeeMembers(db, orgId, on)` is what collective decisions read to check a quorum.
 */
import { randomUUID } from 'node:crypto';
import { joinedUnderAge, orgRoleNames, periodsOverlap, rolesOf, statusOn, toChinaDate, type MeetingBody, type MeetingRosterMember, type MemberStatus, type OrgRoleName, type OrgType } from '@dj/domain';
import type { Db } from './client';
import { Prisma } from './generated/client';
import { OrgAdminError, recordAdminAction, type AdminContext, type OrgAdminErrorCode } from './org-admin';
import { personalData, personPhoneColumns, personPhoneContext } from './personal-data';

type Tx = Prisma.TransactionClient;
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);
const date = (s: string) => new Date(`${s}T00:00:00Z`);

const refuse = (code: OrgAdminErrorCode, message: string) => new OrgAdminError(code, message);

export type PersonInput = {
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  joinedOn: string;
  fullOn?: string | null;
  phone?: string | null;
};

/** A phone shown to administrators: 138******78. */
export const maskPhone = (phone: string | null) => (phone ? (phone.length > 4 ? `${phone.slice(0, 3)}${'*'.repeat(Math.max(phone.length - 5, 1))}${phone.slice(-2)}` : '****') : null);

function checkPerson(p: PersonInput) {
  const today = toChinaDate(new Date());
  if (p.birthDate >= p.joinedOn) throw refuse('PERSON_INVALID', '入党日期须晚于出生日期 / joined before birth');
  if (joinedUnderAge(p.birthDate, p.joinedOn)) throw refuse('PERSON_INVALID', '入党时须年满十八岁（《中国共产党章程》第一条） / a member joins at 18 or older (Party Constitution, Art. 1)');
  if (p.joinedOn > today) throw refuse('PERSON_INVALID', '入党日期不能晚于今天 / joined in the future');
  if (p.fullOn && (p.fullOn <= p.joinedOn || p.fullOn > today)) throw refuse('PERSON_INVALID', '转正日期须晚于入党日期且不晚于今天 / full membership date out of range');
}

async function unitRow(tx: Tx, id: string) {
  const [u] = await tx.$queryRaw<{ id: string; type: OrgType; path: string; status: string; parentId: string | null }[]>`
    SELECT id, type::text AS type, path, status, parent_id AS "parentId" FROM org_unit WHERE id = ${id} FOR KEY SHARE`;
  if (!u) throw refuse('NOT_FOUND', `organization ${id}`);
  return u;
}

/** The branch and group of a membership: the group must be a 党小组 of that branch. */
async function placement(tx: Tx, branchId: string, groupId: string | null | undefined) {
  const branch = await unitRow(tx, branchId);
  if (branch.type !== 'branch') throw refuse('PERSON_INVALID', `${branchId} 不是党支部 / is not a branch`);
  if (branch.status !== 'active') throw refuse('ORG_DISSOLVED', branchId);
  if (groupId) {
    const group = await unitRow(tx, groupId);
    if (group.type !== 'group' || group.parentId !== branch.id) throw refuse('PERSON_INVALID', `${groupId} 不是该支部的党小组 / is not a group of the branch`);
    if (group.status !== 'active') throw refuse('ORG_DISSOLVED', groupId);
  }
  return branch;
}

/** A member's phone in full, decrypted (personal-data.ts): only for the audited full view and the export. */
export const personPhone = (p: { id: string; phoneCipher: string | null }) => (p.phoneCipher ? personalData().decrypt(p.phoneCipher, personPhoneContext(p.id)) : null);

const personSnapshot = (p: { id: string; name: string; gender: string; birthDate: Date; joinedOn: Date; fullOn: Date | null; status: string; phoneCipher: string | null; userId: string | null }) => ({
  name: p.name,
  gender: p.gender,
  birthDate: day(p.birthDate),
  joinedOn: day(p.joinedOn),
  fullOn: day(p.fullOn),
  status: p.status,
  // The audit row keeps no personal number, only whether there is one.
  phone: maskPhone(personPhone(p)),
  userId: p.userId,
});

/** Adds a member to the roster in a branch (and 党小组), from `startOn`. */
export async function addPerson(db: Db, ctx: AdminContext, input: PersonInput & { branchId: string; groupId?: string | null; startOn: string; userId?: string | null }) {
  checkPerson(input);
  return db.$transaction(async (tx) => {
    const branch = await placement(tx, input.branchId, input.groupId);
    const id = randomUUID();
    const status = statusOn({ fullOn: input.fullOn ?? null }, toChinaDate(new Date()));
    const person = await tx.person.create({
      data: { id, name: input.name, gender: input.gender, birthDate: date(input.birthDate), joinedOn: date(input.joinedOn), fullOn: input.fullOn ? date(input.fullOn) : null, status, ...personPhoneColumns(id, input.phone), userId: input.userId ?? null },
    });
    await tx.partyMembership.create({ data: { id: randomUUID(), personId: id, branchId: branch.id, groupId: input.groupId ?? null, startOn: date(input.startOn), reason: '登记' } });
    await recordAdminAction(tx, ctx, { action: 'person.create', objectType: 'person', objectId: id, orgId: branch.id, after: { ...personSnapshot(person), branchId: branch.id, groupId: input.groupId ?? null } });
    return id;
  });
}

/** Corrects a member's particulars (name, gender, dates, phone); the status follows the 转正 date. */
export async function updatePerson(db: Db, ctx: AdminContext, personId: string, changes: Partial<PersonInput>) {
  return db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM person WHERE id = ${personId}::uuid FOR UPDATE`;
    if (!locked) throw refuse('NOT_FOUND', personId);
    const before = await tx.person.findUniqueOrThrow({ where: { id: personId } });
    const merged: PersonInput = {
      name: changes.name ?? before.name,
      gender: (changes.gender ?? before.gender) as 'male' | 'female',
      birthDate: changes.birthDate ?? day(before.birthDate)!,
      joinedOn: changes.joinedOn ?? day(before.joinedOn)!,
      fullOn: changes.fullOn !== undefined ? changes.fullOn : day(before.fullOn),
      phone: changes.phone !== undefined ? changes.phone : personPhone(before),
    };
    checkPerson(merged);
    const after = await tx.person.update({
      where: { id: personId },
      data: {
        name: merged.name,
        gender: merged.gender,
        birthDate: date(merged.birthDate),
        joinedOn: date(merged.joinedOn),
        fullOn: merged.fullOn ? date(merged.fullOn) : null,
        status: statusOn({ fullOn: merged.fullOn ?? null }, toChinaDate(new Date())),
        ...personPhoneColumns(personId, merged.phone),
      },
    });
    const current = await tx.partyMembership.findFirst({ where: { personId, endOn: null } });
    if (!current) throw refuse('PERSON_INVALID', '该党员没有当前组织关系 / no current membership');
    await recordAdminAction(tx, ctx, { action: 'person.update', objectType: 'person', objectId: personId, orgId: current.branchId, before: personSnapshot(before), after: personSnapshot(after) });
  });
}

/**
 * 组织关系转接: the member leaves the current branch the day before `on` and belongs to the new one
 * (and 党小组) from `on`. Committee posts held in units the member leaves end on the same day.
 */
export async function transferPerson(db: Db, ctx: AdminContext, input: { personId: string; branchId: string; groupId?: string | null; on: string; reason: string }) {
  return db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM person WHERE id = ${input.personId}::uuid FOR UPDATE`;
    if (!locked) throw refuse('NOT_FOUND', input.personId);
    const current = await tx.partyMembership.findFirst({ where: { personId: input.personId, endOn: null } });
    if (!current) throw refuse('PERSON_INVALID', '该党员没有当前组织关系 / no current membership');
    if (input.on > toChinaDate(new Date()) || input.on <= day(current.startOn)!) throw refuse('INVALID_EFFECTIVE_DATE', input.on);
    if (current.branchId === input.branchId && (current.groupId ?? null) === (input.groupId ?? null)) throw refuse('PERSON_INVALID', '转入组织与当前相同 / same branch and group');
    const branch = await placement(tx, input.branchId, input.groupId);
    await tx.partyMembership.update({ where: { id: current.id }, data: { endOn: date(input.on) } });
    await tx.partyMembership.create({ data: { id: randomUUID(), personId: input.personId, branchId: branch.id, groupId: input.groupId ?? null, startOn: date(input.on), reason: input.reason } });
    // Posts in units outside the new branch's line end with the transfer (a branch's committee is of its members).
    const ended = await tx.$queryRaw<{ id: string; orgId: string; role: string }[]>`
      UPDATE org_role r SET end_on = ${date(input.on)}
      FROM org_unit o
      WHERE r.person_id = ${input.personId}::uuid AND (r.end_on IS NULL OR r.end_on > ${date(input.on)}) AND o.id = r.org_id
        AND NOT (${branch.path} LIKE o.path || '%')
      RETURNING r.id, r.org_id AS "orgId", r.role`;
    const before = { branchId: current.branchId, groupId: current.groupId };
    const after = { branchId: branch.id, groupId: input.groupId ?? null, on: input.on, endedRoles: ended };
    await recordAdminAction(tx, ctx, { action: 'person.transfer', objectType: 'person', objectId: input.personId, orgId: current.branchId, before, after, reason: input.reason });
    await recordAdminAction(tx, ctx, { action: 'person.transfer', objectType: 'person', objectId: input.personId, orgId: branch.id, before, after, reason: input.reason });
    return after;
  });
}

/**
 * Appoints a member to a post of a unit from `startOn` (after an election or an appointment): full
 * members only (党章 Art. 7), the member's branch within the unit's subtree (a 党小组's leader a
 * member of that group), one secretary at a time, one post per person and unit at a time.
 */
export async function appointRole(db: Db, ctx: AdminContext, input: { orgId: string; personId: string; role: OrgRoleName; startOn: string; reason: string }) {
  return db.$transaction(async (tx) => {
    const unit = await unitRow(tx, input.orgId);
    if (unit.status !== 'active') throw refuse('ORG_DISSOLVED', unit.id);
    if (!rolesOf(unit.type).includes(input.role)) throw refuse('ROLE_INVALID', `${unit.type} 无此职务 / has no post ${input.role}`);
    if (input.startOn > toChinaDate(new Date())) throw refuse('INVALID_EFFECTIVE_DATE', input.startOn);
    // Posts of one unit are changed one at a time (the secretary check reads the others).
    await tx.$queryRaw`SELECT id FROM org_unit WHERE id = ${unit.id} FOR UPDATE`;
    const person = await tx.person.findUnique({ where: { id: input.personId } });
    if (!person) throw refuse('NOT_FOUND', input.personId);
    if (statusOn({ fullOn: day(person.fullOn) }, input.startOn) !== 'full') throw refuse('ROLE_INVALID', '预备党员没有被选举权，不能担任委员（党章第七条） / a probationary member cannot hold a post');
    const [placed] = await tx.$queryRaw<{ ok: boolean }[]>`
      SELECT true AS ok FROM party_membership m JOIN org_unit b ON b.id = m.branch_id
      WHERE m.person_id = ${person.id}::uuid AND m.start_on <= ${date(input.startOn)} AND (m.end_on IS NULL OR m.end_on > ${date(input.startOn)})
        AND ${unit.type === 'group' ? Prisma.sql`m.group_id = ${unit.id}` : Prisma.sql`b.path LIKE ${`${unit.path.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`}`;
    if (!placed) throw refuse('ROLE_INVALID', '该党员不在本组织（党小组）内 / the member does not belong to this unit');
    const held = await tx.orgRole.findMany({ where: { orgId: unit.id, OR: [{ endOn: null }, { endOn: { gt: date(input.startOn) } }] } });
    const period = { startOn: input.startOn, endOn: null };
    const overlapping = held.filter((r) => periodsOverlap({ startOn: day(r.startOn)!, endOn: day(r.endOn) }, period));
    if (overlapping.some((r) => r.personId === person.id)) throw refuse('ROLE_INVALID', '该党员已在本组织任职 / already holds a post here');
    if (input.role === 'secretary' && overlapping.some((r) => r.role === 'secretary')) throw refuse('ROLE_INVALID', '本组织已有书记，须先免去原书记 / the unit has a secretary; end that post first');
    const id = randomUUID();
    await tx.orgRole.create({ data: { id, orgId: unit.id, personId: person.id, role: input.role, startOn: date(input.startOn), reason: input.reason } });
    await recordAdminAction(tx, ctx, { action: 'role.appoint', objectType: 'org_role', objectId: id, orgId: unit.id, after: { personId: person.id, name: person.name, role: input.role, startOn: input.startOn }, reason: input.reason });
    return id;
  });
}

/** Ends a post on `endOn` (the first day without it). */
export async function endRole(db: Db, ctx: AdminContext, input: { roleId: string; endOn: string; reason: string }) {
  return db.$transaction(async (tx) => {
    const [r] = await tx.$queryRaw<{ id: string; orgId: string; personId: string; role: string; startOn: Date; endOn: Date | null }[]>`
      SELECT id, org_id AS "orgId", person_id AS "personId", role, start_on AS "startOn", end_on AS "endOn" FROM org_role WHERE id = ${input.roleId}::uuid FOR UPDATE`;
    if (!r) throw refuse('NOT_FOUND', input.roleId);
    if (r.endOn && day(r.endOn)! <= input.endOn) throw refuse('ROLE_INVALID', '该职务已终止 / the post has already ended');
    if (input.endOn <= day(r.startOn)! || input.endOn > toChinaDate(new Date())) throw refuse('INVALID_EFFECTIVE_DATE', input.endOn);
    await tx.orgRole.update({ where: { id: r.id }, data: { endOn: date(input.endOn) } });
    await recordAdminAction(tx, ctx, { action: 'role.end', objectType: 'org_role', objectId: r.id, orgId: r.orgId, before: { role: r.role, personId: r.personId, endOn: day(r.endOn) }, after: { endOn: input.endOn }, reason: input.reason });
  });
}

export type CommitteeMember = { roleId: string; personId: string; name: string; role: OrgRoleName; startOn: string; endOn: string | null; status: MemberStatus; userId: string | null };

const roleOrder = Prisma.sql`CASE r.role WHEN 'secretary' THEN 0 WHEN 'deputy_secretary' THEN 1 WHEN 'member' THEN 2 ELSE 3 END`;

/**
 * The composition of a unit's committee (or a 党小组's leader) on a China date: who held which post
 * that day, secretary first. What a collective decision reads to check its quorum.
 */
export async function committeeMembers(db: Db | Tx, orgId: string, on: string = toChinaDate(new Date())): Promise<CommitteeMember[]> {
  const rows = await db.$queryRaw<{ roleId: string; personId: string; name: string; role: OrgRoleName; startOn: Date; endOn: Date | null; fullOn: Date | null; userId: string | null }[]>`
    SELECT r.id AS "roleId", p.id AS "personId", p.name, r.role, r.start_on AS "startOn", r.end_on AS "endOn", p.full_on AS "fullOn", p.user_id AS "userId"
    FROM org_role r JOIN person p ON p.id = r.person_id
    WHERE r.org_id = ${orgId} AND r.start_on <= ${date(on)} AND (r.end_on IS NULL OR r.end_on > ${date(on)})
    ORDER BY ${roleOrder}, r.start_on, p.name, p.id`;
  return rows.map((r) => ({ roleId: r.roleId, personId: r.personId, name: r.name, role: r.role, startOn: day(r.startOn)!, endOn: day(r.endOn), status: statusOn({ fullOn: day(r.fullOn) }, on), userId: r.userId }));
}

export type GroupMember = { personId: string; name: string; status: MemberStatus; startOn: string };

/** The members of a branch or of a 党小组 on a China date (the branch's whole membership for a branch). */
export async function unitMembers(db: Db | Tx, orgId: string, on: string = toChinaDate(new Date())): Promise<GroupMember[]> {
  const rows = await db.$queryRaw<{ personId: string; name: string; fullOn: Date | null; startOn: Date }[]>`
    SELECT p.id AS "personId", p.name, p.full_on AS "fullOn", m.start_on AS "startOn"
    FROM party_membership m JOIN person p ON p.id = m.person_id
    WHERE (m.branch_id = ${orgId} OR m.group_id = ${orgId}) AND m.start_on <= ${date(on)} AND (m.end_on IS NULL OR m.end_on > ${date(on)})
    ORDER BY p.name, p.id`;
  return rows.map((r) => ({ personId: r.personId, name: r.name, status: statusOn({ fullOn: day(r.fullOn) }, on), startOn: day(r.startOn)! }));
}

/**
 * The roster expected at a meeting of a body on a China date (issue 14): the committee of `orgId`
 * (支委会, 党委会 — group leaders are no committee), or for a 党员大会 the branch's members with a vote,
 * full members only (党章 Art. 7). Each entry's id is the member's user id, or their roster id when they
 * have no account, so members without accounts still count and can be marked present.
 */
export async function meetingRoster(db: Db | Tx, orgId: string, body: MeetingBody, on: string): Promise<MeetingRosterMember[]> {
  if (body === 'committee') {
    const members = await committeeMembers(db, orgId, on);
    return members.filter((m) => m.role !== 'group_leader').map((m) => ({ id: m.userId ?? m.personId, name: m.name, role: orgRoleNames[m.role] }));
  }
  const rows = await db.$queryRaw<{ personId: string; name: string; userId: string | null }[]>`
    SELECT p.id AS "personId", p.name, p.user_id AS "userId"
    FROM party_membership m JOIN person p ON p.id = m.person_id
    WHERE m.branch_id = ${orgId} AND m.start_on <= ${date(on)} AND (m.end_on IS NULL OR m.end_on > ${date(on)})
      AND p.full_on IS NOT NULL AND p.full_on <= ${date(on)}
    ORDER BY p.name, p.id`;
  return rows.map((r) => ({ id: r.userId ?? r.personId, name: r.name }));
}
