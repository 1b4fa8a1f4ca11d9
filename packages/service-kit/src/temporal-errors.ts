import { ActivityFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type QueryDefinition, type UpdateDefinition, type WorkflowHandle } from '@temporalio/client';
import { isErrorCode } from '@dj/contracts';
import { HttpError, httpError } from './errors';

/**
 * Runs a workflow Update (or start) and maps what Temporal says to our coded errors: a validator's
 * rejection carries our error code as its failure type (so does an activity's non-retryable failure,
 * e.g. DATA_ERROR); a finished workflow means the task is closed.
 */
export async function callWorkflow<T>(fn: () => Promise<T>, closedCode: 'TASK_NOT_OPEN' | 'CASE_NOT_OPEN' = 'TASK_NOT_OPEN'): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof HttpError) throw e;
    if (e instanceof WorkflowUpdateFailedError) {
      // An activity of the action failed for good (e.g. DATA_ERROR: PostgreSQL refused the data): its reason.
      const cause = (e.cause instanceof ActivityFailure ? e.cause.cause : e.cause) as { type?: string; message?: string } | undefined;
      if (isErrorCode(cause?.type)) throw httpError(cause.type, cause.message && cause.message !== cause.type ? cause.message : undefined);
      throw httpError('ACTION_NOT_ALLOWED', cause?.message);
    }
    if (e instanceof WorkflowNotFoundError) throw httpError(closedCode);
    const code = (e as { code?: number }).code;
    if (code === 14 || code === 4) throw httpError('UNAVAILABLE'); // gRPC UNAVAILABLE / DEADLINE_EXCEEDED
    throw e;
  }
}

/**
 * The case's state once its workflow has written every projection and waits again (the stableState
 * Update), for callers that want the next step rather than the bare answer of an action. Bounded: past
 * `timeoutMs`, or once the workflow has ended, the current state from the snapshot query.
 */
export async function awaitStableState<T>(
  handle: WorkflowHandle,
  defs: { stable: UpdateDefinition<T, []>; snapshot: QueryDefinition<T> },
  timeoutMs = 10_000,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const stable = await Promise.race([handle.executeUpdate(defs.stable).catch((e: unknown) => ({ failed: e })), timedOut]);
    if (stable !== 'timeout' && !(typeof stable === 'object' && stable !== null && 'failed' in stable)) return stable;
  } finally {
    clearTimeout(timer);
  }
  return callWorkflow(() => handle.query(defs.snapshot), 'CASE_NOT_OPEN');
}
