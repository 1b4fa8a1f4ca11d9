import { loadServiceConfig } from '@dj/config';
import { createDb, recordSettings } from '@dj/db';
import { runService } from '@dj/service-kit';
import { TASK_QUEUE } from '@dj/process-api';
import { connectTemporal } from '@dj/temporal';
import { buildCasesApp } from './app';

const config = loadServiceConfig(8083);
// Verifying the record needs its key (RECORD_KEY): refuse to start without it rather than fail each case view.
recordSettings();
const db = createDb(config.databaseUrl);
const temporal = connectTemporal(config.temporal);
// Ready only while a worker polls the case task queue (README, Configuration: WORKER_READY_BOUND_SECONDS).
const workerReadiness = config.workerReadyBoundSeconds > 0 ? { taskQueue: TASK_QUEUE, boundSeconds: config.workerReadyBoundSeconds } : undefined;
const app = await buildCasesApp({
  db,
  temporal,
  workerReadiness,
  jwtSecret: config.jwtSecret,
  logLevel: config.logLevel,
  workingDaySeconds: config.workingDaySeconds,
  jointMeetings: { quarterSeconds: config.jointMeetingQuarterSeconds },
});
await runService(app, { host: config.host, port: config.port, onClose: async () => { await temporal.connection.close(); await db.$disconnect(); } });
