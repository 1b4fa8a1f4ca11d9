import { loadServiceConfig } from '@dj/config';
import { createDb } from '@dj/db';
import { runService } from '@dj/service-kit';
import { connectTemporal } from '@dj/temporal';
import { buildInboxApp } from './app';

const config = loadServiceConfig(8082);
const db = createDb(config.databaseUrl);
const temporal = connectTemporal(config.temporal);
const app = await buildInboxApp({ db, temporal, jwtSecret: config.jwtSecret, logLevel: config.logLevel });
await runService(app, { host: config.host, port: config.port, onClose: async () => { await temporal.connection.close(); await db.$disconnect(); } });
