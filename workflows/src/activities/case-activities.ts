/**
 * Activities of the human-step primitive: each writes a projection change and its record event in
 * one transaction, and is idempotent (keyed rows), so Temporal's retries never duplicate anything.
 */
import { anchorCase, appendCaseEvent, loadWorkingCalendar, uncachedReferenceData, type Db, type Prisma, type ReferenceData } from '@dj/db';
import {
  addCalendarMonths,
  isMonthDuration,
  scheduleMonthStep,
  scheduleOnClock,
  scheduleStep,
  scheduleStepUntil,
  stepName,
  type CalendarClock,
  type EscalationPolicy,
  type MonthDuration,
  type StepDuration,
  type StepSchedule,
  type WorkingCalendar,
} from '@dj/domain';
import type {
  CaseActivities,
  CaseDeadlineActivities,
  CloseTaskInput,
  EscalateTaskInput,
  FinishCaseInput,
  OpenCaseInput,
  OpenTaskInput,
  OpenedTask,
  RecordTaskActionInput,
  RescheduledTask,
  Rung,
  UpdateCaseInput,
} from '../human-step/activity-types';
import type { Slot } from '@dj/domain';
import { log } from '@temporalio/activity';
import { notify, usersOf } from './notify';

export type CaseActivitiesConfig = {
  db: Db;
  /** Compressed time for tests and demos: one working day lasts this many seconds. */
  workingDaySeconds?: number | undefined;
  /** Calendar, policies and org chains; the worker passes its cache (listenReferenceCache). */
  reference?: ReferenceData | undefined;
  /** Tests only: compressed time that keeps the holiday calendar (see CalendarClock); ignored with workingDaySeconds. */
  calendarClock?: CalendarClock | undefined;
};

const SYSTEM = { actorId: null, actorName: '系统' };

/** With compressed time, a calendar month lasts as long as 21 working days. */
const COMPRESSED_MONTH_WORKING_DAYS = 21;

function slotRow(taskId: string, s: Slot) {
  return {
    id: s.id,
    taskId,
    userId: s.userId ?? null,
    orgId: s.orgId ?? null,
    role: s.role ?? null,
    claimedById: s.claimedById ?? null,
    status: s.status,
    addedBySlot: s.addedBySlot ?? null,
  };
}

/** Writes the case's new stage and its record event, if the stage changed (the runtime is the only caller). */
async function writeStage(t: Prisma.TransactionClient, caseId: string, stage: string | undefined, at: Date): Promise<void> {
  if (stage === undefined) return;
  const c = await t.case.findUniqueOrThrow({ where: { id: caseId }, select: { stage: true, orgId: true, type: true } });
  if (c.stage === stage) return;
  await t.case.update({ where: { id: caseId }, data: { stage } });
  const data = { stage, from: c.stage, title: stepName(c.type, stage) };
  await appendCaseEvent(t, { caseId, idemKey: `case.stage:${stage}:${at.getTime()}`, type: 'case.stage', ...SYSTEM, orgId: c.orgId, data, at });
}

/** Closes a task (and the 督办 tasks on it) with its record event; nothing if it is no longer open. */
type ClosingTask = { status: string; orgId: string; title: string; dueAt: Date };

/** What closing a task needs of its row. */
async function taskToClose(t: Prisma.TransactionClient, taskId: string): Promise<ClosingTask> {
  const [task] = await t.$queryRaw<ClosingTask[]>`SELECT status, org_id AS "orgId", title, due_at AS "dueAt" FROM task WHERE id = ${taskId}::uuid`;
  // As the foreign keys would refuse a write for it: a data error, not retried.
  if (!task) throw Object.assign(new Error(`task ${taskId} does not exist`), { name: 'DatabaseError', code: '23503' });
  return task;
}

