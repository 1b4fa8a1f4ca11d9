/** Workflow-test harness: Temporal from @temporalio/testing on our built CLI, real activities on the test database. */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Worker, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { inject } from 'vitest';
import { createDb, meetingRoster, type Db } from '@dj/db';
import { seedDemo } from '@dj/db/seed-demo';
import type { ActionResult, Actor, CaseActionRequest, CaseSnapshot, MeetingBody, TaskActionRequest } from '@dj/contracts';
import { caseActionUpdate, snapshotQuery, stableStateUpdate, taskActionUpdate, type RequestReportInput } from '@dj/process-api';
import { supervisoryRoles, type CalendarClock } from '@dj/domain';
import { createActivities } from '../src/processes/activities';
import { workflowsPath } from '../src/worker-paths';

let runtimeInstalled = false;

export type StartedRequest = { handle: WorkflowHandle; caseId: string; snapshot: CaseSnapshot; initiator: Actor };

export type Harness = {
  env: TestWorkflowEnvironment;
  db: Db;
  taskQueue: string;
  actor(username: string, caseOrgPath?: string): Promise<Actor>;
  /**
   * The form and roster of a step decided by a body's meeting, as the inbox service sends them: the roster of
   * `orgId`'s body at `meetingDate` read from the demo committees; by default everyone attends and votes for.
   */
  meeting(orgId: string, form?: Record<string, unknown>, opts?: { body?: MeetingBody; meetingDate?: string; attendees?: number; for?: number }): Promise<Pick<TaskActionRequest, 'form' | 'meeting'>>;
  /** zhang.zhibu submits a 请示报告 from branch-a1-1; returns once the first task is open. */
  startRequest(title?: string, body?: string): Promise<StartedRequest>;
  /** Starts a case workflow on the test queue (workflow id as the cases service forms it); returns once settled. */
  startCase(workflowType: string, caseType: string, input: { caseId: string }): Promise<Omit<StartedRequest, 'initiator'>>;
  close(): Promise<void>;
};

/** `workflows`: another bundle entry (tests of the primitives add probe workflows to the production ones); `workflowBundlePath`: a prebuilt bundle, as production loads it. */
/** `calendarClock` instead of `workingDaySeconds`: compressed time that keeps the holiday calendar (the test may move its epoch before starting a case). */
export async function startHarness(options: { workingDaySeconds?: number; calendarClock?: CalendarClock; quarterSeconds?: number; workflows?: string; workflowBundlePath?: string }): Promise<Harness> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });
    runtimeInstalled = true;
  }
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: inject('temporalCliPath') }, extraArgs: ['--log-level', 'error'] },
  });
  const db = createDb(inject('databaseUrl'), { max: 5 });
  await seedDemo(db);
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    ...(options.workflowBundlePath ? { workflowBundle: { codePath: options.workflowBundlePath } } : { workflowsPath: options.workflows ?? workflowsPath }),
    activities: createActivities({ db, workingDaySeconds: options.workingDaySeconds, quarterSeconds: options.quarterSeconds, calendarClock: options.calendarClock }),
  });
  const running = worker.run();
  const harness: Harness = {
    env,
    db,
    taskQueue,
    async startRequest(title = '关于修缮村党群服务中心的请示', body = '村党群服务中心屋顶漏雨，申请专项经费修缮。') {
      const initiator = await harness.actor('zhang.zhibu');
      const caseId = randomUUID();
      const input: RequestReportInput = {
        caseId,
        branchId: 'branch-a1-1',
        townshipId: 'town-a1',
        countyId: 'county-a',
        initiator: { userId: initiator.userId, name: initiator.name },
        form: { title, body },
      };
      return { ...(await harness.startCase('requestReport', 'request-report', input)), initiator };
    },
    async startCase(workflowType, caseType, input) {
      const handle = await env.client.workflow.start(workflowType, { taskQueue, workflowId: `${caseType}:${input.caseId}`, args: [input] });
      const snapshot = await handle.executeUpdate(stableStateUpdate);
      return { handle, caseId: input.caseId, snapshot };
    },
    async actor(username, caseOrgPath = '/') {
      const user = await db.user.findUniqueOrThrow({ where: { username }, include: { memberships: { include: { org: true } } } });
      return {
        userId: user.id,
        name: user.displayName,
        memberships: user.memberships.map((m) => ({ orgId: m.orgId, role: m.role })),
        supervisesCase: user.memberships.some((m) => supervisoryRoles.has(m.role) && caseOrgPath.startsWith(m.org.path)),
      };
    },
    async meeting(orgId, form = {}, opts = {}) {
      const body = opts.body ?? 'committee';
      const on = opts.meetingDate ?? '2026-11-20';
      const roster = await meetingRoster(db, orgId, body, on);
      const attendees = roster.slice(0, opts.attendees ?? roster.length).map((m) => m.id);
      const yes = opts.for ?? attendees.length;
      return {
        form: { meetingDate: on, place: '党群服务中心会议室', attendees, ballotMethod: 'show-of-hands', for: yes, against: attendees.length - yes, abstain: 0, resolution: '会议研究，同意。', ...form },
        meeting: { body, orgId, on, roster },
      };
    },
    async close() {
      worker.shutdown();
      await running;
      await db.$disconnect();
      await env.teardown();
    },
  };
  return harness;
}

/**
 * With CAPTURE_HISTORIES=1, stores a finished workflow's history as a replay fixture
 * (workflows/test/histories/<name>.json); replay.test.ts runs every fixture against the current code.
 */
export async function captureHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.CAPTURE_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  writeFileSync(new URL(`./histories/${name}.json`, import.meta.url), historyToJSON(history));
}

/** Polls until `fn` returns something truthy (projections are written asynchronously by activities). */
export async function until<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The error code of a refused Update (validator rejection), or undefined if it was accepted. */
export async function rejection(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    if (e instanceof WorkflowUpdateFailedError) return (e.cause as { type?: string }).type;
    throw e;
  }
  return undefined;
}

/** The case's state once the workflow has moved on (stableState Update; the final snapshot once it has ended). */
export async function stableState(handle: WorkflowHandle): Promise<CaseSnapshot> {
  try {
    return await handle.executeUpdate(stableStateUpdate);
  } catch {
    return handle.query(snapshotQuery);
  }
}

/** A task action as the console sends it with `?wait=next`: the Update's answer, its case part the state after the process moved on. */
export async function actAndWait(handle: WorkflowHandle, req: TaskActionRequest): Promise<ActionResult> {
  const result = await handle.executeUpdate(taskActionUpdate, { args: [req] });
  return { ...result, case: await stableState(handle) };
}

/** A case action (撤回, cancel …) and the state it leads to. */
export async function caseActionAndWait(handle: WorkflowHandle, req: CaseActionRequest): Promise<CaseSnapshot> {
  await handle.executeUpdate(caseActionUpdate, { args: [req] });
  return stableState(handle);
}
