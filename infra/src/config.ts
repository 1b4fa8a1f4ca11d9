import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError as EnvConfigError, loadTemporalSettings, type TemporalSettings } from '@dj/config';
import { defaultAppDatabaseUrl } from './database';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface OrchestratorConfig {
  /** The owner: migrations and seeding. */
  databaseUrl: string;
  /** The least-privilege role the services and the worker connect as (README, Security). */
  appDatabaseUrl: string;
  host: string;
  gatewayPort: number;
  identityPort: number;
  inboxPort: number;
  casesPort: number;
  noticeBoardPort: number;
  consolePort: number;
  temporalPort: number;
  temporalUiPort: number;
  temporalNamespace: string;
  /** Set when TEMPORAL_ADDRESS names a cluster to use instead of the dev server. */
  temporalExternal: TemporalSettings | undefined;
  /** Printed in the banner for an external cluster (TEMPORAL_UI_URL). */
  temporalUiUrl: string | undefined;
  /** Retention of closed workflows in a namespace the bootstrap creates. */
  temporalRetentionDays: number;
  dataDir: string;
  /** Undefined means the real working-day calendar. */
  workingDaySeconds: number | undefined;
  jwtSecret: string;
  /** The key of the case record's chain and anchors; never stored in the database. */
  recordKey: string;
  /**
   * The key of personal numbers at rest (PERSONAL_DATA_KEY, 32 bytes base64; packages/db/src/personal-data.ts);
   * never stored in the database. Losing it loses the phones.
   */
  personalDataKey: string;
  /** The signed, append-only file of anchored chain heads. */
  recordAnchorFile: string;
  /** Absolute path of the SQLite file, or the literal 'memory' for no persistence. */
  temporalDbFile: string;
  /**
   * The dev server's long-poll interval (TEMPORAL_DEV_LONG_POLL_SECONDS; its own default, a minute, when
   * unset): how often an idle worker renews its poll, which readiness sees (tests set it short).
   */
  temporalDevLongPollSeconds: number | undefined;
  logLevel: string;
  /** Open a few demo cases through the API when the database has none (DEMO_CASES=0 turns it off). */
  demoCases: boolean;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

function str(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ConfigError(`${name} must be a TCP port (1-65535), got "${raw}"`);
  }
  return value;
}

function optionalPositive(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive number of seconds, got "${raw}"`);
  }
  return value;
}

/** Generated once and kept in DATA_DIR so restarts do not invalidate existing sessions (or records). */
function persistentSecret(dataDir: string, name = 'jwt-secret'): string {
  const file = path.join(dataDir, name);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // mode above is ignored if the file already existed (empty)
  return secret;
}

export function loadConfig(env: Env = process.env): OrchestratorConfig {
  const dataDir = path.resolve(str(env, 'DATA_DIR', path.join(repoRoot, '.data')));
  mkdirSync(dataDir, { recursive: true });

  const databaseUrl = str(env, 'DATABASE_URL', 'postgresql://postgres@127.0.0.1:5432/dangjian');
  try {
    new URL(databaseUrl);
  } catch {
    throw new ConfigError('DATABASE_URL is not a valid URL');
  }

  let temporalExternal: TemporalSettings | undefined;
  try {
    temporalExternal = env.TEMPORAL_ADDRESS?.trim() ? loadTemporalSettings(env) : undefined;
  } catch (error) {
    if (error instanceof EnvConfigError) throw new ConfigError(error.message);
    throw error;
  }
  const retention = env.TEMPORAL_NAMESPACE_RETENTION_DAYS?.trim() || '30';
  if (!/^[1-9]\d{0,3}$/.test(retention)) throw new ConfigError(`TEMPORAL_NAMESPACE_RETENTION_DAYS must be a whole number of days, got "${retention}"`);
  const appDatabaseUrl = str(env, 'APP_DATABASE_URL', defaultAppDatabaseUrl(databaseUrl));
  try {
    new URL(appDatabaseUrl);
  } catch {
    throw new ConfigError('APP_DATABASE_URL is not a valid URL');
  }

  const temporalDb = str(env, 'TEMPORAL_DB_FILE', path.join(dataDir, 'temporal.db'));
  const config: OrchestratorConfig = {
    databaseUrl,
    appDatabaseUrl,
    host: str(env, 'HOST', '127.0.0.1'),
    gatewayPort: port(env, 'PORT', 8080),
    identityPort: port(env, 'IDENTITY_PORT', 8081),
    inboxPort: port(env, 'INBOX_PORT', 8082),
    casesPort: port(env, 'CASES_PORT', 8083),
    noticeBoardPort: port(env, 'NOTICE_BOARD_PORT', 8084),
    consolePort: port(env, 'CONSOLE_PORT', 8085),
    temporalPort: port(env, 'TEMPORAL_PORT', 7233),
    temporalUiPort: port(env, 'TEMPORAL_UI_PORT', 8233),
    temporalNamespace: str(env, 'TEMPORAL_NAMESPACE', 'default'),
    temporalExternal,
    temporalUiUrl: env.TEMPORAL_UI_URL?.trim() || undefined,
    temporalRetentionDays: Number(retention),
    dataDir,
    workingDaySeconds: optionalPositive(env, 'WORKING_DAY_SECONDS'),
    jwtSecret: str(env, 'JWT_SECRET', '') || persistentSecret(dataDir),
    recordKey: str(env, 'RECORD_KEY', '') || persistentSecret(dataDir, 'record-key'),
    // Generated once into DATA_DIR/personal-data-key (32 random bytes, base64url) like the JWT secret.
    personalDataKey: str(env, 'PERSONAL_DATA_KEY', '') || persistentSecret(dataDir, 'personal-data-key'),
    recordAnchorFile: path.resolve(str(env, 'RECORD_ANCHOR_FILE', path.join(dataDir, 'record-anchors.log'))),
    temporalDbFile: temporalDb === 'memory' ? 'memory' : path.resolve(temporalDb),
    temporalDevLongPollSeconds: optionalPositive(env, 'TEMPORAL_DEV_LONG_POLL_SECONDS'),
    logLevel: str(env, 'LOG_LEVEL', 'info'),
    demoCases: str(env, 'DEMO_CASES', '1') !== '0',
  };

  const ports = [config.gatewayPort, config.identityPort, config.inboxPort, config.casesPort, config.noticeBoardPort, config.consolePort];
  if (!temporalExternal) ports.push(config.temporalPort, config.temporalUiPort);
  if (new Set(ports).size !== ports.length) {
    throw new ConfigError('PORT, IDENTITY_PORT, INBOX_PORT, CASES_PORT, NOTICE_BOARD_PORT, CONSOLE_PORT, TEMPORAL_PORT and TEMPORAL_UI_PORT must all differ');
  }
  return config;
}

/**
 * The environment without the settings that would point a stack at an external Temporal cluster (a test
 * run exports TEMPORAL_ADDRESS for its own server; a stack it launches starts its own dev server).
 */
export function withoutTemporalCluster(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => key !== 'TEMPORAL_ADDRESS' && key !== 'TEMPORAL_API_KEY' && !key.startsWith('TEMPORAL_TLS')));
}
