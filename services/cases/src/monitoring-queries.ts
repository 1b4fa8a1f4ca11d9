/** The overdue board and the charts: aggregates over the case and task projections, one query each. */
import { Prisma, type Db } from '@dj/db';
import { caseTypeName, stepName } from '@dj/domain';
import { dateBound } from '@dj/service-kit';
import { withinScope } from './admin-scope';

type BoardRow = { id: string; name: string; type: string; parent_id: string | null; open: number; overdue: number; supervising: number; deadline_passed: boolean };

/**
 * Per organization of the scope, its whole subtree's open cases, those overdue, and open 督办.
 * Each open case is counted once per ancestor on its materialized path (unnest of the path), so the
 * roll-up is one pass over the open cases, linear in cases × depth, whatever the tree's size.
 */
export async function overdueBoard(db: Db, scope: string[]) {
  const rows = await db.$queryRaw<BoardRow[]>`
    WITH scoped AS (
      SELECT c.id, c.org_path, COALESCE(c.deadline_at < now(), false) AS deadline_passed
      FROM "case" c WHERE c.status = 'open' AND ${withinScope(Prisma.sql`c.org_path`, scope)}
    ), open_tasks AS (
      SELECT t.case_id,
             bool_or(t.kind = 'step' AND t.due_at < now()) AS step_overdue,
             count(*) FILTER (WHERE t.kind = 'supervision') AS supervising
      FROM task t JOIN scoped s ON s.id = t.case_id WHERE t.status = 'open' GROUP BY t.case_id
    ), open_cases AS (
      SELECT s.org_path, COALESCE(ot.step_overdue, false) OR s.deadline_passed AS overdue, s.deadline_passed, COALESCE(ot.supervising, 0) AS supervising
      FROM scoped s LEFT JOIN open_tasks ot ON ot.case_id = s.id
    ), rolled AS (
      SELECT anc.id AS org_id, count(*)::int AS open, (count(*) FILTER (WHERE oc.overdue))::int AS overdue,
             sum(oc.supervising)::int AS supervising, bool_or(oc.deadline_passed) AS deadline_passed
      FROM open_cases oc CROSS JOIN LATERAL unnest(string_to_array(trim(BOTH '/' FROM oc.org_path), '/')) AS anc(id)
      GROUP BY anc.id
    )
    SELECT o.id, o.name, o.type::text AS type, o.parent_id, COALESCE(r.open, 0) AS open, COALESCE(r.overdue, 0) AS overdue,
           COALESCE(r.supervising, 0) AS supervising, COALESCE(r.deadline_passed, false) AS deadline_passed
    FROM org_unit o LEFT JOIN rolled r ON r.org_id = o.id
    WHERE ${withinScope(Prisma.sql`o.path`, scope)}
    ORDER BY o.path`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    type: r.type,
    parentId: r.parent_id,
    open: r.open,
    overdue: r.overdue,
    supervising: r.supervising,
    status: r.supervising > 0 || r.deadline_passed ? 'red' : r.overdue > 0 ? 'yellow' : 'green',
  }));
}

/** Start of the month, China time, `months` months before now's month. */
function monthsAgo(months: number): Date {
  const china = new Date(Date.now() + 8 * 3600_000);
  return new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() - months, 1) - 8 * 3600_000);
}

export async function monitoringStats(db: Db, scope: string[], range: { from?: string | undefined; to?: string | undefined }) {
  const from = range.from ? dateBound(range.from, 'start') : monthsAgo(11);
  const to = range.to ? dateBound(range.to, 'end') : new Date();
  const inScope = withinScope(Prisma.sql`c.org_path`, scope);
  const [byStage, onTime, trend] = await Promise.all([
    db.$queryRaw<{ type: string; stage: string; count: number }[]>`
      SELECT c.type, c.stage, count(*)::int AS count FROM "case" c
      WHERE c.status = 'open' AND ${inScope} GROUP BY c.type, c.stage ORDER BY c.type, count(*) DESC, c.stage`,
    db.$queryRaw<{ type: string; step_key: string; title: string; closed: number; on_time: number }[]>`
      SELECT c.type, t.step_key, min(t.title) AS title, count(*)::int AS closed, (count(*) FILTER (WHERE t.closed_at <= t.due_at))::int AS on_time
      FROM task t JOIN "case" c ON c.id = t.case_id
      WHERE t.kind = 'step' AND t.status = 'completed' AND t.closed_at BETWEEN ${from} AND ${to} AND ${inScope}
      GROUP BY c.type, t.step_key ORDER BY c.type, t.step_key`,
    // Missed deadlines are counted in the month the step fell due.
    db.$queryRaw<{ month: string; opened: number; closed: number; overdue: number }[]>`
      WITH months AS (
        SELECT to_char(m, 'YYYY-MM') AS month FROM generate_series(
          date_trunc('month', ${from}::timestamptz AT TIME ZONE 'Asia/Shanghai'),
          date_trunc('month', ${to}::timestamptz AT TIME ZONE 'Asia/Shanghai'), interval '1 month') AS m
      ), opened AS (
        SELECT to_char(c.opened_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, count(*) AS n FROM "case" c
        WHERE c.opened_at BETWEEN ${from} AND ${to} AND ${inScope} GROUP BY 1
      ), closed AS (
        SELECT to_char(c.closed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, count(*) AS n FROM "case" c
        WHERE c.closed_at BETWEEN ${from} AND ${to} AND ${inScope} GROUP BY 1
      ), late AS (
        SELECT to_char(t.due_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, count(*) AS n FROM task t JOIN "case" c ON c.id = t.case_id
        WHERE t.kind = 'step' AND t.due_at BETWEEN ${from} AND ${to} AND t.due_at < COALESCE(t.closed_at, now()) AND ${inScope} GROUP BY 1
      )
      SELECT months.month, COALESCE(opened.n, 0)::int AS opened, COALESCE(closed.n, 0)::int AS closed, COALESCE(late.n, 0)::int AS overdue
      FROM months LEFT JOIN opened USING (month) LEFT JOIN closed USING (month) LEFT JOIN late USING (month)
      ORDER BY months.month`,
  ]);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    byStage: byStage.map((r) => ({ type: r.type, typeName: caseTypeName(r.type), stage: r.stage, stageName: stepName(r.type, r.stage), count: r.count })),
    onTimeByStep: onTime.map((r) => ({
      type: r.type,
      stepKey: r.step_key,
      name: stepName(r.type, r.step_key, r.title),
      closed: r.closed,
      onTime: r.on_time,
      rate: r.closed ? Math.round((r.on_time / r.closed) * 1000) / 1000 : null,
    })),
    trend,
  };
}
