import { createHmac } from 'node:crypto';
import type { Db } from '@dj/db';
import { Prisma } from '@dj/db';

/**
 * Rate limits and throttles kept in PostgreSQL (table `throttle`), so every instance of a service
 * shares them. Each decision is one atomic statement: an upsert whose ON CONFLICT ... WHERE refuses
 * the hit, so parallel requests can never all pass a check made before any of them counted.
 */
export type ThrottleDecision = { allowed: boolean; retryAfterSeconds: number; /** Hits left in the window (fixed windows). */ remaining: number };

/** Row key: a keyed hash of the scope and its parts, so client addresses and names are not stored. */
export function throttleKey(secret: string, scope: string, ...parts: string[]): string {
  return `${scope}:${createHmac('sha256', secret).update(`throttle\u0000${scope}\u0000${parts.join('\u0000')}`).digest('base64url')}`;
}

const seconds = (ms: number) => Prisma.sql`make_interval(secs => ${ms / 1000}::double precision)`;

async function refusal(db: Db, key: string, column: 'window_ends_at' | 'blocked_until'): Promise<ThrottleDecision> {
  const [row] = await db.$queryRaw<{ s: number | null }[]>`
    SELECT ceil(extract(epoch FROM ${Prisma.raw(column)} - now()))::int AS s FROM throttle WHERE key = ${key}`;
  return { allowed: false, retryAfterSeconds: Math.max(1, row?.s ?? 1), remaining: 0 };
}

/** At most `max` hits per window (the window starts with the first hit); a refused hit is not counted. */
export async function takeFixedWindow(db: Db, key: string, limit: { max: number; windowMs: number }): Promise<ThrottleDecision> {
  const rows = await db.$queryRaw<{ hits: number }[]>`
    INSERT INTO throttle AS t (key, hits, window_ends_at, blocked_until)
    VALUES (${key}, 1, now() + ${seconds(limit.windowMs)}, now())
    ON CONFLICT (key) DO UPDATE SET
      hits = CASE WHEN t.window_ends_at <= now() THEN 1 ELSE t.hits + 1 END,
      window_ends_at = CASE WHEN t.window_ends_at <= now() THEN excluded.window_ends_at ELSE t.window_ends_at END
    WHERE t.window_ends_at <= now() OR t.hits < ${limit.max}
    RETURNING hits`;
  return rows[0] ? { allowed: true, retryAfterSeconds: 0, remaining: Math.max(0, limit.max - rows[0].hits) } : refusal(db, key, 'window_ends_at');
}

export type ProgressiveDelay = {
  /** Hits allowed back to back before the delay starts. */
  free: number;
  /** Delay after the first hit beyond `free`, doubled with each further hit, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The count is forgotten after this long without a hit. */
  forgetAfterMs: number;
};

/**
 * Progressive delay: after `free` hits, each next hit is allowed only once the previous one's delay
 * has passed, and the delay doubles. A hit during the delay is refused and not counted.
 */
export async function takeProgressive(db: Db, key: string, p: ProgressiveDelay): Promise<ThrottleDecision> {
  const hits = Prisma.sql`(CASE WHEN t.window_ends_at <= now() THEN 1 ELSE t.hits + 1 END)`;
  const delayAfter = (n: Prisma.Sql) =>
    Prisma.sql`(CASE WHEN ${n} < ${p.free} THEN 0 ELSE least(${p.maxDelayMs}::double precision, ${p.baseDelayMs}::double precision * power(2, ${n} - ${p.free})) END)`;
  const rows = await db.$queryRaw<{ hits: number }[]>`
    INSERT INTO throttle AS t (key, hits, window_ends_at, blocked_until)
    VALUES (${key}, 1, now() + ${seconds(p.forgetAfterMs)}, now() + make_interval(secs => ${delayAfter(Prisma.sql`1`)} / 1000))
    ON CONFLICT (key) DO UPDATE SET
      hits = ${hits},
      window_ends_at = now() + ${seconds(p.forgetAfterMs)},
      blocked_until = now() + make_interval(secs => ${delayAfter(hits)} / 1000)
    WHERE t.window_ends_at <= now() OR t.blocked_until <= now()
    RETURNING hits`;
  return rows.length ? { allowed: true, retryAfterSeconds: 0, remaining: 0 } : refusal(db, key, 'blocked_until');
}

/** Takes back one hit that turned out not to be a failure (a successful login). */
export async function releaseHit(db: Db, key: string): Promise<void> {
  await db.$executeRaw`UPDATE throttle SET hits = greatest(hits - 1, 0) WHERE key = ${key}`;
}

/** Forgets a key (a successful login clears the delay of its address and account). */
export async function clearThrottle(db: Db, key: string): Promise<void> {
  await db.$executeRaw`DELETE FROM throttle WHERE key = ${key}`;
}

/** Deletes up to `batch` rows whose window ended a day ago or more (called now and then, e.g. at each login). */
export async function purgeThrottles(db: Db, batch = 100): Promise<number> {
  return db.$executeRaw`
    DELETE FROM throttle WHERE key IN (
      SELECT key FROM throttle WHERE window_ends_at < now() - interval '1 day' AND blocked_until < now() LIMIT ${batch})`;
}
