import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from './client';
import type { Prisma } from './generated/client';
import { AnchorLog, type Anchor } from './record-anchor';

type Tx = Prisma.TransactionClient;

export const GENESIS_HASH = '0'.repeat(64);

/**
 * How an event's hash was formed. 1: SHA-256 over the JavaScript value before storage (unkeyed; rows
 * written before the keyed chain, still verified by that rule). 2: HMAC-SHA-256 under the record key
 * over the values exactly as PostgreSQL stores them (jsonb's own text form for `data`).
 */
export const CHAIN_VERSION = 2;

export type NewCaseEvent = {
  caseId: string;
  /** Unique within the case: a retried activity finds its row instead of writing a second one. */
  idemKey: string;
  type: string;
  actorId?: string | null | undefined;
  actorName?: string | null | undefined;
  orgId?: string | null | undefined;
  taskId?: string | null | undefined;
  data?: Record<string, unknown> | undefined;
  at: Date;
};

// --- configuration: the key lives outside the database (RECORD_KEY), the anchors in a file -----------

export type RecordKey = { id: string; chain: Buffer; anchor: Buffer };
export type RecordSettings = { keys: RecordKey[]; anchors: AnchorLog | undefined };

export class RecordConfigError extends Error {}

/** Derives the chain and anchor keys from a secret; the id (a digest, not the key) names it on each row. */
export function recordKey(secret: string): RecordKey {
  if (secret.length < 32) throw new RecordConfigError('RECORD_KEY must be at least 32 characters');
  const derive = (label: string) => createHmac('sha256', secret).update(label).digest();
  return { id: createHash('sha256').update(`dj-record-key-id\n${secret}`).digest('hex').slice(0, 16), chain: derive('dj-record-chain-v2'), anchor: derive('dj-record-anchor-v1') };
}

let settings: RecordSettings | undefined;

/**
 * Sets the record key (the first signs new events; the others, earlier keys after a rotation, still
 * verify) and the anchor file. Without a call, RECORD_KEY, RECORD_PREVIOUS_KEYS (comma-separated) and
 * RECORD_ANCHOR_FILE are read from the environment on first use.
 */
export function configureRecord(options: { key: string; previousKeys?: string[] | undefined; anchorFile?: string | undefined }): RecordSettings {
  const keys = [recordKey(options.key), ...(options.previousKeys ?? []).map(recordKey)];
  settings = { keys, anchors: options.anchorFile ? new AnchorLog(options.anchorFile, keys) : undefined };
  return settings;
}

export function recordSettings(env: Record<string, string | undefined> = process.env): RecordSettings {
  if (settings) return settings;
  const key = env.RECORD_KEY?.trim();
  if (!key) throw new RecordConfigError('RECORD_KEY is not set: the case record cannot be written or verified without its key');
  return configureRecord({
    key,
    previousKeys: env.RECORD_PREVIOUS_KEYS?.split(',').map((k) => k.trim()).filter(Boolean),
    anchorFile: env.RECORD_ANCHOR_FILE?.trim() || undefined,
  });
}

// --- hashing ---------------------------------------------------------------------------------------

/** JSON with object keys sorted (the unkeyed version 1 hashed this form of the value before storage). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * PostgreSQL text cannot hold U+0000 and its jsonb refuses unpaired surrogates; both become U+FFFD
 * before storage, so what is stored is exactly what was given otherwise.
 */
export function storableText(s: string): string {
  // eslint-disable-next-line no-control-regex -- U+0000 is exactly what must go
  return s.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function storableValue(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(storableValue);
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [storableText(k), storableValue(v)]));
}

type HashedFields = {
  caseId: string;
  seq: number;
  type: string;
  actorId: string | null;
  actorName: string | null;
  orgId: string | null;
  taskId: string | null;
  data: unknown;
  at: Date;
  prevHash: string;
};

/** The fields both versions hash, in their order; versions differ in the form of `data` and in the MAC. */
function hashedBody(e: Omit<HashedFields, 'data'>, data: unknown): string {
  return canonicalJson({ caseId: e.caseId, seq: e.seq, type: e.type, actorId: e.actorId, actorName: e.actorName, orgId: e.orgId, taskId: e.taskId, data, at: e.at.toISOString() });
}

