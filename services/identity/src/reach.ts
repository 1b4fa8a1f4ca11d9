import type { AuthUser } from '@dj/service-kit';

/** A LIKE pattern matching every path in the subtree of `path` (its wildcards escaped). */
export const subtreePattern = (path: string) => `${path.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/**
 * Whom a user may pick for 转办 / 加签 / 抄送: members of the user's organizations and their subtrees,
 * and of the organizations above them (the supervising chain up to the root) — the reach stated as
 * policy in issue 11 for hand-overs. Paths are materialized ("/city/county-a/town-a1/"), so the chain
 * is the ids along each path.
 */
export function pickerReach(user: AuthUser): { subtrees: string[]; chain: string[] } {
  const paths = [...new Set(user.memberships.map((m) => m.orgPath))];
  return { subtrees: paths.map(subtreePattern), chain: [...new Set(paths.flatMap((p) => p.split('/').filter(Boolean)))] };
}
