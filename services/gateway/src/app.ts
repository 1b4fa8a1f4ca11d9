import Fastify, { type FastifyReply } from 'fastify';
import proxy from '@fastify/http-proxy';
import { errorMessage } from '@dj/contracts';
import { redactPaths } from '@dj/logging';

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
    // console and monitoring (issue 6)
    { prefix: '/api/notifications', upstream: u.inbox },
    { prefix: '/api/case-types', upstream: u.inbox },
    { prefix: '/api/process-types', upstream: u.inbox },
    { prefix: '/api/admin', upstream: u.cases },
    { prefix: '/api/policies', upstream: u.cases },
  ];
}

export async function buildGateway(upstreams: Upstreams, logLevel = 'info') {
  const app = Fastify({ logger: { level: logLevel, redact: { paths: redactPaths.map((p) => `req.${p}`), censor: '[redacted]' } } });
  for (const { prefix, upstream } of routeTable(upstreams)) {
    // The gateway is the edge: the client is whoever connected to it. X-Forwarded-For is set to that
    // address, replacing anything the client sent, so a service trusting its loopback proxy (the
    // notice board's rate limit per client) sees the real client and nobody can pose as another.
    const replyOptions = { rewriteRequestHeaders: (request: { socket: { remoteAddress?: string | undefined } }, headers: object) => ({ ...headers, 'x-forwarded-for': request.socket.remoteAddress ?? '' }) };
    await app.register(proxy, { upstream, prefix, rewritePrefix: prefix, http2: false, replyOptions });
  }
  const services = Object.entries({ identity: upstreams.identity, inbox: upstreams.inbox, cases: upstreams.cases, 'notice-board': upstreams.noticeBoard });
  const healthUrls: [string, string][] = [...services.map(([name, url]): [string, string] => [name, `${url}/api/${name}/health/ready`]), ['console', `${upstreams.console}/console/health`]];
  app.get('/api/health/live', async () => ({ status: 'ok' }));
  app.get('/api/health/ready', async (_request, reply) => {
    const checks = await Promise.all(
      healthUrls.map(async ([name, url]) => {
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
          return [name, res.ok] as const;
        } catch {
          return [name, false] as const;
        }
      }),
    );
    const ready = checks.every(([, ok]) => ok);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', services: Object.fromEntries(checks) });
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