async function closeTaskIn(t: Prisma.TransactionClient, input: CloseTaskInput, now: Date, loaded?: ClosingTask): Promise<void> {
  const task = loaded ?? (await taskToClose(t, input.taskId));
  if (task.status !== 'open') return;
  // The task and its open 督办 tasks in one statement.
  await t.$executeRaw`
    UPDATE task SET
      status = CASE WHEN id = ${input.taskId}::uuid THEN ${input.status} ELSE 'completed' END,
      outcome = CASE WHEN id = ${input.taskId}::uuid THEN ${input.outcome} ELSE 'resolved' END,
      closed_by_id = CASE WHEN id = ${input.taskId}::uuid THEN ${input.closedBy?.userId ?? null}::uuid ELSE closed_by_id END,
      closed_at = ${now.toISOString()}::timestamptz(3)
    WHERE id = ${input.taskId}::uuid OR (supervises_task_id = ${input.taskId}::uuid AND status = 'open')`;
  await appendCaseEvent(t, {
    caseId: input.caseId,
    idemKey: `task.closed:${input.taskId}`,
    type: 'task.closed',
    actorId: input.closedBy?.userId ?? null,
    actorName: input.closedBy?.name ?? SYSTEM.actorName,
    orgId: task.orgId,
    taskId: input.taskId,
    data: { title: task.title, status: input.status, outcome: input.outcome, late: now > task.dueAt },
    at: now,
  });
}

type ScheduleArgs = {
  openedAt: Date;
  duration: StepDuration | MonthDuration;
  /** A due date fixed by a person (epoch ms): kept as it is. */
  fixedDueAt?: number | undefined;
  escalation: EscalationPolicy;
  levels: number;
  calendar: WorkingCalendar;
  workingDaySeconds?: number | undefined;
  calendarClock?: CalendarClock | undefined;
};

/** Due date, reminder and 督办 rungs of a step: its fixed due date, or its policy duration in working days or months. */
function scheduleOf(a: ScheduleArgs): StepSchedule {
  const common = { escalation: a.escalation, levels: a.levels, calendar: a.calendar, workingDaySeconds: a.workingDaySeconds };
  if (a.fixedDueAt !== undefined) return scheduleStepUntil({ ...common, openedAt: a.openedAt, dueAt: new Date(a.fixedDueAt) });
  const duration = a.duration;
  return scheduleOnClock(a.workingDaySeconds === undefined ? a.calendarClock : undefined, a.openedAt, (openedAt) =>
    isMonthDuration(duration) ? scheduleMonthStep({ ...common, openedAt, months: duration.months }) : scheduleStep({ ...common, openedAt, workingDays: duration.workingDays }),
  );
}

function openedOf(schedule: StepSchedule, chain: Omit<Rung, 'at'>[]): OpenedTask {
  return {
    dueAt: schedule.dueAt.getTime(),
    remindAt: schedule.remindAt.getTime(),
    rungs: schedule.rungAt.map((at, i) => ({ at: at.getTime(), ...chain[i]! })),
    provisional: schedule.provisional,
  };
}

