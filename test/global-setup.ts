// vitest globalSetup: one fresh PostgreSQL database and one in-memory Temporal dev server per run.
// Test files read them with `inject('databaseUrl')` etc. or from process.env.
import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '@dj/db/migrate';
import { repoRoot } from '@dj/infra/config';
import { defaultAppDatabaseUrl, ensureAppRole, recreateDatabase } from '@dj/infra/database';
import { freePort, startTemporalDevServer, temporalCliPath } from '@dj/infra/temporal-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The owner (migrations, seeding, tests that act as a database administrator). */
    databaseUrl: string;
    /** The least-privilege role the services and the worker use in production. */
    appDatabaseUrl: string;
    temporalAddress: string;
    temporalCliPath: string;
  }
}

// One test database per checkout, so two clones on one machine (a developer's and CI's) never collide.
const TEST_DATABASE = process.env.TEST_DATABASE || `dangjian_test_${createHash('sha256').update(repoRoot).digest('hex').slice(0, 8)}`;
const TEMPORAL_NAMESPACE = 'default';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = new URL(process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/dangjian');
  url.pathname = `/${TEST_DATABASE}`;
  const databaseUrl = url.toString();
  await recreateDatabase(databaseUrl);
  await migrateDatabase(databaseUrl);
  const appDatabaseUrl = defaultAppDatabaseUrl(databaseUrl);
  await ensureAppRole(databaseUrl, appDatabaseUrl);
  // The record's key and anchor file for this run (the key never enters the database).
  const anchorFile = path.join(repoRoot, '.data', `${TEST_DATABASE}-record-anchors.log`);
  rmSync(anchorFile, { force: true });

  const cliPath = temporalCliPath();
  const temporal = await startTemporalDevServer({
    binary: cliPath,
    port: await freePort(),
    uiPort: null,
    dbFile: 'memory',
    namespace: TEMPORAL_NAMESPACE,
    logFile: path.join(repoRoot, '.data', 'temporal-test.log'),
  });

  project.provide('databaseUrl', databaseUrl);
  project.provide('appDatabaseUrl', appDatabaseUrl);
  project.provide('temporalAddress', temporal.address);
  project.provide('temporalCliPath', cliPath);
  // Test workers are forked after global setup and inherit these.
  process.env.DATABASE_URL = databaseUrl;
  process.env.RECORD_KEY = randomBytes(32).toString('base64url');
  // The key of phones at rest for this run (packages/db/src/personal-data.ts); never in the database.
  process.env.PERSONAL_DATA_KEY = randomBytes(32).toString('base64');
  process.env.RECORD_ANCHOR_FILE = anchorFile;
  process.env.TEMPORAL_ADDRESS = temporal.address;
  process.env.TEMPORAL_NAMESPACE = TEMPORAL_NAMESPACE;
  process.env.TEMPORAL_CLI_PATH = cliPath;

  return () => temporal.stop();
}
