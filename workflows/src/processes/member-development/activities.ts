import { enrolFromCase, loadPolicy, recordProbationEnd, type Db } from '@dj/db';
import { approvalDueAt, approvalLimitMonths, monthsAfter, probationEndsAt } from '@dj/domain';
import type { MemberActivities } from '../../human-step/activity-types';

export function createMemberActivities({ db, workingDaySeconds }: { db: Db; workingDaySeconds?: number | undefined }): MemberActivities {
  return {
    async loadMemberPolicies() {
      const [recommendation, evaluation] = await Promise.all([loadPolicy(db, 'member.recommendation-threshold'), loadPolicy(db, 'member.evaluation-threshold')]);
      return { recommendation, evaluation };
    },

    async resolvePeople({ userIds }) {
      const users = await db.user.findMany({ where: { id: { in: userIds }, disabled: false }, select: { id: true, displayName: true } });
      if (new Set(userIds).size !== userIds.length || users.length !== userIds.length) return undefined;
      return userIds.map((id) => ({ userId: id, name: users.find((u) => u.id === id)!.displayName }));
    },

    async instantAfterMonths({ from, months }) {
      return monthsAfter(new Date(from), months, workingDaySeconds).getTime();
    },

    async probationEndsAt({ endDate, recordedFrom, months }) {
      return probationEndsAt({ endDate, recordedFrom: new Date(recordedFrom), months, workingDaySeconds }).getTime();
    },

    async approvalDueAt({ meetingDate, recordedAt, extended }) {
      const dueAt = approvalDueAt({ meetingDate, recordedAt: new Date(recordedAt), extended, workingDaySeconds });
      return { dueAt: dueAt.getTime(), months: approvalLimitMonths(extended), anchor: workingDaySeconds === undefined ? 'meeting-date' : 'recorded-at' };
    },

    enrolMember: (input) => enrolFromCase(db, input),

    recordProbationEnd: (input) => recordProbationEnd(db, input),
  };
}
