import Fastify, { type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import type { Db } from '@dj/db';
import { errorMessage } from '@dj/contracts';
import { httpLoggerOptions, redactUrl } from '@dj/logging';
import { temporalReadiness } from '@dj/temporal';
import { authPlugin } from './auth';
import { codedError, httpError } from './errors';
import { addSecurityHeaders } from './security-headers';
import { ErrorBody } from './schemas';
import { registerMetrics } from './metrics';
import { temporalUnavailable } from './temporal-errors';
import { unstorableTextAt } from './text-guard';
import { workerReadinessCheck, type WorkerReadinessOptions } from './worker-readiness';
import { recordSecurityEvent } from './security-events';
import { clientAddress } from './client-address';

export type ServiceDeps = {
  db: Db;
  temporal?: Client | undefined;
  jwtSecret: string;
  tokenTtlSeconds?: number;
  logLevel?: string;
  /** Readiness also requires a worker polling this task queue (worker-readiness.ts); unset = no such check. */
  workerReadiness?: WorkerReadinessOptions | undefined;
};

export type ServiceOptions = ServiceDeps & {
  /** Short name: its OpenAPI document is served at /api/<name>/openapi.json, health at /api/<name>/health/*. */
  name: string;
  title: string;
  logger?: FastifyServerOptions['logger'];
  /** Which peers may say who the client is (X-Forwarded-For); only the public-facing service needs it. */
  trustProxy?: FastifyServerOptions['trustProxy'];
};


/**
 * A Fastify app with what every service has: text PostgreSQL can store (else INVALID_TEXT), TypeBox
 * validation (unknown fields rejected), coded errors, bearer authentication, the OpenAPI document and liveness/readiness endpoints.
 */
export async function buildService(options: ServiceOptions) {
  const app = Fastify({
    // A test's own logger (a stream to assert on) keeps the production redaction and serializers.
    logger: options.logger === undefined || typeof options.logger === 'object' ? httpLoggerOptions(options.logLevel ?? 'info', (options.logger ?? {}) as Record<string, unknown>) : options.logger,
    bodyLimit: 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    trustProxy: options.trustProxy ?? false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Query strings and path params are text and are coerced to their schema types; JSON bodies are
  // not: a number where a string belongs is a 400, never silently converted.
  const strict = addFormats.default(new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes: false }));
  const coercing = addFormats.default(new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
  app.addSchema(ErrorBody);
  addSecurityHeaders(app);
  const metrics = registerMetrics(app, options.name);
  app.decorate('metrics', metrics);
  // Bad text never reaches the database (text-guard.ts): route params, query string and headers are
  // checked as soon as the route is known, the body once parsed; both before schema validation,
  // authentication and any handler, for every route of every service.
  const refuseUnstorable = (part: string, value: unknown) => {
    const at = unstorableTextAt(value);
    if (at !== undefined) throw httpError('INVALID_TEXT', `${part} ${at}`);
  };
  app.addHook('onRequest', async (request) => {
    refuseUnstorable('params', request.params);
    refuseUnstorable('querystring', request.query);
    refuseUnstorable('headers', request.headers);
  });
  app.addHook('preValidation', async (request) => refuseUnstorable('body', request.body));
  await app.register(swagger, {
    openapi: {
      info: { title: options.title, version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(authPlugin, { db: options.db, secret: options.jwtSecret, ttlSeconds: options.tokenTtlSeconds ?? 8 * 3600 });

  app.setErrorHandler(async (error, request, reply) => {
    if (temporalUnavailable(error)) {
      request.log.warn({ err: error }, 'Temporal unavailable');
      return reply.status(503).send({ code: 'UNAVAILABLE', message: errorMessage('UNAVAILABLE') });
    }
    const { status, body } = codedError(error);
    if (status === 403) {
      request.log.warn({ code: body.code, url: redactUrl(request.url), userId: request.auth?.id }, 'access denied');
      // The route's pattern, not the URL: no ids or query strings in the security event log.
      await recordSecurityEvent(options.db, request.log, {
        event: 'access.denied',
        userId: request.auth?.id ?? null,
        clientAddress: clientAddress(request, options.jwtSecret),
        detail: { code: body.code, method: request.method, route: request.routeOptions.url ?? null, service: options.name },
      });
    }
    if (status >= 500 && body.code === 'INTERNAL') request.log.error({ err: error }, 'unhandled error');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ code: 'NOT_FOUND', message: errorMessage('NOT_FOUND') }));

  const base = `/api/${options.name}`;
  app.get(`${base}/openapi.json`, { schema: { hide: true } }, async () => app.swagger());
  app.get(`${base}/health/live`, { schema: { hide: true } }, async () => ({ status: 'ok' }));
  const workerCheck = options.temporal && options.workerReadiness ? workerReadinessCheck(options.temporal, options.workerReadiness) : undefined;
  app.get(`${base}/health/ready`, { schema: { hide: true } }, async (_request, reply) => {
    const database = await options.db.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    );
    const checks = options.temporal ? await temporalReadiness(options.temporal) : undefined;
    const temporal = checks ? checks.reachable && checks.namespace && checks.searchAttributes : true;
    // A service is no use without a worker: cases started or acted on would wait silently for one.
    const worker = workerCheck && temporal ? await workerCheck() : undefined;
    const ready = database && temporal && (worker?.polling ?? true);
    const code = ready ? undefined : database && temporal ? 'WORKER_UNAVAILABLE' : 'UNAVAILABLE';
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'unavailable',
      ...(code ? { code, message: errorMessage(code) } : {}),
      database,
      temporal,
      ...(checks ? { temporalChecks: checks } : {}),
      ...(worker ? { worker } : {}),
    });
  });
  return app;
}


/** A service app as built here (TypeBox type provider), for modules that register routes on it. */
export type App = Awaited<ReturnType<typeof buildService>>;
