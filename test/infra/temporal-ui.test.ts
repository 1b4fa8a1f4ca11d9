// The Temporal Web UI shows every workflow's inputs and has no login: it must answer on loopback
// only, whatever address the services listen on (an operator reaches it through an SSH tunnel).
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { repoRoot } from '@dj/infra/config';
import { freePort, startTemporalDevServer, tcpOpen, type TemporalDevServer } from '@dj/infra/temporal-server';

let server: TemporalDevServer;
let uiPort: number;

beforeAll(async () => {
  uiPort = await freePort();
  server = await startTemporalDevServer({
    binary: inject('temporalCliPath'),
    port: await freePort(),
    uiPort,
    dbFile: 'memory',
    namespace: 'default',
    logFile: path.join(repoRoot, '.data', 'temporal-ui-test.log'),
  });
});
afterAll(async () => {
  await server?.stop();
});

const reachable = (host: string, port: number) => tcpOpen(host, port, 2_000);

it('binds the Web UI to 127.0.0.1 only', async () => {
  expect(server.uiUrl).toBe(`http://127.0.0.1:${uiPort}`);
  await expect.poll(() => reachable('127.0.0.1', uiPort), { timeout: 20_000, interval: 250 }).toBe(true);
  const external = Object.values(os.networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && !i.internal && i.family === 'IPv4')
    .map((i) => i!.address);
  for (const address of external) expect(await reachable(address, uiPort), address).toBe(false);
  // The page itself answers on loopback (it is the real UI, not another listener).
  const page = await fetch(`http://127.0.0.1:${uiPort}/`);
  expect(page.status).toBe(200);
});
