/**
 * Baseline for bench/approvals.ts: the smallest workflow with the real case's shape — it waits for one
 * `approve` Update (with a validator), answers it and completes. No activities, no database.
 */
import { ApplicationFailure, allHandlersFinished, condition, defineUpdate, setHandler } from '@temporalio/workflow';

export type ApproveRequest = { taskId: string; action: string };
export type ApproveResult = { taskId: string; outcome: string };

export const approveUpdate = defineUpdate<ApproveResult, [ApproveRequest]>('approve');

export async function minimalCase(taskId: string): Promise<ApproveResult | undefined> {
  let result: ApproveResult | undefined;
  setHandler(approveUpdate, (req) => (result = { taskId: req.taskId, outcome: req.action }), {
    validator: (req) => {
      if (req.taskId !== taskId || req.action !== 'approve' || result) throw ApplicationFailure.create({ type: 'ACTION_NOT_ALLOWED', nonRetryable: true });
    },
  });
  await condition(() => result !== undefined && allHandlersFinished());
  return result;
}
