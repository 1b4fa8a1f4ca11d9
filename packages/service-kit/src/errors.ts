import { errorCatalogue, errorMessage, type ErrorCode } from '@dj/contracts';

/** An error with a stable code from the catalogue; the error handler turns it into `{code, message}`. */
export class HttpError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
  ) {
    super(detail ? `${errorMessage(code)}: ${detail}` : errorMessage(code));
    this.statusCode = errorCatalogue[code].status;
  }
}

export const httpError = (code: ErrorCode, detail?: string) => new HttpError(code, detail);

type FastifyLikeError = { validation?: { message?: string; instancePath?: string }[]; statusCode?: number; code?: string; message?: string };

/**
 * The `{code, message}` body of any error a Fastify app meets: coded errors as they are, schema
 * failures with their details, and Fastify's own client errors (bad JSON, media type, body size,
 * method) with a code of the catalogue. Anything else is a 500 saying nothing internal.
 */
export function codedError(error: unknown): { status: number; body: { code: ErrorCode; message: string; details?: string[] } } {
  if (error instanceof HttpError) return { status: error.statusCode, body: { code: error.code, message: error.message } };
  const e = (error ?? {}) as FastifyLikeError;
  if (e.validation) {
    const details = e.validation.map((v) => `${v.instancePath || '/'} ${v.message ?? ''}`.trim());
    return { status: 400, body: { code: 'VALIDATION_FAILED', message: errorMessage('VALIDATION_FAILED'), details } };
  }
  const byStatus: Partial<Record<number, ErrorCode>> = { 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RATE_LIMITED' };
  const status = e.statusCode ?? 500;
  const code = byStatus[status];
  if (code) return { status, body: { code, message: errorMessage(code) } };
  if (status >= 400 && status < 500) {
    // Fastify's messages are fixed English texts about the request (e.g. "Body is not valid JSON").
    return { status, body: { code: 'VALIDATION_FAILED', message: `${errorMessage('VALIDATION_FAILED')}: ${e.message ?? ''}` } };
  }
  if (status === 502 || status === 503 || status === 504) return { status: 503, body: { code: 'UNAVAILABLE', message: errorMessage('UNAVAILABLE') } };
  return { status: 500, body: { code: 'INTERNAL', message: errorMessage('INTERNAL') } };
}