/** Version 1 (unkeyed), kept to verify events written before version 2. */
export function legacyEventHash(e: HashedFields): string {
  const body = hashedBody(e, e.data);
  return createHash('sha256').update(e.prevHash).update('\n').update(body).digest('hex');
}

/** The stored form of an event: every value as PostgreSQL gives it back, `data` as jsonb's text. */
type StoredFields = Omit<HashedFields, 'data'> & { dataText: string };

/** Version 2: HMAC-SHA-256 under the record key over the stored form. */
export function eventHash(key: RecordKey, e: StoredFields): string {
  const body = hashedBody(e, e.dataText);
  return createHmac('sha256', key.chain).update(e.prevHash).update('\n').update(body).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

// --- writing ---------------------------------------------------------------------------------------

/**
 * Appends one event to a case's record inside the caller's transaction. The case row is locked so
 * concurrent writers of the same case chain one after another.
 */
export async function appendCaseEvent(tx: Tx, event: NewCaseEvent): Promise<{ seq: number; hash: string }> {
  const key = recordSettings().keys[0]!;
  // Lock the case first, in a statement of its own: events of a case chain one after another. The head
  // must be read by a later statement — in READ COMMITTED a statement that waited for the lock still sees
  // the snapshot it started with, so reading the head in the locking statement could miss the event the
  // other writer just committed (a duplicate seq).
  const [locked] = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "case" WHERE id = ${event.caseId}::uuid FOR UPDATE`;
  // Then one round trip: an event already written under this idempotency key, the chain's head, and
  // PostgreSQL's own renderings of the new event's fields (jsonb keeps numbers as exact decimals and has
  // its own key order, and the client rounds numbers on the way in: those renderings are what is hashed
  // and stored).
  const text = (v: string | null | undefined) => (v == null ? null : storableText(v));
  const [row] = locked
    ? await tx.$queryRaw<
        Array<{ existing_seq: number | null; existing_hash: string | null; last_seq: number | null; last_hash: string | null; type: string; actor_id: string | null; actor_name: string | null; org_id: string | null; task_id: string | null; data: string; at: Date }>
      >`
    SELECT (SELECT e.seq FROM case_event e WHERE e.case_id = ${event.caseId}::uuid AND e.idem_key = ${event.idemKey}) AS existing_seq,
           (SELECT e.hash FROM case_event e WHERE e.case_id = ${event.caseId}::uuid AND e.idem_key = ${event.idemKey}) AS existing_hash,
           h.seq AS last_seq, h.hash AS last_hash,
           ${storableText(event.type)}::text AS type, ${text(event.actorId)}::uuid::text AS actor_id, ${text(event.actorName)}::text AS actor_name,
           ${text(event.orgId)}::text AS org_id, ${text(event.taskId)}::uuid::text AS task_id,
           ${canonicalJson(storableValue(event.data ?? {}))}::jsonb::text AS data, ${event.at.toISOString()}::timestamptz(3) AS at
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (SELECT e.seq, e.hash FROM case_event e WHERE e.case_id = ${event.caseId}::uuid ORDER BY e.seq DESC LIMIT 1) h ON true`
    : [];
  if (!row) throw Object.assign(new Error(`case ${event.caseId} does not exist`), { name: 'DatabaseError', code: '23503' });
  if (row.existing_seq !== null) return { seq: row.existing_seq, hash: row.existing_hash! };
  const last = row.last_seq === null ? undefined : { seq: row.last_seq, hash: row.last_hash! };
  const fields: StoredFields = {
    caseId: event.caseId.toLowerCase(),
    seq: (last?.seq ?? 0) + 1,
    type: row.type,
    actorId: row.actor_id,
    actorName: row.actor_name,
    orgId: row.org_id,
    taskId: row.task_id,
    dataText: row.data,
    at: new Date(row.at),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const hash = eventHash(key, fields);
  await tx.$executeRaw`
    INSERT INTO case_event (case_id, seq, idem_key, type, actor_id, actor_name, org_id, task_id, data, at, prev_hash, hash, chain_version, key_id)
    VALUES (${fields.caseId}::uuid, ${fields.seq}, ${event.idemKey}, ${fields.type}, ${fields.actorId}::uuid, ${fields.actorName}, ${fields.orgId},
            ${fields.taskId}::uuid, ${fields.dataText}::jsonb, ${fields.at.toISOString()}::timestamptz(3), ${fields.prevHash}, ${hash}, ${CHAIN_VERSION}, ${key.id})`;
  return { seq: fields.seq, hash };
}

// --- verifying -------------------------------------------------------------------------------------

export type RecordProblem = 'tampered' | 'truncated';

export type RecordVerification = {
  valid: boolean;
  /** Events found in the database. */
  events: number;
  /** Events covered by the latest anchor of this case (0: not anchored yet, or no anchor file configured). */
  anchored: number;
  problem?: RecordProblem;
  /**
   * tampered: the first event that does not verify (with a valid key chain, an edit found only by an
   * anchor is at or before this event). truncated: the first anchored event that is missing.
   */
  brokenAtSeq?: number;
};

type StoredRow = {
  seq: number;
  type: string;
  actor_id: string | null;
  actor_name: string | null;
  org_id: string | null;
  task_id: string | null;
  data: string;
  at: Date;
  prev_hash: string;
  hash: string;
  chain_version: number;
  key_id: string | null;
};

function eventVerifies(keys: RecordKey[], caseId: string, row: StoredRow, afterV2: boolean): boolean {
  const fields = { caseId, seq: row.seq, type: row.type, actorId: row.actor_id, actorName: row.actor_name, orgId: row.org_id, taskId: row.task_id, at: new Date(row.at), prevHash: row.prev_hash };
  if (row.chain_version === 1) {
    // An unkeyed event after a keyed one would be a downgrade, not history.
    return !afterV2 && sameHex(legacyEventHash({ ...fields, data: JSON.parse(row.data) }), row.hash);
  }
  if (row.chain_version !== CHAIN_VERSION) return false;
  const key = keys.find((k) => k.id === row.key_id);
  return key !== undefined && sameHex(eventHash(key, { ...fields, dataText: row.data }), row.hash);
}

/** Checks a case's events against their chain and against the anchors of the case. */
export function checkChain(keys: RecordKey[], caseId: string, rows: StoredRow[], anchors: Anchor[]): RecordVerification & { head: string } {
  let prevHash = GENESIS_HASH;
  let afterV2 = false;
  const anchored = anchors.reduce((n, a) => Math.max(n, a.events), 0);
  const base = { events: rows.length, anchored };
  for (const [i, row] of rows.entries()) {
    const ok = row.seq === i + 1 && row.prev_hash === prevHash && eventVerifies(keys, caseId, row, afterV2);
    if (!ok) return { valid: false, ...base, problem: 'tampered', brokenAtSeq: row.seq, head: prevHash };
    afterV2 ||= row.chain_version !== 1;
    prevHash = row.hash;
  }
  // Every anchor must still match: an edit with following hashes recomputed changes the anchored head,
  // deleting the last events leaves fewer than were anchored.
  for (const a of [...anchors].sort((x, y) => x.events - y.events)) {
    if (a.events > rows.length) return { valid: false, ...base, problem: 'truncated', brokenAtSeq: rows.length + 1, head: prevHash };
    if (!sameHex(rows[a.events - 1]!.hash, a.head)) return { valid: false, ...base, problem: 'tampered', brokenAtSeq: a.events, head: prevHash };
  }
  return { valid: true, ...base, head: prevHash };
}

export async function storedEvents(db: Db | Tx, caseId: string): Promise<StoredRow[]> {
  return db.$queryRaw<StoredRow[]>`
    SELECT seq, type, actor_id::text AS actor_id, actor_name, org_id, task_id::text AS task_id, data::text AS data, at, prev_hash, hash, chain_version, key_id
    FROM case_event WHERE case_id = ${caseId}::uuid ORDER BY seq`;
}

async function verifyWithHead(db: Db | Tx, caseId: string): Promise<RecordVerification & { head: string }> {
  const { keys, anchors } = recordSettings();
  const rows = await storedEvents(db, caseId);
  return checkChain(keys, caseId.toLowerCase(), rows, anchors?.forCase(caseId) ?? []);
}

/** Recomputes the keyed hash chain of a case's record and checks it against the case's anchors. */
export async function verifyCaseRecord(db: Db | Tx, caseId: string): Promise<RecordVerification> {
  const { head: _head, ...verification } = await verifyWithHead(db, caseId);
  return verification;
}

// --- anchoring -------------------------------------------------------------------------------------

export type AnchorRun = { anchored: number; refused: Array<{ caseId: string; verification: RecordVerification }> };

async function anchorCases(db: Db, caseIds: string[]): Promise<AnchorRun> {
  const { anchors } = recordSettings();
  const run: AnchorRun = { anchored: 0, refused: [] };
  if (!anchors) return run;
  const heads: Array<{ caseId: string; events: number; head: string }> = [];
  for (const caseId of caseIds) {
    const { head, ...verification } = await verifyWithHead(db, caseId);
    // A chain that no longer verifies is not sealed in its broken state; the auditor reports it.
    if (!verification.valid) run.refused.push({ caseId, verification });
    else if (verification.events > verification.anchored) heads.push({ caseId, events: verification.events, head });
  }
  anchors.append(heads);
  run.anchored = heads.length;
  return run;
}

/** Writes the head of one case's chain to the anchor file (at the close of the case). */
export function anchorCase(db: Db, caseId: string): Promise<AnchorRun> {
  return anchorCases(db, [caseId.toLowerCase()]);
}

/** Writes the head of every chain that grew since its last anchor (the periodic anchoring). */
export async function anchorChangedChains(db: Db): Promise<AnchorRun> {
  const { anchors } = recordSettings();
  if (!anchors) return { anchored: 0, refused: [] };
  const counts = await db.$queryRaw<Array<{ case_id: string; events: number }>>`SELECT case_id::text AS case_id, max(seq) AS events FROM case_event GROUP BY case_id`;
  const changed = counts.filter((c) => c.events > anchors.forCase(c.case_id).reduce((n, a) => Math.max(n, a.events), 0)).map((c) => c.case_id);
  return anchorCases(db, changed);
}

// --- auditing --------------------------------------------------------------------------------------

export type CaseAudit = {
  caseId: string;
  status: 'ok' | 'tampered' | 'truncated';
  events: number;
  anchored: number;
  brokenAtSeq?: number;
};

export type RecordAudit = {
  /** The anchor file checked, or null when none is configured (then only the key chain is checked). */
  anchorFile: string | null;
  anchorLines: number;
  /** Lines that do not parse or carry no valid signature: forged or damaged anchors. */
  invalidAnchorLines: number;
  /** The anchor file got shorter while we read it. */
  anchorFileShrunk: boolean;
  summary: { cases: number; ok: number; tampered: number; truncated: number };
  cases: CaseAudit[];
};

/**
 * Verifies the given cases' records against their keys and anchors; without `caseIds`, every case in
 * the database and every case the anchor file names (a case whose rows were all deleted is truncated).
 */
export async function auditRecords(db: Db, caseIds?: string[]): Promise<RecordAudit> {
  const { anchors } = recordSettings();
  let ids = caseIds;
  if (!ids) {
    const rows = await db.$queryRaw<Array<{ id: string }>>`SELECT id::text AS id FROM "case" UNION SELECT DISTINCT case_id::text FROM case_event`;
    ids = [...new Set([...rows.map((r) => r.id), ...(anchors?.caseIds() ?? [])])].sort();
  }
  const cases: CaseAudit[] = [];
  for (const caseId of ids) {
    const v = await verifyCaseRecord(db, caseId);
    cases.push({ caseId, status: v.valid ? 'ok' : v.problem ?? 'tampered', events: v.events, anchored: v.anchored, ...(v.brokenAtSeq === undefined ? {} : { brokenAtSeq: v.brokenAtSeq }) });
  }
  const count = (s: CaseAudit['status']) => cases.filter((c) => c.status === s).length;
  return {
    anchorFile: anchors?.file ?? null,
    anchorLines: anchors?.lines ?? 0,
    invalidAnchorLines: anchors?.invalidLines ?? 0,
    anchorFileShrunk: anchors?.shrunk ?? false,
    summary: { cases: cases.length, ok: count('ok'), tampered: count('tampered'), truncated: count('truncated') },
    cases,
  };
}
