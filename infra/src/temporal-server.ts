import { execFile } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './config';
import { spawnTied, terminate } from './processes';

/** Keep in step with TEMPORAL_CLI_VERSION in infra/lib.sh, which exports TEMPORAL_CLI_PATH. */
export function temporalCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEMPORAL_CLI_PATH || path.join(repoRoot, '.tools', 'temporal-1.5.1', 'temporal');
}

const run = promisify(execFile);

export type SearchAttributeType = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/** Custom search attributes the workflows rely on. */
export const CASE_SEARCH_ATTRIBUTES: Record<string, SearchAttributeType> = {
  CaseType: 'Keyword',
  CaseOrgId: 'Keyword',
  CaseStatus: 'Keyword',
};

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
  searchAttributes?: Record<string, SearchAttributeType>;
  startTimeoutMs?: number;
}

export interface TemporalDevServer {
  /** host:port of the frontend gRPC service. */
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
}

/** A port that was free a moment ago (there is an unavoidable small race until it is bound again). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
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

/**
 * Registers the custom search attributes (idempotent). Needed on top of --search-attribute because
 * that flag only applies when the namespace is first created, i.e. not to an older persisted state file.
 */
async function ensureSearchAttributes(binary: string, address: string, namespace: string, attributes: Record<string, SearchAttributeType>) {
  const byType = new Map<SearchAttributeType, string[]>();
  for (const [name, type] of Object.entries(attributes)) byType.set(type, [...(byType.get(type) ?? []), name]);
  for (const [type, names] of byType) {
    const nameArgs = names.flatMap((name) => ['--name', name]);
    await run(binary, ['operator', 'search-attribute', 'create', '--address', address, '--namespace', namespace, ...nameArgs, '--type', type, '--command-timeout', '10s'], {
      env: cliEnv(),
    });
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
  args.push(...(uiPort === null ? ['--headless'] : ['--ui-port', String(uiPort)]));
  if (dbFile !== 'memory') {
    mkdirSync(path.dirname(dbFile), { recursive: true });
    args.push('--db-filename', dbFile);
  }
  args.push('--namespace', namespace, '--log-level', 'warn');
  for (const [name, type] of Object.entries(searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
  for (const key of ['frontend.enableUpdateWorkflowExecution', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted', 'frontend.enableExecuteMultiOperation']) {
    args.push('--dynamic-config-value', `${key}=true`);
  }

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
    await ensureSearchAttributes(binary, address, namespace, searchAttributes);
  } catch (error) {
    await stop();
    const log = tail(logFile, 20);
    throw new Error(`${(error as Error).message}${log ? `\n--- last lines of ${logFile} ---\n${log}` : ''}`, { cause: error });
  }

  return { address, uiUrl: uiPort === null ? null : `http://${host}:${uiPort}`, stop };
}
