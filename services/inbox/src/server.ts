import { loadServiceConfig } from '@dj/config';
import { createDb, personalData } from '@dj/db';
import { runService } from '@dj/service-kit';
import { TASK_QUEUE } from '@dj/process-api';
import { connectTemporal } from '@dj/temporal';
import { buildInboxApp } from './app';

const config = loadServiceConfig(8082);
// Phones at rest need PERSONAL_DATA_KEY (README, Security): refuse to start without a valid one.
personalData();
const db = createDb(config.databaseUrl);
const temporal = connectTemporal(config.temporal);
// Ready only while a worker polls the case task queue (README, Configuration: WORKER_READY_BOUND_SECONDS).
const workerReadiness = config.workerReadyBoundSeconds > 0 ? { taskQueue: TASK_QUEUE, boundSeconds: config.workerReadyBoundSeconds } : undefined;
const app = await buildInboxApp({ db, temporal, workerReadiness, jwtSecret: config.jwtSecret, logLevel: config.logLevel });
await runService(app, { host: config.host, port: config.port, onClose: async () => { await temporal.connection.close(); await db.$disconnect(); } });
