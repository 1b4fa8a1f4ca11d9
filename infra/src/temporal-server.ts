import { execFile } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './config';
import { spawnTied, terminate } from './processes';
import { bootstrapTemporalAt, CASE_SEARCH_ATTRIBUTES, type SearchAttributeType } from '@dj/temporal';

/** Keep in step with TEMPORAL_CLI_VERSION in infra/lib.sh, which exports TEMPORAL_CLI_PATH. */
export function temporalCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEMPORAL_CLI_PATH || path.join(repoRoot, '.tools', 'temporal-1.5.1', 'temporal');
}

const run = promisify(execFile);

export { CASE_SEARCH_ATTRIBUTES, type SearchAttributeType };

export interface TemporalDevServerOptions {
  binary: string;
  port: number;
  /** Web UI port; null runs the server headless (tests). */
  uiPort: number | null;
  /** SQLite file for persistence, or the literal 'memory' for none. */
  dbFile: string;
  namespace: string;
  /** Server stdout/stderr; overwritten at each start. */
  logFile: string;
  /** Registered at start for a namespace the server creates; the bootstrap checks and completes them either way. */
  searchAttributes?: Record<string, SearchAttributeType>;
  /** Run the bootstrap (namespace, search attributes) once the server is healthy; default true. */
  bootstrap?: boolean;
  startTimeoutMs?: number;
  /** `matching.longPollExpirationInterval` in seconds (server default 60): how long a worker's poll waits for a task. */
  longPollSeconds?: number | undefined;
}

export interface TemporalDevServer {
  /** host:port of the frontend gRPC service. */
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
}

/**
 * The kernel's ephemeral range (source ports of outgoing connections): a port chosen with `listen(0)` comes
 * from it, and while a stack starts, its own database and Temporal connections draw source ports from the
 * same range — one of them took a chosen port before the service bound it (EADDRINUSE in CI). Ports are
 * therefore drawn below that range.
 */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 11_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port outside the ephemeral range that was free a moment ago and not handed out before by this process
 * (another process may still pick it: the range is wide and the choice random, so that is rare).
 */
export async function freePort(): Promise<number> {
  const high = ephemeralLow() - 1;
  const low = Math.max(10_000, high - 12_000);
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${low} and ${high}`);
}

/** Whether a TCP connection to host:port is accepted within `timeoutMs`. */
export function tcpOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

async function healthy(binary: string, address: string): Promise<boolean> {
  try {
    const { stdout } = await run(binary, ['operator', 'cluster', 'health', '--address', address, '--command-timeout', '3s'], {
      env: cliEnv(),
    });
    return stdout.includes('SERVING');
  } catch {
    return false;
  }
}

/** The CLI reads TEMPORAL_* variables as defaults; ours (meant for the apps) must not leak into it. */
function cliEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TEMPORAL_')));
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const { binary, port, uiPort, dbFile, namespace, logFile } = options;
  const searchAttributes = options.searchAttributes ?? CASE_SEARCH_ATTRIBUTES;
  const host = '127.0.0.1';
  const address = `${host}:${port}`;
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new Error(`Temporal CLI not found at ${binary} (infra/lib.sh builds it; TEMPORAL_CLI_PATH overrides)`);
  }
  if (await tcpOpen(host, port)) throw new Error(`port ${port} is already in use; is another Temporal server running?`);

  const args = ['server', 'start-dev', '--ip', host, '--port', String(port)];
  // The Web UI shows every workflow's inputs (names, forms) with no login of its own: an operator
  // tool, bound to loopback only whatever the services' HOST (reach it through an SSH tunnel).
  args.push(...(uiPort === null ? ['--headless'] : ['--ui-ip', host, '--ui-port', String(uiPort)]));
  if (dbFile !== 'memory') {
    mkdirSync(path.dirname(dbFile), { recursive: true });
    args.push('--db-filename', dbFile);
  }
  args.push('--namespace', namespace, '--log-level', 'warn');
  for (const [name, type] of Object.entries(searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
  for (const key of ['frontend.enableUpdateWorkflowExecution', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted', 'frontend.enableExecuteMultiOperation']) {
    args.push('--dynamic-config-value', `${key}=true`);
  }
  if (options.longPollSeconds !== undefined) args.push('--dynamic-config-value', `matching.longPollExpirationInterval="${options.longPollSeconds}s"`);

  mkdirSync(path.dirname(logFile), { recursive: true });
  const logFd = openSync(logFile, 'w');
  const child = spawnTied(binary, args, { stdio: ['ignore', logFd, logFd], env: cliEnv() });
  closeSync(logFd); // the child holds its own copy
  const stop = () => terminate(child, 10_000);

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`Temporal dev server exited during start-up (${child.exitCode ?? child.signalCode})`);
      }
      if ((await tcpOpen(host, port)) && (await healthy(binary, address))) break;
      if (Date.now() > deadline) throw new Error(`Temporal dev server did not become healthy on ${address} in time`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // --search-attribute applies only when the namespace is first created, not to an older state file.
    if (options.bootstrap !== false) await bootstrapTemporalAt({ address, namespace }, { retentionDays: 1, searchAttributes });
  } catch (error) {
    await stop();
    const log = tail(logFile, 20);
    throw new Error(`${(error as Error).message}${log ? `\n--- last lines of ${logFile} ---\n${log}` : ''}`, { cause: error });
  }

  return { address, uiUrl: uiPort === null ? null : `http://${host}:${uiPort}`, stop };
}
