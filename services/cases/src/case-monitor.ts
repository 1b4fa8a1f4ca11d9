/** The monitoring view of one case: where it is, each step against its policy, the verified record. */
import { loadWorkingCalendar, verifyCaseRecord, type Db } from '@dj/db';
import { caseTypeName, stepName } from '@dj/domain';
import { caseRecord } from '@dj/service-kit';
import { openTasksOf } from './case-search';

/** A step's duration in working days: the calendar's, or with compressed time the elapsed fraction of days. */
function workingDaysTaken(calendar: Awaited<ReturnType<typeof loadWorkingCalendar>>, from: Date, to: Date, workingDaySeconds: number | undefined): number {
  if (workingDaySeconds !== undefined) return Math.round(((to.getTime() - from.getTime()) / 1000 / workingDaySeconds) * 100) / 100;
  return calendar.workingDaysBetween(from, to);
}

export async function caseMonitorView(db: Db, caseId: string, workingDaySeconds: number | undefined) {
  const c = await db.case.findUniqueOrThrow({ where: { id: caseId }, include: { tasks: { where: { kind: 'step' }, orderBy: [{ openedAt: 'asc' }, { id: 'asc' }], include: { assignees: true } } } });
  const [record, verification, calendar, openTasks, org] = await Promise.all([
    caseRecord(db, caseId),
    verifyCaseRecord(db, caseId),
    loadWorkingCalendar(db),
    openTasksOf(db, [caseId]),
    db.orgUnit.findUniqueOrThrow({ where: { id: c.orgId }, select: { name: true } }),
  ]);
  const now = new Date();
  // The policy a step was opened under is in its task.opened event; who acted is in the task's events.
  const openedEvents = new Map(record.filter((e) => e.type === 'task.opened' && e.taskId).map((e) => [e.taskId!, e.data]));
  const actors = new Map<string, string[]>();
  for (const e of record) {
    if (!e.taskId || !e.actor?.id || !e.actor.name || !e.type.startsWith('task.')) continue;
    const names = actors.get(e.taskId) ?? [];
    if (!names.includes(e.actor.name)) names.push(e.actor.name);
    actors.set(e.taskId, names);
  }
  const pendingNames = new Map([...(openTasks.get(caseId) ?? [])].map((t) => [t.taskId, t.assignees]));
  const steps = c.tasks.map((t) => {
    const opened = openedEvents.get(t.id);
    const end = t.closedAt ?? now;
    // Late by any amount is late; the seconds round up so a step 0.4 s past due does not read as 0.
    const lateMs = Math.max(0, end.getTime() - t.dueAt.getTime());
    const lateBySeconds = Math.ceil(lateMs / 1000);
    return {
      taskId: t.id,
      stepKey: t.stepKey,
      name: t.title,
      stepName: stepName(c.type, t.stepKey, t.title),
      status: t.status,
      outcome: t.outcome,
      openedAt: t.openedAt.toISOString(),
      closedAt: t.closedAt?.toISOString() ?? null,
      dueAt: t.dueAt.toISOString(),
      policyWorkingDays: typeof opened?.workingDays === 'number' ? opened.workingDays : null,
      tookWorkingDays: t.closedAt ? workingDaysTaken(calendar, t.openedAt, t.closedAt, workingDaySeconds) : null,
      late: lateMs > 0,
      lateBySeconds,
      responsible: t.status === 'open' ? (pendingNames.get(t.id) ?? []) : (actors.get(t.id) ?? []),
    };
  });
  return {
    case: {
      id: c.id,
      type: c.type,
      typeName: caseTypeName(c.type),
      title: c.title,
      orgId: c.orgId,
      orgName: org.name,
      stage: c.stage,
      stageName: stepName(c.type, c.stage),
      status: c.status,
      overdue: c.status === 'open' && ((!!c.deadlineAt && c.deadlineAt < now) || (openTasks.get(caseId) ?? []).some((t) => t.kind === 'step' && t.overdue)),
      input: c.input,
      result: c.result,
      deadlineAt: c.deadlineAt?.toISOString() ?? null,
      openedAt: c.openedAt.toISOString(),
      closedAt: c.closedAt?.toISOString() ?? null,
      workflowId: c.workflowId,
    },
    openTasks: openTasks.get(caseId) ?? [],
    steps,
    record,
    verification: { ok: verification.valid, checked: verification.events, brokenAt: verification.brokenAtSeq ?? null, anchored: verification.anchored, problem: verification.problem ?? null },
  };
}
