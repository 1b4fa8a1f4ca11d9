// External cluster mode: with TEMPORAL_ADDRESS set, the stack starts no dev server and uses the one it
// is given — here a dev server started without our search attributes, and a namespace that does not
// exist yet: the bootstrap creates both before the worker and services start.
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '@dj/infra/config';
import { freePort, startTemporalDevServer, type TemporalDevServer } from '@dj/infra/temporal-server';
import { missingSearchAttributes } from '@dj/temporal';
import { createHttpClient, describeReply } from './http-client';
import { useStack } from './stack';

const NAMESPACE = `dj-external-${randomBytes(3).toString('hex')}`;
let cluster: TemporalDevServer;

beforeAll(async () => {
  cluster = await startTemporalDevServer({
    binary: inject('temporalCliPath'),
    port: await freePort(),
    uiPort: null,
    dbFile: 'memory',
    namespace: 'default',
    logFile: path.join(repoRoot, '.data', 'temporal-external-e2e.log'),
    searchAttributes: {},
    bootstrap: false,
  });
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
});

const stack = useStack({
  databaseSuffix: '_e2e_external',
  workingDaySeconds: 3600,
  env: () => ({ TEMPORAL_ADDRESS: cluster.address, TEMPORAL_NAMESPACE: NAMESPACE, TEMPORAL_UI_URL: 'http://ui.example.invalid' }),
});
const { asUser } = createHttpClient(() => stack().baseUrl);

describe('external cluster mode', () => {
  it('uses the given cluster: namespace and search attributes bootstrapped, cases run there', async () => {
    expect(stack().output()).toContain(`Temporal cluster at ${cluster.address}, namespace ${NAMESPACE}`);
    expect(stack().output()).not.toContain('Temporal dev server on');
    expect(stack().output()).toContain('http://ui.example.invalid');

    const connection = await Connection.connect({ address: cluster.address });
    try {
      expect(await missingSearchAttributes(connection, NAMESPACE)).toEqual([]);
      const r = await asUser('zhang.zhibu', 'POST', '/api/cases', { type: 'request-report', orgId: 'branch-a1-1', input: { title: '外部集群上的请示', body: '正文' } });
      expect(r.status, describeReply(r)).toBe(201);
      const described = await connection.workflowService.describeWorkflowExecution({ namespace: NAMESPACE, execution: { workflowId: `request-report:${r.body.caseId as string}` } });
      expect(described.workflowExecutionInfo?.type?.name).toBe('requestReport');
      const attributes = described.workflowExecutionInfo?.searchAttributes?.indexedFields ?? {};
      expect(Object.keys(attributes)).toEqual(expect.arrayContaining(['CaseType', 'CaseOrgId']));
    } finally {
      await connection.close();
    }
  });
});
