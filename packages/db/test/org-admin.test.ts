import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDb, createOrg, dissolveOrg, moveOrg, OrgAdminError, renameOrg, uncachedReferenceData, type Db } from '../src';
import { seedDemo } from '../src/seed-demo';

let db: Db;
let actorId: string;
const ctx = () => ({ actorId, clientAddress: '10.0.0.7', requestId: 'db-test' });
const today = new Date().toISOString().slice(0, 10);
const P = `d${randomUUID().slice(0, 6)}`; // unique ids per run of this file

beforeAll(async () => {
  db = createDb(inject('databaseUrl'), { max: 3 });
  await seedDemo(db);
  actorId = (await db.user.findUniqueOrThrow({ where: { username: 'admin' } })).id;
});
afterAll(async () => {
  await db?.$disconnect();
});

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof OrgAdminError) return err.code;
    throw err;
  }
  return 'accepted';
};

describe('organization tree changes (database)', () => {
  it('creates, renames and moves a subtree: paths, depths, history and audit rows in one transaction', async () => {
    await createOrg(db, ctx(), { id: `${P}-v`, name: '测试村党总支', type: 'village', parentId: 'town-a1', effectiveOn: today, reason: '县委组织部批复' });
    await createOrg(db, ctx(), { id: `${P}-b`, name: '测试村党支部', type: 'branch', parentId: `${P}-v`, effectiveOn: today, reason: '县委组织部批复' });
    await createOrg(db, ctx(), { id: `${P}-g`, name: '第一党小组', type: 'group', parentId: `${P}-b`, effectiveOn: today, reason: '支部决定' });
    expect((await db.orgUnit.findUniqueOrThrow({ where: { id: `${P}-g` } })).path).toBe(`/city/county-a/town-a1/${P}-v/${P}-b/${P}-g/`);

    await renameOrg(db, ctx(), { orgId: `${P}-v`, name: '测试社区党总支', effectiveOn: today, reason: '村改社区' });
    const moved = await moveOrg(db, ctx(), { orgId: `${P}-v`, parentId: 'town-a2', effectiveOn: today, reason: '区划调整' });
    expect(moved).toMatchObject({ path: `/city/county-a/town-a2/${P}-v/`, movedUnits: 3, parentId: 'town-a2' });
    const units = await db.orgUnit.findMany({ where: { id: { startsWith: P } }, orderBy: { depth: 'asc' } });
    expect(units.map((u) => [u.id, u.path, u.depth])).toEqual([
      [`${P}-v`, `/city/county-a/town-a2/${P}-v/`, 3],
      [`${P}-b`, `/city/county-a/town-a2/${P}-v/${P}-b/`, 4],
      [`${P}-g`, `/city/county-a/town-a2/${P}-v/${P}-b/${P}-g/`, 5],
    ]);
    // The supervising chain (what the worker's cache reads) follows the new parent.
    const chain = await uncachedReferenceData(db).supervisingChain(`${P}-g`);
    expect(chain.map((s) => s.orgId)).toEqual(['town-a2', 'county-a', 'city']);

    const history = await db.orgUnitHistory.findMany({ where: { orgId: `${P}-v` }, orderBy: { at: 'asc' } });
    expect(history.map((h) => h.kind)).toEqual(['create', 'rename', 'move']);
    expect(history[2]!.before).toMatchObject({ parentId: 'town-a1', name: '测试社区党总支' });
    const audit = await db.adminAuditLog.findMany({ where: { objectId: `${P}-v` }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['org.create', 'org.rename', 'org.move']);
    expect(audit[1]).toMatchObject({ actorId, clientAddress: '10.0.0.7', before: expect.objectContaining({ name: '测试村党总支' }), after: expect.objectContaining({ name: '测试社区党总支' }) });
  });

  it('refuses what the tree forbids and writes nothing', async () => {
    const before = { units: await db.orgUnit.count(), audit: await db.adminAuditLog.count(), history: await db.orgUnitHistory.count() };
    expect(await refusal(moveOrg(db, ctx(), { orgId: `${P}-v`, parentId: `${P}-b`, effectiveOn: today, reason: '成环' }))).toBe('ORG_MOVE_INVALID');
    expect(await refusal(moveOrg(db, ctx(), { orgId: `${P}-b`, parentId: 'town-b1', effectiveOn: '2999-01-01', reason: '未来日期' }))).toBe('INVALID_EFFECTIVE_DATE');
    expect(await refusal(moveOrg(db, ctx(), { orgId: `${P}-b`, parentId: `${P}-g`, effectiveOn: today, reason: '支部放到党小组下' }))).toBe('ORG_MOVE_INVALID');
    expect(await refusal(createOrg(db, ctx(), { id: `${P}-x`, name: '县委', type: 'county', parentId: 'town-a1', effectiveOn: today, reason: '层级不对' }))).toBe('ORG_LEVEL_INVALID');
    expect(await refusal(createOrg(db, ctx(), { id: 'town-a1', name: '重复', type: 'village', parentId: 'town-a2', effectiveOn: today, reason: '编码重复' }))).toBe('ORG_ID_TAKEN');
    expect(await refusal(dissolveOrg(db, ctx(), { orgId: `${P}-v`, effectiveOn: today, reason: '尚有支部' }))).toBe('ORG_NOT_EMPTY');
    expect(await refusal(dissolveOrg(db, ctx(), { orgId: `${P}-g`, mergedIntoId: `${P}-b`, effectiveOn: today, reason: '级别不同' }))).toBe('ORG_MERGE_INVALID');
    // The database function refuses a cycle by itself too.
    await expect(db.$executeRaw`SELECT org_admin_move(${`${P}-v`}, ${`${P}-g`})`).rejects.toThrow(/cannot move under itself/);
    expect({ units: await db.orgUnit.count(), audit: await db.adminAuditLog.count(), history: await db.orgUnitHistory.count() }).toEqual(before);
    expect((await db.orgUnit.findUniqueOrThrow({ where: { id: `${P}-v` } })).path).toBe(`/city/county-a/town-a2/${P}-v/`);
  });

  it('dissolves a unit into another of its level and keeps its row; a dissolved unit takes no further change', async () => {
    await createOrg(db, ctx(), { id: `${P}-g2`, name: '第二党小组', type: 'group', parentId: `${P}-b`, effectiveOn: today, reason: '支部决定' });
    const done = await dissolveOrg(db, ctx(), { orgId: `${P}-g2`, mergedIntoId: `${P}-g`, effectiveOn: today, reason: '党小组合并' });
    expect(done).toMatchObject({ status: 'dissolved', mergedIntoId: `${P}-g`, dissolvedOn: today });
    expect(await refusal(renameOrg(db, ctx(), { orgId: `${P}-g2`, name: '又改名', effectiveOn: today, reason: '不允许' }))).toBe('ORG_DISSOLVED');
    expect(await refusal(createOrg(db, ctx(), { id: `${P}-g3`, name: '下级', type: 'group', parentId: `${P}-g2`, effectiveOn: today, reason: '不允许' }))).toBe('ORG_DISSOLVED');
  });

  it('keeps the administrative audit log append-only', async () => {
    const row = await db.adminAuditLog.findFirstOrThrow({ where: { objectId: `${P}-v` } });
    await expect(db.$executeRaw`UPDATE admin_audit_log SET reason = 'changed' WHERE id = ${row.id}::uuid`).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`DELETE FROM admin_audit_log WHERE id = ${row.id}::uuid`).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`TRUNCATE admin_audit_log`).rejects.toThrow(/append-only/);
    expect((await db.adminAuditLog.findUniqueOrThrow({ where: { id: row.id } })).reason).toBe(row.reason);
  });

  it('gives a case the path its organization has when it is written', async () => {
    const id = randomUUID();
    const initiator = await db.user.findUniqueOrThrow({ where: { username: 'zhang.zhibu' } });
    // Inside a transaction rolled back at the end: the run's other files never see this case.
    const rollback = new Error('rollback');
    const seen = await db
      .$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO "case" (id, type, workflow_id, org_id, org_path, title, status, stage, initiator_id, input, opened_at, updated_at)
          VALUES (${id}::uuid, 'request-report', ${`wf-${id}`}, ${`${P}-b`}, '/stale/path/', '测试', 'open', 'township-review', ${initiator.id}::uuid, '{}', now(), now())`;
        const row = await tx.case.findUniqueOrThrow({ where: { id } });
        throw Object.assign(rollback, { path: row.orgPath });
      })
      .catch((err: unknown) => (err === rollback ? (rollback as Error & { path: string }).path : Promise.reject(err)));
    expect(seen).toBe(`/city/county-a/town-a2/${P}-v/${P}-b/`);
    expect(await db.case.findUnique({ where: { id } })).toBeNull();
  });
});
