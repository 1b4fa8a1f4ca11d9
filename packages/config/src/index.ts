/** Validated environment, read once at boot; a bad value stops the process with a clear message. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, fallback?: string): string {
  const v = env[name]?.trim();
  if (v) return v;
  if (fallback !== undefined) return fallback;
  throw new ConfigError(`environment variable ${name} is required`);
}

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new ConfigError(`${name} must be a port number, got "${raw}"`);
  return n;
}

function optionalPositive(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number of seconds, got "${raw}"`);
  return n;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function logLevel(env: Env): LogLevel {
  const v = (env.LOG_LEVEL ?? 'info').trim() as LogLevel;
  if (!LOG_LEVELS.includes(v)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  return v;
}

/**
 * How to reach Temporal: the address and namespace, and for a cluster outside this machine mutual TLS
 * (client certificate and key, the server's CA, the name its certificate carries) or an API key
 * (Temporal Cloud). The variable names are those of Temporal's own environment configuration.
 */
export type TemporalSettings = {
  address: string;
  namespace: string;
  tls?: { clientCertPath?: string | undefined; clientKeyPath?: string | undefined; serverCaPath?: string | undefined; serverName?: string | undefined } | undefined;
  apiKey?: string | undefined;
};

export function loadTemporalSettings(env: Env = process.env): TemporalSettings {
  const opt = (name: string) => env[name]?.trim() || undefined;
  const clientCertPath = opt('TEMPORAL_TLS_CLIENT_CERT_PATH');
  const clientKeyPath = opt('TEMPORAL_TLS_CLIENT_KEY_PATH');
  if (Boolean(clientCertPath) !== Boolean(clientKeyPath)) {
    throw new ConfigError('TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH must be set together');
  }
  const serverCaPath = opt('TEMPORAL_TLS_SERVER_CA_CERT_PATH');
  const serverName = opt('TEMPORAL_TLS_SERVER_NAME');
  const tlsFlag = opt('TEMPORAL_TLS');
  if (tlsFlag !== undefined && tlsFlag !== 'true' && tlsFlag !== 'false') throw new ConfigError('TEMPORAL_TLS must be true or false');
  const apiKey = opt('TEMPORAL_API_KEY');
  // TLS when asked for, when any TLS file is given, or with an API key (which must never travel in clear).
  const tls = tlsFlag === 'false' ? false : tlsFlag === 'true' || Boolean(clientCertPath || serverCaPath || serverName || apiKey);
  return {
    address: str(env, 'TEMPORAL_ADDRESS', '127.0.0.1:7233'),
    namespace: str(env, 'TEMPORAL_NAMESPACE', 'default'),
    ...(tls ? { tls: { clientCertPath, clientKeyPath, serverCaPath, serverName } } : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/dangjian';

export type CommonConfig = {
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  temporal: TemporalSettings;
  logLevel: LogLevel;
  /** Compressed time (tests, demos): one working day lasts this many seconds. Unset = real calendar. */
  workingDaySeconds: number | undefined;
  /** Compressed quarters for joint meetings (tests, demos): one quarter lasts this many seconds. Unset = calendar quarters. */
  jointMeetingQuarterSeconds: number | undefined;
};

export function loadCommonConfig(env: Env = process.env): CommonConfig {
  const temporal = loadTemporalSettings(env);
  return {
    databaseUrl: str(env, 'DATABASE_URL', DEFAULT_DATABASE_URL),
    temporalAddress: temporal.address,
    temporalNamespace: temporal.namespace,
    temporal,
    logLevel: logLevel(env),
    workingDaySeconds: optionalPositive(env, 'WORKING_DAY_SECONDS'),
    jointMeetingQuarterSeconds: optionalPositive(env, 'JOINT_MEETING_QUARTER_SECONDS'),
  };
}

export type WorkerConfig = CommonConfig & {
  /** How often the worker anchors the heads of changed record chains (README, Security); hourly by default. */
  recordAnchorIntervalSeconds: number;
  /** host:port where the Temporal SDK serves the worker's Prometheus metrics (`/metrics`); unset = none. */
  metricsAddress: string | undefined;
  /** A prebuilt workflow bundle (`pnpm build:workflows`) to load instead of bundling workflow code at start. */
  workflowBundlePath: string | undefined;
  /**
   * WORKER_DB_POOL: the worker's database connections, and as many activity slots (and local-activity
   * slots) as connections, so a burst of due steps queues in Temporal instead of waiting on the pool
   * until Prisma gives up (P2028). Default 20.
   */
  dbPool: number;
};

function poolSize(env: Env): number {
  const raw = env.WORKER_DB_POOL?.trim();
  if (!raw) return 20;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new ConfigError(`WORKER_DB_POOL must be a whole number of connections from 1 to 1000, got "${raw}"`);
  return n;
}

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const recordAnchorIntervalSeconds = optionalPositive(env, 'RECORD_ANCHOR_INTERVAL_SECONDS') ?? 3600;
  if (recordAnchorIntervalSeconds > 86_400) throw new ConfigError('RECORD_ANCHOR_INTERVAL_SECONDS must be at most 86400: chains are anchored at least daily');
  const metricsAddress = env.WORKER_METRICS_ADDRESS?.trim() || undefined;
  if (metricsAddress !== undefined && !/^[^\s:]+:\d{1,5}$/.test(metricsAddress)) throw new ConfigError(`WORKER_METRICS_ADDRESS must be host:port, got "${metricsAddress}"`);
  return { ...loadCommonConfig(env), recordAnchorIntervalSeconds, metricsAddress, workflowBundlePath: env.WORKFLOW_BUNDLE_PATH?.trim() || undefined, dbPool: poolSize(env) };
}

export type ServiceConfig = CommonConfig & {
  host: string;
  port: number;
  jwtSecret: string;
  tokenTtlSeconds: number;
  /**
   * Readiness requires a worker that polled the case task queue within this many seconds (README,
   * Configuration); default 90 (a healthy idle worker renews its poll about once a minute); 0 = no check.
   */
  workerReadyBoundSeconds: number;
};

function workerReadyBound(env: Env): number {
  const raw = env.WORKER_READY_BOUND_SECONDS?.trim();
  if (!raw) return 90;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new ConfigError(`WORKER_READY_BOUND_SECONDS must be a number of seconds (0 = no check), got "${raw}"`);
  return n;
}

export function loadServiceConfig(defaultPort: number, env: Env = process.env): ServiceConfig {
  const jwtSecret = str(env, 'JWT_SECRET');
  if (jwtSecret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
  return {
    ...loadCommonConfig(env),
    host: str(env, 'HOST', '127.0.0.1'),
    port: int(env, 'PORT', defaultPort),
    jwtSecret,
    tokenTtlSeconds: int(env, 'TOKEN_TTL_SECONDS', 8 * 3600),
    workerReadyBoundSeconds: workerReadyBound(env),
  };
}

/** Outbound notifications (worker): a webhook for SMS / WeCom / DingTalk gateways; unset = in-app only. */
export type NotifyConfig = { webhookUrl: string | undefined; webhookSecret: string | undefined; pollSeconds: number };

export function loadNotifyConfig(env: Env = process.env): NotifyConfig {
  const webhookUrl = env.NOTIFY_WEBHOOK_URL?.trim() || undefined;
  if (webhookUrl) {
    let protocol = '';
    try {
      protocol = new URL(webhookUrl).protocol;
    } catch {
      throw new ConfigError(`NOTIFY_WEBHOOK_URL must be an http(s) URL, got "${webhookUrl}"`);
    }
    if (protocol !== 'http:' && protocol !== 'https:') throw new ConfigError('NOTIFY_WEBHOOK_URL must be an http(s) URL');
  }
  const webhookSecret = env.NOTIFY_WEBHOOK_SECRET?.trim() || undefined;
  if (webhookSecret && webhookSecret.length < 16) throw new ConfigError('NOTIFY_WEBHOOK_SECRET must be at least 16 characters');
  return { webhookUrl, webhookSecret, pollSeconds: optionalPositive(env, 'NOTIFY_POLL_SECONDS') ?? 5 };
}
