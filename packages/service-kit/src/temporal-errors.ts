import { ActivityFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
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
