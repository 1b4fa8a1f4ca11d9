// Runs the whole stack on one machine: PostgreSQL schema + demo data, Temporal dev server (or an
// external cluster named by TEMPORAL_ADDRESS), worker, services and gateway. Once the stack is up, a
// process that crashes is restarted with backoff while the others keep serving.
// Normally started through `bash infra/start.sh`.
import path from 'node:path';
import { configurePersonalData, protectPersonalDataAt } from '@dj/db/personal-data-migration';
import { migrateDatabase } from '@dj/db/migrate';
import { seedDemoData } from '@dj/db/seed-demo';
import { ConfigError, loadConfig, repoRoot, type OrchestratorConfig } from './config';
import { ensureConsoleBuilt } from './console-build';
import { ensureAppRole, ensureDatabase } from './database';
import { openDemoCases } from './demo-cases';
import { Supervisor } from './processes';
import { startTemporalDevServer, temporalCliPath, type TemporalDevServer } from './temporal-server';
import { bootstrapTemporalAt } from '@dj/temporal';

const READY_TIMEOUT_MS = 120_000;

function say(message: string): void {
  process.stdout.write(`${'start'.padEnd(8)} | ${message}\n`);
}

/** The URL without its password, for messages. */
function redact(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1'; // listening everywhere: print a reachable one
  return host.includes(':') ? `[${host}]` : host;
}

let temporal: TemporalDevServer | undefined;
let stopping: Promise<void> | undefined;

let temporalUiUrl: string | null = null;

const supervisor = new Supervisor(
  repoRoot,
  (name, code, signal) => {
    const how = code !== null ? `exit code ${code}` : signal ? `signal ${signal}` : 'failed to spawn';
    process.stderr.write(`\n✖ ${name} stopped during start-up (${how}); stopping everything.\n`);
    void shutdown(1);
  },
  10_000,
  say,
);

function shutdown(exitCode: number): Promise<void> {
  stopping ??= (async () => {
    say('stopping…');
    await supervisor.stopAll();
    await temporal?.stop();
    process.exit(exitCode);
  })();
  return stopping;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second Ctrl-C skips the graceful path; the children are tied to us and get SIGTERM.
    if (stopping) process.exit(130);
    void shutdown(0);
  });
}

async function waitForGateway(url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (stopping) return new Promise(() => {}); // shutdown owns the exit now
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`gateway not ready after ${READY_TIMEOUT_MS / 1000} s at ${url} (last: ${last})`);
}

function childEnvironment(config: OrchestratorConfig, temporalAddress: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: config.appDatabaseUrl,
    RECORD_KEY: config.recordKey,
    PERSONAL_DATA_KEY: config.personalDataKey,
    RECORD_ANCHOR_FILE: config.recordAnchorFile,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: config.temporalNamespace,
    JWT_SECRET: config.jwtSecret,
    LOG_LEVEL: config.logLevel,
    // The demo's administrators sign in with a password; a deployment requires two steps (the default
    // of the identity service itself). Set ADMIN_SECOND_FACTOR=required to try it here.
    ADMIN_SECOND_FACTOR: process.env.ADMIN_SECOND_FACTOR || 'optional',
  };
  if (!config.temporalExternal) {
    // The dev server speaks plain gRPC: no TLS or API key settings meant for some cluster.
    for (const key of Object.keys(env)) if (key.startsWith('TEMPORAL_TLS') || key === 'TEMPORAL_API_KEY') delete env[key];
  }
  if (config.workingDaySeconds === undefined) delete env.WORKING_DAY_SECONDS;
  else env.WORKING_DAY_SECONDS = String(config.workingDaySeconds);
  return env;
}

