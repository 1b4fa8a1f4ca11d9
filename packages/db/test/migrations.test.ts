import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { appendCaseEvent, createDb, verifyCaseRecord, type Db } from '../src/index';
import { migrateDatabase, schemaSql } from '../src/migrate';

/** Scratch databases named after this run's test database, so parallel checkouts never share one. */
const scratch = (suffix: string) => `${new URL(inject('databaseUrl')).pathname.slice(1)}_${suffix}`;

function urlFor(name: string): string {
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}

async function recreate(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: urlFor('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return urlFor(name);
}

/** Everything about the schema that Prisma controls, in a comparable form. */
async function catalog(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const q = async (sql: string) => (await c.query(sql)).rows;
  const snapshot = {
    columns: await q(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
                      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
                      ORDER BY table_name, column_name`),
    indexes: await q(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY indexname`),
    constraints: await q(`SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
                          WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations' ORDER BY conname`),
    enums: await q(`SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid ORDER BY t.typname, e.enumsortorder`),
  };
  await c.end();
  return snapshot;
}

describe('migrations', () => {
  let migratedUrl: string;
  beforeAll(async () => {
    migratedUrl = await recreate(scratch('migrated'));
    await migrateDatabase(migratedUrl);
  });

  it('applied to an empty database, give exactly the schema of schema.prisma', async () => {
    const pushedUrl = await recreate(scratch('pushed'));
    const c = new pg.Client({ connectionString: pushedUrl });
    await c.connect();
    await c.query(await schemaSql(pushedUrl));
    await c.end();
    const [migrated, pushed] = await Promise.all([catalog(migratedUrl), catalog(pushedUrl)]);
    expect(migrated.columns.length).toBeGreaterThan(50);
    expect(migrated).toEqual(pushed);
  });

  it('are idempotent', async () => {
    await expect(migrateDatabase(migratedUrl)).resolves.toBeUndefined();
  });
});

describe('the case record (全程纪实)', () => {
  let db: Db;
  let url: string;
  beforeAll(async () => {
    url = inject('databaseUrl');
    db = createDb(url, { max: 2 });
    await db.orgUnit.upsert({ where: { id: 'record-test-org' }, create: { id: 'record-test-org', name: 'T', type: 'branch', path: '/record-test-org/', depth: 0 }, update: {} });
  });
  afterAll(async () => {
    await db.$disconnect();
  });

  async function newCaseWithEvents(n: number): Promise<string> {
    const caseId = randomUUID();
    await db.case.create({
      data: { id: caseId, type: 't', workflowId: `t:${caseId}`, orgId: 'record-test-org', orgPath: '/record-test-org/', title: 't', status: 'open', stage: 's', initiatorId: randomUUID(), input: {}, openedAt: new Date() },
    });
    for (let i = 0; i < n; i++) {
      await db.$transaction((tx) => appendCaseEvent(tx, { caseId, idemKey: `e${i}`, type: 'test.event', actorName: '测试', data: { i, nested: { b: 1, a: [1, 'x'] } }, at: new Date() }));
    }
    return caseId;
  }

  it('chains every event to the previous one and verifies; a retried write adds nothing', async () => {
    const caseId = await newCaseWithEvents(3);
    const again = await db.$transaction((tx) => appendCaseEvent(tx, { caseId, idemKey: 'e1', type: 'test.event', data: {}, at: new Date() }));
    expect(again.seq).toBe(2);
    const events = await db.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(await verifyCaseRecord(db, caseId)).toEqual({ valid: true, events: 3, anchored: 0 });
  });

  it('is refused UPDATE, DELETE and TRUNCATE by the database', async () => {
    const caseId = await newCaseWithEvents(1);
    await expect(db.$executeRaw`UPDATE case_event SET type = 'forged' WHERE case_id = ${caseId}::uuid`).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`DELETE FROM case_event WHERE case_id = ${caseId}::uuid`).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe('TRUNCATE case_event CASCADE')).rejects.toThrow(/append-only/);
    expect(await db.caseEvent.count({ where: { caseId } })).toBe(1);
  });

  it('detects tampering done behind the triggers', async () => {
    const caseId = await newCaseWithEvents(3);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    // A superuser can switch triggers off; the hash chain still exposes the edit.
    await c.query('BEGIN');
    await c.query('ALTER TABLE case_event DISABLE TRIGGER case_event_no_update_delete');
    await c.query(`UPDATE case_event SET data = '{"i": 99}' WHERE case_id = $1 AND seq = 2`, [caseId]);
    await c.query('ALTER TABLE case_event ENABLE TRIGGER case_event_no_update_delete');
    await c.query('COMMIT');
    await c.end();
    expect(await verifyCaseRecord(db, caseId)).toEqual({ valid: false, events: 3, anchored: 0, problem: 'tampered', brokenAtSeq: 2 });
  });
});
