import { createHash } from 'node:crypto';
import type { Db } from './client';
import type { Prisma } from './generated/client';

type Tx = Prisma.TransactionClient;

export const GENESIS_HASH = '0'.repeat(64);

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

/** JSON with object keys sorted, so the hash survives jsonb's key reordering. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
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

export function eventHash(e: HashedFields): string {
  const body = canonicalJson({
    caseId: e.caseId,
    seq: e.seq,
    type: e.type,
    actorId: e.actorId,
    actorName: e.actorName,
    orgId: e.orgId,
    taskId: e.taskId,
    data: e.data,
    at: e.at.toISOString(),
  });
  return createHash('sha256').update(e.prevHash).update('\n').update(body).digest('hex');
}

/**
 * Appends one event to a case's record inside the caller's transaction. The case row is locked so
 * concurrent writers of the same case chain one after another.
 */
export async function appendCaseEvent(tx: Tx, event: NewCaseEvent): Promise<{ seq: number; hash: string }> {
  await tx.$queryRaw`SELECT id FROM "case" WHERE id = ${event.caseId}::uuid FOR UPDATE`;
  const existing = await tx.caseEvent.findUnique({
    where: { caseId_idemKey: { caseId: event.caseId, idemKey: event.idemKey } },
    select: { seq: true, hash: true },
  });
  if (existing) return existing;
  const last = await tx.caseEvent.findFirst({
    where: { caseId: event.caseId },
    orderBy: { seq: 'desc' },
    select: { seq: true, hash: true },
  });
  const fields: HashedFields = {
    caseId: event.caseId,
    seq: (last?.seq ?? 0) + 1,
    type: event.type,
    actorId: event.actorId ?? null,
    actorName: event.actorName ?? null,
    orgId: event.orgId ?? null,
    taskId: event.taskId ?? null,
    data: JSON.parse(JSON.stringify(event.data ?? {})),
    at: event.at,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const hash = eventHash(fields);
  await tx.caseEvent.create({
    data: { ...fields, idemKey: event.idemKey, data: fields.data as Prisma.InputJsonValue, hash },
  });
  return { seq: fields.seq, hash };
}

export type RecordVerification = { valid: boolean; events: number; brokenAtSeq?: number };

/** Recomputes the hash chain of a case's record. */
export async function verifyCaseRecord(db: Db | Tx, caseId: string): Promise<RecordVerification> {
  const events = await db.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const e of events) {
    const ok =
      e.seq === expectedSeq &&
      e.prevHash === prevHash &&
      eventHash({ ...e, data: e.data }) === e.hash;
    if (!ok) return { valid: false, events: events.length, brokenAtSeq: e.seq };
    prevHash = e.hash;
    expectedSeq += 1;
  }
  return { valid: true, events: events.length };
}
