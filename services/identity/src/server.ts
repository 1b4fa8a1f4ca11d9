import { loadServiceConfig } from '@dj/config';
import { createDb } from '@dj/db';
import { runService } from '@dj/service-kit';
import { buildIdentityApp } from './app';

const config = loadServiceConfig(8081);
const db = createDb(config.databaseUrl);
const app = await buildIdentityApp({ db, jwtSecret: config.jwtSecret, tokenTtlSeconds: config.tokenTtlSeconds, logLevel: config.logLevel });
await runService(app, { host: config.host, port: config.port, onClose: () => db.$disconnect() });
