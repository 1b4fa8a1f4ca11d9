/** Case search for monitoring: filters over the case projection, newest first, keyset pages. */
import { Prisma, type Db } from '@dj/db';
import { caseTypeName, roleNames, stepName, type Role } from '@dj/domain';
import { containsPattern, dateBound } from '@dj/service-kit';
import { orgOfPath, withinScope } from './admin-scope';

export const caseStatuses = ['open', 'completed', 'rejected', 'withdrawn', 'cancelled'] as const;

export type CaseFilters = {
  type?: string | undefined;
  stage?: string | undefined;
  status?: (typeof caseStatuses)[number] | undefined;
  /** 当前超期: open and overdue now. */
  overdue?: boolean | undefined;
  /** 曾超期: late at any time, open or closed. */
  wasLate?: boolean | undefined;
  openedFrom?: string | undefined;
  openedTo?: string | undefined;
  closedFrom?: string | undefined;
  closedTo?: string | undefined;
  q?: string | undefined;
};

export type CaseCursor = { openedAt: string; id: string };
export const encodeCaseCursor = (c: CaseCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
export function decodeCaseCursor(raw: string): CaseCursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString()) as CaseCursor;
    return typeof c.id === 'string' && /^[0-9a-f-]{36}$/.test(c.id) && !Number.isNaN(Date.parse(c.openedAt)) ? c : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Overdue: an open case whose open step the escalation has marked overdue, or past its case deadline —
 * the board's own definition (case_board, kept by triggers), so a board count and its drill-down agree.
 */
export const caseOverdueSql = Prisma.sql`COALESCE((SELECT b.overdue FROM case_board b WHERE b.case_id = c.id), false)`;

/**
 * Was late (曾超期), open or closed: a step was marked overdue or closed after its due date, or the case
 * deadline passed while it was open — a lasting fact of case_board (issue 16 point 8; see the migration
 * 20261202120000_board_due_soon_was_late). Like caseOverdueSql, one primary-key lookup per case scanned.
 */
export const caseWasLateSql = Prisma.sql`COALESCE((SELECT b.was_late FROM case_board b WHERE b.case_id = c.id), false)`;

/**
 * 曾超期 = yes is searched through the case's board row instead (`b`, joined by caseSource): its index
 * (was_late, org_path text_pattern_ops, status, opened_at, case_id) (migration
 * 20261203140000_case_board_late_index) holds the late cases of a subtree and status as one range, so a
 * township's late cases are read without scanning its other cases. With other filters, scope and status are
 * stated on both rows (the board row's copies equal the case's, kept by triggers), so the planner may start
 * from either: that range for a subtree, or the newest-first scan of "case" where most cases match (the root).
 * With none (scope and status only), see LATE_RANGE_MAX.
 */
const lateOnly = (f: CaseFilters) => f.wasLate === true;
const caseSource = (f: CaseFilters) => (lateOnly(f) ? Prisma.sql`"case" c JOIN case_board b ON b.case_id = c.id` : Prisma.sql`"case" c`);

/** The total is counted up to here; beyond it the page says "more than" (counting every case at the root of a province is not an index range). */
export const TOTAL_CAP = 1000;

function wherePredicate(scope: string[], f: CaseFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [withinScope(Prisma.sql`c.org_path`, scope)];
  if (f.type) parts.push(Prisma.sql`c.type = ${f.type}`);
  if (f.stage) parts.push(Prisma.sql`c.stage = ${f.stage}`);
  if (f.status) parts.push(Prisma.sql`c.status = ${f.status}`);
  if (f.overdue !== undefined) parts.push(f.overdue ? caseOverdueSql : Prisma.sql`NOT ${caseOverdueSql}`);
  if (lateOnly(f)) parts.push(lateBoardPredicate(scope, f));
  else if (f.wasLate === false) parts.push(Prisma.sql`NOT ${caseWasLateSql}`);
  if (f.openedFrom) parts.push(Prisma.sql`c.opened_at >= ${dateBound(f.openedFrom, 'start')}`);
  if (f.openedTo) parts.push(Prisma.sql`c.opened_at <= ${dateBound(f.openedTo, 'end')}`);
  if (f.closedFrom) parts.push(Prisma.sql`c.closed_at >= ${dateBound(f.closedFrom, 'start')}`);
  if (f.closedTo) {
    // A case closes after it opens: the bound lets the newest-first scan start at closedTo instead of now.
    const to = dateBound(f.closedTo, 'end');
    parts.push(Prisma.sql`c.closed_at <= ${to} AND c.opened_at <= ${to}`);
  }
  if (f.q) parts.push(Prisma.sql`c.title ILIKE ${containsPattern(f.q)}`);
  return Prisma.join(parts, ' AND ');
}

