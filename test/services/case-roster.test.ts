// What a 发展党员 case writes into the roster (packages/db/src/case-roster.ts, issue 14): the new member at
// 编入党支部和党小组 (probationary from the admitting 支部大会, 党章第七条), the 转正 date, or the end of the
// membership when the probation is cancelled (取消预备党员资格). Each once per case, however often retried.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addPerson, createDb, createOrg, dissolveOrg, enrolFromCase, recordProbationEnd, type CaseEnrolment, type Db } from '@dj/db';

const P = randomUUID().slice(0, 6);
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const VILLAGE = `cr-v-${P}`;
const BRANCH = `cr-b1-${P}`;
const GROUP = `cr-g1-${P}`;
const OTHER_BRANCH = `cr-b2-${P}`;
const OTHER_GROUP = `cr-g2-${P}`;
const GONE = `cr-b3-${P}`;
let db: Db;
let actorId: string;

const enrolment = (extra: Partial<CaseEnrolment> = {}): CaseEnrolment => ({
  caseId: randomUUID(),
  actorId,
  name: `花名册${P}${Math.random().toString(36).slice(2, 6)}`,
  gender: 'female',
  birthDate: '1998-03-02',
  joinedOn: '2026-11-20',
  branchId: BRANCH,
  groupId: GROUP,
  startOn: '2026-11-25',
  ...extra,
});
const auditRows = (objectId: string) => db.adminAuditLog.count({ where: { objectId } });

beforeAll(async () => {
  db = createDb(inject('databaseUrl'));
  const admin = await db.user.findUniqueOrThrow({ where: { username: 'admin' } });
  actorId = (await db.user.findUniqueOrThrow({ where: { username: 'zhang.zhibu' } })).id;
  const ctx = { actorId: admin.id };
  const unit = (id: string, name: string, type: 'village' | 'branch' | 'group', parentId: string) => createOrg(db, ctx, { id, name, type, parentId, effectiveOn: today, reason: '测试' });
  await unit(VILLAGE, `花名册测试村${P}`, 'village', 'town-a2'); // not 东湖镇: other tests list its subtree exactly
  await unit(BRANCH, `花名册测试第一支部${P}`, 'branch', VILLAGE);
  await unit(GROUP, '第一党小组', 'group', BRANCH);
  await unit(OTHER_BRANCH, `花名册测试第二支部${P}`, 'branch', VILLAGE);
  await unit(OTHER_GROUP, '第一党小组', 'group', OTHER_BRANCH);
  await unit(GONE, `花名册测试第三支部${P}`, 'branch', VILLAGE);
  await dissolveOrg(db, ctx, { orgId: GONE, effectiveOn: today, reason: '测试：撤销' });
});
afterAll(async () => {
  await db?.$disconnect();
});

