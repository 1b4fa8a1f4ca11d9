/**
 * infra/src/prepare.ts, the deployment's one-off preparation (the Helm chart's pre-install / pre-upgrade
 * Job): from the environment alone it migrates an empty database, creates the application role, and
 * creates the Temporal namespace with every search attribute — and a second run changes nothing.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { afterAll, expect, inject, it } from 'vitest';
import { repoRoot } from '@dj/infra/config';
import { defaultAppDatabaseUrl, recreateDatabase } from '@dj/infra/database';
import { CASE_SEARCH_ATTRIBUTES } from '@dj/infra/temporal-server';

const run = promisify(execFile);
const ownerUrl = (() => {
  const url = new URL(inject('databaseUrl'));
  url.pathname = `${url.pathname}_prepare`;
  return url.toString();
})();
const appUrl = defaultAppDatabaseUrl(ownerUrl);
const namespace = `prepare-${randomUUID().slice(0, 8)}`;

afterAll(async () => {
  const admin = new pg.Client({ connectionString: ownerUrl.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${new URL(ownerUrl).pathname.slice(1)}" WITH (FORCE)`);
  await admin.end();
});

const prepare = (env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'infra/src/prepare.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: namespace, PERSONAL_DATA_KEY: process.env.PERSONAL_DATA_KEY ?? '', ...env },
  });

it('prepares an empty database and a new namespace from the environment, and runs again without change', async () => {
  await recreateDatabase(ownerUrl);
  const first = await prepare({ DATABASE_URL: ownerUrl, APP_DATABASE_URL: appUrl });
  expect(first.stdout).toContain('migrations applied');
  // The application half of the phone encryption (an empty database: nothing to convert).
  expect(first.stdout).toContain('personal data encrypted (0 people, 0 objections converted)');
  expect(first.stdout).toContain(`Temporal namespace ${namespace} and search attributes in place`);

  // The application role reads the schema and may not change the record.
  const app = new pg.Client({ connectionString: appUrl });
  await app.connect();
  try {
    expect((await app.query('SELECT count(*)::int AS n FROM org_unit')).rows[0].n).toBe(0);
    await expect(app.query('TRUNCATE case_event')).rejects.toThrow(/permission denied/);
  } finally {
    await app.end();
  }
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    for (const name of Object.keys(CASE_SEARCH_ATTRIBUTES)) expect(Object.keys(listed.customAttributes ?? {})).toContain(name);
  } finally {
    await connection.close();
  }

  const second = await prepare({ DATABASE_URL: ownerUrl, APP_DATABASE_URL: appUrl });
  expect(second.stdout).toContain('application role in place');
}, 180_000); // two runs of a child process that migrates a whole database: over a minute on a busy machine

it('refuses to run without what it needs, naming it', async () => {
  await expect(prepare({ DATABASE_URL: ownerUrl })).rejects.toMatchObject({ stderr: expect.stringContaining('APP_DATABASE_URL is required') });
  await expect(prepare({ DATABASE_URL: ownerUrl, APP_DATABASE_URL: appUrl, PERSONAL_DATA_KEY: '' })).rejects.toMatchObject({ stderr: expect.stringContaining('PERSONAL_DATA_KEY is required') });
});