/** 曾超期 with no filter but the scope and the status: answered from the board index alone (count, page order). */
const lateByStatusOnly = (f: CaseFilters) =>
  lateOnly(f) && !f.type && !f.stage && !f.q && f.overdue === undefined && !f.openedFrom && !f.openedTo && !f.closedFrom && !f.closedTo;

/**
 * Up to this many late cases in the scope (the late_cases roll-up), the page of a 曾超期-by-status search is
 * chosen on the board index alone: its range (an index-only scan: 2,000 rows for a township at the volume
 * benchmark's size) sorted newest first, and only the page's cases read. Above it (a county, the root, where
 * late cases are everywhere) the newest-first scan of "case" finds a page sooner.
 */
export const LATE_RANGE_MAX = 20_000;

/** On the board row `b`: late, in the scope, of the status — the leading columns of its 曾超期 index. */
function lateBoardPredicate(scope: string[], f: CaseFilters): Prisma.Sql {
  return Prisma.sql`b.was_late AND ${withinScope(Prisma.sql`b.org_path`, scope)} ${f.status ? Prisma.sql`AND b.status = ${f.status}` : Prisma.empty}`;
}

type CaseRow = {
  id: string;
  type: string;
  title: string;
  org_id: string;
  org_name: string;
  stage: string;
  status: string;
  overdue: boolean;
  was_late: boolean;
  opened_at: Date;
  closed_at: Date | null;
};

export type OpenTaskSummary = { taskId: string; kind: string; name: string; dueAt: string; overdue: boolean; assignees: string[] };

/** Open tasks of several cases with the names of who holds them, in one query. */
export async function openTasksOf(db: Db, caseIds: string[]): Promise<Map<string, OpenTaskSummary[]>> {
  const byCase = new Map<string, OpenTaskSummary[]>();
  if (!caseIds.length) return byCase;
  const rows = await db.$queryRaw<
    { id: string; case_id: string; kind: string; title: string; due_at: Date; user_name: string | null; claimer_name: string | null; org_name: string | null; role: string | null }[]
  >`
    SELECT t.id, t.case_id, t.kind, t.title, t.due_at, u.display_name AS user_name, cu.display_name AS claimer_name, o.name AS org_name, a.role
    FROM task t
    LEFT JOIN task_assignee a ON a.task_id = t.id AND a.status = 'pending'
    LEFT JOIN app_user u ON u.id = a.user_id
    LEFT JOIN app_user cu ON cu.id = a.claimed_by_id
    LEFT JOIN org_unit o ON o.id = a.org_id
    WHERE t.case_id = ANY(${caseIds}::uuid[]) AND t.status = 'open'
    ORDER BY t.opened_at, t.id`;
  const now = Date.now();
  const tasks = new Map<string, OpenTaskSummary & { caseId: string }>();
  for (const r of rows) {
    let t = tasks.get(r.id);
    if (!t) {
      t = { caseId: r.case_id, taskId: r.id, kind: r.kind, name: r.title, dueAt: r.due_at.toISOString(), overdue: r.due_at.getTime() < now, assignees: [] };
      tasks.set(r.id, t);
    }
    const who = r.user_name ?? r.claimer_name ?? (r.org_name && r.role ? `${r.org_name}·${roleNames[r.role as Role] ?? r.role}` : null);
    if (who && !t.assignees.includes(who)) t.assignees.push(who);
  }
  for (const { caseId, ...t } of tasks.values()) byCase.set(caseId, [...(byCase.get(caseId) ?? []), t]);
  return byCase;
}

