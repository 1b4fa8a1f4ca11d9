/** The inbox queries: open tasks of the user by view, in due-date order with keyset pagination. */
import { Prisma, type Db } from '@dj/db';
import { isBulkApprovable } from '@dj/domain';
import { assigneeHeldBy, containsPattern, dateBound, inSubtreeOf, type AuthUser } from '@dj/service-kit';

export const inboxViews = ['todo', 'done', 'overdue', 'supervising', 'cc'] as const;
export type InboxView = (typeof inboxViews)[number];

export type Cursor = { dueAt: string; id: string };

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(raw: string): Cursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString()) as Cursor;
    if (typeof c.id !== 'string' || !/^[0-9a-f-]{36}$/.test(c.id) || Number.isNaN(Date.parse(c.dueAt))) return undefined;
    return c;
  } catch {
    return undefined;
  }
}

const ACTED_EVENT_TYPES = ['task.approve', 'task.reject', 'task.return', 'task.forward', 'task.transfer', 'task.add_signer', 'task.claim', 'task.comment', 'task.cc'];

function viewPredicate(user: AuthUser, view: InboxView): Prisma.Sql {
  const held = Prisma.sql`EXISTS (SELECT 1 FROM task_assignee a WHERE a.task_id = t.id AND a.status = 'pending' AND ${assigneeHeldBy(user)})`;
  switch (view) {
    case 'todo':
      return Prisma.sql`t.status = 'open' AND t.kind = 'step' AND ${held}`;
    case 'overdue':
      return Prisma.sql`t.status = 'open' AND t.kind = 'step' AND t.due_at < now() AND ${held}`;
    case 'supervising':
      return Prisma.sql`t.status = 'open' AND t.kind = 'supervision' AND ${held}`;
    case 'cc':
      return Prisma.sql`EXISTS (SELECT 1 FROM task_copy tc WHERE tc.task_id = t.id AND tc.user_id = ${user.id}::uuid)`;
    case 'done':
      return Prisma.sql`EXISTS (SELECT 1 FROM case_event e WHERE e.task_id = t.id AND e.actor_id = ${user.id}::uuid AND e.type IN (${Prisma.join(ACTED_EVENT_TYPES)}))`;
  }
}

/** Optional filters of the list (the counts stay per view, unfiltered: they are the tab badges). */
export type InboxFilters = { type?: string | undefined; orgId?: string | undefined; dueFrom?: string | undefined; dueTo?: string | undefined; q?: string | undefined };
export const inboxSorts = ['due_asc', 'due_desc'] as const;
export type InboxSort = (typeof inboxSorts)[number];

function filterPredicate(f: InboxFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (f.type) parts.push(Prisma.sql`c.type = ${f.type}`);
  if (f.orgId) parts.push(inSubtreeOf(Prisma.sql`c.org_path`, f.orgId));
  if (f.dueFrom) parts.push(Prisma.sql`t.due_at >= ${dateBound(f.dueFrom, 'start')}`);
  if (f.dueTo) parts.push(Prisma.sql`t.due_at <= ${dateBound(f.dueTo, 'end')}`);
  if (f.q) parts.push(Prisma.sql`(c.title ILIKE ${containsPattern(f.q)} OR t.title ILIKE ${containsPattern(f.q)})`);
  return parts.length ? Prisma.sql`AND ${Prisma.join(parts, ' AND ')}` : Prisma.empty;
}

type Row = {
  id: string;
  case_id: string;
  case_type: string;
  case_title: string;
  title: string;
  step_key: string;
  kind: string;
  status: string;
  org_id: string;
  org_name: string;
  due_at: Date;
  overdue: boolean;
  escalation_level: number;
  overdue_seconds: number;
};

export async function listInbox(
  db: Db,
  user: AuthUser,
  view: InboxView,
  limit: number,
  cursor?: Cursor,
  filters: InboxFilters = {},
  sort: InboxSort = 'due_asc',
) {
  const desc = sort === 'due_desc';
  const after = cursor
    ? desc
      ? Prisma.sql`AND (t.due_at, t.id) < (${new Date(cursor.dueAt)}, ${cursor.id}::uuid)`
      : Prisma.sql`AND (t.due_at, t.id) > (${new Date(cursor.dueAt)}, ${cursor.id}::uuid)`
    : Prisma.empty;
  const rows = await db.$queryRaw<Row[]>`
    SELECT t.id, t.case_id, c.type AS case_type, c.title AS case_title, t.title, t.step_key, t.kind, t.status,
           t.org_id, o.name AS org_name, t.due_at, (t.overdue OR (t.status = 'open' AND t.due_at < now())) AS overdue, t.escalation_level,
           GREATEST(0, floor(EXTRACT(EPOCH FROM (COALESCE(t.closed_at, now()) - t.due_at))))::int AS overdue_seconds
    FROM task t JOIN "case" c ON c.id = t.case_id JOIN org_unit o ON o.id = t.org_id
    WHERE ${viewPredicate(user, view)} ${filterPredicate(filters)} ${after}
    ORDER BY ${desc ? Prisma.sql`t.due_at DESC, t.id DESC` : Prisma.sql`t.due_at, t.id`}
    LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      taskId: r.id,
      caseId: r.case_id,
      caseType: r.case_type,
      caseTitle: r.case_title,
      stepKey: r.step_key,
      stepTitle: r.title,
      kind: r.kind,
      status: r.status,
      org: { id: r.org_id, name: r.org_name },
      orgName: r.org_name,
      dueAt: r.due_at.toISOString(),
      overdue: r.overdue,
      overdueSeconds: r.overdue_seconds,
      escalationLevel: r.escalation_level,
      bulkApprovable: r.kind === 'step' && r.status === 'open' && isBulkApprovable(r.case_type, r.step_key),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ dueAt: last.due_at.toISOString(), id: last.id }) : null,
  };
}

/** Counts of every view in one scan (each view's predicate as a FILTER). */
export async function countInbox(db: Db, user: AuthUser): Promise<Record<InboxView, number>> {
  const columns = Prisma.join(inboxViews.map((view) => Prisma.sql`count(*) FILTER (WHERE ${viewPredicate(user, view)})::int AS ${Prisma.raw(`"${view}"`)}`));
  const [row] = await db.$queryRaw<Record<InboxView, number>[]>`SELECT ${columns} FROM task t`;
  return Object.fromEntries(inboxViews.map((view) => [view, Number(row?.[view] ?? 0)])) as Record<InboxView, number>;
}
