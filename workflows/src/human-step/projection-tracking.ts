/**
 * Which projection writes of a case are still in flight. The case is *stable* (every projection a reader
 * may look at is written) when none is: it then waits only for a person, a timer or a signal. Module
 * state is per workflow execution (the SDK keeps one module cache per workflow).
 */
import { condition, proxyActivities } from '@temporalio/workflow';

/** Timeouts and retries of every case activity (each is idempotent, so retries are safe). */
export const activityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
} as const;

let inflight = 0;

/** Projection activities of this case still in flight. */
export function projectionsInFlight(): number {
  return inflight;
}

/** Wraps activity stubs so that the runtime knows when the case's projections are up to date. */
export function tracked<T extends object>(stubs: T): T {
  return new Proxy(stubs, {
    get(target, prop) {
      const fn = Reflect.get(target, prop) as unknown;
      if (typeof fn !== 'function') return fn;
      return (...args: unknown[]) => {
        inflight += 1;
        return (fn as (...a: unknown[]) => Promise<unknown>)(...args).finally(() => {
          inflight -= 1;
        });
      };
    },
  });
}

/** Activity stubs of a process, with the shared options; always use these (not proxyActivities) in case workflows. */
export function caseActivities<T extends object>(): T {
  return tracked(proxyActivities<T>(activityOptions) as T);
}

/**
 * Resolves at the SDK's next evaluation of blocked conditions, which comes after the microtasks of the
 * current one have all run (the predicate is false when condition() evaluates it eagerly).
 */
export function nextPass(): Promise<void> {
  let eager = true;
  const passed = condition(() => !eager);
  eager = false;
  return passed;
}
