import type { FastifyRequest } from 'fastify';
import { OrgAdminError, type AdminContext, type Db } from '@dj/db';
import { httpError, type AuthUser } from '@dj/service-kit';

/** 系统管理员: organizations, people, committees, accounts (create, disable, enable, password reset). */
export const ADMIN_ROLE = 'admin';
/** 安全管理员: role memberships (the administrator roles too), policies, the calendar, two-step resets, ending sessions. */
export const SECURITY_ADMIN_ROLE = 'security_admin';
/** 审计管理员: reads (and exports) the administrative audit log, audits the record; changes nothing. */
export const AUDIT_ADMIN_ROLE = 'audit_admin';
/** The three administrator roles (三权分立); each is held over a subtree. */
export const ADMINISTRATOR_ROLES: readonly string[] = [ADMIN_ROLE, SECURITY_ADMIN_ROLE, AUDIT_ADMIN_ROLE];

/** Which administrator roles a duty belongs to (README, Security: the table of duties). */
export const Duty = {
  /** Organizations, people, committees, account lifecycle. */
  system: [ADMIN_ROLE],
  /** Memberships, two-step resets, ending sessions. */
  security: [SECURITY_ADMIN_ROLE],
  /** The administrative audit log. */
  audit: [AUDIT_ADMIN_ROLE],
  /** Reading the organization tree (to choose units): any of the three. */
  readTree: ADMINISTRATOR_ROLES,
  /** Reading accounts: the system administrator (who manages them) and the security administrator (who grants their roles). */
  readAccounts: [ADMIN_ROLE, SECURITY_ADMIN_ROLE],
} as const satisfies Record<string, readonly string[]>;
export type Duty = readonly string[];

/**
 * The subtrees (paths) where the user holds one of the duty's roles (the system administrator's by
 * default); 403 for someone who holds none anywhere.
 */
export function adminScope(user: AuthUser, duty: Duty = Duty.system): string[] {
  const paths = [...new Set(user.memberships.filter((m) => duty.includes(m.role)).map((m) => m.orgPath))];
  if (!paths.length) throw httpError('FORBIDDEN', 'administrators only');
  return paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q)));
}

export type ScopedUnit = { id: string; name: string; type: string; path: string; status: string; parentId: string | null };

/**
 * The unit if it lies in the administrator's scope; 404 otherwise (another county's unit and a unit
 * that does not exist look the same). With `below`, the administrator's own scope root is refused
 * too (404): one does not move or dissolve the unit one administers from.
 */
export async function unitInScope(db: Db, user: AuthUser, orgId: string, options: { below?: boolean; duty?: Duty } = {}): Promise<ScopedUnit> {
  const scope = adminScope(user, options.duty);
  const unit = await db.orgUnit.findUnique({ where: { id: orgId }, select: { id: true, name: true, type: true, path: true, status: true, parentId: true } });
  if (!unit || !scope.some((p) => unit.path.startsWith(p) && (!options.below || unit.path !== p))) throw httpError('NOT_FOUND');
  return unit;
}

/**
 * Where the request came from: the gateway (on loopback) overwrites X-Forwarded-For with the client's
 * address; a request reaching the service directly is recorded with its peer address.
 */
export function clientAddress(request: FastifyRequest): string {
  const peer = request.ip;
  const loopback = peer === '127.0.0.1' || peer === '::1' || peer === '::ffff:127.0.0.1';
  const forwarded = request.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return loopback && first ? first.slice(0, 64) : peer;
}

export function adminContext(request: FastifyRequest): AdminContext {
  return { actorId: request.auth.id, clientAddress: clientAddress(request), requestId: String(request.id) };
}

/** Runs a tree change, turning its refusals into coded 4xx errors. */
export async function orgChange<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof OrgAdminError) throw httpError(err.code, err.message);
    throw err;
  }
}