/**
 * The total is exact from the roll-ups for a board drill-down (open cases of a subtree, by type / stage,
 * or overdue), for the cases of a subtree that were ever late, and for a subtree's cases (by type) opened or closed between two dates; any other filter
 * is counted along the page's own index path, up to TOTAL_CAP.
 */
async function countCases(db: Db, scope: string[], f: CaseFilters, where: Prisma.Sql): Promise<{ total: number; capped: boolean }> {
  const fromRollup = f.status === 'open' && !f.q && !f.openedFrom && !f.openedTo && !f.closedFrom && !f.closedTo && f.wasLate === undefined && (f.overdue === undefined || (!f.type && !f.stage));
  const roots = scope.map(orgOfPath);
  // 曾超期 over a subtree, whatever the status: the late_cases roll-up.
  if (f.wasLate === true && !f.status && !f.type && !f.stage && !f.q && f.overdue === undefined && !f.openedFrom && !f.openedTo && !f.closedFrom && !f.closedTo) {
    const [row] = await db.$queryRaw<{ n: number }[]>`SELECT COALESCE(sum(late_cases), 0)::int AS n FROM org_board WHERE org_id = ANY(${roots}::text[])`;
    return { total: row?.n ?? 0, capped: false };
  }
  if (fromRollup && f.overdue !== undefined) {
    const [row] = await db.$queryRaw<{ open: number; overdue: number }[]>`
      SELECT COALESCE(sum(open_cases), 0)::int AS open, COALESCE(sum(overdue_cases), 0)::int AS overdue FROM org_board WHERE org_id = ANY(${roots}::text[])`;
    return { total: f.overdue ? (row?.overdue ?? 0) : (row?.open ?? 0) - (row?.overdue ?? 0), capped: false };
  }
  if (fromRollup) {
    const [row] = await db.$queryRaw<{ n: number }[]>`
      SELECT COALESCE(sum(open_cases), 0)::int AS n FROM org_stage_count
      WHERE org_id = ANY(${roots}::text[]) ${f.type ? Prisma.sql`AND case_type = ${f.type}` : Prisma.empty} ${f.stage ? Prisma.sql`AND stage = ${f.stage}` : Prisma.empty}`;
    return { total: row?.n ?? 0, capped: false };
  }
  // Cases of a subtree (of a type), all of them or opened / closed between two dates: the daily counters.
  const isDate = (v: string | undefined) => v === undefined || /^\d{4}-\d{2}-\d{2}$/.test(v);
  const opened = f.openedFrom !== undefined || f.openedTo !== undefined;
  const closed = f.closedFrom !== undefined || f.closedTo !== undefined;
  if (!f.status && !f.stage && !f.q && f.overdue === undefined && f.wasLate === undefined && !(opened && closed) && [f.openedFrom, f.openedTo, f.closedFrom, f.closedTo].every(isDate)) {
    const [from, to] = closed ? [f.closedFrom, f.closedTo] : [f.openedFrom, f.openedTo];
    const [row] = await db.$queryRaw<{ n: number }[]>`
      SELECT COALESCE(sum(${closed ? Prisma.sql`closed` : Prisma.sql`opened`}), 0)::int AS n FROM org_daily
      WHERE org_id = ANY(${roots}::text[]) AND step_key = '' ${f.type ? Prisma.sql`AND case_type = ${f.type}` : Prisma.empty}
        ${from ? Prisma.sql`AND day >= ${from}::date` : Prisma.empty} ${to ? Prisma.sql`AND day <= ${to}::date` : Prisma.empty}`;
    return { total: row?.n ?? 0, capped: false };
  }
  // 曾超期 of a subtree by status: counted on the board index alone (an index-only range scan).
  const [row] = lateByStatusOnly(f)
    ? await db.$queryRaw<{ total: number }[]>`
        SELECT count(*)::int AS total FROM (SELECT 1 FROM case_board b WHERE ${lateBoardPredicate(scope, f)} LIMIT ${TOTAL_CAP + 1}) AS capped`
    : await db.$queryRaw<{ total: number }[]>`
        SELECT count(*)::int AS total FROM (SELECT 1 FROM ${caseSource(f)} WHERE ${where} ORDER BY c.opened_at DESC, c.id DESC LIMIT ${TOTAL_CAP + 1}) AS capped`;
  const counted = row?.total ?? 0;
  return { total: Math.min(counted, TOTAL_CAP), capped: counted > TOTAL_CAP };
}

