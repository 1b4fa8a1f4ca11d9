/**
 * Activities of 公示 (public notices): a case publishes a notice, closes or withdraws it, reconciles
 * the objections the notice board stored, and records the finding of each objection's 核实.
 * Same style as the case activities: one transaction per change with its record event, idempotent
 * on keyed rows, so Temporal's retries never duplicate anything.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { appendCaseEvent, loadPolicy, loadWorkingCalendar, type Db, type Prisma } from '@dj/db';
import type { StepDuration } from '@dj/domain';
import type { NoticeActivities, PublishNoticeInput, PublishedNotice } from '../human-step/activity-types';

export type NoticeActivitiesConfig = {
  db: Db;
  /** Compressed time for tests and demos: one working day lasts this many seconds. */
  workingDaySeconds?: number | undefined;
};

const SYSTEM = { actorId: null, actorName: '系统' };

function published(n: { id: string; startsAt: Date; endsAt: Date; workingDays: number }): PublishedNotice {
  return { noticeId: n.id, startsAt: n.startsAt.getTime(), endsAt: n.endsAt.getTime(), workingDays: n.workingDays };
}

export function createNoticeActivities({ db, workingDaySeconds }: NoticeActivitiesConfig): NoticeActivities {
  const tx = <T>(fn: (tx: Prisma.TransactionClient) => Promise<T>) => db.$transaction(fn, { timeout: 20_000, maxWait: 10_000 });

  /** End of the notice: n working days of compressed time, or the end of the n-th working day after today (China time). */
  async function endOf(startsAt: Date, workingDays: number): Promise<Date> {
    if (workingDaySeconds !== undefined) return new Date(startsAt.getTime() + workingDays * workingDaySeconds * 1000);
    const calendar = await loadWorkingCalendar(db);
    return calendar.addWorkingDays(startsAt, workingDays).due;
  }

  return {
    async publishNotice(input: PublishNoticeInput): Promise<PublishedNotice> {
      const existing = await db.notice.findUnique({ where: { idemKey: input.idemKey } });
      if (existing) return published(existing);
      const [duration, org] = await Promise.all([
        loadPolicy<StepDuration>(db, `duration.${input.policyKey}`),
        db.orgUnit.findUnique({ where: { id: input.orgId } }),
      ]);
      if (!org) throw ApplicationFailure.nonRetryable(`unknown organization ${input.orgId}`, 'UnknownOrg');
      const startsAt = new Date();
      const endsAt = await endOf(startsAt, duration.workingDays);
      return tx(async (t) => {
        // Concurrent attempts of one activity: the second insert waits for the first and is skipped.
        await t.notice.createMany({
          data: [
            {
              id: randomUUID(),
              idemKey: input.idemKey,
              caseId: input.caseId,
              orgId: org.id,
              orgPath: org.path,
              title: input.title,
              body: input.body,
              startsAt,
              endsAt,
              workingDays: duration.workingDays,
              status: 'active',
            },
          ],
          skipDuplicates: true,
        });
        const notice = await t.notice.findUniqueOrThrow({ where: { idemKey: input.idemKey } });
        await appendCaseEvent(t, {
          caseId: input.caseId,
          idemKey: `notice.published:${notice.id}`,
          type: 'notice.published',
          ...SYSTEM,
          orgId: notice.orgId,
          data: {
            noticeId: notice.id,
            title: notice.title,
            startsAt: notice.startsAt.toISOString(),
            endsAt: notice.endsAt.toISOString(),
            workingDays: notice.workingDays,
            policy: input.policyKey,
          },
          at: notice.startsAt,
        });
        return published(notice);
      });
    },

    async closeNotice({ caseId, noticeId, status }) {
      await tx(async (t) => {
        // Lock the notice: an objection being filed at this moment is stored before, or refused after.
        await t.$queryRaw`SELECT id FROM notice WHERE id = ${noticeId}::uuid FOR UPDATE`;
        const notice = await t.notice.findUnique({ where: { id: noticeId } });
        if (!notice) throw ApplicationFailure.nonRetryable(`unknown notice ${noticeId}`, 'UnknownNotice');
        if (notice.caseId !== caseId) throw ApplicationFailure.nonRetryable(`notice ${noticeId} does not belong to case ${caseId}`, 'WrongCase');
        // Already ended the other way: the first ending stands, nothing to record.
        if (notice.status !== 'active' && notice.status !== status) return;
        const now = new Date();
        if (notice.status === 'active') await t.notice.update({ where: { id: noticeId }, data: { status } });
        await appendCaseEvent(t, {
          caseId,
          idemKey: `notice.${status}:${noticeId}`,
          type: `notice.${status}`,
          ...SYSTEM,
          orgId: notice.orgId,
          data: { noticeId, title: notice.title, endsAt: notice.endsAt.toISOString(), early: now < notice.endsAt },
          at: now,
        });
      });
    },

    async pendingObjections({ noticeId }) {
      return tx(async (t) => {
        // A barrier: an objection being filed right now holds the notice row FOR SHARE until it is
        // committed, so one accepted an instant before the end is waited for and listed here; after
        // the end, the board accepts none. Called after endsAt, this list is therefore complete.
        await t.$queryRaw`SELECT id FROM notice WHERE id = ${noticeId}::uuid FOR UPDATE`;
        const rows = await t.objection.findMany({
          where: { noticeId, status: 'pending' },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          select: { id: true },
        });
        return rows.map((r) => ({ objectionId: r.id }));
      });
    },

    async recordObjectionFinding(input) {
      await tx(async (t) => {
        const idemKey = `objection.verified:${input.objectionId}`;
        const done = await t.caseEvent.findUnique({ where: { caseId_idemKey: { caseId: input.caseId, idemKey } } });
        if (done) return;
        const objection = await t.objection.findUnique({ where: { id: input.objectionId }, include: { notice: true } });
        if (!objection) throw ApplicationFailure.nonRetryable(`unknown objection ${input.objectionId}`, 'UnknownObjection');
        if (objection.notice.caseId !== input.caseId) throw ApplicationFailure.nonRetryable(`objection ${input.objectionId} does not belong to case ${input.caseId}`, 'WrongCase');
        const now = new Date();
        const status = input.substantiated ? 'substantiated' : 'unsubstantiated';
        await t.objection.update({
          where: { id: input.objectionId },
          data: { status, finding: input.finding, taskId: input.taskId, handledById: input.handledBy.userId, handledAt: now },
        });
        const task = await t.task.findUnique({ where: { id: input.taskId }, select: { orgId: true } });
        // The record is read by many officials: the objector's name, phone and words stay out of it.
        await appendCaseEvent(t, {
          caseId: input.caseId,
          idemKey,
          type: 'objection.verified',
          actorId: input.handledBy.userId,
          actorName: input.handledBy.name,
          orgId: task?.orgId ?? objection.notice.orgId,
          taskId: input.taskId,
          data: {
            objectionId: objection.id,
            receiptNo: objection.receiptNo,
            noticeId: objection.noticeId,
            substantiated: input.substantiated,
            finding: input.finding,
          },
          at: now,
        });
      });
    },
  };
}
