import type { Client } from '@temporalio/client';
import { workerPollers, type WorkerPollers } from '@dj/temporal';

export type WorkerReadinessOptions = {
  /** The task queue the case workflows run on (TASK_QUEUE of @dj/process-api). */
  taskQueue: string;
  /** A poller seen within this many seconds counts as a running worker (WORKER_READY_BOUND_SECONDS). */
  boundSeconds: number;
  /** How long one answer of the server is reused (readiness is polled often); default 5 s. */
  cacheSeconds?: number;
};

export type WorkerCheck = WorkerPollers & { boundSeconds: number; checkedAt: string } | { taskQueue: string; polling: false; error: string; boundSeconds: number; checkedAt: string };

/**
 * Readiness of the worker behind a service: is someone polling the case task queue? One
 * `DescribeTaskQueue` call at a time, its answer reused for `cacheSeconds`, so readiness probes stay
 * cheap for the Temporal frontend whatever their rate.
 */
export function workerReadinessCheck(client: Client, options: WorkerReadinessOptions): () => Promise<WorkerCheck> {
  const cacheMs = (options.cacheSeconds ?? 5) * 1000;
  let cached: { at: number; value: WorkerCheck } | undefined;
  let inFlight: Promise<WorkerCheck> | undefined;
  const check = async (): Promise<WorkerCheck> => {
    const now = Date.now();
    const checkedAt = new Date(now).toISOString();
    try {
      return { ...(await workerPollers(client, options.taskQueue, options.boundSeconds, now)), boundSeconds: options.boundSeconds, checkedAt };
    } catch {
      // Not the server's message: readiness is public (through the gateway) and says nothing internal.
      return { taskQueue: options.taskQueue, polling: false, error: 'DescribeTaskQueue failed', boundSeconds: options.boundSeconds, checkedAt };
    }
  };
  return async () => {
    if (cached && Date.now() - cached.at < cacheMs) return cached.value;
    inFlight ??= check().then((value) => {
      cached = { at: Date.now(), value };
      inFlight = undefined;
      return value;
    });
    return inFlight;
  };
}
