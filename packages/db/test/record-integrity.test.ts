import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import {
  anchorCase,
  anchorChangedChains,
  appendCaseEvent,
  auditRecords,
  createDb,
  eventHash,
  legacyEventHash,
  recordKey,
  recordSettings,
  storedEvents,
  verifyCaseRecord,
  GENESIS_HASH,
  type Db,
} from '../src/index';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../../..');

/** Values PostgreSQL's jsonb and the client used to render differently from JavaScript. */
const AWKWARD = {
  sum: 0.30000000000000004,
  big: 2 ** 64,
  huge: 1e21,
  tiny: 5e-324,
  max: Number.MAX_VALUE,
  negZero: -0,
  unsafe: 2 ** 53 + 1,
  list: [1.5, -1e-7, 123456789012345680000],
  text: 'é e\u0301 😀 \u2028 "引号" \\',
  keys: { b: 1, a: 2, Z: 3, 'é': 4, 'e\u0301': 5, 中: 6, '': 7 },
};

let owner: Db;
let app: Db;

/** Runs SQL as the owner (a superuser here) behind the triggers, as an administrator of the database could. */
async function asAdministrator(sql: (c: pg.Client) => Promise<void>): Promise<void> {
  const c = new pg.Client({ connectionString: inject('databaseUrl') });
  await c.connect();
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    await sql(c);
    await c.query('COMMIT');
  } finally {
    await c.end();
  }
}

async function newCase(): Promise<string> {
  const caseId = randomUUID();
  await owner.case.create({
    data: { id: caseId, type: 't', workflowId: `t:${caseId}`, orgId: 'record-test-org', orgPath: '/record-test-org/', title: 't', status: 'open', stage: 's', initiatorId: randomUUID(), input: {}, openedAt: new Date() },
  });
  return caseId;
}

async function append(db: Db, caseId: string, n: number, data: (i: number) => Record<string, unknown> = (i) => ({ i })): Promise<void> {
  for (let i = 0; i < n; i++) {
    await db.$transaction((tx) => appendCaseEvent(tx, { caseId, idemKey: `e${randomUUID()}`, type: 'test.event', actorName: '测试', data: data(i), at: new Date() }));
  }
}

/**
 * What an attacker holding the record key and the database could do: change event `seq`'s data and
 * recompute every following hash, so the chain alone verifies again.
 */
async function rewriteWithKey(caseId: string, seq: number, data: Record<string, unknown>): Promise<void> {
  const key = recordKey(process.env.RECORD_KEY!);
  const rows = await storedEvents(owner, caseId);
  await asAdministrator(async (c) => {
    let prev = rows[seq - 2]?.hash ?? GENESIS_HASH;
    for (const row of rows.slice(seq - 1)) {
      const [{ text }] = (await c.query<{ text: string }>('SELECT $1::jsonb::text AS text', [row.seq === seq ? JSON.stringify(data) : row.data])).rows as [{ text: string }];
      const hash = eventHash(key, { caseId, seq: row.seq, type: row.type, actorId: row.actor_id, actorName: row.actor_name, orgId: row.org_id, taskId: row.task_id, dataText: text, at: new Date(row.at), prevHash: prev });
      await c.query('UPDATE case_event SET data = $1::jsonb, prev_hash = $2, hash = $3 WHERE case_id = $4 AND seq = $5', [text, prev, hash, caseId, row.seq]);
      prev = hash;
    }
  });
}

beforeAll(async () => {
  owner = createDb(inject('databaseUrl'), { max: 2 });
  app = createDb(inject('appDatabaseUrl'), { max: 2 });
  await owner.orgUnit.upsert({ where: { id: 'record-test-org' }, create: { id: 'record-test-org', name: 'T', type: 'branch', path: '/record-test-org/', depth: 0 }, update: {} });
});
afterAll(async () => {
  // The truncation test deletes a whole case behind the triggers, as an attacker could; rebuild the read
  // models from the rows, as an operator would after such a repair, so later files see them consistent.
  if (owner) await owner.$executeRaw`SELECT read_models_rebuild()`;
  await owner?.$disconnect();
  await app?.$disconnect();
});

