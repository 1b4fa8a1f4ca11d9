/**
 * The Temporal Schedule of a joint-meeting body (client side). The database row is the truth: every
 * change to a body ends with `syncJointSchedule`, which is idempotent (schedule id = body id), so a
 * failure between the two is repaired by the next sync or by `reconcileJointSchedules` at start-up.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleSpec } from '@temporalio/client';
import type { Quarter } from '@dj/domain';

export type JointScheduleOptions = { taskQueue: string; quarterSeconds?: number | undefined };

export const jointScheduleId = (bodyId: string) => `joint-meeting-schedule:${bodyId}`;

/** At the start of every quarter (China time); with compressed quarters every `quarterSeconds`. */
export function jointScheduleSpec(quarterSeconds?: number): ScheduleSpec {
  if (quarterSeconds !== undefined) return { intervals: [{ every: `${quarterSeconds}s` }] };
  return { calendars: [{ month: ['JANUARY', 'APRIL', 'JULY', 'OCTOBER'], dayOfMonth: 1, hour: 0, minute: 0 }], timezone: 'Asia/Shanghai' };
}

export async function syncJointSchedule(client: Client, body: { id: string; status: string }, options: JointScheduleOptions): Promise<void> {
  const handle = client.schedule.getHandle(jointScheduleId(body.id));
  if (body.status === 'deleted') {
    try {
      await handle.delete();
    } catch (e) {
      if (!(e instanceof ScheduleNotFoundError)) throw e;
    }
    return;
  }
  const paused = body.status === 'paused';
  try {
    await client.schedule.create({
      scheduleId: jointScheduleId(body.id),
      spec: jointScheduleSpec(options.quarterSeconds),
      action: { type: 'startWorkflow', workflowType: 'jointMeetingSchedule', workflowId: `joint-meeting-trigger:${body.id}`, taskQueue: options.taskQueue, args: [{ bodyId: body.id }] },
      policies: { overlap: 'ALLOW_ALL', catchupWindow: '1 day' },
      state: { paused, note: paused ? 'paused with the body' : 'created with the body' },
    });
    return;
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
  }
  const described = await handle.describe();
  if (described.state.paused !== paused) await (paused ? handle.pause('paused with the body') : handle.unpause('resumed with the body'));
}

/** Runs the schedule's action for a quarter that was missed (its nominal time is the quarter's start). */
export async function backfillJointQuarter(client: Client, bodyId: string, quarter: Quarter): Promise<void> {
  const margin = Math.min(60_000, (quarter.endsAt - quarter.startsAt) / 4);
  await client.schedule.getHandle(jointScheduleId(bodyId)).backfill({ start: new Date(quarter.startsAt - margin), end: new Date(quarter.startsAt + margin), overlap: 'ALLOW_ALL' });
}

export async function jointScheduleExists(client: Client, bodyId: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(jointScheduleId(bodyId)).describe();
    return true;
  } catch (e) {
    if (e instanceof ScheduleNotFoundError) return false;
    throw e;
  }
}
