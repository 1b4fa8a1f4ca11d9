/**
 * Domain gauges on the cases service's /metrics (issue 12): what officials watch on the board, for the
 * organizations at the top of the tree — open cases, overdue cases, open 督办 and cases past their
 * deadline, each over the unit's whole subtree — and the public notices running.
 *
 * Read at scrape time from the roll-ups the board reads (org_board, kept in the same transactions as the
 * tasks), so a scrape costs a few index lookups whatever the volume. Only units down to `depth` below the
 * roots get series (default 1: the roots and their children), which bounds the series count at province
 * scale; the board itself drills further.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Db } from '@dj/db';

type Row = { id: string; type: string; open: number; overdue: number; supervising: number; deadline: number };

export function registerDomainMetrics(registry: Registry, db: Db, depth = 1) {
  const labelNames = ['org_id', 'org_type'] as const;
  const readBoard = async () =>
    db.$queryRaw<Row[]>`
      WITH RECURSIVE top(id, level) AS (
        SELECT id, 0 FROM org_unit WHERE parent_id IS NULL
        UNION ALL
        SELECT o.id, t.level + 1 FROM org_unit o JOIN top t ON o.parent_id = t.id WHERE t.level < ${depth}
      )
      SELECT o.id, o.type::text AS type,
             COALESCE(sum(b.open_cases), 0)::int AS open, COALESCE(sum(b.overdue_cases), 0)::int AS overdue,
             COALESCE(sum(b.supervising), 0)::int AS supervising, COALESCE(sum(b.deadline_passed), 0)::int AS deadline
      FROM top JOIN org_unit o ON o.id = top.id LEFT JOIN org_board b ON b.org_id = o.id
      WHERE o.status = 'active'
      GROUP BY o.id, o.type`;

  // One read per scrape serves the four board gauges: a scrape collects them concurrently, and they share
  // the read in flight (the next scrape reads afresh).
  let pending: Promise<Row[]> | undefined;
  const board = () => {
    pending ??= readBoard().finally(() => (pending = undefined));
    return pending;
  };
  const boardGauge = (name: string, help: string, pick: (r: Row) => number) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        for (const r of await board()) this.set({ org_id: r.id, org_type: r.type }, pick(r));
      },
    });
  boardGauge('dangjian_open_cases', 'Open cases in the organization and its subtree', (r) => r.open);
  boardGauge('dangjian_overdue_cases', 'Open cases with an overdue step (marked by the escalation) in the subtree', (r) => r.overdue);
  boardGauge('dangjian_open_supervisions', 'Open 督办 (supervision) tasks in the subtree', (r) => r.supervising);
  boardGauge('dangjian_cases_past_deadline', 'Open cases past their case deadline in the subtree', (r) => r.deadline);
  new Gauge({
    name: 'dangjian_active_notices',
    help: 'Public notices (公示) running now',
    registers: [registry],
    async collect() {
      const [row] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM notice WHERE status = 'active'`;
      this.set(row?.n ?? 0);
    },
  });
}