describe('concurrent writers', () => {
  it('append to one case one after another: every event gets the next seq and the chain verifies', async () => {
    const caseId = await newCase();
    const pool = createDb(inject('appDatabaseUrl'), { max: 8 });
    try {
      const at = new Date();
      await Promise.all(
        Array.from({ length: 12 }, (_, i) => pool.$transaction((tx) => appendCaseEvent(tx, { caseId, idemKey: `parallel-${i}`, type: 'test.event', actorName: '测试', data: { i }, at }))),
      );
    } finally {
      await pool.$disconnect();
    }
    const rows = await storedEvents(owner, caseId);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await verifyCaseRecord(owner, caseId)).toMatchObject({ valid: true, events: 12 });
  });
});

describe('the record verifies what is stored', () => {
  it('hashes awkward numbers, unicode and key order exactly as stored, and they read back unchanged', async () => {
    const caseId = await newCase();
    await append(app, caseId, 2, (i) => ({ i, ...AWKWARD }));
    expect(await verifyCaseRecord(app, caseId)).toEqual({ valid: true, events: 2, anchored: 0 });
    const [first] = await owner.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
    const data = first!.data as typeof AWKWARD;
    expect(data.sum).toBe(0.30000000000000004);
    expect(data.big).toBe(2 ** 64);
    expect(data.max).toBe(Number.MAX_VALUE);
    expect(data.tiny).toBe(5e-324);
    expect(data.list).toEqual(AWKWARD.list);
    expect(data.text).toBe(AWKWARD.text);
    expect(data.keys).toEqual(AWKWARD.keys);
    // Stored in jsonb exactly (numeric keeps every digit JavaScript gave it).
    const [{ sum }] = await owner.$queryRaw<[{ sum: string }]>`SELECT data->>'sum' AS sum FROM case_event WHERE case_id = ${caseId}::uuid AND seq = 1`;
    expect(sum).toBe('0.30000000000000004');
  });

  it('stores what PostgreSQL cannot hold (U+0000, lone surrogates) as U+FFFD, and still verifies', async () => {
    const caseId = await newCase();
    await app.$transaction((tx) => appendCaseEvent(tx, { caseId, idemKey: 'x', type: 'test.event', actorName: 'a\u0000b', data: { s: 'x\u0000y\ud800z', ['k\udc00']: 1 }, at: new Date() }));
    const [e] = await owner.caseEvent.findMany({ where: { caseId } });
    expect(e!.actorName).toBe('a\ufffdb');
    expect(e!.data).toEqual({ s: 'x\ufffdy\ufffdz', 'k\ufffd': 1 });
    expect((await verifyCaseRecord(app, caseId)).valid).toBe(true);
  });
});

