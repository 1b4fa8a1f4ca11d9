/**
 * The security event log (issue 13 point 5; 等保 2.0 level 3 安全审计): one row per login succeeded,
 * failed or throttled, recovery code used, two-step verification reset, sessions ended, password changed
 * and authorization refusal, in `security_event` (append-only: migration 20261203140000_security_event),
 * read by the audit administrators. A row holds who (when known), from where and what — never a
 * password, a code, a token, a username typed at a failed login or a personal number.
 */
import { randomUUID } from 'node:crypto';
import { Prisma, type Db } from '@dj/db';

export type SecurityEventName =
  | 'login.succeeded'
  | 'login.failed'
  | 'login.throttled'
  | 'login.recovery-code-used'
  | 'logout'
  | 'password.changed'
  | 'password.change-refused'
  | 'two-step.enabled'
  | 'two-step.disabled'
  | 'two-step.reset'
  | 'sessions.ended'
  | 'access.denied';

export type SecurityEvent = { event: SecurityEventName; userId?: string | null; clientAddress?: string | null; detail?: Record<string, string | number | boolean | null> };

/**
 * Appends one security event. A failure to write is logged and does not fail the request (a login
 * must not depend on it; the application log still has the event).
 */
export async function recordSecurityEvent(db: Db, log: { error(o: object, m: string): void }, e: SecurityEvent): Promise<void> {
  try {
    await db.securityEvent.create({
      data: { id: randomUUID(), event: e.event, userId: e.userId ?? null, clientAddress: e.clientAddress?.slice(0, 64) ?? null, detail: e.detail ? (e.detail as Prisma.InputJsonObject) : Prisma.DbNull },
    });
  } catch (err) {
    log.error({ err, securityEvent: e.event }, 'security event not recorded');
  }
}
