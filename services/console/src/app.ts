import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { httpLoggerOptions } from '@dj/logging';
import { CONSOLE_CSP, addSecurityHeaders, codedError } from '@dj/service-kit';

export const defaultDistDir = fileURLToPath(new URL('../dist', import.meta.url));

/**
 * Serves the built single-page app. Hashed assets are cached for good; every other GET that is not
 * a file answers index.html, so a deep link (/tasks/…) or a reload lands in the app's router.
 */
export async function buildConsoleApp(opts: { distDir?: string; logLevel?: string } = {}) {
  const distDir = opts.distDir ?? defaultDistDir;
  if (!existsSync(path.join(distDir, 'index.html'))) {
    throw new Error(`the console is not built (${distDir}/index.html missing): run \`pnpm --filter @dj/console build\``);
  }
  const app = Fastify({ logger: httpLoggerOptions(opts.logLevel ?? 'info') });
  addSecurityHeaders(app, CONSOLE_CSP);
  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = codedError(error);
    return reply.status(status).send(body);
  });
  const notFound = (reply: FastifyReply) => {
    const { status, body } = codedError({ statusCode: 404 });
    return reply.status(status).send(body);
  };
  await app.register(fastifyStatic, {
    root: distDir,
    index: false,
    setHeaders: (reply, filePath) => {
      const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const sendApp = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html');
  app.get('/console/health', async () => ({ status: 'ok' }));
  app.get('/', (_request, reply) => sendApp(reply)); // the static plugin would refuse the bare folder
  app.setNotFoundHandler((request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return notFound(reply);
    if (request.url.startsWith('/api/') || path.extname(request.url.split('?')[0]!) !== '') return notFound(reply);
    return sendApp(reply);
  });
  return app;
}
