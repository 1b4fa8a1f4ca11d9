/**
 * The identity, inbox and cases services for bench/volume.ts, each on its own port in this child
 * process, on the seeded database. The reads measured never reach Temporal, so the client is a lazy
 * connection that is never used (no Temporal server needed).
 *
 *   DATABASE_URL=… JWT_SECRET=… node --import tsx bench/volume-server.ts
 * prints `VOLUME_READY {"identity":port,"inbox":port,"cases":port}` once listening; stops on SIGTERM.
 */
import { Client, Connection } from '@temporalio/client';
import { buildCasesApp } from '@dj/cases';
import { createDb } from '@dj/db';
import { buildIdentityApp } from '@dj/identity';
import { buildInboxApp } from '@dj/inbox';

const databaseUrl = process.env.DATABASE_URL;
const jwtSecret = process.env.JWT_SECRET;
if (!databaseUrl || !jwtSecret) throw new Error('DATABASE_URL and JWT_SECRET are required');

const db = createDb(databaseUrl, { max: 10 });
const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
const deps = { db, temporal, jwtSecret, logLevel: 'error' };
const apps = {
  identity: await buildIdentityApp(deps),
  inbox: await buildInboxApp(deps),
  // Reconciling the demo joint meeting's Schedule at start fails against the lazy client; it is only logged.
  cases: await buildCasesApp({ ...deps, workingDaySeconds: 3600 }),
};
const ports: Record<string, number> = {};
for (const [name, app] of Object.entries(apps)) {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  ports[name] = typeof address === 'object' && address ? address.port : 0;
}
process.stdout.write(`VOLUME_READY ${JSON.stringify(ports)}\n`);

process.once('SIGTERM', () => {
  void Promise.all(Object.values(apps).map((app) => app.close()))
    .then(() => db.$disconnect())
    .then(() => process.exit(0));
});
