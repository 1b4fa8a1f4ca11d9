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

export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, redact: { paths: redactPaths, censor: '[redacted]' } });
}

/** Keeps the first 3 and last 2 characters of an identifier (phone, ID number) for logs. */
export function maskIdentifier(value: string): string {
  if (value.length <= 5) return '*'.repeat(value.length);
  return `${value.slice(0, 3)}${'*'.repeat(value.length - 5)}${value.slice(-2)}`;
}

export type { Logger };
