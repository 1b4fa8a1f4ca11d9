import { ActivityFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type QueryDefinition, type UpdateDefinition, type WorkflowHandle } from '@temporalio/client';
import { isErrorCode } from '@dj/contracts';
import { HttpError, httpError } from './errors';

/**
 * gRPC UNAVAILABLE or DEADLINE_EXCEEDED anywhere in the cause chain: the client wraps the gRPC error
 * (e.g. a ServiceError "Failed to start Workflow" whose cause carries the status).
 */
export function temporalUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 14 || code === 4) return true;
  }
  return false;
}

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
    if (temporalUnavailable(e)) throw httpError('UNAVAILABLE');
    throw e;
  }
}

/**
 * The case's state once its workflow has written every projection and waits again (the stableState
 * Update), for callers that want the next step rather than the bare answer of an action. Bounded: past
 * `timeoutMs` (a worker that is busy or restarting), the current state from the snapshot query; once the
 * workflow has ended, its final state.
 */
export async function awaitStableState<T>(
  handle: WorkflowHandle,
  defs: { stable: UpdateDefinition<T, []>; snapshot: QueryDefinition<T> },
  timeoutMs = 30_000,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<{ timedOut: true }>((resolve) => {
    timer = setTimeout(() => resolve({ timedOut: true }), timeoutMs);
  });
  try {
    const outcome = await Promise.race([handle.executeUpdate(defs.stable).then((state) => ({ state }), (error: unknown) => ({ error })), timedOut]);
    if ('state' in outcome) return outcome.state;
    // An Update cannot reach a workflow that has just ended: its final state is in the query.
    if ('error' in outcome && !(outcome.error instanceof WorkflowNotFoundError) && !/already completed/i.test(String((outcome.error as Error)?.message))) {
      return await callWorkflow(() => Promise.reject(outcome.error), 'CASE_NOT_OPEN');
    }
  } finally {
    clearTimeout(timer);
  }
  return callWorkflow(() => handle.query(defs.snapshot), 'CASE_NOT_OPEN');
}
