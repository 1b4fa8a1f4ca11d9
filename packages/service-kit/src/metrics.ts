/**
 * Prometheus metrics of one service (issue 12): HTTP rate, errors and latency per route, the process's
 * own figures (CPU, memory, event-loop lag), and whatever gauges the service adds for its domain.
 *
 * Served at `GET /metrics` on the service's own port, outside `/api`: the gateway routes `/api/<service>`
 * prefixes and the console only, so the figures are for the scraper inside the deployment, never for the
 * public. One registry per app (tests build several apps in one process).
 */
import type { FastifyInstance } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type MetricsSetup = {
  registry: Registry;
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The service's metrics registry, for domain gauges (`new Gauge({ registers: [app.metrics.registry], … })`). */
    metrics: MetricsSetup;
  }
}

/** Latency buckets in seconds: an inbox page is milliseconds, an action waiting for the engine can take seconds. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function registerMetrics(app: FastifyInstance, service: string): MetricsSetup {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code (count = rate, 5xx = errors)',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern (`/api/tasks/:id/actions`), never the raw URL: ids and query strings would make
    // one series per request and could carry personal data. Unmatched paths share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    duration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return { registry };
}
