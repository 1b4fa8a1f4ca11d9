import type { FastifyRequest } from 'fastify';
import { viaGateway } from '@dj/service-kit';

/** The gateway names the Host the browser asked for (it sends its upstream's host onwards). */
export const FORWARDED_HOST_HEADER = 'x-forwarded-host';

/** PUBLIC_BASE_URL as configured: an http(s) origin with an optional path, without a trailing slash. */
export function parsePublicBaseUrl(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`PUBLIC_BASE_URL must be an absolute http(s) URL, got "${value}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    throw new Error(`PUBLIC_BASE_URL must be an http(s) URL without query, fragment or credentials, got "${value}"`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

const HOST_RE = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

/**
 * The base URL of the public pages: PUBLIC_BASE_URL, else the host the browser used — the one the
 * gateway forwarded when the request came through it (its signed client address proves that), else
 * this request's Host. A malformed host falls back to a relative-safe default.
 */
export function publicBaseUrlOf(request: FastifyRequest, configured: string | undefined, secret: string): string {
  if (configured) return configured;
  const forwarded = request.headers[FORWARDED_HOST_HEADER];
  const host = typeof forwarded === 'string' && viaGateway(request, secret) ? forwarded : request.headers.host;
  return `http://${typeof host === 'string' && HOST_RE.test(host) ? host : 'localhost'}`;
}
