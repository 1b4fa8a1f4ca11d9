import type { Client } from '@temporalio/client';

/**
 * Whether a worker polls a task queue: `DescribeTaskQueue` (default mode) lists the pollers the server
 * saw on the queue's workflow tasks with the time of each one's last poll request. A poll request is
 * held by the server for up to its long-poll interval (`matching.longPollExpirationInterval`, one
 * minute by default) before the worker sends the next, so an idle, healthy worker shows a last access
 * up to about a minute old; a worker that is down stops renewing it (the server forgets it after five
 * minutes). Hence the bound: a poller seen within `boundSeconds` (default 90 s = the minute plus a
 * margin) counts as a worker.
 */
export type WorkerPollers = {
  taskQueue: string;
  /** The most recent poll request of any poller, ISO time; null when the server lists none. */
  lastPollAt: string | null;
  pollers: number;
  /** A poller was seen within the bound. */
  polling: boolean;
};

export async function workerPollers(client: Client, taskQueue: string, boundSeconds: number, now = Date.now()): Promise<WorkerPollers> {
  const response = await client.connection.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    // TASK_QUEUE_KIND_NORMAL (not a worker's sticky queue), TASK_QUEUE_TYPE_WORKFLOW (workflow tasks).
    taskQueue: { name: taskQueue, kind: 1 },
    taskQueueType: 1,
  });
  const pollers = response.pollers ?? [];
  let last: number | null = null;
  for (const poller of pollers) {
    const at = poller.lastAccessTime;
    if (!at?.seconds) continue;
    const ms = Number(at.seconds) * 1000 + Math.floor((at.nanos ?? 0) / 1e6);
    if (last === null || ms > last) last = ms;
  }
  return {
    taskQueue,
    lastPollAt: last === null ? null : new Date(last).toISOString(),
    pollers: pollers.length,
    polling: last !== null && now - last <= boundSeconds * 1000,
  };
}
