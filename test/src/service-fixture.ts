/**
 * Service-test fixture: the identity, inbox, cases and notice-board apps (Fastify inject) on the test
 * database and the run's Temporal server, with a real worker for the case workflows.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { createDb, hashPassword, listenReferenceCache, type Db } from '@dj/db';
import { DEMO_PASSWORD, seedDemo } from '@dj/db/seed-demo';
import { buildIdentityApp } from '@dj/identity';
import { buildInboxApp } from '@dj/inbox';
import { buildCasesApp } from '@dj/cases';
import { buildNoticeBoardApp } from '@dj/notice-board';
import { createActivities } from '@dj/workflows';
import { TASK_QUEUE } from '@dj/process-api';

/** The workflows' compressed clock that keeps the holiday calendar (`CalendarClock` of @dj/domain). */
export type CalendarClock = NonNullable<Parameters<typeof createActivities>[0]['calendarClock']>;
import { workflowsPath } from '@dj/workflows/worker-paths';

export type Fixture = {
  db: Db;
  identity: FastifyInstance;
  inbox: FastifyInstance;
  cases: FastifyInstance;
  noticeBoard: FastifyInstance;
  /** What the apps were built with, for a test that builds one more (e.g. with its own logger). */
  deps: { db: Db; temporal: Client; jwtSecret: string; logLevel: string };
  login(username: string): Promise<string>;
  /** A user with the demo password and these roles (e.g. an administrator of another county, to probe reach); answers a token. */
  addUser(username: string, displayName: string, memberships: { orgId: string; role: string }[]): Promise<string>;
  close(): Promise<void>;
};

let runtimeInstalled = false;

/** Compressed quarters of the service tests (one quarter ≈ 11.6 days, so none ends during a run). */
export const JOINT_QUARTER_SECONDS = 1_000_000;

/** `calendarClock` instead of compressed working days: compressed time that keeps the holiday calendar (the test may move it between cases). */
export async function startServices(options: { workingDaySeconds?: number; calendarClock?: CalendarClock } = {}): Promise<Fixture> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  // The services and the worker run as the least-privilege role, as in production.
  const db = createDb(inject('appDatabaseUrl'), { max: 5 });
  await seedDemo(db);
  // The worker's cache of calendar, policies and org chains, invalidated by NOTIFY as in production.
  const reference = await listenReferenceCache(db, inject('appDatabaseUrl'));
  const address = inject('temporalAddress');
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowsPath,
    activities: createActivities({
      db,
      workingDaySeconds: options.calendarClock ? undefined : (options.workingDaySeconds ?? 3600),
      calendarClock: options.calendarClock,
      quarterSeconds: JOINT_QUARTER_SECONDS,
      reference,
    }),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const temporal = new Client({ connection });
  const deps = { db, temporal, jwtSecret: randomBytes(32).toString('hex'), logLevel: 'warn' };
  const identity = await buildIdentityApp(deps);
  const inbox = await buildInboxApp(deps);
  const cases = await buildCasesApp({ ...deps, workingDaySeconds: options.workingDaySeconds ?? 3600, jointMeetings: { taskQueue: TASK_QUEUE, quarterSeconds: JOINT_QUARTER_SECONDS } });
  const noticeBoard = await buildNoticeBoardApp(deps);
  const login = async (username: string) => {
    const res = await identity.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: DEMO_PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    return (res.json() as { token: string }).token;
  };
  return {
    db,
    identity,
    inbox,
    cases,
    noticeBoard,
    deps,
    login,
    async addUser(username, displayName, memberships) {
      const id = randomUUID();
      await db.user.create({ data: { id, username, displayName, passwordHash: await hashPassword(DEMO_PASSWORD) } });
      await db.membership.createMany({ data: memberships.map((m) => ({ userId: id, ...m })) });
      return login(username);
    },
    async close() {
      await Promise.all([identity.close(), inbox.close(), cases.close(), noticeBoard.close()]);
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      await reference.close();
      await db.$disconnect();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function body<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return res.json() as T;
}
