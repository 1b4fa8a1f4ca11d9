/** The worker process: runs every case workflow and its activities on one task queue. */
import { DefaultLogger, NativeConnection, Worker, Runtime, makeTelemetryFilterString, type LogLevel } from '@temporalio/worker';
import { createDb, listenReferenceCache } from '@dj/db';
import { createLogger } from '@dj/logging';
import { loadNotifyConfig, loadWorkerConfig } from '@dj/config';
import { createCaseActivities } from './activities/case-activities';
import { createNoticeActivities } from './activities/notice-activities';
import { createSecretaryActivities } from './activities/secretary-activities';
import { createMemberActivities } from './activities/member-activities';
import { createJointMeetingActivities } from './activities/joint-meeting-activities';
import { classifyActivityErrors } from './activities/classify-errors';
import { startNotificationWorker } from './notifications/notification-worker';
import { TASK_QUEUE } from '@dj/process-api';
import { workflowsPath } from './worker-paths';

async function main() {
  const config = loadWorkerConfig();
  const log = createLogger('worker', config.logLevel);
  const sdkLevel: LogLevel = config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'WARN';
  Runtime.install({ logger: new DefaultLogger(sdkLevel), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } } });
  const db = createDb(config.databaseUrl);
  const reference = await listenReferenceCache(db, config.databaseUrl, (msg, err) => log.warn({ err }, msg));
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: TASK_QUEUE,
    workflowsPath,
    activities: classifyActivityErrors({
      ...createCaseActivities({ db, workingDaySeconds: config.workingDaySeconds, reference }),
      ...createNoticeActivities({ db, workingDaySeconds: config.workingDaySeconds }),
      ...createSecretaryActivities({ db }),
      ...createMemberActivities({ db, workingDaySeconds: config.workingDaySeconds }),
      ...createJointMeetingActivities({ db, workingDaySeconds: config.workingDaySeconds, quarterSeconds: config.jointMeetingQuarterSeconds }),
    }),
  });
  log.info({ taskQueue: TASK_QUEUE, workingDaySeconds: config.workingDaySeconds ?? null }, 'worker started');
  const notifications = await startNotificationWorker({ db, connection, namespace: config.temporalNamespace, config: loadNotifyConfig(), log });
  await Promise.all([worker.run(), notifications.run()]);
  await connection.close();
  await reference.close();
  await db.$disconnect();
  log.info('worker stopped');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
