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

/** A random Idempotency-Key (getRandomValues also works on plain-http intranet hosts, randomUUID does not). */
export function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Keys of intents sent but not answered yet, by request (method, path and body). */
const unansweredKeys = new Map<string, string>();
/** Pauses before the console's own retries of a request that got no answer (connection lost, 502/503/504). */
const RETRY_PAUSES_MS = [500, 1500, 3000];
const noAnswer = (e: unknown) => !(e instanceof ApiError) || e.status === 502 || e.status === 503 || e.status === 504;

/**
 * A mutating request that must take effect once: one Idempotency-Key per user intent (one click). The
 * key is made when the request is first sent and sent again with every retry of that same request — the
 * console's own (up to three, after a lost connection or a 502/503/504) and the person's, who presses
 * again after the console gave up (same path and body, no answer received yet) — so the server answers
 * the original result instead of acting twice. An answer (success or refusal) ends the intent: the next
 * click is a new one with a new key.
 */
async function postOnce<T>(path: string, body: unknown = {}): Promise<T> {
  const signature = `POST ${path}\n${JSON.stringify(body)}`;
  const key = unansweredKeys.get(signature) ?? newIdempotencyKey();
  unansweredKeys.set(signature, key);
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await request<T>('POST', path, body, undefined, { 'idempotency-key': key });
      unansweredKeys.delete(signature);
      return answer;
    } catch (e) {
      if (!noAnswer(e)) unansweredKeys.delete(signature);
      const pause = RETRY_PAUSES_MS[attempt];
      if (!noAnswer(e) || pause === undefined) throw e;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

export const api = {
  /** For the endpoints that take an `Idempotency-Key` (task and case actions, case starts, bulk approval). */
  postOnce,
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
