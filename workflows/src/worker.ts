/** The worker process: runs every case workflow and its activities on one task queue. */
import { DefaultLogger, NativeConnection, Worker, Runtime, makeTelemetryFilterString, type LogLevel } from '@temporalio/worker';
import { createDb, listenReferenceCache } from '@dj/db';
import { createLogger } from '@dj/logging';
import { loadNotifyConfig, loadWorkerConfig } from '@dj/config';
import { createActivities } from './processes/activities';
import { startNotificationWorker } from './notifications/notification-worker';
import { TASK_QUEUE } from '@dj/process-api';
import { connectionSecurity } from '@dj/temporal';
import { workflowsPath } from './worker-paths';
import { startRecordAnchoring } from './record-anchoring';

async function main() {
  const config = loadWorkerConfig();
  const log = createLogger('worker', config.logLevel);
  const sdkLevel: LogLevel = config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'WARN';
  Runtime.install({
    logger: new DefaultLogger(sdkLevel),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      // The SDK's worker metrics (task latencies, slots, sticky cache, polls) for Prometheus, served by the SDK itself.
      ...(config.metricsAddress ? { metrics: { prometheus: { bindAddress: config.metricsAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } } } : {}),
    },
  });
  // Every activity slot can hold a connection for its transaction; more slots than connections made a
  // burst of due steps (10^3 at once) wait on the pool until Prisma gave up (P2028): as many slots as
  // connections (WORKER_DB_POOL), and the rest of a burst waits in Temporal's task queue.
  const db = createDb(config.databaseUrl, { max: config.dbPool });
  const reference = await listenReferenceCache(db, config.databaseUrl, (msg, err) => log.warn({ err }, msg));
  const connection = await NativeConnection.connect({ address: config.temporal.address, ...connectionSecurity(config.temporal) });
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: TASK_QUEUE,
    ...(config.workflowBundlePath ? { workflowBundle: { codePath: config.workflowBundlePath } } : { workflowsPath }),
    maxConcurrentActivityTaskExecutions: config.dbPool,
    maxConcurrentLocalActivityExecutions: config.dbPool,
    activities: createActivities({ db, workingDaySeconds: config.workingDaySeconds, quarterSeconds: config.jointMeetingQuarterSeconds, reference }),
  });
  log.info({ taskQueue: TASK_QUEUE, dbPool: config.dbPool, workingDaySeconds: config.workingDaySeconds ?? null, metrics: config.metricsAddress ?? null, workflowBundle: config.workflowBundlePath ?? 'bundled at start' }, 'worker started');
  const anchoring = startRecordAnchoring({ db, log, intervalSeconds: config.recordAnchorIntervalSeconds });
  const notifications = await startNotificationWorker({ db, connection, namespace: config.temporalNamespace, config: loadNotifyConfig(), log, activitySlots: config.dbPool });
  await Promise.all([worker.run(), notifications.run()]);
  anchoring.stop();
  await connection.close();
  await reference.close();
  await db.$disconnect();
  log.info('worker stopped');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