export async function searchCases(db: Db, scope: string[], filters: CaseFilters, limit: number, cursor?: CaseCursor, options = { total: true }) {
  const where = wherePredicate(scope, filters);
  const after = cursor
    ? Prisma.sql`AND (c.opened_at, c.id) < (${new Date(cursor.openedAt)}, ${cursor.id}::uuid)
        ${lateOnly(filters) ? Prisma.sql`AND (b.opened_at, b.case_id) < (${new Date(cursor.openedAt)}, ${cursor.id}::uuid)` : Prisma.empty}`
    : Prisma.empty;
  let pageOfCases = Prisma.sql`SELECT c.* FROM ${caseSource(filters)} WHERE ${where} ${after} ORDER BY c.opened_at DESC, c.id DESC LIMIT ${limit + 1}`;
  if (lateByStatusOnly(filters)) {
    const [late] = await db.$queryRaw<{ n: number }[]>`SELECT COALESCE(sum(late_cases), 0)::int AS n FROM org_board WHERE org_id = ANY(${scope.map(orgOfPath)}::text[])`;
    if ((late?.n ?? 0) <= LATE_RANGE_MAX) {
      const afterOnBoard = cursor ? Prisma.sql`AND (b.opened_at, b.case_id) < (${new Date(cursor.openedAt)}, ${cursor.id}::uuid)` : Prisma.empty;
      pageOfCases = Prisma.sql`
        SELECT c.* FROM (SELECT b.case_id FROM case_board b WHERE ${lateBoardPredicate(scope, filters)} ${afterOnBoard}
                         ORDER BY b.opened_at DESC, b.case_id DESC LIMIT ${limit + 1}) AS k
        JOIN "case" c ON c.id = k.case_id`;
    }
  }
  // The page is chosen on the case table (or the board index) alone; names and the flags are read for its rows only.
  const [rows, total] = await Promise.all([
    db.$queryRaw<CaseRow[]>`
      SELECT c.id, c.type, c.title, c.org_id, o.name AS org_name, c.stage, c.status, ${caseOverdueSql} AS overdue, ${caseWasLateSql} AS was_late, c.opened_at, c.closed_at
      FROM (${pageOfCases}) AS c
      JOIN org_unit o ON o.id = c.org_id
      ORDER BY c.opened_at DESC, c.id DESC`,
    options.total ? countCases(db, scope, filters, where) : Promise.resolve(null),
  ]);
  const page = rows.slice(0, limit);
  const tasks = await openTasksOf(db, page.map((r) => r.id));
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      type: r.type,
      typeName: caseTypeName(r.type),
      title: r.title,
      orgId: r.org_id,
      orgName: r.org_name,
      stage: r.stage,
      stageName: stepName(r.type, r.stage),
      status: r.status,
      overdue: r.overdue,
      wasLate: r.was_late,
      openedAt: r.opened_at.toISOString(),
      closedAt: r.closed_at?.toISOString() ?? null,
      openTasks: tasks.get(r.id) ?? [],
    })),
    nextCursor: rows.length > limit && last ? encodeCaseCursor({ openedAt: last.opened_at.toISOString(), id: last.id }) : null,
    total: total?.total ?? null,
    totalCapped: total?.capped ?? false,
  };
}
