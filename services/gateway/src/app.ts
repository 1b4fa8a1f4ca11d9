import { Readable } from 'node:stream';
import Fastify, { type FastifyReply } from 'fastify';
import proxy from '@fastify/http-proxy';
import { errorMessage } from '@dj/contracts';
import { httpLoggerOptions } from '@dj/logging';
import { API_CSP, CLIENT_ADDRESS_HEADER, CLIENT_SIGNATURE_HEADER, CONSOLE_CSP, codedError, httpError, securityHeaders, signedClientAddress } from '@dj/service-kit';

/** The services' body limit (service-kit), enforced here too so a large body gets a coded 413 at the edge. */
export const GATEWAY_BODY_LIMIT = 1024 * 1024;

export type Upstreams = { identity: string; inbox: string; cases: string; noticeBoard: string; console: string };

/** Which service answers which path prefix: one base URL for the browser and API clients. */
export function routeTable(u: Upstreams): { prefix: string; upstream: string }[] {
  return [
    { prefix: '/api/auth', upstream: u.identity },
    { prefix: '/api/me', upstream: u.identity },
    { prefix: '/api/orgs', upstream: u.identity },
    { prefix: '/api/users', upstream: u.identity },
    { prefix: '/api/identity', upstream: u.identity },
    { prefix: '/api/inbox', upstream: u.inbox },
    { prefix: '/api/tasks', upstream: u.inbox },
    { prefix: '/api/cases', upstream: u.cases },
    { prefix: '/api/calendar', upstream: u.cases },
    { prefix: '/api/reports', upstream: u.cases },
    { prefix: '/api/joint-meetings', upstream: u.cases },
    { prefix: '/api/notices', upstream: u.noticeBoard },
    { prefix: '/api/notice-board', upstream: u.noticeBoard },
    // the public notice pages (HTML, no login): before the console's catch-all
    { prefix: '/notices', upstream: u.noticeBoard },
    // console and monitoring (issue 6)
    { prefix: '/api/notifications', upstream: u.inbox },
    { prefix: '/api/case-types', upstream: u.inbox },
    { prefix: '/api/process-types', upstream: u.inbox },
    // administration of organizations and the audit log (issue 13) answer from identity
    { prefix: '/api/admin/orgs', upstream: u.identity },
    { prefix: '/api/admin/audit', upstream: u.identity },
    { prefix: '/api/admin/people', upstream: u.identity },
    { prefix: '/api/admin/accounts', upstream: u.identity },
    { prefix: '/api/admin', upstream: u.cases },
    { prefix: '/api/policies', upstream: u.cases },
  ];
}

/**
 * Codes @fastify/reply-from gives a failed upstream exchange: refused (FST_REPLY_FROM_*), but also a
 * connection reset or closed mid-answer (ECONNRESET, UND_ERR_SOCKET — a service being restarted), which it
 * reports as 500. All mean the service is unavailable, not that the gateway failed: 503 `UNAVAILABLE`,
 * which tells the client to retry (with its Idempotency-Key, which answers the original result if the
 * request had taken effect).
 */
const UPSTREAM_FAILURE_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

export function isUpstreamFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('FST_REPLY_FROM') || UPSTREAM_FAILURE_CODES.has(code));
}

export type GatewayOptions = {
  logLevel?: string;
  /** JWT_SECRET: the gateway signs the client's address with a key derived from it (service-kit client-address.ts). */
  jwtSecret?: string | undefined;
  /**
   * TRUSTED_PROXIES: addresses or CIDR ranges of the proxies in front of the gateway (an ingress
   * controller, a load balancer). From those peers the client is the last address of X-Forwarded-For not
   * itself a trusted proxy; from any other peer, the peer. Empty: the peer is the client (the default).
   */
  trustedProxies?: string[];
};

/** TRUSTED_PROXIES as a list (comma-separated addresses or CIDR ranges); empty when unset. */
export function parseTrustedProxies(raw: string | undefined): string[] {
  const list = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of list) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry)) throw new Error(`TRUSTED_PROXIES: "${entry}" is not an address or CIDR range`);
  }
  return list;
}

