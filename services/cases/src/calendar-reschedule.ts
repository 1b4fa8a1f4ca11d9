/**
 * When a calendar year is published, open steps whose due date was computed provisionally across it
 * (weekends only, no holidays: packages/domain/src/calendar.ts) are rescheduled by their case workflows
 * (issue 16). The publishing request answers at once with how many; the signals go out afterwards.
 *
 * Cost: both the count and the walk are one range of the index task(due_provisional, status, due_at, id)
 * (migration 20261202130000_task_provisional_due_index) — the open tasks with a provisional due date — so
 * they grow with those, never with all tasks. The walk is
 * keyset-paged, and each page's cases are signalled a bounded number at a time.
 */
import { Prisma, type Db } from '@dj/db';
import { calendarPublishedSignal } from '@dj/process-api';
import type { Client } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';

/** Tasks read per page of the walk. */
const PAGE = 200;
/** Signals in flight at once. */
const SIGNAL_BATCH = 20;

/**
 * The open steps a publication reschedules: every one whose due date is provisional and that is not yet
 * marked overdue (a step whose 督办 went out keeps the due date it was marked at). Not narrowed to the
 * published year: a provisional date crosses an unpublished year, in practice the one being published
 * (国务院办公厅 publishes next year's holidays in Oct–Dec); a step whose span also crosses another unpublished
 * year is recomputed and stays provisional, its record unchanged when its due date does not move.
 */
export async function countReschedulable(db: Db): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM task WHERE status = 'open' AND kind = 'step' AND due_provisional AND NOT overdue`;
  return row?.n ?? 0;
}

type Row = { id: string; dueAt: Date; workflowId: string };

/** Signals every case with such a step, without holding the request; logs how many. */
export function rescheduleInBackground(db: Db, temporal: Client, year: number, log: FastifyBaseLogger): void {
  void (async () => {
    const signalled = new Set<string>();
    let tasks = 0;
    let failed = 0;
    let after: Row | undefined;
    for (;;) {
      const page = await db.$queryRaw<Row[]>`
        SELECT t.id, t.due_at AS "dueAt", c.workflow_id AS "workflowId" FROM task t JOIN "case" c ON c.id = t.case_id
        WHERE t.status = 'open' AND t.kind = 'step' AND t.due_provisional AND NOT t.overdue
          ${after ? Prisma.sql`AND (t.due_at, t.id) > (${after.dueAt}, ${after.id}::uuid)` : Prisma.empty}
        ORDER BY t.due_at, t.id LIMIT ${PAGE}`;
      tasks += page.length;
      const fresh = [...new Set(page.map((r) => r.workflowId))].filter((w) => !signalled.has(w));
      for (let i = 0; i < fresh.length; i += SIGNAL_BATCH) {
        const batch = fresh.slice(i, i + SIGNAL_BATCH);
        const results = await Promise.allSettled(batch.map((w) => temporal.workflow.getHandle(w).signal(calendarPublishedSignal, { year })));
        results.forEach((r, j) => {
          signalled.add(batch[j]!);
          if (r.status === 'rejected') {
            failed += 1;
            log.warn({ event: 'calendar.reschedule-signal-failed', year, workflowId: batch[j], err: r.reason instanceof Error ? r.reason.message : String(r.reason) }, 'a case was not told of the published year');
          }
        });
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1];
    }
    log.info({ event: 'calendar.rescheduled', year, tasks, cases: signalled.size, failed }, 'open steps with provisional due dates rescheduled by their cases');
  })().catch((err: unknown) => log.error({ event: 'calendar.reschedule-failed', year, err }, 'provisional due dates not rescheduled'));
}
