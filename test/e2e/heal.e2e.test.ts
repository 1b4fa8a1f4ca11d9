// A stack that heals: during a bounded load of case starts and approvals, each sent with an
// Idempotency-Key and retried the way a client retries a connection error or a 5xx, the worker and
// then the inbox service are killed (SIGKILL). The orchestrator brings both back by itself; every
// request ends accepted, and the database holds each case once and each approval once.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDb } from '@dj/db';
import { createHttpClient, describeReply, type Reply, sleep } from './http-client';
import { useStack } from './stack';

const UNITS = 8;
const CONCURRENCY = 3;
const RETRY_FOR_MS = 180_000;

const stack = useStack({ databaseSuffix: '_e2e_heal', workingDaySeconds: 3600 });
const { call, login } = createHttpClient(() => stack().baseUrl);

type Attempts = { statuses: (number | string)[] };

/** Sends until a 2xx (same key each time); a refused request (4xx) fails the test at once. */
async function untilAccepted(send: () => Promise<Reply>, attempts: Attempts): Promise<Reply> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (;;) {
    let reply: Reply | undefined;
    try {
      reply = await send();
      attempts.statuses.push(reply.status);
    } catch (error) {
      attempts.statuses.push((error as Error).message.slice(0, 40));
    }
    if (reply && reply.status < 300) return reply;
    if (reply && reply.status < 500) throw new Error(`refused: ${describeReply(reply)}`);
    if (Date.now() > deadline) throw new Error(`not accepted within ${RETRY_FOR_MS / 1000} s: ${JSON.stringify(attempts.statuses)}`);
    await sleep(500);
  }
}

async function restarted(name: string, oldPid: number): Promise<number> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const pid = stack().pidOf(name);
    if (pid !== undefined && pid !== oldPid) return pid;
    if (Date.now() > deadline) throw new Error(`${name} was not restarted\n${stack().output()}`);
    await sleep(250);
  }
}

describe('a stack that heals', () => {
  it('loses no accepted action and applies none twice while the worker and then a service are killed', async () => {
    const zhang = await login('zhang.zhibu');
    const li = await login('li.zuzhi');
    const run = randomUUID().slice(0, 8);
    const units = Array.from({ length: UNITS }, (_, i) => ({ title: `断电演练 ${run} #${i}`, startKey: `start-${run}-${i}`, approveKey: `approve-${run}-${i}` }));
    const attempts: Attempts = { statuses: [] };
    const accepted: { title: string; caseId: string; approved: boolean }[] = [];
    let done = 0;

    const oneUnit = async (u: (typeof units)[number]) => {
      const started = await untilAccepted(
        () =>
          call('POST', '/api/cases', {
            token: zhang.token,
            headers: { 'idempotency-key': u.startKey },
            body: { type: 'request-report', orgId: 'branch-a1-1', input: { title: u.title, body: '演练' } },
          }),
        attempts,
      );
      expect(started.status, describeReply(started)).toBe(201);
      const caseId = started.body.caseId as string;
      const entry = { title: u.title, caseId, approved: false };
      accepted.push(entry);
      // The answer is the case as it stood when the start was recorded: with the worker down, the first
      // step may not be open yet (the answer does not wait for it), so its task is read once it is.
      let taskId = (started.body.openTasks as { id: string }[] | undefined)?.[0]?.id;
      for (const deadline = Date.now() + RETRY_FOR_MS; !taskId && Date.now() < deadline; await sleep(500)) {
        const c = await call('GET', `/api/cases/${caseId}`, { token: zhang.token }).catch(() => undefined);
        taskId = (c?.body?.openTasks as { id: string }[] | undefined)?.[0]?.id;
      }
      if (!taskId) throw new Error(`the first step of ${caseId} never opened`);
      const approved = await untilAccepted(
        () => call('POST', `/api/tasks/${taskId}/actions`, { token: li.token, headers: { 'idempotency-key': u.approveKey }, body: { action: 'approve', form: { opinion: '同意' } } }),
        attempts,
      );
      expect(approved.status, describeReply(approved)).toBe(200);
      entry.approved = true;
      done += 1;
    };

    const load = (async () => {
      const queue = [...units];
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let u = queue.shift(); u; u = queue.shift()) await oneUnit(u);
        }),
      );
    })();

    const chaos = (async () => {
      const waitDone = async (n: number) => {
        while (done < n) await sleep(100);
      };
      await waitDone(1);
      const worker = stack().pidOf('worker')!;
      process.kill(worker, 'SIGKILL');
      const pendingAtWorkerKill = UNITS - done;
      const newWorker = await restarted('worker', worker);
      await waitDone(Math.ceil(UNITS / 2));
      const inbox = stack().pidOf('inbox')!;
      process.kill(inbox, 'SIGKILL');
      const pendingAtInboxKill = UNITS - done;
      const newInbox = await restarted('inbox', inbox);
      return { worker, newWorker, inbox, newInbox, pendingAtWorkerKill, pendingAtInboxKill };
    })();

    const [, killed] = await Promise.all([load, chaos]);
    expect(killed.newWorker).not.toBe(killed.worker);
    expect(killed.newInbox).not.toBe(killed.inbox);
    // Both kills happened while work was still to do.
    expect(killed.pendingAtWorkerKill).toBeGreaterThan(0);
    expect(killed.pendingAtInboxKill).toBeGreaterThan(0);
    console.info(`heal: ${attempts.statuses.length} requests for ${UNITS * 2} actions; answers ${JSON.stringify(attempts.statuses)}`);

    // Every unit accepted once over HTTP; in the database one case per unit and one approval per case.
    expect(accepted.map((a) => a.approved)).toEqual(units.map(() => true));
    const db = createDb(stack().databaseUrl, { max: 2 });
    try {
      for (const a of accepted) {
        const cases = await db.case.findMany({ where: { title: a.title } });
        expect(cases.map((c) => c.id), a.title).toEqual([a.caseId]);
        expect(await db.caseEvent.count({ where: { caseId: a.caseId, type: 'task.approve' } }), a.title).toBe(1);
        expect(await db.caseEvent.count({ where: { caseId: a.caseId, type: 'case.opened' } }), a.title).toBe(1);
      }
      await expect.poll(async () => db.case.count({ where: { title: { in: units.map((u) => u.title) }, status: 'completed' } }), { timeout: 60_000 }).toBe(UNITS);
    } finally {
      await db.$disconnect();
    }

    // The stack is whole again without anyone acting: ready, and the orchestrator never stopped.
    await expect.poll(async () => (await call('GET', '/api/health/ready')).status, { timeout: 60_000, interval: 500 }).toBe(200);
    expect(stack().output()).not.toMatch(/stopping everything/);
    expect(stack().output()).toMatch(/worker stopped unexpectedly \(signal SIGKILL\); restarting in/);
    expect(stack().output()).toMatch(/inbox stopped unexpectedly \(signal SIGKILL\); restarting in/);
  }, 600_000);
});