export function createCaseActivities({ db, workingDaySeconds, reference = uncachedReferenceData(db), calendarClock }: CaseActivitiesConfig): CaseActivities & CaseDeadlineActivities {
  const tx = <T>(fn: (tx: Prisma.TransactionClient) => Promise<T>) => db.$transaction(fn, { timeout: 20_000, maxWait: 10_000 });

  return {
    async openCase(input: OpenCaseInput) {
      const org = await db.orgUnit.findUniqueOrThrow({ where: { id: input.orgId } });
      await tx(async (t) => {
        const now = new Date();
        await t.case.upsert({
          where: { id: input.caseId },
          update: {},
          create: {
            id: input.caseId,
            type: input.type,
            workflowId: input.workflowId,
            orgId: input.orgId,
            orgPath: org.path,
            title: input.title,
            status: 'open',
            stage: input.stage,
            initiatorId: input.initiator.userId,
            input: input.input as Prisma.InputJsonValue,
            openedAt: now,
          },
        });
        await appendCaseEvent(t, {
          caseId: input.caseId,
          idemKey: 'case.opened',
          type: 'case.opened',
          actorId: input.initiator.userId,
          actorName: input.initiator.name,
          orgId: input.orgId,
          data: { type: input.type, title: input.title },
          at: now,
        });
      });
    },

    async openTask(input: OpenTaskInput): Promise<OpenedTask> {
      const existing = await db.task.findUnique({ where: { id: input.taskId } });
      const [calendar, duration, escalation, chain] = await Promise.all([
        reference.calendar(),
        input.months !== undefined ? { months: input.months } : reference.policy<StepDuration | MonthDuration>(`duration.${input.policyKey}`),
        reference.policy<EscalationPolicy>('escalation.default'),
        reference.supervisingChain(input.orgId),
      ]);
      const openedAt = existing?.openedAt ?? new Date();
      const schedule = scheduleOf({ openedAt, duration, fixedDueAt: input.dueAt, escalation, levels: chain.length, calendar, workingDaySeconds, calendarClock });
      const result = openedOf(schedule, chain);
      if (existing) return result;
      await tx(async (t) => {
        // Lock the case first: the task insert's foreign-key share lock would otherwise deadlock with
        // the record's FOR UPDATE when a case opens several tasks at once (parallel steps, one per member unit).
        await t.$queryRaw`SELECT id FROM "case" WHERE id = ${input.caseId}::uuid FOR UPDATE`;
        await t.task.create({
          data: {
            id: input.taskId,
            caseId: input.caseId,
            kind: 'step',
            stepKey: input.stepKey,
            round: input.round,
            title: input.title,
            orgId: input.orgId,
            status: 'open',
            mode: input.mode,
            formId: input.formId ?? null,
            actions: input.actions,
            subjectType: input.subjectType ?? null,
            subjectId: input.subjectId ?? null,
            dueAt: schedule.dueAt,
            dueProvisional: schedule.provisional,
            openedAt,
          },
        });
        await t.taskAssignee.createMany({ data: input.slots.map((s) => slotRow(input.taskId, s)) });
        await writeStage(t, input.caseId, input.stage, openedAt);
        await appendCaseEvent(t, {
          caseId: input.caseId,
          idemKey: `task.opened:${input.taskId}`,
          type: 'task.opened',
          ...SYSTEM,
          orgId: input.orgId,
          taskId: input.taskId,
          data: {
            stepKey: input.stepKey,
            round: input.round,
            title: input.title,
            mode: input.mode,
            dueAt: schedule.dueAt.toISOString(),
            policy: input.policyKey,
            ...(isMonthDuration(duration) ? { months: duration.months } : { workingDays: duration.workingDays }),
            assignees: input.slots.map((s) => ({ userId: s.userId, name: s.displayName, orgId: s.orgId, role: s.role })),
          },
          at: openedAt,
        });
        const recipients = await usersOf(t, input.slots.filter((s) => s.status === 'pending'));
        await notify(t, { idemKey: `task.new:${input.taskId}`, userIds: recipients, kind: 'task.new', title: `新待办：${input.title}`, caseId: input.caseId, taskId: input.taskId, at: openedAt });
      });
      return result;
    },

    async recordTaskAction(input: RecordTaskActionInput) {
      await tx(async (t) => {
        const [done] = await t.$queryRaw<unknown[]>`SELECT 1 FROM case_event WHERE case_id = ${input.caseId}::uuid AND idem_key = ${input.idemKey}`;
        if (done) return;
        const now = new Date();
        for (const s of input.changedSlots) {
          const acted = s.status === 'approved' || s.status === 'rejected';
          await t.$executeRaw`
            UPDATE task_assignee SET user_id = ${s.userId ?? null}::uuid, org_id = ${s.orgId ?? null}, role = ${s.role ?? null}, claimed_by_id = ${s.claimedById ?? null}::uuid,
              status = ${s.status}, added_by_slot = ${s.addedBySlot ?? null}::uuid, acted_at = CASE WHEN ${acted} THEN ${now.toISOString()}::timestamptz(3) ELSE acted_at END
            WHERE id = ${s.id}::uuid`;
        }
        if (input.newSlots.length) await t.taskAssignee.createMany({ data: input.newSlots.map((s) => slotRow(input.taskId, s)) });
        if (input.copies.length) await t.taskCopy.createMany({ data: input.copies.map((userId) => ({ taskId: input.taskId, userId, createdAt: now })), skipDuplicates: true });
        const task = await taskToClose(t, input.taskId);
        await appendCaseEvent(t, {
          caseId: input.caseId,
          idemKey: input.idemKey,
          type: `task.${input.action}`,
          actorId: input.actor.userId,
          actorName: input.actor.name,
          orgId: task.orgId,
          taskId: input.taskId,
          data: { title: task.title, comment: input.comment, form: input.form, ...input.data },
          at: now,
        });
        let recipients: string[] = [];
        if (input.action === 'urge') recipients = await usersOf(t, await t.taskAssignee.findMany({ where: { taskId: input.taskId, status: 'pending' } }));
        else if (input.action === 'cc') recipients = input.copies;
        else if (input.action === 'transfer' || input.action === 'add_signer' || input.action === 'approve') recipients = await usersOf(t, [...input.changedSlots, ...input.newSlots].filter((s) => s.status === 'pending'));
        recipients = recipients.filter((u) => u !== input.actor.userId);
        await notify(t, { idemKey: input.idemKey, userIds: recipients, kind: `task.${input.action}`, title: `${input.actor.name}：${task.title}`, caseId: input.caseId, taskId: input.taskId, at: now });
        if (input.close) await closeTaskIn(t, { caseId: input.caseId, taskId: input.taskId, status: 'completed', outcome: input.close.outcome, closedBy: input.actor }, now, task);
      });
    },

    async closeTask(input: CloseTaskInput) {
      await tx((t) => closeTaskIn(t, input, new Date()));
    },

    async finishCase(input: FinishCaseInput) {
      await tx(async (t) => {
        const [c] = await t.$queryRaw<{ status: string; orgId: string; initiatorId: string; title: string }[]>`
          SELECT status, org_id AS "orgId", initiator_id AS "initiatorId", title FROM "case" WHERE id = ${input.caseId}::uuid`;
        if (!c) throw Object.assign(new Error(`case ${input.caseId} does not exist`), { name: 'DatabaseError', code: '23503' });
        if (c.status !== 'open') return;
        const now = new Date();
        const open = await t.$queryRaw<(ClosingTask & { id: string; kind: string })[]>`
          SELECT id, kind, status, org_id AS "orgId", title, due_at AS "dueAt" FROM task
          WHERE case_id = ${input.caseId}::uuid AND status = 'open' ORDER BY opened_at, id`;
        for (const task of open) {
          const cancel = input.cancelOpenSteps && task.kind === 'step';
          await closeTaskIn(
            t,
            cancel
              ? { caseId: input.caseId, taskId: task.id, status: 'cancelled', outcome: input.cancelOpenSteps!.outcome, closedBy: input.cancelOpenSteps!.by }
              : { caseId: input.caseId, taskId: task.id, status: 'completed', outcome: 'resolved' },
            now,
            task,
          );
        }
        await t.$executeRaw`
          UPDATE "case" SET status = ${input.status}, stage = 'closed', result = ${JSON.stringify(input.result)}::jsonb, closed_at = ${now.toISOString()}::timestamptz(3), updated_at = now()
          WHERE id = ${input.caseId}::uuid`;
        await appendCaseEvent(t, {
          caseId: input.caseId,
          idemKey: 'case.closed',
          type: 'case.closed',
          actorId: input.actor?.userId ?? null,
          actorName: input.actor?.name ?? SYSTEM.actorName,
          orgId: c.orgId,
          data: { status: input.status, result: input.result },
          at: now,
        });
        await notify(t, { idemKey: `case.closed:${input.caseId}`, userIds: [c.initiatorId], kind: 'case.closed', title: `事项已办结：${c.title}`, caseId: input.caseId, at: now });
      });
      // Every close seals the case's chain head in the anchor file (README, Security). A failure here
      // must not undo the close: the periodic anchoring of the worker writes it later.
      try {
        const run = await anchorCase(db, input.caseId);
        if (run.refused.length) log.error('the record of a closing case does not verify; not anchored', { event: 'record.anchor-refused', caseId: input.caseId, verification: run.refused[0]!.verification });
      } catch (err) {
        log.warn('anchoring at case close failed; the periodic anchoring will retry', { event: 'record.anchor-failed', caseId: input.caseId, error: (err as Error).message });
      }
    },

    async remindTask({ caseId, taskId }) {
      await tx(async (t) => {
        const task = await t.task.findUniqueOrThrow({ where: { id: taskId }, include: { assignees: true } });
        if (task.status !== 'open') return;
        const now = new Date();
        const pending = task.assignees.filter((a) => a.status === 'pending');
        // From now until it is marked overdue or closes, the step counts as due soon (临期) on the board (read-model triggers).
        if (!task.remindedAt) await t.task.update({ where: { id: taskId }, data: { remindedAt: now } });
        await appendCaseEvent(t, {
          caseId,
          idemKey: `task.reminded:${taskId}`,
          type: 'task.reminded',
          ...SYSTEM,
          orgId: task.orgId,
          taskId,
          data: { title: task.title, dueAt: task.dueAt.toISOString(), responsible: pending.map((a) => ({ userId: a.userId ?? a.claimedById, orgId: a.orgId, role: a.role })) },
          at: now,
        });
        await notify(t, { idemKey: `task.reminded:${taskId}`, userIds: await usersOf(t, pending), kind: 'task.reminder', title: `即将到期：${task.title}`, caseId, taskId, at: now });
      });
    },

    async escalateTask(input: EscalateTaskInput) {
      await tx(async (t) => {
        const task = await t.task.findUniqueOrThrow({ where: { id: input.taskId }, include: { assignees: true } });
        if (task.status !== 'open') return;
        const now = new Date();
        await t.task.update({ where: { id: task.id }, data: { overdue: true, escalationLevel: Math.max(task.escalationLevel, input.level) } });
        await t.case.update({ where: { id: input.caseId }, data: { overdue: true } });
        const exists = await t.task.findUnique({ where: { id: input.supervisionTaskId } });
        if (!exists) {
          await t.task.create({
            data: {
              id: input.supervisionTaskId,
              caseId: input.caseId,
              kind: 'supervision',
              stepKey: task.stepKey,
              round: task.round,
              title: `督办：${task.title}`,
              orgId: input.supervisor.orgId,
              status: 'open',
              mode: 'any',
              actions: ['urge', 'comment'],
              dueAt: new Date(Math.max(input.supervisionDueAt, now.getTime())),
              escalationLevel: input.level,
              supervisesTaskId: task.id,
              openedAt: now,
            },
          });
          await t.taskAssignee.create({
            data: { id: input.supervisionTaskId, taskId: input.supervisionTaskId, orgId: input.supervisor.orgId, role: input.supervisor.role, status: 'pending' },
          });
        }
        const pending = task.assignees.filter((a) => a.status === 'pending');
        await appendCaseEvent(t, {
          caseId: input.caseId,
          idemKey: `task.escalated:${task.id}:${input.level}`,
          type: 'task.escalated',
          ...SYSTEM,
          orgId: task.orgId,
          taskId: task.id,
          data: {
            title: task.title,
            level: input.level,
            dueAt: task.dueAt.toISOString(),
            supervisor: input.supervisor,
            supervisionTaskId: input.supervisionTaskId,
            responsible: pending.map((a) => ({ userId: a.userId ?? a.claimedById, orgId: a.orgId, role: a.role })),
          },
          at: now,
        });
        await notify(t, { idemKey: `task.overdue:${task.id}:${input.level}`, userIds: await usersOf(t, pending), kind: 'task.overdue', title: `已超期：${task.title}`, caseId: input.caseId, taskId: task.id, at: now });
        await notify(t, { idemKey: `supervision:${input.supervisionTaskId}`, userIds: await usersOf(t, [input.supervisor]), kind: 'supervision', title: `督办：${task.title}`, caseId: input.caseId, taskId: input.supervisionTaskId, at: now });
      });
    },

    /**
     * A calendar year was published (issue 16): the step's provisional due date is recomputed from the same
     * inputs — its opening and the duration recorded when it opened (task.opened), the calendar as it is now
     * (read fresh, not from the cache the publishing transaction's NOTIFY may not have reached yet) — and
     * written with a `task.rescheduled` record event in one transaction. A step already marked overdue keeps
     * the due date its 督办 went out at. Idempotent: a retry after the commit answers from the record event.
     */
    async rescheduleTask({ caseId, taskId, idemKey }): Promise<RescheduledTask> {
      const [calendar, escalation] = await Promise.all([loadWorkingCalendar(db), reference.policy<EscalationPolicy>('escalation.default')]);
      return tx(async (t) => {
        await t.$queryRaw`SELECT id FROM "case" WHERE id = ${caseId}::uuid FOR UPDATE`;
        const [done] = await t.$queryRaw<{ data: { opened: OpenedTask } }[]>`SELECT data FROM case_event WHERE case_id = ${caseId}::uuid AND idem_key = ${idemKey}`;
        if (done) return { keep: false, changed: true, ...done.data.opened };
        const [task] = await t.$queryRaw<{ status: string; orgId: string; title: string; dueAt: Date; dueProvisional: boolean; overdue: boolean; openedAt: Date }[]>`
          SELECT status, org_id AS "orgId", title, due_at AS "dueAt", due_provisional AS "dueProvisional", overdue, opened_at AS "openedAt"
          FROM task WHERE id = ${taskId}::uuid AND case_id = ${caseId}::uuid AND kind = 'step' FOR UPDATE`;
        if (!task || task.status !== 'open' || task.overdue || !task.dueProvisional) return { keep: true };
        const [opened] = await t.$queryRaw<{ data: { workingDays?: number; months?: number } }[]>`
          SELECT data FROM case_event WHERE case_id = ${caseId}::uuid AND idem_key = ${`task.opened:${taskId}`}`;
        const recorded = opened?.data;
        const duration: StepDuration | MonthDuration | undefined =
          recorded?.months !== undefined ? { months: recorded.months } : recorded?.workingDays !== undefined ? { workingDays: recorded.workingDays } : undefined;
        if (!duration) return { keep: true };
        const chain = await reference.supervisingChain(task.orgId);
        const schedule = scheduleOf({ openedAt: task.openedAt, duration, escalation, levels: chain.length, calendar, workingDaySeconds, calendarClock });
        const result = openedOf(schedule, chain);
        const changed = schedule.dueAt.getTime() !== task.dueAt.getTime() || schedule.provisional !== task.dueProvisional;
        if (!changed) return { keep: false, changed, ...result };
        await t.$executeRaw`UPDATE task SET due_at = ${schedule.dueAt.toISOString()}::timestamptz(3), due_provisional = ${schedule.provisional} WHERE id = ${taskId}::uuid`;
        await appendCaseEvent(t, {
          caseId,
          idemKey,
          type: 'task.rescheduled',
          ...SYSTEM,
          orgId: task.orgId,
          taskId,
          data: {
            title: task.title,
            reason: 'calendar-published',
            fromDueAt: task.dueAt.toISOString(),
            dueAt: schedule.dueAt.toISOString(),
            provisional: schedule.provisional,
            opened: result,
          },
          at: new Date(),
        });
        return { keep: false, changed, ...result };
      });
    },

    async setCaseDeadline({ caseId, months, warnMonths }) {
      const c = await db.case.findUniqueOrThrow({ where: { id: caseId } });
      const at = (m: number) =>
        workingDaySeconds !== undefined ? new Date(c.openedAt.getTime() + m * COMPRESSED_MONTH_WORKING_DAYS * workingDaySeconds * 1000) : addCalendarMonths(c.openedAt, m);
      const deadlineAt = at(months);
      if (!c.deadlineAt) {
        await tx(async (t) => {
          await t.case.update({ where: { id: caseId }, data: { deadlineAt } });
          await appendCaseEvent(t, { caseId, idemKey: 'case.deadline', type: 'case.deadline', ...SYSTEM, orgId: c.orgId, data: { months, deadlineAt: deadlineAt.toISOString() }, at: new Date() });
        });
      }
      return { warnAt: at(warnMonths).getTime(), deadlineAt: (c.deadlineAt ?? deadlineAt).getTime() };
    },

    async warnCaseDeadline({ caseId, recipients, deadlineAt }) {
      await tx(async (t) => {
        const c = await t.case.findUniqueOrThrow({ where: { id: caseId } });
        const now = new Date();
        await appendCaseEvent(t, { caseId, idemKey: 'case.deadline-warning', type: 'case.deadline-warning', ...SYSTEM, orgId: c.orgId, data: { deadlineAt: new Date(deadlineAt).toISOString(), recipients }, at: now });
        await notify(t, { idemKey: `case.deadline-warning:${caseId}`, userIds: await usersOf(t, recipients), kind: 'case.deadline-warning', title: `即将到期：${c.title}`, caseId, at: now });
      });
    },

    async caseDeadlinePassed({ caseId, supervisionTaskId, supervisor, title }) {
      await tx(async (t) => {
        const c = await t.case.findUniqueOrThrow({ where: { id: caseId } });
        const now = new Date();
        await t.case.update({ where: { id: caseId }, data: { overdue: true } });
        if (!(await t.task.findUnique({ where: { id: supervisionTaskId } }))) {
          await t.task.create({
            data: {
              id: supervisionTaskId,
              caseId,
              kind: 'supervision',
              stepKey: 'case-deadline',
              round: 1,
              title,
              orgId: supervisor.orgId,
              status: 'open',
              mode: 'any',
              actions: ['urge', 'comment'],
              dueAt: c.deadlineAt ?? now,
              overdue: true,
              escalationLevel: 1,
              openedAt: now,
            },
          });
          await t.taskAssignee.create({ data: { id: supervisionTaskId, taskId: supervisionTaskId, orgId: supervisor.orgId, role: supervisor.role, status: 'pending' } });
        }
        const open = await t.task.findMany({ where: { caseId, status: 'open', kind: 'step' }, include: { assignees: true } });
        await appendCaseEvent(t, {
          caseId,
          idemKey: 'case.deadline-passed',
          type: 'case.deadline-passed',
          ...SYSTEM,
          orgId: c.orgId,
          data: {
            deadlineAt: c.deadlineAt?.toISOString() ?? null,
            supervisor,
            supervisionTaskId,
            openSteps: open.map((o) => ({ taskId: o.id, title: o.title, responsible: o.assignees.filter((a) => a.status === 'pending').map((a) => ({ userId: a.userId ?? a.claimedById, orgId: a.orgId, role: a.role })) })),
          },
          at: now,
        });
        await notify(t, { idemKey: `case.deadline-passed:${caseId}`, userIds: await usersOf(t, [supervisor]), kind: 'supervision', title, caseId, taskId: supervisionTaskId, at: now });
      });
    },

    async updateCase(input: UpdateCaseInput) {
      await tx(async (t) => {
        const [done] = await t.$queryRaw<unknown[]>`SELECT 1 FROM case_event WHERE case_id = ${input.caseId}::uuid AND idem_key = ${input.idemKey}`;
        if (done) return;
        const now = new Date();
        await writeStage(t, input.caseId, input.stage, now);
        if (input.eventType === 'case.stage') return; // the stage alone: writeStage recorded it
        const c = await t.case.update({
          where: { id: input.caseId },
          data: { title: input.title, input: input.input as Prisma.InputJsonValue | undefined },
        });
        await appendCaseEvent(t, {
          caseId: input.caseId,
          idemKey: input.idemKey,
          type: input.eventType,
          actorId: input.actor?.userId ?? null,
          actorName: input.actor?.name ?? SYSTEM.actorName,
          orgId: c.orgId,
          data: input.data ?? {},
          at: now,
        });
      });
    },
  };
}
