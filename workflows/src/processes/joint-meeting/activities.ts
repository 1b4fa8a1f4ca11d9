/**
 * Activities of 党建联席会议: the meeting and decision projections (joint_meeting*, idempotent
 * writes keyed by the ids the workflow chose) and the members' notifications.
 */
import { loadPolicy, loadWorkingCalendar, type Db, type Prisma } from '@dj/db';
import { defaultEscalation, meetingDeadline, quarterAt, scheduleStep, type StepDuration } from '@dj/domain';
import { loadJointBodyInfo } from '@dj/process-api/joint-body-info';
import type { JointMeetingActivities } from './types';
import { notify } from '../../activities/notify';

export type JointMeetingActivitiesConfig = {
  db: Db;
  workingDaySeconds?: number | undefined;
  /** Compressed quarters for tests and demos (JOINT_MEETING_QUARTER_SECONDS); unset = calendar quarters. */
  quarterSeconds?: number | undefined;
};

const json = (v: unknown) => v as Prisma.InputJsonValue;

export function createJointMeetingActivities({ db, workingDaySeconds, quarterSeconds }: JointMeetingActivitiesConfig): JointMeetingActivities {
  return {
    async planJointQuarter({ bodyId, at }) {
      const quarter = quarterAt(at, quarterSeconds);
      return { body: await loadJointBodyInfo(db, bodyId), quarter, deadlineAt: meetingDeadline(quarter, Date.now()) };
    },

    async jointStepDueAt({ policyKey }) {
      const [calendar, duration] = await Promise.all([loadWorkingCalendar(db), loadPolicy<StepDuration>(db, `duration.${policyKey}`)]);
      return scheduleStep({ openedAt: new Date(), workingDays: duration.workingDays, escalation: defaultEscalation, levels: 0, calendar, workingDaySeconds }).dueAt.getTime();
    },

    async openJointMeeting(input) {
      await db.jointMeeting.createMany({
        data: [
          {
            id: input.meetingId,
            bodyId: input.bodyId,
            kind: input.kind,
            quarter: input.quarter,
            status: input.kind === 'quarterly' ? 'collecting' : 'requested',
            deadlineAt: input.deadlineAt !== undefined ? new Date(input.deadlineAt) : null,
            requestedBy: input.requestedBy ?? null,
            reason: input.reason ?? null,
            createdAt: new Date(),
          },
        ],
        skipDuplicates: true,
      });
    },

    async saveSubmissions({ meetingId, items, nothingFrom, missingFrom }) {
      await db.jointMeeting.update({ where: { id: meetingId }, data: { items: json(items), nothingFrom, missingFrom, status: 'reviewing' } });
    },

    async carriedOverDecisions({ bodyId, meetingId }) {
      const rows = await db.jointMeetingDecision.findMany({ where: { bodyId, meetingId: { not: meetingId }, status: { in: ['open', 'reported'] } }, orderBy: { createdAt: 'asc' } });
      return rows.map((d) => ({ id: d.id, title: d.title, ownerMemberId: d.ownerMemberId, dueAt: d.dueAt.getTime(), status: d.status, quarter: d.quarter }));
    },

    async saveAgenda({ meetingId, quarter, carriedOver, dropped, meetingDate, place }) {
      await db.$transaction(async (t) => {
        const meeting = await t.jointMeeting.findUniqueOrThrow({ where: { id: meetingId } });
        if (meeting.status === 'notified') return;
        await t.jointMeeting.update({ where: { id: meetingId }, data: { carriedOver, dropped: json(dropped), meetingDate, place, status: 'notified' } });
        for (const id of carriedOver) {
          const d = await t.jointMeetingDecision.findUniqueOrThrow({ where: { id } });
          if (!d.carriedInto.includes(quarter)) await t.jointMeetingDecision.update({ where: { id }, data: { carriedInto: [...d.carriedInto, quarter] } });
        }
        for (const d of dropped) {
          await t.jointMeetingDecision.update({ where: { id: d.decisionId }, data: { status: 'dropped', droppedReason: d.reason } });
        }
      });
    },

    async notifyJointMembers({ bodyId, caseId, idemKey, kind, title }) {
      const body = await db.jointMeetingBody.findUniqueOrThrow({ where: { id: bodyId }, include: { members: { where: { removedAt: null } } } });
      const userIds = [...new Set([body.convenerId, body.secretaryId, ...body.members.map((m) => m.liaisonId)])];
      await db.$transaction((t) => notify(t, { idemKey, userIds, kind, title, caseId, at: new Date() }));
    },

    async recordJointMeeting({ meetingId, bodyId, quarter, attendance, minutes, publishTo, decisions }) {
      await db.$transaction(async (t) => {
        const now = new Date();
        await t.jointMeeting.update({ where: { id: meetingId }, data: { attendance: json(attendance), minutes, publishedTo: publishTo, status: 'held', heldAt: now } });
        await t.jointMeetingDecision.createMany({
          data: decisions.map((d) => ({
            id: d.id,
            bodyId,
            meetingId,
            quarter,
            title: d.title,
            ownerMemberId: d.ownerMemberId,
            answers: d.answers,
            dueAt: new Date(d.dueAt),
            status: 'open',
            carriedInto: [],
            createdAt: now,
          })),
          skipDuplicates: true,
        });
        await t.jointMeetingBody.update({ where: { id: bodyId }, data: { flagged: false, flaggedNote: null } });
      });
    },

    async jointMeetingNotHeld({ meetingId, bodyId, quarter }) {
      await db.$transaction(async (t) => {
        await t.jointMeeting.update({ where: { id: meetingId }, data: { status: 'not-held' } });
        await t.jointMeetingBody.update({ where: { id: bodyId }, data: { flagged: true, flaggedNote: `${quarter} 未召开联席会议` } });
      });
    },

    async jointMeetingDeclined({ meetingId }) {
      await db.jointMeeting.update({ where: { id: meetingId }, data: { status: 'declined' } });
    },

    async setDecisionStatus({ decisionId, status, evidence, explanation }) {
      const now = new Date();
      // A retried 'done' keeps the first confirmation time.
      await db.jointMeetingDecision.updateMany({
        where: { id: decisionId, ...(status === 'done' ? { status: { not: 'done' } } : {}) },
        data: {
          status,
          ...(status === 'reported' ? { evidence: evidence ?? null, explanation: explanation ?? null, reportedAt: now } : {}),
          ...(status === 'done' ? { doneAt: now } : {}),
        },
      });
    },
  };
}
