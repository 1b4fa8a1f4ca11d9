import { randomUUID } from 'node:crypto';
import type { Db } from '@dj/db';

export type SessionEndReason = 'logout' | 'password_change' | 'admin' | 'disabled';

/** A new login session of `userId`, valid for `ttlSeconds` unless ended earlier. */
export async function createSession(db: Db, userId: string, ttlSeconds: number, secondFactor = false): Promise<{ id: string; expiresAt: Date }> {
  const id = randomUUID();
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  await db.userSession.create({ data: { id, userId, expiresAt, secondFactor } });
  return { id, expiresAt };
}

/** Ends one session (logout). */
export async function revokeSession(db: Db, sessionId: string, reason: SessionEndReason): Promise<void> {
  await db.userSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } });
}

/**
 * Ends every live session of a user at once (their tokens answer 401 from the next request on),
 * except `except` (the session changing its own password). For the identity service and for any
 * administration code that disables an account or changes what it may do. Returns how many ended.
 */
export async function revokeSessions(db: Db, userId: string, options: { reason: SessionEndReason; except?: string }): Promise<number> {
  const { count } = await db.userSession.updateMany({
    where: { userId, revokedAt: null, expiresAt: { gt: new Date() }, ...(options.except ? { id: { not: options.except } } : {}) },
    data: { revokedAt: new Date(), revokedReason: options.reason },
  });
  return count;
}

/** Sessions are kept 30 days after they expire (who was signed in when), then deleted: at each login of the user. */
export async function purgeExpiredSessions(db: Db, userId: string): Promise<number> {
  return db.$executeRaw`DELETE FROM user_session WHERE user_id = ${userId}::uuid AND expires_at < now() - interval '30 days'`;
}
