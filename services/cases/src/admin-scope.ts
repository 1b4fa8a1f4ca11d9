import type { Db } from '@dj/db';
import { Prisma } from '@dj/db';
import { Role } from '@dj/domain';
import { httpError, supervisoryPaths, type AuthUser } from '@dj/service-kit';

/**
 * Monitoring is for administrators and supervisory roles, over the subtrees where they hold such a
 * role. Everyone else gets 403 (logged as an access denial by the service's error handler).
 */
export function monitoringScope(user: AuthUser): string[] {
  const paths = [...new Set(supervisoryPaths(user))];
  if (!paths.length) throw httpError('FORBIDDEN', 'monitoring needs an administrator or supervisory role');
  // A subtree inside another one adds nothing.
  return paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q)));
}

/**
 * Who is warned of calendar years not entered, over which subtrees: the supervisory roles (whose
 * deadlines they are) and the security administrators (who enter the calendar, 三权分立). May be empty.
 */
export function calendarWatchScope(user: AuthUser): string[] {
  const paths = [...new Set([...supervisoryPaths(user), ...user.memberships.filter((m) => m.role === Role.securityAdmin).map((m) => m.orgPath)])];
  return paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q)));
}

/** The scope narrowed to one organization's subtree; 403 when it lies outside the user's scope. */
export async function scopeFor(db: Db, user: AuthUser, orgId: string | undefined): Promise<string[]> {
  const scope = monitoringScope(user);
  if (!orgId) return scope;
  const org = await db.orgUnit.findUnique({ where: { id: orgId }, select: { path: true } });
  if (!org || !scope.some((p) => org.path.startsWith(p))) throw httpError('FORBIDDEN', `organization ${orgId} is outside your scope`);
  return [org.path];
}

/** A LIKE pattern matching every path in the subtree of `path` (its wildcards escaped). */
export const subtreePattern = (path: string) => `${path.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/**
 * SQL predicate: the path column lies in one of the scope subtrees. A LIKE with a constant prefix is
 * a range scan of the column's text_pattern_ops index (starts_with() is not, outside the C collation).
 */
export function withinScope(pathColumn: Prisma.Sql, scope: string[]): Prisma.Sql {
  if (!scope.length) return Prisma.sql`false`;
  return Prisma.sql`(${Prisma.join(
    scope.map((p) => Prisma.sql`${pathColumn} LIKE ${subtreePattern(p)}`),
    ' OR ',
  )})`;
}

/** The organization at the top of a scope path ('/city/county-a/' -> 'county-a'). */
export const orgOfPath = (path: string) => path.split('/').filter(Boolean).at(-1) ?? '';

/**
 * National settings (the calendar, policies): only a security administrator (安全管理员, 三权分立) of a
 * root organization may change them.
 */
export function requireRootSecurityAdmin(user: AuthUser): void {
  if (!user.memberships.some((m) => m.role === Role.securityAdmin && m.orgPath.split('/').filter(Boolean).length === 1)) throw httpError('FORBIDDEN');
}

/** Auditing the record is for audit administrators (审计管理员), over the subtrees where they are such (403 otherwise). */
export async function auditScope(db: Db, user: AuthUser, orgId: string | undefined): Promise<string[]> {
  const paths = [...new Set(user.memberships.filter((m) => m.role === Role.auditAdmin).map((m) => m.orgPath))];
  if (!paths.length) throw httpError('FORBIDDEN', 'auditing the record needs the audit administrator role');
  const scope = paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q)));
  if (!orgId) return scope;
  const org = await db.orgUnit.findUnique({ where: { id: orgId }, select: { path: true } });
  if (!org || !scope.some((p) => org.path.startsWith(p))) throw httpError('FORBIDDEN', `organization ${orgId} is outside your scope`);
  return [org.path];
}
