/** The inbox queries: open tasks of the user by view, in due-date order with keyset pagination. */
import { Prisma, type Db } from '@dj/db';
import { isBulkApprovable } from '@dj/domain';
import { containsPattern, dateBound, inSubtreeOf, type AuthUser } from '@dj/service-kit';

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

/**
 * The inbox reads `inbox_entry` (kept by triggers in the task's own transaction, see the read-models
 * migration): rows per holder key — the user ('u/<id>') and each (org, role) the user holds
 * ('r/<org>/<role>') — and view, in (due_at, task_id) order. A page is one ordered, LIMITed range
 * scan per key, merged; counts are index-only scans of the same keys.
 */
function holderKeys(user: AuthUser, view: InboxView): string[] {
  const own = `u/${user.id}`;
  if (view === 'done' || view === 'cc') return [own];
  return [own, ...new Set(user.memberships.map((m) => `r/${m.orgId}/${m.role}`))];
}

function entryView(view: InboxView): { view: string; overdueOnly: boolean } {
  return view === 'overdue' ? { view: 'todo', overdueOnly: true } : { view, overdueOnly: false };
}

/** Optional filters of the list (the counts stay per view, unfiltered: they are the tab badges). */
export type InboxFilters = { type?: string | undefined; orgId?: string | undefined; dueFrom?: string | undefined; dueTo?: string | undefined; q?: string | undefined };
export const inboxSorts = ['due_asc', 'due_desc'] as const;
export type InboxSort = (typeof inboxSorts)[number];

function filterPredicate(f: InboxFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (f.type) parts.push(Prisma.sql`e.case_type = ${f.type}`);
  if (f.orgId) parts.push(inSubtreeOf(Prisma.sql`e.org_path`, f.orgId));
  if (f.dueFrom) parts.push(Prisma.sql`e.due_at >= ${dateBound(f.dueFrom, 'start')}`);
  if (f.dueTo) parts.push(Prisma.sql`e.due_at <= ${dateBound(f.dueTo, 'end')}`);
  if (f.q) parts.push(Prisma.sql`(e.case_title ILIKE ${containsPattern(f.q)} OR e.title ILIKE ${containsPattern(f.q)})`);
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
      ? Prisma.sql`AND (e.due_at, e.task_id) < (${new Date(cursor.dueAt)}, ${cursor.id}::uuid)`
      : Prisma.sql`AND (e.due_at, e.task_id) > (${new Date(cursor.dueAt)}, ${cursor.id}::uuid)`
    : Prisma.empty;
  const order = desc ? Prisma.sql`due_at DESC, task_id DESC` : Prisma.sql`due_at, task_id`;
  const { view: entry, overdueOnly } = entryView(view);
  const where = Prisma.sql`e.view = ${entry} ${overdueOnly ? Prisma.sql`AND e.due_at < now()` : Prisma.empty} ${filterPredicate(filters)} ${after}`;
  // One ordered scan per holder key, each at most a page long; a task held through two keys appears once.
  const scans = holderKeys(user, view).map(
    (key) => Prisma.sql`(SELECT e.due_at, e.task_id FROM inbox_entry e WHERE e.holder = ${key} AND ${where} ORDER BY ${order} LIMIT ${limit + 1})`,
  );
  const rows = await db.$queryRaw<Row[]>`
    WITH page AS (
      SELECT DISTINCT due_at, task_id FROM (${Prisma.join(scans, ' UNION ALL ')}) AS merged ORDER BY ${order} LIMIT ${limit + 1}
    )
    SELECT t.id, t.case_id, c.type AS case_type, c.title AS case_title, t.title, t.step_key, t.kind, t.status,
           t.org_id, o.name AS org_name, t.due_at, (t.overdue OR (t.status = 'open' AND t.due_at < now())) AS overdue, t.escalation_level,
           GREATEST(0, floor(EXTRACT(EPOCH FROM (COALESCE(t.closed_at, now()) - t.due_at))))::int AS overdue_seconds
    FROM page p JOIN task t ON t.id = p.task_id JOIN "case" c ON c.id = t.case_id JOIN org_unit o ON o.id = t.org_id
    ORDER BY ${desc ? Prisma.sql`p.due_at DESC, p.task_id DESC` : Prisma.sql`p.due_at, p.task_id`}`;
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

/** Counts of every view: index-only scans over the user's own holder keys, never over all tasks. */
export async function countInbox(db: Db, user: AuthUser): Promise<Record<InboxView, number>> {
  const held = holderKeys(user, 'todo');
  const own = holderKeys(user, 'done');
  const [row] = await db.$queryRaw<Record<InboxView, number>[]>`
    SELECT (SELECT count(DISTINCT task_id) FROM inbox_entry WHERE holder = ANY(${held}::text[]) AND view = 'todo')::int AS todo,
           (SELECT count(DISTINCT task_id) FROM inbox_entry WHERE holder = ANY(${held}::text[]) AND view = 'todo' AND due_at < now())::int AS overdue,
           (SELECT count(DISTINCT task_id) FROM inbox_entry WHERE holder = ANY(${held}::text[]) AND view = 'supervising')::int AS supervising,
           (SELECT count(*) FROM inbox_entry WHERE holder = ANY(${own}::text[]) AND view = 'done')::int AS done,
           (SELECT count(*) FROM inbox_entry WHERE holder = ANY(${own}::text[]) AND view = 'cc')::int AS cc`;
  return Object.fromEntries(inboxViews.map((view) => [view, Number(row?.[view] ?? 0)])) as Record<InboxView, number>;
}