describe('the keyed, anchored chain', () => {
  it('detects an edit whose following hashes were recomputed with the public (unkeyed) algorithm', async () => {
    const caseId = await newCase();
    await append(app, caseId, 3);
    const rows = await storedEvents(owner, caseId);
    await asAdministrator(async (c) => {
      let prev = rows[0]!.hash;
      for (const row of rows.slice(1)) {
        const data = row.seq === 2 ? { i: 99 } : JSON.parse(row.data);
        const hash = legacyEventHash({ caseId, seq: row.seq, type: row.type, actorId: row.actor_id, actorName: row.actor_name, orgId: row.org_id, taskId: row.task_id, data, at: new Date(row.at), prevHash: prev });
        await c.query('UPDATE case_event SET data = $1, prev_hash = $2, hash = $3, chain_version = 1 WHERE case_id = $4 AND seq = $5', [JSON.stringify(data), prev, hash, caseId, row.seq]);
        prev = hash;
      }
    });
    // A version-1 event after a keyed one is a downgrade, refused.
    expect(await verifyCaseRecord(app, caseId)).toEqual({ valid: false, events: 3, anchored: 0, problem: 'tampered', brokenAtSeq: 2 });
  });

  it('detects an edit without the key at the edited event', async () => {
    const caseId = await newCase();
    await append(app, caseId, 3);
    await asAdministrator(async (c) => {
      await c.query(`UPDATE case_event SET data = '{"i": 42}' WHERE case_id = $1 AND seq = 2`, [caseId]);
    });
    expect(await verifyCaseRecord(app, caseId)).toMatchObject({ valid: false, problem: 'tampered', brokenAtSeq: 2 });
  });

  it('detects, by the anchor, an edit made with the key and all following hashes recomputed', async () => {
    const caseId = await newCase();
    await append(app, caseId, 3);
    expect((await anchorCase(app, caseId)).anchored).toBe(1);
    await append(app, caseId, 1);
    expect(await verifyCaseRecord(app, caseId)).toEqual({ valid: true, events: 4, anchored: 3 });
    await rewriteWithKey(caseId, 2, { i: 'forged' });
    expect(await verifyCaseRecord(app, caseId)).toEqual({ valid: false, events: 4, anchored: 3, problem: 'tampered', brokenAtSeq: 3 });
  });

  it('an unanchored tail rewritten with the key is not detectable: what the anchor covers is what is guaranteed', async () => {
    const caseId = await newCase();
    await append(app, caseId, 2);
    await anchorCase(app, caseId);
    await append(app, caseId, 2);
    await rewriteWithKey(caseId, 4, { i: 'forged' });
    expect(await verifyCaseRecord(app, caseId)).toEqual({ valid: true, events: 4, anchored: 2 });
  });

  it('detects the last events deleted (truncation) and a whole chain deleted', async () => {
    const caseId = await newCase();
    await append(app, caseId, 4);
    await anchorCase(app, caseId);
    await asAdministrator((c) => c.query('DELETE FROM case_event WHERE case_id = $1 AND seq > 2', [caseId]).then(() => undefined));
    expect(await verifyCaseRecord(app, caseId)).toEqual({ valid: false, events: 2, anchored: 4, problem: 'truncated', brokenAtSeq: 3 });
    await asAdministrator(async (c) => {
      await c.query('DELETE FROM case_event WHERE case_id = $1', [caseId]);
      await c.query('DELETE FROM "case" WHERE id = $1', [caseId]);
    });
    const audit = await auditRecords(owner);
    expect(audit.cases.find((c) => c.caseId === caseId)).toEqual({ caseId, status: 'truncated', events: 0, anchored: 4, brokenAtSeq: 1 });
  });

  it('ignores and reports anchor lines whose signature does not verify', async () => {
    const caseId = await newCase();
    await append(app, caseId, 2);
    const anchors = recordSettings().anchors!;
    const invalid = (await auditRecords(owner, [])).invalidAnchorLines;
    // A forged anchor claiming 5 events would make the case look truncated if it were believed.
    appendFileSync(anchors.file, `${JSON.stringify({ at: new Date().toISOString(), caseId, events: 5, head: 'f'.repeat(64), keyId: recordSettings().keys[0]!.id, sig: '0'.repeat(64) })}\nnot json\n`);
    expect(await verifyCaseRecord(app, caseId)).toEqual({ valid: true, events: 2, anchored: 0 });
    expect((await auditRecords(owner, [caseId])).invalidAnchorLines).toBe(invalid + 2);
  });

  it('periodic anchoring seals every chain that grew, and refuses to seal a broken one', async () => {
    const grown = await newCase();
    const broken = await newCase();
    await append(app, grown, 2);
    await append(app, broken, 2);
    await asAdministrator((c) => c.query(`UPDATE case_event SET type = 'x' WHERE case_id = $1 AND seq = 1`, [broken]).then(() => undefined));
    const run = await anchorChangedChains(app);
    expect(run.refused.map((r) => r.caseId)).toContain(broken);
    expect(run.refused.map((r) => r.caseId)).not.toContain(grown);
    expect((await verifyCaseRecord(app, grown)).anchored).toBe(2);
    expect((await verifyCaseRecord(app, broken)).anchored).toBe(0);
    // Nothing grew since: the next pass writes nothing for it.
    const lines = readFileSync(recordSettings().anchors!.file, 'utf8').split('\n').filter((l) => l.includes(grown)).length;
    await anchorChangedChains(app);
    expect(readFileSync(recordSettings().anchors!.file, 'utf8').split('\n').filter((l) => l.includes(grown)).length).toBe(lines);
  });

  it('still verifies version-1 (unkeyed) events written before the keyed chain, followed by keyed ones', async () => {
    const caseId = await newCase();
    const at = new Date();
    const fields = { caseId, seq: 1, type: 'legacy', actorId: null, actorName: '旧', orgId: null, taskId: null, data: { a: 1 }, at, prevHash: GENESIS_HASH };
    const hash = legacyEventHash(fields);
    await owner.$executeRaw`INSERT INTO case_event (case_id, seq, idem_key, type, actor_name, data, at, prev_hash, hash) VALUES (${caseId}::uuid, 1, 'legacy', 'legacy', '旧', '{"a": 1}'::jsonb, ${at}, ${GENESIS_HASH}, ${hash})`;
    await append(app, caseId, 2);
    const rows = await storedEvents(owner, caseId);
    expect(rows.map((r) => r.chain_version)).toEqual([1, 2, 2]);
    expect(await verifyCaseRecord(app, caseId)).toEqual({ valid: true, events: 3, anchored: 0 });
  });

  it('a wrong key verifies nothing', async () => {
    const caseId = await newCase();
    await append(app, caseId, 1);
    const rows = await storedEvents(owner, caseId);
    const other = recordKey('another key of at least thirty-two characters');
    const r = rows[0]!;
    const forged = eventHash(other, { caseId, seq: 1, type: r.type, actorId: r.actor_id, actorName: r.actor_name, orgId: r.org_id, taskId: r.task_id, dataText: r.data, at: new Date(r.at), prevHash: GENESIS_HASH });
    expect(forged).not.toBe(r.hash);
  });
});

