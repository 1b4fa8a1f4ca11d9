/** The overdue board and the charts: reads of the per-organization roll-ups, one query each. */
import type { Db } from '@dj/db';
import { caseTypeName, stepName } from '@dj/domain';
import { dateBound } from '@dj/service-kit';
import { orgOfPath } from './admin-scope';

type BoardRow = {
  id: string;
  name: string;
  type: string;
  parent_id: string | null;
  has_children: boolean;
  open: number;
  overdue: number;
  supervising: number;
  deadline_passed: number;
  due_soon: number;
};

/**
 * The unit's colour (issue 16 point 8): red when something of its subtree is overdue (a marked step, a
 * passed case deadline, an open 督办), yellow when a step is due soon (within the reminder window of
 * the policy escalation.default), green otherwise.
 */
export function boardStatus(r: { overdue: number; supervising: number; deadline_passed: number; due_soon: number }): 'green' | 'yellow' | 'red' {
  if (r.overdue > 0 || r.supervising > 0 || r.deadline_passed > 0) return 'red';
  return r.due_soon > 0 ? 'yellow' : 'green';
}

/** How far below each scope root the board goes unless asked: at the root of a province, counties and townships. */
export const BOARD_DEFAULT_DEPTH = 2;

/**
 * Per organization of the scope, down to `depth` levels below each scope root, its whole subtree's
 * open cases, those overdue, those with a step due soon (reminded, not yet overdue), and open 督办 —
 * read from org_board, which triggers keep in the same
 * transaction as each case and task change (see the read-models migration). A unit's deeper levels
 * are read by asking for it as orgId (hasChildren says whether there are any).
 */
export async function overdueBoard(db: Db, scope: string[], depth = BOARD_DEFAULT_DEPTH) {
  // Walks down from the scope roots by parent (an index lookup per unit), then reads each unit's shards.
  const rows = await db.$queryRaw<BoardRow[]>`
    WITH RECURSIVE tree AS (
      SELECT o.id, o.name, o.type, o.parent_id, o.path, 0 AS level FROM org_unit o WHERE o.path = ANY(${scope}::text[])
      UNION ALL
      SELECT o.id, o.name, o.type, o.parent_id, o.path, tree.level + 1 FROM tree JOIN org_unit o ON o.parent_id = tree.id WHERE tree.level < ${depth}
    )
    SELECT t.id, t.name, t.type::text AS type, t.parent_id,
           EXISTS (SELECT 1 FROM org_unit ch WHERE ch.parent_id = t.id) AS has_children,
           COALESCE(b.open, 0)::int AS open, COALESCE(b.overdue, 0)::int AS overdue,
           COALESCE(b.supervising, 0)::int AS supervising, COALESCE(b.deadline_passed, 0)::int AS deadline_passed, COALESCE(b.due_soon, 0)::int AS due_soon
    FROM tree t
    LEFT JOIN LATERAL (
      SELECT sum(open_cases) AS open, sum(overdue_cases) AS overdue, sum(supervising) AS supervising, sum(deadline_passed) AS deadline_passed,
             sum(due_soon_cases) AS due_soon
      FROM org_board WHERE org_board.org_id = t.id
    ) b ON true
    ORDER BY t.path`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    type: r.type,
    parentId: r.parent_id,
    hasChildren: r.has_children,
    open: r.open,
    overdue: r.overdue,
    dueSoon: r.due_soon,
    supervising: r.supervising,
    status: boardStatus(r),
  }));
}

/** Start of the month, China time, `months` months before now's month. */
function monthsAgo(months: number): Date {
  const china = new Date(Date.now() + 8 * 3600_000);
  return new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() - months, 1) - 8 * 3600_000);
}

/** The China-time calendar day of an instant, as YYYY-MM-DD. */
const chinaDay = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * The charts, from the per-organization roll-ups (org_stage_count, org_daily) kept by triggers: the
 * scope roots' rows already count their whole subtrees. Ranges count whole China-time days.
 */
export async function monitoringStats(db: Db, scope: string[], range: { from?: string | undefined; to?: string | undefined }) {
  const from = range.from ? dateBound(range.from, 'start') : monthsAgo(11);
  const to = range.to ? dateBound(range.to, 'end') : new Date();
  const roots = scope.map(orgOfPath);
  const [fromDay, toDay] = [chinaDay(from), chinaDay(to)];
  const [byStage, onTime, trend] = await Promise.all([
    db.$queryRaw<{ type: string; stage: string; count: number }[]>`
      SELECT case_type AS type, stage, sum(open_cases)::int AS count FROM org_stage_count
      WHERE org_id = ANY(${roots}::text[]) GROUP BY case_type, stage HAVING sum(open_cases) > 0
      ORDER BY case_type, sum(open_cases) DESC, stage`,
    db.$queryRaw<{ type: string; step_key: string; closed: number; on_time: number }[]>`
      SELECT case_type AS type, step_key, sum(steps_closed)::int AS closed, sum(steps_on_time)::int AS on_time FROM org_daily
      WHERE org_id = ANY(${roots}::text[]) AND day BETWEEN ${fromDay}::date AND ${toDay}::date AND step_key <> ''
      GROUP BY case_type, step_key HAVING sum(steps_closed) > 0 ORDER BY case_type, step_key`,
    // Missed deadlines are counted in the month the step fell due.
    db.$queryRaw<{ month: string; opened: number; closed: number; overdue: number }[]>`
      WITH months AS (
        SELECT to_char(m, 'YYYY-MM') AS month FROM generate_series(date_trunc('month', ${fromDay}::date), date_trunc('month', ${toDay}::date), interval '1 month') AS m
      ), counted AS (
        SELECT to_char(day, 'YYYY-MM') AS month, sum(opened) AS opened, sum(closed) AS closed, sum(steps_late) AS late FROM org_daily
        WHERE org_id = ANY(${roots}::text[]) AND day BETWEEN ${fromDay}::date AND ${toDay}::date GROUP BY 1
      )
      SELECT months.month, COALESCE(counted.opened, 0)::int AS opened, COALESCE(counted.closed, 0)::int AS closed, COALESCE(counted.late, 0)::int AS overdue
      FROM months LEFT JOIN counted USING (month)
      ORDER BY months.month`,
  ]);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    byStage: byStage.map((r) => ({ type: r.type, typeName: caseTypeName(r.type), stage: r.stage, stageName: stepName(r.type, r.stage), count: r.count })),
    onTimeByStep: onTime.map((r) => ({
      type: r.type,
      stepKey: r.step_key,
      name: stepName(r.type, r.step_key),
      closed: r.closed,
      onTime: r.on_time,
      rate: r.closed ? Math.round((r.on_time / r.closed) * 1000) / 1000 : null,
    })),
    trend,
  };
}
