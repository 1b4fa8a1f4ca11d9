import Fastify from 'fastify';
import proxy from '@fastify/http-proxy';
import { errorMessage } from '@dj/contracts';
import { redactPaths } from '@dj/logging';

export type Upstreams = { identity: string; inbox: string; cases: string; noticeBoard: string };

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
  app.get('/api/health/live', async () => ({ status: 'ok' }));
  app.get('/api/health/ready', async (_request, reply) => {
    const checks = await Promise.all(
      services.map(async ([name, url]) => {
        try {
          const res = await fetch(`${url}/api/${name}/health/ready`, { signal: AbortSignal.timeout(3000) });
          return [name, res.ok] as const;
        } catch {
          return [name, false] as const;
        }
      }),
    );
    const ready = checks.every(([, ok]) => ok);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', services: Object.fromEntries(checks) });
  });
  app.get('/', async () => ({
    name: 'Dangjian Flow',
    openapi: services.map(([name]) => `/api/${name}/openapi.json`),
    health: '/api/health/ready',
  }));
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ code: 'NOT_FOUND', message: errorMessage('NOT_FOUND') }));
  return app;
}
