// Runs the whole stack the way the README does (`node --import tsx infra/src/start.ts`), for
// end-to-end tests: own database, free ports, Temporal state in memory, compressed working days.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { repoRoot, withoutTemporalCluster } from '@dj/infra/config';
import { recreateDatabase } from '@dj/infra/database';
import { freePort } from '@dj/infra/temporal-server';

export interface StackOptions {
  /** Database created (dropped first) on the server of `baseDatabaseUrl`. */
  database: string;
  baseDatabaseUrl: string;
  workingDaySeconds: number;
  readyTimeoutMs?: number;
  /** Added to the stack's environment last (e.g. TEMPORAL_ADDRESS for external cluster mode). */
  env?: Record<string, string>;
}

export interface Stack {
  baseUrl: string;
  databaseUrl: string;
  /** The orchestrator's output so far (stdout and stderr, interleaved, last lines only). */
  output(): string;
  /** The pid of the latest start of a supervised process (`worker`, `inbox` …), as the orchestrator reported it. */
  pidOf(name: string): number | undefined;
  stop(): Promise<void>;
}

const READY_LINE = /^DANGJIAN_READY (\S+)\s*$/m;
const KEEP_LINES = 400;

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  const done = exited(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  if (await Promise.race([done.then(() => false), timedOut])) {
    child.kill('SIGKILL');
    await done;
  }
  clearTimeout(timer);
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const url = new URL(options.baseDatabaseUrl);
  url.pathname = `/${options.database}`;
  const databaseUrl = url.toString();
  await recreateDatabase(databaseUrl);

  const [gateway, identity, inbox, cases, noticeBoard, consolePort, temporal, temporalUi] = await distinctFreePorts(8);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dangjian-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/src/start.ts'], {
    cwd: repoRoot,
    env: {
      ...withoutTemporalCluster(process.env),
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(gateway),
      IDENTITY_PORT: String(identity),
      INBOX_PORT: String(inbox),
      CASES_PORT: String(cases),
      NOTICE_BOARD_PORT: String(noticeBoard),
      CONSOLE_PORT: String(consolePort),
      TEMPORAL_PORT: String(temporal),
      TEMPORAL_UI_PORT: String(temporalUi),
      TEMPORAL_DB_FILE: 'memory',
      DEMO_CASES: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      WORKING_DAY_SECONDS: String(options.workingDaySeconds),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const lines: string[] = [];
  let stdoutText = '';
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > KEEP_LINES) lines.splice(0, lines.length - KEEP_LINES);
  };
  const output = () => lines.join('\n');
  const pids = new Map<string, number>();
  let partial = '';
  const notePids = (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      const m = /^start\s+\| (\S+) running \(pid (\d+)\)/.exec(line);
      if (m) pids.set(m[1]!, Number(m[2]));
    }
  };

  const stop = async () => {
    await stopChild(child, 15_000);
    rmSync(dataDir, { recursive: true, force: true });
  };

  const timeoutMs = options.readyTimeoutMs ?? 150_000;
  let baseUrl: string;
  try {
    baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no DANGJIAN_READY within ${timeoutMs / 1000} s`)), timeoutMs);
      child.stdout!.on('data', (chunk: Buffer) => {
        keep(chunk);
        notePids(chunk);
        stdoutText += chunk.toString('utf8');
        const ready = READY_LINE.exec(stdoutText);
        if (ready) {
          clearTimeout(timer);
          stdoutText = '';
          resolve(ready[1]!);
        } else if (stdoutText.length > 1_000_000) {
          stdoutText = stdoutText.slice(-10_000);
        }
      });
      child.stderr!.on('data', keep);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`start.ts exited before it was ready (${code ?? signal})`));
      });
    });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- start.ts output ---\n${output()}`, { cause: error });
  }
  return { baseUrl, databaseUrl, output, stop, pidOf: (name) => pids.get(name) };
}

export interface UseStackOptions {
  /** Appended to the name of this run's test database to name the stack's own. */
  databaseSuffix: string;
  workingDaySeconds: number;
  /** Read when the stack starts (after the file's earlier `beforeAll` hooks). */
  env?: () => Record<string, string>;
}

/**
 * Starts the stack before the file's tests and stops it after them; the returned function gives the
 * running stack (and throws before `beforeAll` has started it).
 */
export function useStack(options: UseStackOptions): () => Stack {
  let stack: Stack | undefined;

  beforeAll(async () => {
    stack = await startStack({
      // Named after this run's test database, so parallel checkouts never share one.
      database: `${new URL(inject('databaseUrl')).pathname.slice(1)}${options.databaseSuffix}`,
      baseDatabaseUrl: inject('databaseUrl'),
      workingDaySeconds: options.workingDaySeconds,
      readyTimeoutMs: 150_000,
      ...(options.env ? { env: options.env() } : {}),
    });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  }, 40_000);

  return () => {
    if (!stack) throw new Error('the stack is not running (useStack starts it in beforeAll)');
    return stack;
  };
}
