import { pino, type Logger } from 'pino';

/** Paths never written to logs: credentials, tokens, and personal data of the public. */
export const redactPaths = [
  'password',
  '*.password',
  'token',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'phone',
  '*.phone',
  'idNumber',
  '*.idNumber',
];

/**
 * A URL as it may be logged: the path only. Query strings carry what people type (an inbox search for a
 * phone number, a name), so they are replaced by `?[redacted]` wherever a request is logged.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?[redacted]`;
}

type LoggedRequest = { method?: string; url?: string; id?: unknown; hostname?: string; host?: string; ip?: string; socket?: { remoteAddress?: string | undefined; remotePort?: number | undefined } };

/** pino serializer of Fastify requests: Fastify's default fields, the URL without its query string. */
export function requestSerializer(request: LoggedRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url ?? ''),
    host: request.host ?? request.hostname,
    remoteAddress: request.ip ?? request.socket?.remoteAddress,
    remotePort: request.socket?.remotePort,
  };
}

/** Logger options of every HTTP service: level, redaction of secrets and personal data, URLs without query strings. */
export function httpLoggerOptions(level: string, extra: Record<string, unknown> = {}) {
  return {
    level,
    redact: { paths: redactPaths.map((p) => `req.${p}`).concat(['req.headers.authorization']), censor: '[redacted]' },
    serializers: { req: requestSerializer },
    ...extra,
  };
}

export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, redact: { paths: redactPaths, censor: '[redacted]' } });
}

/** Keeps the first 3 and last 2 characters of an identifier (phone, ID number) for logs. */
export function maskIdentifier(value: string): string {
  if (value.length <= 5) return '*'.repeat(value.length);
  return `${value.slice(0, 3)}${'*'.repeat(value.length - 5)}${value.slice(-2)}`;
}

export type { Logger };
