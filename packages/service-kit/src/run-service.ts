import type { FastifyInstance } from 'fastify';

/** Listens, and closes gracefully on SIGINT/SIGTERM (in-flight requests finish, then resources close). */
export async function runService(app: FastifyInstance, opts: { host: string; port: number; onClose?: () => Promise<void> }): Promise<void> {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await opts.onClose?.();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ host: opts.host, port: opts.port });
}
