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

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/dangjian';

export type CommonConfig = {
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  logLevel: LogLevel;
  /** Compressed time (tests, demos): one working day lasts this many seconds. Unset = real calendar. */
  workingDaySeconds: number | undefined;
  /** Compressed quarters for joint meetings (tests, demos): one quarter lasts this many seconds. Unset = calendar quarters. */
  jointMeetingQuarterSeconds: number | undefined;
};

export function loadCommonConfig(env: Env = process.env): CommonConfig {
  return {
    databaseUrl: str(env, 'DATABASE_URL', DEFAULT_DATABASE_URL),
    temporalAddress: str(env, 'TEMPORAL_ADDRESS', '127.0.0.1:7233'),
    temporalNamespace: str(env, 'TEMPORAL_NAMESPACE', 'default'),
    logLevel: logLevel(env),
    workingDaySeconds: optionalPositive(env, 'WORKING_DAY_SECONDS'),
    jointMeetingQuarterSeconds: optionalPositive(env, 'JOINT_MEETING_QUARTER_SECONDS'),
  };
}

export type WorkerConfig = CommonConfig;
export const loadWorkerConfig = loadCommonConfig;

export type ServiceConfig = CommonConfig & { host: string; port: number; jwtSecret: string; tokenTtlSeconds: number };

export function loadServiceConfig(defaultPort: number, env: Env = process.env): ServiceConfig {
  const jwtSecret = str(env, 'JWT_SECRET');
  if (jwtSecret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
  return {
    ...loadCommonConfig(env),
    host: str(env, 'HOST', '127.0.0.1'),
    port: int(env, 'PORT', defaultPort),
    jwtSecret,
    tokenTtlSeconds: int(env, 'TOKEN_TTL_SECONDS', 8 * 3600),
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
