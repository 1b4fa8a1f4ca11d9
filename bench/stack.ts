/** The stack a benchmark runs against (its own ports, Temporal in memory, its own database) and a small HTTP helper. */
import { spawn } from 'node:child_process';
import { createWriteStream, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot, withoutTemporalCluster } from '@dj/infra/config';
import { freePort } from '@dj/infra/temporal-server';

export const NAMESPACE = 'default';
const READY_TIMEOUT_MS = 180_000;
const REQUEST_TIMEOUT_MS = 60_000;

/** Starts infra/src/start.ts; `ready` resolves with the gateway URL, `stop` sends SIGINT and waits (SIGKILL after 30 s). */
export async function launchStack(dataDir: string, databaseUrl: string, env: Record<string, string> = {}) {
  const ports = new Set<number>();
  while (ports.size < 8) ports.add(await freePort());
  const [gateway, identity, inbox, cases, noticeBoard, consolePort, temporal, ui] = [...ports].map(String);
  const logFile = path.join(dataDir, 'stack.log');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/src/start.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...withoutTemporalCluster(process.env),
      HOST: '127.0.0.1',
      PORT: gateway, IDENTITY_PORT: identity, INBOX_PORT: inbox, CASES_PORT: cases, NOTICE_BOARD_PORT: noticeBoard, CONSOLE_PORT: consolePort, TEMPORAL_PORT: temporal, TEMPORAL_UI_PORT: ui,
      DATABASE_URL: databaseUrl,
      TEMPORAL_DB_FILE: 'memory',
      DEMO_CASES: '0',
      TEMPORAL_NAMESPACE: NAMESPACE,
      WORKING_DAY_SECONDS: '3600',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      ...env,
    },
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let echo = false; // after start-up, pass the stack's output (warnings and errors at LOG_LEVEL=warn) through
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stack not ready after ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`)), READY_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      log.write(`${line}\n`);
      if (echo) process.stderr.write(`stack | ${line}\n`);
      const url = /^DANGJIAN_READY (\S+)/.exec(line)?.[1];
      if (url) {
        clearTimeout(timer);
        echo = true;
        resolve(url);
      }
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      log.write(`${line}\n`);
      process.stderr.write(`stack | ${line}\n`);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`stack exited (${code ?? signal}); see ${logFile}`));
    });
  });
  ready.catch(() => {}); // observed by the caller; avoids an unhandled rejection if it never awaits
  const stop = async () => {
    echo = false;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(kill);
    log.end();
  };
  return { ready, stop, temporalAddress: `127.0.0.1:${temporal}`, logFile, pid: child.pid ?? 0 };
}

export async function api(baseUrl: string, method: string, pathname: string, body: unknown, token?: string) {
  const response = await fetch(`${baseUrl}${pathname}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

/** Stops the stack; its output is kept for a failed run, removed with its data otherwise. */
export async function stopStack(stack: { stop(): Promise<void>; logFile: string }, dataDir: string, failed: boolean): Promise<void> {
  const t1 = performance.now();
  await stack.stop();
  console.log(`stack stopped in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  if (failed) console.error(`stack output kept in ${stack.logFile}`);
  else rmSync(dataDir, { recursive: true, force: true });
}
