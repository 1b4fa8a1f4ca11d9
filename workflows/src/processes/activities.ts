/**
 * The worker's activities: the engine's (case projections, public notices) and each process's own.
 * Registering a process's activities is one line in `processActivities`.
 */
import type { Db, ReferenceData } from '@dj/db';
import type { CalendarClock } from '@dj/domain';
import { createCaseActivities } from '../activities/case-activities';
import { createNoticeActivities } from '../activities/notice-activities';
import { classifyActivityErrors } from '../activities/classify-errors';
import { createSecretaryActivities } from './secretary-replacement/activities';
import { createMemberActivities } from './member-development/activities';
import { createJointMeetingActivities } from './joint-meeting/activities';

export type ActivityDeps = {
  db: Db;
  /** Compressed time for tests and demos: one working day lasts this many seconds. */
  workingDaySeconds?: number | undefined;
  /** Compressed joint-meeting quarters (tests and demos). */
  quarterSeconds?: number | undefined;
  /** Calendar, policies and org chains; the worker passes its cache (listenReferenceCache). */
  reference?: ReferenceData | undefined;
  /** Tests only: compressed time that keeps the holiday calendar (provisional due dates and their rescheduling). */
  calendarClock?: CalendarClock | undefined;
};

const processActivities = [createSecretaryActivities, createMemberActivities, createJointMeetingActivities] as const;

/** Every activity the worker registers, with data errors classified as non-retryable. */
export function createActivities(deps: ActivityDeps) {
  return classifyActivityErrors(
    Object.assign({ ...createCaseActivities(deps), ...createNoticeActivities(deps) }, ...processActivities.map((create) => create(deps))) as ReturnType<typeof createCaseActivities> &
      ReturnType<typeof createNoticeActivities> &
      ReturnType<(typeof processActivities)[number]>,
  );
}