function banner(config: OrchestratorConfig, baseUrl: string, logins: Array<{ username: string; password: string; description: string }>): string {
  const userWidth = Math.max(8, ...logins.map((l) => l.username.length));
  const passWidth = Math.max(8, ...logins.map((l) => l.password.length));
  const lines = [
    '',
    '  Dangjian Flow is running',
    '',
    `  Web console      ${baseUrl}/`,
    `  Public notices   ${baseUrl}/notices`,
    `  API              ${baseUrl}/api`,
    `  Temporal Web UI  ${temporalUiUrl ?? '-'}`,
    `  Two-step login   ${(process.env.ADMIN_SECOND_FACTOR || 'optional') === 'required' ? 'required of administrators' : 'optional (demo; deployments require it of administrators)'}`,
    `  OpenAPI          ${baseUrl}/api/identity/openapi.json`,
    `                   ${baseUrl}/api/inbox/openapi.json`,
    `                   ${baseUrl}/api/cases/openapi.json`,
    `                   ${baseUrl}/api/notice-board/openapi.json`,
    `  Data             ${config.dataDir}${config.temporalDbFile === 'memory' ? ' (Temporal state in memory)' : ''}`,
    `  Working days     ${config.workingDaySeconds === undefined ? 'real calendar' : `1 working day = ${config.workingDaySeconds} s`}`,
    '',
    '  Demo logins',
    `    ${'username'.padEnd(userWidth)}  ${'password'.padEnd(passWidth)}  who`,
    ...logins.map((l) => `    ${l.username.padEnd(userWidth)}  ${l.password.padEnd(passWidth)}  ${l.description}`),
    '',
    '  Ctrl-C stops everything; data is kept for the next start.',
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const config = loadConfig();

  say(`database ${redact(config.databaseUrl)}`);
  try {
    if (await ensureDatabase(config.databaseUrl)) say('created the database');
  } catch (error) {
    throw new Error(`cannot reach PostgreSQL at ${redact(config.databaseUrl)}: ${(error as Error).message}`, { cause: error });
  }
  await migrateDatabase(config.databaseUrl);
  say('migrations applied');
  // The key never enters the database: phones left in plaintext are encrypted here, not in SQL.
  const codec = configurePersonalData(config.personalDataKey, process.env.PERSONAL_DATA_PREVIOUS_KEYS?.split(',').map((k) => k.trim()).filter(Boolean));
  const protectedRows = await protectPersonalDataAt(config.databaseUrl, codec);
  if (protectedRows.person + protectedRows.objection > 0) say(`phones encrypted: ${protectedRows.person} people, ${protectedRows.objection} objections`);
  const { logins } = await seedDemoData(config.databaseUrl);
  say('demo data in place');
  await ensureAppRole(config.databaseUrl, config.appDatabaseUrl);
  say(`services connect as ${redact(config.appDatabaseUrl)}`);

  let temporalAddress: string;
  if (config.temporalExternal) {
    // An existing cluster: its address and TLS / API key settings reach every process unchanged.
    temporalAddress = config.temporalExternal.address;
    say(`Temporal cluster at ${temporalAddress}, namespace ${config.temporalNamespace}`);
    await bootstrapTemporalAt(config.temporalExternal, { retentionDays: config.temporalRetentionDays, log: say });
    say('namespace and search attributes in place');
    temporalUiUrl = config.temporalUiUrl ?? null;
  } else {
    temporal = await startTemporalDevServer({
      binary: temporalCliPath(),
      port: config.temporalPort,
      uiPort: config.temporalUiPort,
      dbFile: config.temporalDbFile,
      namespace: config.temporalNamespace,
      logFile: path.join(config.dataDir, 'temporal.log'),
      longPollSeconds: config.temporalDevLongPollSeconds,
    });
    temporalAddress = temporal.address;
    temporalUiUrl = temporal.uiUrl;
    say(`Temporal dev server on ${temporal.address} (log: ${path.join(config.dataDir, 'temporal.log')})`);
  }

  ensureConsoleBuilt(repoRoot, say);
  const env = childEnvironment(config, temporalAddress);
  const internal = (port: number) => ({ ...env, HOST: '127.0.0.1', PORT: String(port) });
  const serviceUrl = (port: number) => `http://127.0.0.1:${port}`;
  supervisor.start({ name: 'worker', entry: 'workflows/src/worker.ts', env });
  supervisor.start({ name: 'identity', entry: 'services/identity/src/server.ts', env: internal(config.identityPort) });
  supervisor.start({ name: 'inbox', entry: 'services/inbox/src/server.ts', env: internal(config.inboxPort) });
  supervisor.start({ name: 'cases', entry: 'services/cases/src/server.ts', env: internal(config.casesPort) });
  supervisor.start({ name: 'notice-board', entry: 'services/notice-board/src/server.ts', env: internal(config.noticeBoardPort) });
  supervisor.start({ name: 'console', entry: 'services/console/src/server.ts', env: internal(config.consolePort) });
  supervisor.start({
    name: 'gateway',
    entry: 'services/gateway/src/server.ts',
    env: {
      ...env,
      HOST: config.host,
      PORT: String(config.gatewayPort),
      IDENTITY_URL: serviceUrl(config.identityPort),
      INBOX_URL: serviceUrl(config.inboxPort),
      CASES_URL: serviceUrl(config.casesPort),
      NOTICE_BOARD_URL: serviceUrl(config.noticeBoardPort),
      CONSOLE_URL: serviceUrl(config.consolePort),
    },
  });

  const baseUrl = `http://${urlHost(config.host)}:${config.gatewayPort}`;
  await waitForGateway(`${baseUrl}/api/health/ready`);
  supervisor.healing();
  if (config.demoCases) {
    // A demo nicety: a failure here is reported, never fatal.
    await openDemoCases(baseUrl, logins, say).catch((error: unknown) => say(`demo cases not opened: ${(error as Error).message}`));
  }
  process.stdout.write(`${banner(config, baseUrl, logins)}\n`);
  process.stdout.write(`DANGJIAN_READY ${baseUrl}\n`);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? `configuration: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`\n✖ start-up failed: ${message}\n`);
  void shutdown(1);
});
