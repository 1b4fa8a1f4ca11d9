import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from '@temporalio/worker';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { DISPATCHER_WORKFLOW_ID, NOTIFY_TASK_QUEUE } from '@dj/process-api';
import { WebhookChannel, createDeliveryActivities, setEnabledChannels, webhookSignature } from '@dj/workflows';
import { workflowsPath } from '@dj/workflows/worker-paths';
import { until } from '../../workflows/test/harness';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

/** A working day lasts 2 s: the township review (5 days) is reminded after 8 s and escalated (督办) after 10 s. */
const WDS = 2;
let f: Fixture;
const tokens: Record<string, string> = {};
const userIds: Record<string, string> = {};
beforeAll(async () => {
  f = await startServices({ workingDaySeconds: WDS });
  for (const u of ['zhang.zhibu', 'li.zuzhi', 'zhao.xianwei', 'liu.zuzhi']) {
    tokens[u] = await f.login(u);
    userIds[u] = (await f.db.user.findUniqueOrThrow({ where: { username: u } })).id;
  }
});
afterAll(async () => {
  await f?.close();
});

type Note = { id: string; kind: string; title: string; caseId: string | null; taskId: string | null; createdAt: string; readAt: string | null };
type NotePage = { items: Note[]; nextCursor: string | null; unreadCount: number };
const list = async (user: string, query = '') => {
  const res = await f.inbox.inject({ method: 'GET', url: `/api/notifications?${query}`, headers: bearer(tokens[user]!) });
  expect(res.statusCode, res.body).toBe(200);
  return body<NotePage>(res);
};
const post = (user: string, url: string) => f.inbox.inject({ method: 'POST', url, headers: bearer(tokens[user]!) });

async function submit(title: string) {
  const res = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens['zhang.zhibu']!), payload: { type: 'request-report', orgId: 'branch-a1-1', input: { title, body: '正文' } } });
  expect(res.statusCode).toBe(201);
  return body<{ caseId: string; openTasks: { id: string }[] }>(res);
}