export async function buildGateway(upstreams: Upstreams, options: GatewayOptions = {}) {
  const trusted = options.trustedProxies ?? [];
  const app = Fastify({ logger: httpLoggerOptions(options.logLevel ?? 'info'), trustProxy: trusted.length ? trusted : false });
  const apiHeaders = securityHeaders(API_CSP);
  const consoleHeaders = securityHeaders(CONSOLE_CSP);
  app.addHook('onRequest', async (request, reply) => {
    // The upstream's own headers replace these on proxied answers; they cover the gateway's own.
    reply.headers(request.url.startsWith('/api') ? apiHeaders : consoleHeaders);
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > GATEWAY_BODY_LIMIT) throw httpError('PAYLOAD_TOO_LARGE', `at most ${GATEWAY_BODY_LIMIT} bytes`);
  });
  // A body without a length (chunked) is read here up to the limit and passed on with its length, so
  // an oversized one is refused with a coded 413 before anything reaches a service.
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] === undefined) return payload;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      size += (chunk as Buffer).length;
      if (size > GATEWAY_BODY_LIMIT) throw httpError('PAYLOAD_TOO_LARGE', `at most ${GATEWAY_BODY_LIMIT} bytes`);
      chunks.push(chunk as Buffer);
    }
    delete request.headers['transfer-encoding'];
    request.headers['content-length'] = String(size);
    return Readable.from([Buffer.concat(chunks)]);
  });
  app.setErrorHandler((error, request, reply) => {
    const upstream = isUpstreamFailure(error);
    const { status, body } = codedError(upstream ? { statusCode: 503 } : error);
    if (upstream) request.log.warn({ err: error }, 'service unreachable');
    if (body.code === 'INTERNAL') request.log.error({ err: error }, 'gateway error');
    return reply.status(status).send(body);
  });
  for (const { prefix, upstream } of routeTable(upstreams)) {
    // The gateway is the edge: the client is whoever connected to it. Its address goes on signed
    // (replacing anything the client sent), so a service can tell it from a forged one. `Expect:
    // 100-continue` is answered here by Node; the upstream request carries the whole body (undici
    // refuses the header).
    // The Host the browser used goes on as X-Forwarded-Host (the proxy sends the upstream's host), for
    // absolute links such as a poster's QR code when no public base URL is configured.
    const rewriteRequestHeaders = (request: { ip: string; headers: { host?: string | undefined } }, headers: Record<string, unknown>) => {
      const { expect: _expect, [CLIENT_ADDRESS_HEADER]: _address, [CLIENT_SIGNATURE_HEADER]: _signature, 'x-forwarded-host': _host, ...rest } = headers;
      // The peer, or with TRUSTED_PROXIES the client those proxies name (Fastify's trustProxy).
      const address = request.ip ?? '';
      return {
        ...rest,
        'x-forwarded-for': address,
        ...(request.headers.host ? { 'x-forwarded-host': request.headers.host } : {}),
        ...(options.jwtSecret ? signedClientAddress(address, options.jwtSecret) : {}),
      };
    };
    await app.register(proxy, { upstream, prefix, rewritePrefix: prefix, http2: false, replyOptions: { rewriteRequestHeaders } });
  }
  const services = Object.entries({ identity: upstreams.identity, inbox: upstreams.inbox, cases: upstreams.cases, 'notice-board': upstreams.noticeBoard });
  const healthUrls: [string, string][] = [...services.map(([name, url]): [string, string] => [name, `${url}/api/${name}/health/ready`]), ['console', `${upstreams.console}/console/health`]];
  app.get('/api/health/live', async () => ({ status: 'ok' }));
  app.get('/api/health/ready', async (_request, reply) => {
    const checks = await Promise.all(
      healthUrls.map(async ([name, url]) => {
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
          const body = (await res.json().catch(() => ({}))) as { code?: unknown };
          return [name, res.ok, body.code === 'WORKER_UNAVAILABLE'] as const;
        } catch {
          return [name, false, false] as const;
        }
      }),
    );
    const ready = checks.every(([, ok]) => ok);
    // Services up but no worker polling: said so, as cases would wait for it without an error.
    const code = ready ? undefined : checks.every(([, ok, noWorker]) => ok || noWorker) ? 'WORKER_UNAVAILABLE' : 'UNAVAILABLE';
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'unavailable',
      ...(code ? { code, message: errorMessage(code) } : {}),
      services: Object.fromEntries(checks.map(([name, ok]) => [name, ok])),
      ...(checks.some(([, , noWorker]) => noWorker) ? { worker: false } : {}),
    });
  });
  app.get('/api', async () => ({
    name: 'Dangjian Flow',
    console: '/',
    openapi: services.map(([name]) => `/api/${name}/openapi.json`),
    health: '/api/health/ready',
  }));
  const notFound = (_request: unknown, reply: FastifyReply) => reply.status(404).send({ code: 'NOT_FOUND', message: errorMessage('NOT_FOUND') });
  // Unknown API paths stay JSON 404s; every other path is the web console (a single-page app).
  app.all('/api/*', notFound);
  await app.register(proxy, { upstream: upstreams.console, prefix: '/', http2: false });
  app.setNotFoundHandler(notFound);
  return app;
}
