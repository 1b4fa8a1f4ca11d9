import type { FastifyRequest } from 'fastify';
import { OrgAdminError, type AdminContext, type Db } from '@dj/db';
import { httpError, type AuthUser } from '@dj/service-kit';

/** The role that administers organizations, people and accounts within its subtree. */
export const ADMIN_ROLE = 'admin';

/** The subtrees (paths) where the user is an administrator; 403 for someone who is none anywhere. */
export function adminScope(user: AuthUser): string[] {
  const paths = [...new Set(user.memberships.filter((m) => m.role === ADMIN_ROLE).map((m) => m.orgPath))];
  if (!paths.length) throw httpError('FORBIDDEN', 'administrators only');
  return paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q)));
}

export type ScopedUnit = { id: string; name: string; type: string; path: string; status: string; parentId: string | null };

/**
 * The unit if it lies in the administrator's scope; 404 otherwise (another county's unit and a unit
 * that does not exist look the same). With `below`, the administrator's own scope root is refused
 * too (404): one does not move or dissolve the unit one administers from.
 */
export async function unitInScope(db: Db, user: AuthUser, orgId: string, options: { below?: boolean } = {}): Promise<ScopedUnit> {
  const scope = adminScope(user);
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