describe('the least-privilege application role', () => {
  async function asApp<T>(sql: string): Promise<T> {
    const c = new pg.Client({ connectionString: inject('appDatabaseUrl') });
    await c.connect();
    try {
      return (await c.query(sql)).rows as T;
    } finally {
      await c.end();
    }
  }

  it('is no superuser and cannot bypass the triggers, change or remove the record, or change the schema', async () => {
    const [role] = await asApp<Array<{ rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean; rolbypassrls: boolean }>>('SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = current_user');
    expect(role).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false });
    const caseId = await newCase();
    await append(app, caseId, 1);
    await expect(asApp('SET session_replication_role = replica')).rejects.toThrow(/permission denied/);
    await expect(asApp(`UPDATE case_event SET type = 'forged' WHERE case_id = '${caseId}'`)).rejects.toThrow(/permission denied/);
    await expect(asApp(`DELETE FROM case_event WHERE case_id = '${caseId}'`)).rejects.toThrow(/permission denied/);
    await expect(asApp('TRUNCATE case_event CASCADE')).rejects.toThrow(/permission denied/);
    await expect(asApp('ALTER TABLE case_event DISABLE TRIGGER case_event_no_update_delete')).rejects.toThrow(/must be owner/);
    await expect(asApp('ALTER TABLE case_event ADD COLUMN x int')).rejects.toThrow(/must be owner/);
    await expect(asApp('DROP TABLE case_event')).rejects.toThrow(/must be owner/);
    await expect(asApp('CREATE TABLE evil (id int)')).rejects.toThrow(/permission denied/);
    await expect(asApp(`DELETE FROM _prisma_migrations`)).rejects.toThrow(/permission denied/);
    expect(await owner.caseEvent.count({ where: { caseId } })).toBe(1);
  });

  it('still does what the application needs: append to the record and update the projections', async () => {
    const caseId = await newCase();
    await append(app, caseId, 1);
    await app.case.update({ where: { id: caseId }, data: { stage: 'next' } });
    expect((await verifyCaseRecord(app, caseId)).valid).toBe(true);
  });
});

describe('the auditor tool (pnpm audit:verify)', () => {
  it('reports every case, ok / tampered at event N / truncated, with exit code 1 when one is broken', async () => {
    const ok = await newCase();
    const tampered = await newCase();
    const truncated = await newCase();
    for (const id of [ok, tampered, truncated]) {
      await append(app, id, 3);
      await anchorCase(app, id);
    }
    await rewriteWithKey(tampered, 2, { i: 'forged' });
    await asAdministrator((c) => c.query('DELETE FROM case_event WHERE case_id = $1 AND seq = 3', [truncated]).then(() => undefined));
    const env = { ...process.env, DATABASE_URL: inject('appDatabaseUrl'), DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'audit-')) };
    const result = await run(process.execPath, ['--import', 'tsx', 'infra/src/audit-verify.ts'], { cwd: repoRoot, env }).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^ok +${ok}  3 events, 3 anchored$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^tampered +${tampered}  at event 3 `, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^truncated +${truncated}  3 events anchored, 2 found$`, 'm'));
    // Without the key it cannot verify and says so.
    const noKey = await run(process.execPath, ['--import', 'tsx', 'infra/src/audit-verify.ts'], { cwd: repoRoot, env: { ...env, RECORD_KEY: '' } }).catch((e: { code: number; stderr: string }) => e);
    expect(noKey).toMatchObject({ code: 2, stderr: expect.stringMatching(/record-key/) });
  });
});
