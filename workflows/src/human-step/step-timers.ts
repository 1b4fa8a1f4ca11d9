/**
 * The reminder and 督办 timers of one open step, and their rescheduling when the step's provisional due
 * date is recomputed because a calendar year was published (issue 16).
 *
 * Without a publication the timers run exactly as they always have (same commands, so recorded histories
 * replay): each in turn, the reminder then each rung, fired when its instant comes unless the step was
 * decided. When the case is told a year was published (the `calendarPublished` signal, counted only behind
 * the patch `reschedule-provisional-due-dates`), a step whose due date is provisional wakes, asks the
 * `rescheduleTask` activity for its new instants and goes on with them; a timer that already fired (the
 * reminder) is not fired again, and an instant already past fires at once, as it would have.
 */
import { CancellationScope, condition, patched } from '@temporalio/workflow';
import type { OpenedTask, RescheduledTask, Rung } from './activity-types';

export const RESCHEDULE_PATCH = 'reschedule-provisional-due-dates';

/** The calendar publications a case has been told about; every open step compares with what it last saw. */
export class CalendarWatch {
  private publications = 0;

  /** The signal's handler: counted only for cases running this code (patch), so older histories replay unchanged. */
  published(): void {
    if (patched(RESCHEDULE_PATCH)) this.publications += 1;
  }

  get count(): number {
    return this.publications;
  }
}

type Timer = { key: string; at: number; fire: () => Promise<void> };

export type StepTimersSpec = {
  opened: OpenedTask;
  /** The step was decided, withdrawn or cancelled: the timers stop. */
  done: () => boolean;
  remind: () => Promise<void>;
  /** Fires 督办 rung `level` (1 at the due date); `nextAt` is when the next rung fires (the 督办 task's due date). */
  escalate: (level: number, rung: Rung, nextAt: number) => Promise<void>;
  watch: CalendarWatch;
  reschedule: () => Promise<RescheduledTask>;
};

function timersOf(opened: OpenedTask, spec: StepTimersSpec): Timer[] {
  return [
    { key: 'remind', at: opened.remindAt, fire: spec.remind },
    ...opened.rungs.map((rung, i) => ({ key: `rung:${i + 1}`, at: rung.at, fire: () => spec.escalate(i + 1, rung, opened.rungs[i + 1]?.at ?? rung.at) })),
  ].sort((a, b) => a.at - b.at);
}

/** Runs the step's timers until it is done. */
export async function runStepTimers(spec: StepTimersSpec): Promise<void> {
  let plan = timersOf(spec.opened, spec);
  let provisional = spec.opened.provisional;
  let seen = spec.watch.count;
  const fired = new Set<string>();
  const rescheduleAsked = () => provisional && spec.watch.count > seen;
  const wake = () => spec.done() || rescheduleAsked();
  for (;;) {
    const next = plan.find((t) => !fired.has(t.key));
    if (next) {
      const wait = next.at - Date.now();
      if (!(wait > 0 && (await condition(wake, wait)))) {
        if (spec.done()) return;
        await CancellationScope.nonCancellable(() => next.fire());
        fired.add(next.key);
        continue;
      }
    } else {
      await condition(wake);
    }
    if (spec.done()) return;
    // A year was published: the new instants replace the plan; what already fired stays fired.
    seen = spec.watch.count;
    const rescheduled = await CancellationScope.nonCancellable(() => spec.reschedule());
    if (rescheduled.keep) {
      provisional = false;
      continue;
    }
    provisional = rescheduled.provisional;
    plan = timersOf(rescheduled, spec);
  }
}
