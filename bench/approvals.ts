/**
 * Approvals per second and p50/p99 latency, measured in one run on one Temporal server:
 *   A  POST /api/tasks/:id/actions {"action":"approve"} through the whole stack (gateway → inbox → case workflow Update)
 *   B  a bare Temporal Update to a minimal workflow (bench/minimal-workflow.ts), sent by a client in this process
 *
 *   node --import tsx bench/approvals.ts [--cases 200] [--concurrency 8] [--warmup 8] [--serial 40]
 *
 * Before each measurement, --warmup extra items go through the same path untimed (JIT, connection pools, caches).
 *
 * Starts its own stack (infra/src/start.ts) on free ports, with Temporal in memory and its own PostgreSQL
 * database `dangjian_bench` (dropped and recreated each run) on the server named by DATABASE_URL.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { recreateDatabase } from '@dj/infra/database';
import { approveUpdate, minimalCase } from './minimal-workflow';
import { cpuPerItem, cpuSnapshot } from './cpu';
import { NAMESPACE, api, launchStack, stopStack } from './stack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function positiveInt(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}

type Outcome = { latencies: number[]; wallMs: number; errors: string[] };

/** Runs `op` over every item, `concurrency` at a time; records each successful call's latency and each failure. */
async function measure<T>(items: T[], concurrency: number, op: (item: T) => Promise<void>): Promise<Outcome> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let next = 0;
  const start = performance.now();
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      const t0 = performance.now();
      try {
        await op(item);
        latencies.push(performance.now() - t0);
      } catch (error) {
        errors.push(`${(performance.now() - t0).toFixed(0)} ms: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return { latencies, wallMs: performance.now() - start, errors };
}

/** Like measure, for the untimed setup: any failure aborts the run. */
async function setup<T>(what: string, items: T[], concurrency: number, op: (item: T) => Promise<void>): Promise<void> {
  const { errors, wallMs } = await measure(items, concurrency, op);
  if (errors.length) throw new Error(`setup (${what}): ${errors.length} of ${items.length} failed, first: ${errors[0]}`);
  console.log(`setup: ${what} ×${items.length} in ${(wallMs / 1000).toFixed(1)} s`);
}

/** The measured phase, with progress lines. */
type Timed = Outcome & { cpu: [string, number][] };
let stackPid = 0;

async function timed<T>(label: string, items: T[], concurrency: number, op: (item: T) => Promise<void>): Promise<Timed> {
  console.log(`${label}: measuring ${items.length} approvals…`);
  const before = cpuSnapshot(stackPid);
  const outcome = await measure(items, concurrency, op);
  console.log(`${label}: done in ${(outcome.wallMs / 1000).toFixed(1)} s, ${outcome.errors.length} failed`);
  await sleep(1000); // the work a process does after its answer (A: closing the case) counts too
  return { ...outcome, cpu: cpuPerItem(before, cpuSnapshot(stackPid), items.length) };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
}

function summarize(o: Outcome) {
  const sorted = [...o.latencies].sort((a, b) => a - b);
  return { count: o.latencies.length, wallS: o.wallMs / 1000, perS: o.latencies.length / (o.wallMs / 1000), p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/** A: every task approved by li.zuzhi through the gateway. */
async function benchHttp(baseUrl: string, cases: number, warmup: number, concurrency: number): Promise<Timed> {
  const login = async (username: string) => {
    const { status, json } = await api(baseUrl, 'POST', '/api/auth/login', { username, password: 'Dangjian@2026' });
    if (status !== 200) throw new Error(`login ${username}: HTTP ${status} ${JSON.stringify(json)}`);
    return (json as { token: string }).token;
  };
  const [initiator, reviewer] = [await login('zhang.zhibu'), await login('li.zuzhi')];
  const taskIds: string[] = [];
  await setup('POST /api/cases', Array.from({ length: warmup + cases }, (_, i) => i), concurrency, async (i) => {
    const input = { title: `压测请示 ${i + 1}`, body: 'bench/approvals.ts' };
    const { status, json } = await api(baseUrl, 'POST', '/api/cases', { type: 'request-report', orgId: 'branch-a1-1', input }, initiator);
    const taskId = (json as { openTasks?: { id: string }[] }).openTasks?.[0]?.id;
    if (status !== 201 || !taskId) throw new Error(`HTTP ${status} ${JSON.stringify(json).slice(0, 300)}`);
    taskIds.push(taskId);
  });
  const approve = async (taskId: string) => {
    const { status, json } = await api(baseUrl, 'POST', `/api/tasks/${taskId}/actions`, { action: 'approve', form: {} }, reviewer);
    if (status !== 200 || (json as { task?: { outcome?: string } }).task?.outcome !== 'approve') {
      throw new Error(`HTTP ${status} ${JSON.stringify(json).slice(0, 300)}`);
    }
  };
  await setup('warm-up approvals', taskIds.slice(0, warmup), concurrency, approve);
  return timed('A', taskIds.slice(warmup), concurrency, approve);
}

let runtimeInstalled = false;

/** B: one minimal workflow per item on its own task queue and worker, each sent one `approve` Update. */
async function benchBare(temporalAddress: string, cases: number, warmup: number, concurrency: number): Promise<Timed> {
  if (!runtimeInstalled) Runtime.install({ logger: new DefaultLogger('ERROR') }); // not the 'no activities registered' warning
  runtimeInstalled = true;
  const native = await NativeConnection.connect({ address: temporalAddress });
  const taskQueue = `bench-minimal-${process.pid}`;
  const worker = await Worker.create({
    connection: native,
    namespace: NAMESPACE,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./minimal-workflow.ts', import.meta.url)),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const client = new Client({ connection, namespace: NAMESPACE });
    const ids = Array.from({ length: warmup + cases }, (_, i) => `bench-minimal-${process.pid}-${i}`);
    await setup('start minimal workflow', ids, concurrency, async (id) => {
      const handle = await client.workflow.start(minimalCase, { taskQueue, workflowId: id, args: [`task-${id}`] });
      // Like a case after POST /api/cases: wait until its first workflow task has run (handler registered).
      while ((await handle.describe()).historyLength < 4) await sleep(20);
    });
    const approve = async (id: string) => {
      const result = await client.workflow.getHandle(id).executeUpdate(approveUpdate, { args: [{ taskId: `task-${id}`, action: 'approve' }] });
      if (result.outcome !== 'approve') throw new Error(`unexpected result ${JSON.stringify(result)}`);
    };
    await setup('warm-up Updates', ids.slice(0, warmup), concurrency, approve);
    return await timed('B', ids.slice(warmup), concurrency, approve);
  } finally {
    await connection.close();
    worker.shutdown();
    await running;
    await native.close();
  }
}

async function main(): Promise<void> {
  const options = { cases: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '8' }, warmup: { type: 'string', default: '8' }, serial: { type: 'string', default: '40' } } as const;
  const { values } = parseArgs({ options });
  const cases = positiveInt('cases', values.cases);
  const concurrency = positiveInt('concurrency', values.concurrency);
  const warmup = values.warmup === '0' ? 0 : positiveInt('warmup', values.warmup);
  const serial = positiveInt('serial', values.serial);

  const loadBefore = os.loadavg()[0]!; // before our stack: other work on the machine
  const dbUrl = new URL(process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/dangjian');
  dbUrl.pathname = '/dangjian_bench';
  await recreateDatabase(dbUrl.toString());
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dangjian-bench-'));
  const stack = await launchStack(dataDir, dbUrl.toString());
  stackPid = stack.pid;
  process.once('SIGINT', () => void stack.stop().finally(() => process.exit(130)));

  let failed = true;
  try {
    const t0 = performance.now();
    const baseUrl = await stack.ready;
    console.log(`stack ready at ${baseUrl} (Temporal ${stack.temporalAddress}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const a = await benchHttp(baseUrl, cases, warmup, concurrency);
    const b = await benchBare(stack.temporalAddress, cases, warmup, concurrency);
    // One at a time: the latency a single official sees on a quiet system.
    const a1 = await benchHttp(baseUrl, serial, 2, 1);
    const b1 = await benchBare(stack.temporalAddress, serial, 2, 1);

    const cpus = os.cpus();
    console.log(`\nmachine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? '?'}), ${os.platform()} ${os.arch()}, Node ${process.version}`);
    console.log(`run: ${cases} approvals each (after ${warmup} warm-up), concurrency ${concurrency}, one Temporal dev server (in memory)`);
    console.log(`1-min load average: ${loadBefore.toFixed(2)} before the stack started, ${os.loadavg()[0]!.toFixed(2)} after B (includes the bench itself)\n`);
    const row = (label: string, cells: string[]) => console.log(label.padEnd(34) + cells.map((c) => c.padStart(12)).join(''));
    row('', ['count', 'wall s', 'approvals/s', 'p50 ms', 'p99 ms']);
    for (const [title, x, y] of [[`concurrency ${concurrency}`, a, b], ['concurrency 1', a1, b1]] as const) {
      const [sa, sb] = [summarize(x), summarize(y)];
      console.log(title);
      for (const [label, s] of [['A  POST /api/tasks/:id/actions', sa], ['B  bare Temporal Update', sb]] as const) {
        row(label, [String(s.count), s.wallS.toFixed(2), s.perS.toFixed(1), s.p50.toFixed(1), s.p99.toFixed(1)]);
      }
      row('A/B', ['', '', (sa.perS / sb.perS).toFixed(2), (sa.p50 / sb.p50).toFixed(2), (sa.p99 / sb.p99).toFixed(2)]);
    }

    console.log(`\nCPU ms per approval at concurrency ${concurrency}, by process (/proc; postgres counts every user of the server):`);
    const labels = [...new Set([...a.cpu, ...b.cpu].map(([l]) => l))];
    row('', ['A', 'B']);
    for (const l of labels) row(`  ${l}`, [a, b].map((o) => (o.cpu.find(([k]) => k === l)?.[1] ?? 0).toFixed(2)));
    row('  total', [a, b].map((o) => o.cpu.reduce((sum, [, ms]) => sum + ms, 0).toFixed(2)));

    for (const [label, o] of [['A', a], ['B', b], ['A (concurrency 1)', a1], ['B (concurrency 1)', b1]] as const) {
      if (!o.errors.length) continue;
      console.log(`\n${label}: ${o.errors.length} of ${cases} failed (latencies above exclude them); first ${Math.min(5, o.errors.length)}:`);
      for (const e of o.errors.slice(0, 5)) console.log(`  ${e}`);
    }
    failed = [a, b, a1, b1].some((o) => o.errors.length > 0);
  } finally {
    await stopStack(stack, dataDir, failed);
  }
  if (failed) process.exitCode = 1;
}

await main();
