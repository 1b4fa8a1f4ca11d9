/**
 * External cluster mode: the bootstrap against a dev server started without our search attributes,
 * readiness that sees what is missing, and a quick 503 when Temporal cannot be reached.
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { buildCasesApp } from '@dj/cases';
import { createDb, type Db } from '@dj/db';
import { DEMO_PASSWORD, seedDemo } from '@dj/db/seed-demo';
import { buildIdentityApp } from '@dj/identity';
import { repoRoot } from '@dj/infra/config';
import { freePort, startTemporalDevServer, type TemporalDevServer } from '@dj/infra/temporal-server';
import { bootstrapTemporal, CASE_SEARCH_ATTRIBUTES, connectTemporal, missingSearchAttributes } from '@dj/temporal';

let server: TemporalDevServer;
let connection: Connection;
let db: Db;
const jwtSecret = randomBytes(32).toString('hex');

beforeAll(async () => {
  db = createDb(inject('databaseUrl'), { max: 3 });
  await seedDemo(db);
  server = await startTemporalDevServer({
    binary: inject('temporalCliPath'),
    port: await freePort(),
    uiPort: null,
    dbFile: 'memory',
    namespace: 'default',
    logFile: path.join(repoRoot, '.data', 'temporal-cluster-test.log'),
    searchAttributes: {},
    bootstrap: false,
  });
  connection = await Connection.connect({ address: server.address });
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
  await db?.$disconnect();
});

async function readiness(address: string, namespace: string) {
  const temporal = connectTemporal({ address, namespace });
  const app = await buildCasesApp({ db, temporal, jwtSecret, logLevel: 'silent' });
  try {
    const res = await app.inject({ method: 'GET', url: '/api/cases/health/ready' });
    return { statusCode: res.statusCode, body: res.json() as { temporal: boolean; temporalChecks: Record<string, boolean> } };
  } finally {
    await app.close();
    await temporal.connection.close();
  }
}

describe('Temporal bootstrap', () => {
  it('registers every search attribute, one per call, and can run again', async () => {
    expect(await missingSearchAttributes(connection, 'default')).toEqual(Object.keys(CASE_SEARCH_ATTRIBUTES));
    expect(await readiness(server.address, 'default')).toMatchObject({ statusCode: 503, body: { temporal: false, temporalChecks: { reachable: true, namespace: true, searchAttributes: false } } });

    // Only the first attribute: readiness still false while one is missing.
    const [first] = Object.entries(CASE_SEARCH_ATTRIBUTES);
    await bootstrapTemporal(connection, { namespace: 'default', retentionDays: 1, searchAttributes: Object.fromEntries([first!]) });
    expect(await missingSearchAttributes(connection, 'default')).toEqual(Object.keys(CASE_SEARCH_ATTRIBUTES).slice(1));
    expect((await readiness(server.address, 'default')).statusCode).toBe(503);

    await bootstrapTemporal(connection, { namespace: 'default', retentionDays: 1 });
    await bootstrapTemporal(connection, { namespace: 'default', retentionDays: 1 });
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining(Object.keys(CASE_SEARCH_ATTRIBUTES)));
    expect(await missingSearchAttributes(connection, 'default')).toEqual([]);
    expect(await readiness(server.address, 'default')).toMatchObject({ statusCode: 200, body: { temporal: true } });
  });

  it('creates a missing namespace with its retention, then its attributes', async () => {
    const namespace = `dj-${randomBytes(4).toString('hex')}`;
    expect((await readiness(server.address, namespace)).body.temporalChecks).toMatchObject({ reachable: true, namespace: false });
    await bootstrapTemporal(connection, { namespace, retentionDays: 30 });
    await bootstrapTemporal(connection, { namespace, retentionDays: 30 });
    const described = await connection.workflowService.describeNamespace({ namespace });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(30 * 86_400);
    expect(await missingSearchAttributes(connection, namespace)).toEqual([]);
    expect((await readiness(server.address, namespace)).statusCode).toBe(200);
  });

  it('refuses an attribute registered with another type', async () => {
    const namespace = `dj-${randomBytes(4).toString('hex')}`;
    await bootstrapTemporal(connection, { namespace, retentionDays: 1, searchAttributes: { CaseType: 'Text' } });
    await expect(bootstrapTemporal(connection, { namespace, retentionDays: 1 })).rejects.toThrow(/CaseType exists .* another type/);
  });
});

describe('Temporal unavailable', () => {
  it('starting a case answers 503 UNAVAILABLE and readiness says why, with nothing started', async () => {
    const closedPort = await freePort();
    const temporal = connectTemporal({ address: `127.0.0.1:${closedPort}`, namespace: 'default' });
    const identity = await buildIdentityApp({ db, jwtSecret, logLevel: 'silent' });
    const cases = await buildCasesApp({ db, temporal, jwtSecret, logLevel: 'silent' });
    try {
      const login = await identity.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'zhang.zhibu', password: DEMO_PASSWORD } });
      const token = (login.json() as { token: string }).token;
      const title = `请示 ${randomBytes(4).toString('hex')}`;
      const res = await cases.inject({
        method: 'POST',
        url: '/api/cases',
        headers: { authorization: `Bearer ${token}` },
        payload: { type: 'request-report', orgId: 'branch-a1-1', input: { title, body: '正文' } },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'UNAVAILABLE', message: expect.any(String) });
      expect(await db.case.count({ where: { title } })).toBe(0);

      const ready = await cases.inject({ method: 'GET', url: '/api/cases/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ database: true, temporal: false, temporalChecks: { reachable: false } });
    } finally {
      await Promise.all([identity.close(), cases.close()]);
      await temporal.connection.close();
    }
  });
});
