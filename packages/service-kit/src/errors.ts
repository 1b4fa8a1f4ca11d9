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
