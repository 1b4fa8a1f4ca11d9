/**
 * Which activity failures are worth a retry. A write PostgreSQL refuses because of the data itself
 * (SQLSTATE class 22 data exception, e.g. a NUL in text; class 23 integrity constraint violation) or
 * a request Prisma cannot even form (validation errors, a lone surrogate in its JSON) fails the same
 * way on every attempt: retrying it forever only hangs the caller and the workflow. Those become a
 * non-retryable ApplicationFailure of type DATA_ERROR; everything else (connection refused, timeouts,
 * deadlocks, serialization failures) stays retryable as before.
 */
import { ApplicationFailure } from '@temporalio/common';

export const DATA_ERROR = 'DATA_ERROR';

/** Prisma's codes for a refused value or constraint when no SQLSTATE comes with them. */
const PRISMA_DATA_CODES = new Set(['P2000', 'P2002', 'P2003', 'P2004', 'P2005', 'P2006', 'P2007', 'P2011', 'P2012', 'P2019', 'P2020', 'P2023']);

type ErrorLike = {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } };
};

const SQLSTATE = /^[0-9A-Z]{5}$/;

function sqlStateOf(e: ErrorLike): string | undefined {
  const candidates = [
    // Prisma's known request errors (P2002, P2010 raw query failed, …) carry the driver's error.
    e.meta?.driverAdapterError?.cause?.originalCode,
    e.meta?.driverAdapterError?.cause?.code,
    // The pg driver adapter's own error, thrown as is inside interactive transactions.
    e.name === 'DriverAdapterError' ? (e.cause as ErrorLike | undefined)?.code : undefined,
    e.name === 'DriverAdapterError' ? (e.cause as { originalCode?: unknown } | undefined)?.originalCode : undefined,
    // node-postgres' DatabaseError.
    e.name === 'error' || e.name === 'DatabaseError' ? e.code : undefined,
  ];
  return candidates.find((c): c is string => typeof c === 'string' && SQLSTATE.test(c));
}

/** The last meaningful line of a Prisma message (the rest is a code frame of the call site). */
function shortMessage(e: ErrorLike): string {
  const lines = String(e.message ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.at(-1) ?? String(e.name ?? 'error');
}

/** Why the error is a data error (for the failure's message), or undefined if it may succeed on retry. */
export function dataErrorReason(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as ErrorLike;
  const sqlState = sqlStateOf(e);
  if (sqlState) return sqlState.startsWith('22') || sqlState.startsWith('23') ? `SQLSTATE ${sqlState}: ${shortMessage(e)}` : undefined;
  if (e.name === 'PrismaClientValidationError') return `invalid query: ${shortMessage(e)}`;
  if (e.name === 'PrismaClientKnownRequestError' && typeof e.code === 'string' && PRISMA_DATA_CODES.has(e.code)) return `${e.code}: ${shortMessage(e)}`;
  // Prisma's query compiler parses the request as JSON, and a lone surrogate is not valid JSON there.
  if (e.name === 'PrismaClientUnknownRequestError' && /JSON Error/.test(String(e.message))) return `unrepresentable value: ${shortMessage(e)}`;
  return undefined;
}

/** A data error as a non-retryable DATA_ERROR failure; anything else unchanged. */
export function classifyActivityError(error: unknown, activity: string): unknown {
  if (error instanceof ApplicationFailure) return error;
  const reason = dataErrorReason(error);
  if (!reason) return error;
  return ApplicationFailure.create({
    type: DATA_ERROR,
    message: `${activity}: the data cannot be stored (${reason})`,
    nonRetryable: true,
    // Not the original error as cause: Prisma's messages can quote the submitted values in full.
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- activities take and return anything
type ActivityFunctions = Record<string, (...args: any[]) => Promise<unknown>>;

/** Wraps every activity so a data error fails it at once instead of being retried forever. */
export function classifyActivityErrors<T extends ActivityFunctions>(activities: T): T {
  const wrapped: ActivityFunctions = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        throw classifyActivityError(e, name);
      }
    };
  }
  return wrapped as T;
}