describe('发展党员 writes the roster', () => {
  it('编入: a probationary member from the 支部大会, in the branch and 党小组 from the oath; a retry changes nothing', async () => {
    const input = enrolment();
    const first = await enrolFromCase(db, input);
    expect(first).toMatchObject({ enrolled: true, linked: false, branchName: `花名册测试第一支部${P}`, groupName: '第一党小组' });
    const personId = (first as { personId: string }).personId;
    const person = await db.person.findUniqueOrThrow({ where: { id: personId } });
    expect(person).toMatchObject({ name: input.name, gender: 'female', status: 'probationary', fullOn: null, phoneCipher: null, admittedCaseId: input.caseId });
    expect(person.joinedOn.toISOString().slice(0, 10)).toBe('2026-11-20');
    const memberships = await db.partyMembership.findMany({ where: { personId } });
    expect(memberships.map((m) => ({ branchId: m.branchId, groupId: m.groupId, startOn: m.startOn.toISOString().slice(0, 10), endOn: m.endOn }))).toEqual([{ branchId: BRANCH, groupId: GROUP, startOn: '2026-11-25', endOn: null }]);
    expect(await auditRows(personId)).toBe(1);

    expect(await enrolFromCase(db, input)).toEqual(first);
    expect(await db.person.count({ where: { admittedCaseId: input.caseId } })).toBe(1);
    expect(await db.partyMembership.count({ where: { personId } })).toBe(1);
    expect(await auditRows(personId)).toBe(1);
  });

  it('a member an administrator registered by hand in the branch is linked, not added twice', async () => {
    const input = enrolment();
    const admin = await db.user.findUniqueOrThrow({ where: { username: 'admin' } });
    const registered = await addPerson(db, { actorId: admin.id }, { name: input.name, gender: 'female', birthDate: input.birthDate, joinedOn: input.joinedOn, branchId: BRANCH, startOn: input.joinedOn });
    // Same name and birth date in another branch is somebody else.
    const elsewhere = await addPerson(db, { actorId: admin.id }, { name: input.name, gender: 'female', birthDate: input.birthDate, joinedOn: input.joinedOn, branchId: OTHER_BRANCH, startOn: input.joinedOn });
    const result = await enrolFromCase(db, input);
    expect(result).toMatchObject({ enrolled: true, linked: true, personId: registered });
    expect(await db.person.count({ where: { name: input.name } })).toBe(2);
    expect((await db.person.findUniqueOrThrow({ where: { id: registered } })).admittedCaseId).toBe(input.caseId);
    expect((await db.person.findUniqueOrThrow({ where: { id: elsewhere } })).admittedCaseId).toBeNull();
  });

  it('a branch dissolved or a 党小组 of another branch since the step: nothing written, the reason in Chinese', async () => {
    const gone = enrolment({ branchId: GONE, groupId: null });
    expect(await enrolFromCase(db, gone)).toEqual({ enrolled: false, reason: expect.stringContaining('已撤销') });
    const wrongGroup = enrolment({ groupId: OTHER_GROUP });
    expect(await enrolFromCase(db, wrongGroup)).toEqual({ enrolled: false, reason: expect.stringContaining('已不属于') });
    expect(await db.person.count({ where: { admittedCaseId: { in: [gone.caseId, wrongGroup.caseId] } } })).toBe(0);
  });

  it('转正: the probation’s last day becomes the 转正 date once; the status follows the date', async () => {
    const input = enrolment();
    const { personId } = (await enrolFromCase(db, input)) as { personId: string };
    const past = { caseId: input.caseId, actorId, outcome: 'full' as const, on: '2026-11-30' };
    expect(await recordProbationEnd(db, past)).toEqual({ personId, changed: true });
    expect(await recordProbationEnd(db, past)).toEqual({ personId, changed: false });
    const p = await db.person.findUniqueOrThrow({ where: { id: personId } });
    expect(p.fullOn!.toISOString().slice(0, 10)).toBe('2026-11-30');
    expect(p.status).toBe('full');
    expect(await auditRows(personId)).toBe(2); // the entry and one 转正

    // A 转正 date still to come (compressed test clocks) is stored, the member stays probationary until then.
    const later = enrolment();
    const { personId: laterId } = (await enrolFromCase(db, later)) as { personId: string };
    await recordProbationEnd(db, { caseId: later.caseId, actorId, outcome: 'full', on: '2099-01-01' });
    expect(await db.person.findUniqueOrThrow({ where: { id: laterId } })).toMatchObject({ status: 'probationary' });
  });

  it('取消预备党员资格 ends the branch membership once; a case that wrote nobody gets undefined', async () => {
    const input = enrolment();
    const { personId } = (await enrolFromCase(db, input)) as { personId: string };
    const cancel = { caseId: input.caseId, actorId, outcome: 'cancelled' as const, on: today };
    expect(await recordProbationEnd(db, cancel)).toEqual({ personId, changed: true });
    expect(await recordProbationEnd(db, cancel)).toEqual({ personId, changed: false });
    const [m] = await db.partyMembership.findMany({ where: { personId } });
    expect(m!.endOn!.toISOString().slice(0, 10)).toBe(today);
    expect(m!.reason).toBe('取消预备党员资格');
    expect(await recordProbationEnd(db, { ...cancel, caseId: randomUUID() })).toBeUndefined();
  });
});
