// HTTP helpers for the end-to-end tests: talk to the gateway of a started stack like the console does.
import { expect } from 'vitest';

/** The password of every seeded user. */
export const PASSWORD = 'Dangjian@2026';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Reply = { status: number; body: Json; headers: Headers };
export type Session = { token: string; userId: string; displayName: string };

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as is with `content-type: application/json` (instead of `body`). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export function describeReply(r: Reply): string {
  return `HTTP ${r.status} ${JSON.stringify(r.body)}`;
}

export function expectStatus(r: Reply, status: number): void {
  expect(r.status, describeReply(r)).toBe(status);
}

/** Error answers carry a stable code (one of `code`, if a list) and a message in Chinese and English ("中文 / English"). */
export function expectCodedError(r: Reply, status: number, code: string | readonly string[]): void {
  expect(r.status, describeReply(r)).toBe(status);
  if (typeof code === 'string') expect(r.body.code, describeReply(r)).toBe(code);
  else expect(code, describeReply(r)).toContain(r.body.code);
  const message = String(r.body.message ?? '');
  expect(message, describeReply(r)).toContain(' / ');
  expect(message, describeReply(r)).toMatch(/[\u4e00-\u9fff]/);
  expect(message, describeReply(r)).toMatch(/[A-Za-z]{3,}/);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface HttpClient {
  call(method: string, path: string, opts?: CallOptions): Promise<Reply>;
  /** Signs the user in once (the session is kept for the client's life). */
  login(username: string): Promise<Session>;
  asUser(username: string, method: string, path: string, body?: unknown): Promise<Reply>;
}

/** A client of the gateway at `baseUrl()`, read on every request (the stack starts in `beforeAll`). */
export function createHttpClient(baseUrl: () => string): HttpClient {
  const sessions = new Map<string, Session>();

  async function call(method: string, path: string, opts: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) {
      headers['content-type'] = 'application/json';
      body = opts.rawBody;
    } else if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(`${baseUrl()}${path}`, { method, headers, body, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let parsed: Json;
    try {
      parsed = text ? (JSON.parse(text) as Json) : {};
    } catch {
      parsed = { raw: text };
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  async function login(username: string): Promise<Session> {
    const cached = sessions.get(username);
    if (cached) return cached;
    const r = await call('POST', '/api/auth/login', { body: { username, password: PASSWORD } });
    expectStatus(r, 200);
    expect(typeof r.body.token).toBe('string');
    expect(r.body.user.username).toBe(username);
    const session = { token: r.body.token as string, userId: r.body.user.id as string, displayName: r.body.user.displayName as string };
    sessions.set(username, session);
    return session;
  }

  async function asUser(username: string, method: string, path: string, body?: unknown): Promise<Reply> {
    const { token } = await login(username);
    return call(method, path, { token, body });
  }

  return { call, login, asUser };
}
