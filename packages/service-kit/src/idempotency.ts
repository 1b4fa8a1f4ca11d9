import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { Db } from '@dj/db';
import { httpError } from './errors';

/** The optional `Idempotency-Key` request header, as every route that takes one declares it. */
export const IdempotencyKeyHeader = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' })) });

/** How long an answer is kept for a retry with the same key. */
const KEEP_DAYS = 7;

export type IdempotentCall = {
  userId: string;
  key: string | undefined;
  /** What the key is used for, e.g. `POST /api/cases` or `task-action <taskId>`. */
  scope: string;
  /** The request as the client sent it (hashed, never stored). */
  request: unknown;
};

export type Answer = { statusCode: number; body: unknown };

/** JSON with object keys sorted, so the same request always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A stable id derived from a user's key, for engines that deduplicate by id (workflow ids, Update ids). */
export function idFromKey(userId: string, key: string, purpose: string): string {
  const h = createHash('sha256').update(`${purpose}\n${userId}\n${key}`).digest('hex');
  // shaped as a UUID (version nibble 5-like), so it fits uuid columns
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Runs `perform` once per (user, key): the first successful answer is stored, and a request with a key
 * already answered gets that answer again (`replayed`), whatever happened since (the task closed, the
 * case moved on). Reusing a key for a different request is refused. Errors are not stored, so a retry
 * after a failure acts again; `perform` itself must then deduplicate through the engine (the Update id or
 * the workflow id derived from the key), which also covers a crash between acting and storing.
 */
export async function idempotent(db: Db, call: IdempotentCall, perform: () => Promise<Answer>): Promise<Answer & { replayed: boolean }> {
  if (!call.key) return { ...(await perform()), replayed: false };
  const requestHash = createHash('sha256').update(`${call.scope}\n${canonical(call.request)}`).digest('hex');
  const where = { userId_key: { userId: call.userId, key: call.key } };
  const replay = async () => {
    const row = await db.idempotentRequest.findUnique({ where });
    if (!row) return undefined;
    if (row.scope !== call.scope || row.requestHash !== requestHash) throw httpError('IDEMPOTENCY_KEY_REUSED');
    return { statusCode: row.statusCode, body: JSON.parse(row.body) as unknown, replayed: true };
  };
  const earlier = await replay();
  if (earlier) return earlier;

  const answer = await perform();
  await db.idempotentRequest.createMany({
    data: [{ userId: call.userId, key: call.key, scope: call.scope, requestHash, statusCode: answer.statusCode, body: JSON.stringify(answer.body) }],
    skipDuplicates: true,
  });
  await db.$executeRaw`DELETE FROM idempotent_request WHERE ctid IN (SELECT ctid FROM idempotent_request WHERE created_at < now() - make_interval(days => ${KEEP_DAYS}) LIMIT 100)`;
  // A concurrent request with the same key may have stored its answer first: every caller gets that one.
  return (await replay()) ?? { ...answer, replayed: false };
}

/** What a route returns for an idempotent call: the (original) status and body, marked when replayed. */
export function sendAnswer<R extends { header(name: string, value: string): unknown; status(code: never): { send(body: unknown): unknown } }>(reply: R, answer: Answer & { replayed: boolean }) {
  if (answer.replayed) reply.header('idempotent-replayed', 'true');
  return (reply as unknown as { status(code: number): { send(body: unknown): unknown } }).status(answer.statusCode).send(answer.body);
}
