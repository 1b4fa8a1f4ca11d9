/** The one HTTP client of the console: bearer token, JSON, coded errors, 401 → back to login. */
import { readableError, type ReadableError } from '@dj/contracts/src/errors';

const TOKEN_KEY = 'dj.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The fields the refusal concerns (form paths), with what is wrong there. */
    readonly fields: ReadableError['fields'] = [],
  ) {
    super(message);
  }
}

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

type ExpiredListener = () => void;
let onExpired: ExpiredListener = () => {};
/** The auth provider registers what happens when the server says the session is gone. */
export function setSessionExpiredListener(listener: ExpiredListener): void {
  onExpired = listener;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** A file sent as the body itself (with its content type), not as JSON. */
class RawBody {
  constructor(
    readonly blob: Blob,
    readonly type: string,
  ) {}
}

async function request<T>(method: string, path: string, body?: unknown, query?: Query, extraHeaders?: Record<string, string>): Promise<T> {
  const headers: Record<string, string> = { ...extraHeaders };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = body instanceof RawBody ? body.type : 'application/json';
  const payload = body === undefined ? undefined : body instanceof RawBody ? body.blob : JSON.stringify(body);
  const res = await fetch(withQuery(path, query), { method, headers, body: payload });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const err = (json ?? {}) as { code?: string; message?: string };
    // Only the session this request was made with: a request still in flight when the person logged out
    // (or logged out and in again) answers 401 for the old token, which says nothing about the current one.
    if (res.status === 401 && token && token === getToken() && !path.startsWith('/api/auth/')) onExpired();
    // "中文 / English: the rule" → "中文：the rule" (the refusal names the rule, issue 16 point 3).
    const readable = readableError(err.message ?? `请求失败（${res.status}）`);
    throw new ApiError(res.status, err.code ?? `HTTP_${res.status}`, readable.text, readable.fields);
  }
  return json as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>('POST', path, body ?? {}, undefined, headers),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  /** POSTs a file as the request body (e.g. a roster .xlsx or .csv). */
  upload: <T>(path: string, file: Blob, type: string, query?: Query) => request<T>('POST', path, new RawBody(file, type), query),
};

/** Downloads a file from an authenticated endpoint (CSV or xlsx export, the roster template). */
export async function download(path: string, query: Query, filename: string): Promise<void> {
  const res = await fetch(withQuery(path, query), { headers: { authorization: `Bearer ${getToken() ?? ''}` } });
  if (!res.ok) throw new ApiError(res.status, `HTTP_${res.status}`, `导出失败（${res.status}）`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}
