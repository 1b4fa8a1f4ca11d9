// Readiness reflects the worker: with no worker polling the case task queue the services and the
// gateway answer 503 WORKER_UNAVAILABLE once the bound has passed, and ready again once it polls.
// The worker is paused (SIGSTOP) rather than killed, so the orchestrator does not restart it; the dev
// server's long poll is 1 s and the bound 4 s, so an idle live worker renews its poll well within it.
import { describe, expect, it } from 'vitest';
import { createHttpClient, sleep } from './http-client';
import { useStack } from './stack';

const BOUND_SECONDS = 4;
const stack = useStack({
  databaseSuffix: '_e2e_worker_ready',
  workingDaySeconds: 3600,
  env: () => ({ WORKER_READY_BOUND_SECONDS: String(BOUND_SECONDS), TEMPORAL_DEV_LONG_POLL_SECONDS: '1' }),
});
const { call } = createHttpClient(() => stack().baseUrl);

describe('readiness and the worker', () => {
  it('is ready while the worker polls, 503 WORKER_UNAVAILABLE once it stopped for the bound, ready again when it is back', async () => {
    // Idle for longer than the bound: a live worker keeps renewing its poll, so readiness holds.
    await sleep((BOUND_SECONDS + 2) * 1000);
    const ready = await call('GET', '/api/health/ready');
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    const casesReady = await call('GET', '/api/cases/health/ready');
    expect(casesReady.body).toMatchObject({ status: 'ready', worker: { taskQueue: 'dangjian-cases', polling: true, boundSeconds: BOUND_SECONDS, lastPollAt: expect.any(String) } });

    const worker = stack().pidOf('worker')!;
    process.kill(worker, 'SIGSTOP');
    const stoppedAt = Date.now();
    try {
      await expect.poll(async () => (await call('GET', '/api/health/ready')).status, { timeout: 30_000, interval: 500 }).toBe(503);
      // Not before the bound: the last poll of the paused worker was at most a long poll before it stopped.
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual((BOUND_SECONDS - 1) * 1000);
      // Each service caches its check for a few seconds, so they turn one after another: all three within the cache's life.
      await expect
        .poll(async () => (await call('GET', '/api/health/ready')).body, { timeout: 15_000, interval: 500 })
        .toMatchObject({ status: 'unavailable', code: 'WORKER_UNAVAILABLE', message: expect.stringContaining('工作进程'), services: { cases: false, inbox: false, 'notice-board': false, identity: true, console: true } });
      const cases = await call('GET', '/api/cases/health/ready');
      expect(cases.status).toBe(503);
      expect(cases.body).toMatchObject({ code: 'WORKER_UNAVAILABLE', database: true, temporal: true, worker: { polling: false, lastPollAt: expect.any(String) } });
      const lastPoll = Date.parse((cases.body.worker as { lastPollAt: string }).lastPollAt);
      expect(Date.now() - lastPoll).toBeGreaterThan(BOUND_SECONDS * 1000);
      // Still the paused process: the orchestrator saw no exit.
      expect(stack().pidOf('worker')).toBe(worker);
    } finally {
      process.kill(worker, 'SIGCONT');
    }
    await expect.poll(async () => (await call('GET', '/api/health/ready')).status, { timeout: 30_000, interval: 500 }).toBe(200);
  }, 120_000);
});