describe('in-app notifications', () => {
  it('a new task, its reminder, its escalation and the county 督办 each notify the right people', async () => {
    const s = await submit('关于通知的请示');
    const taskId = s.openTasks[0]!.id;
    const kindsOf = async (user: string) => (await list(user, 'limit=100')).items.filter((n) => n.caseId === s.caseId).map((n) => n.kind);
    expect(await kindsOf('li.zuzhi')).toEqual(['task_assigned']);
    await until(async () => (await kindsOf('zhao.xianwei')).includes('supervision'), 40_000);
    expect((await kindsOf('li.zuzhi')).sort()).toEqual(['escalation', 'reminder', 'task_assigned']);
    const supervision = (await list('zhao.xianwei', 'limit=100')).items.find((n) => n.caseId === s.caseId && n.kind === 'supervision')!;
    expect(supervision.title).toBe('督办：乡镇党委审核请示');
    expect(supervision.taskId).not.toBe(taskId); // the 督办 task itself
    expect(await kindsOf('liu.zuzhi')).toEqual([]);
  });

  it('pages newest first, counts unread, marks one or all read; nobody reads another user\'s notification', async () => {
    // Other test files leave li.zuzhi many notifications: start from none unread, so this test's own are the unread ones.
    expect((await post('li.zuzhi', '/api/notifications/read-all')).statusCode).toBe(200);
    await submit('关于分页的请示');
    await submit('关于已读的请示');
    const all = await list('li.zuzhi', 'unread=true&limit=100');
    expect(all.unreadCount).toBe(all.items.filter((n) => !n.readAt).length);
    expect(all.items.length).toBeGreaterThanOrEqual(2);
    const created = all.items.map((n) => n.createdAt);
    expect([...created].sort().reverse()).toEqual(created);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: NotePage = await list('li.zuzhi', `unread=true&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((n) => n.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((n) => n.id));

    const first = all.items[0]!;
    expect((await post('zhao.xianwei', `/api/notifications/${first.id}/read`)).statusCode).toBe(404);
    const read = await post('li.zuzhi', `/api/notifications/${first.id}/read`);
    expect(read.statusCode).toBe(204);
    expect((await post('li.zuzhi', `/api/notifications/${first.id}/read`)).statusCode).toBe(204); // again: no change
    const after = await list('li.zuzhi', 'limit=100');
    expect(after.unreadCount).toBe(all.unreadCount - 1);
    expect(after.items.find((n) => n.id === first.id)!.readAt).not.toBeNull();
    expect((await list('li.zuzhi', 'unread=true&limit=100')).items.map((n) => n.id)).not.toContain(first.id);
    expect((await list('li.zuzhi', 'unread=false&limit=100')).items[0]!.id).toBe(first.id); // the newest read one

    const all2 = await post('li.zuzhi', '/api/notifications/read-all');
    expect(all2.statusCode).toBe(200);
    expect(body(all2)).toEqual({ updated: after.unreadCount });
    expect((await list('li.zuzhi')).unreadCount).toBe(0);
    expect((await list('zhao.xianwei')).unreadCount).toBeGreaterThan(0); // someone else's stay unread
    for (const q of ['cursor=zzz', 'limit=0', 'unread=maybe']) expect((await f.inbox.inject({ method: 'GET', url: `/api/notifications?${q}`, headers: bearer(tokens['li.zuzhi']!) })).statusCode, q).toBe(400);
    expect((await f.inbox.inject({ method: 'GET', url: '/api/notifications' })).statusCode).toBe(401);
  });
});

describe('outbound webhook', () => {
  const SECRET = 'test-webhook-secret-0123456789';
  type Received = { id: string; headers: IncomingHttpHeaders; raw: string };
  let server: Server;
  let url: string;
  const accepted: Received[] = [];
  const refusedOnce = new Set<string>();
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    // The receiver refuses each notification's first attempt with a 500, then accepts it.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const id = (JSON.parse(raw) as { id: string }).id;
        if (!refusedOnce.has(id)) {
          refusedOnce.add(id);
          res.writeHead(500).end('try later');
          return;
        }
        accepted.push({ id, headers: req.headers, raw });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await setEnabledChannels(f.db, ['webhook']);
    connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    worker = await Worker.create({
      connection,
      taskQueue: NOTIFY_TASK_QUEUE,
      workflowsPath,
      activities: createDeliveryActivities({ db: f.db, channels: [new WebhookChannel({ url, secret: SECRET })] }),
    });
    running = worker.run();
    await f.deps.temporal.workflow.start('notificationDispatcher', {
      taskQueue: NOTIFY_TASK_QUEUE,
      workflowId: DISPATCHER_WORKFLOW_ID,
      args: [{ pollSeconds: 0.5 }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  });
  afterAll(async () => {
    await setEnabledChannels(f.db, []);
    await f.deps.temporal.workflow.getHandle(DISPATCHER_WORKFLOW_ID).terminate('test done').catch(() => undefined);
    worker?.shutdown();
    await running;
    await connection?.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('delivers every notification once, signed, after the receiver first fails, and records one delivery each', async () => {
    const s = await submit('关于外发通知的请示');
    const notes = await f.db.notification.findMany({ where: { caseId: s.caseId } });
    expect(notes.length).toBeGreaterThanOrEqual(1); // the township org member's new task
    const deliveries = await f.db.notificationDelivery.findMany({ where: { notificationId: { in: notes.map((n) => n.id) } } });
    expect(deliveries.map((d) => d.channel)).toEqual(notes.map(() => 'webhook'));

    await until(async () => (await f.db.notificationDelivery.count({ where: { notificationId: { in: notes.map((n) => n.id) }, status: 'delivered' } })) === notes.length, 60_000);
    const rows = await f.db.notificationDelivery.findMany({ where: { notificationId: { in: notes.map((n) => n.id) } } });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(notes.map(() => ['delivered', 2]));

    const mine = accepted.filter((a) => notes.some((n) => n.id === a.id));
    expect(mine.map((a) => a.id).sort()).toEqual(notes.map((n) => n.id).sort()); // exactly one accepted request per notification
    for (const a of mine) {
      expect(a.headers['idempotency-key']).toBe(a.id);
      const ts = a.headers['x-dangjian-timestamp'] as string;
      expect(a.headers['x-dangjian-signature']).toBe(`sha256=${webhookSignature(SECRET, ts, a.raw)}`);
      const payload = JSON.parse(a.raw) as { kind: string; recipient: { username: string }; caseId: string };
      expect(payload).toMatchObject({ kind: 'task.new', caseId: s.caseId, recipient: { username: 'li.zuzhi' } });
    }
    // A replayed notify (an activity retry) queues nothing twice: the outbox stays one row per notification and channel.
    await f.db.$transaction(async (tx) => {
      const { notify } = await import('../../workflows/src/activities/notify');
      await notify(tx, { idemKey: `task.new:${s.openTasks[0]!.id}`, userIds: [userIds['li.zuzhi']!], kind: 'task.new', title: 'x', caseId: s.caseId, taskId: s.openTasks[0]!.id, at: new Date() });
    });
    expect(await f.db.notificationDelivery.count({ where: { notificationId: { in: notes.map((n) => n.id) } } })).toBe(notes.length);
    expect(await f.db.notification.count({ where: { caseId: s.caseId } })).toBe(notes.length);
  });
});
