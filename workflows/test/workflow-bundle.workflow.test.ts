/**
 * The prebuilt workflow bundle (`pnpm build:workflows`, WORKFLOW_BUNDLE_PATH), as the production worker
 * loads it: built to a file, loaded by a worker that bundles nothing itself, a 请示报告 runs through it, and
 * the recorded histories replay against it like against the sources.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWorkflowBundle } from '../src/build-workflow-bundle';
import { actAndWait, startHarness, type Harness } from './harness';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dj-bundle-'));
const bundlePath = path.join(dir, 'workflow-bundle.js');
let h: Harness;

beforeAll(async () => {
  const { bytes } = await buildWorkflowBundle(bundlePath);
  expect(bytes).toBeGreaterThan(10_000);
  h = await startHarness({ workingDaySeconds: 60, workflowBundlePath: bundlePath });
}, 120_000);
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('runs a case on a worker that loads the prebuilt bundle', async () => {
  const { handle, snapshot } = await h.startRequest('关于预编译工作流的请示');
  const li = await h.actor('li.zuzhi');
  const approved = await actAndWait(handle, { taskId: snapshot.openTasks[0]!.id, actor: li, action: 'approve', form: { opinion: '同意' } });
  expect(approved.case.status).toBe('completed');
  expect(await handle.result()).toMatchObject({ status: 'completed' });
});

it('replays every recorded history against the prebuilt bundle', async () => {
  const historiesDir = fileURLToPath(new URL('./histories', import.meta.url));
  const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));
  expect(files.length).toBeGreaterThan(5);
  const code = readFileSync(bundlePath, 'utf8');
  for (const file of files) {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')));
    await expect(Worker.runReplayHistory({ workflowBundle: { code } }, history, file), file).resolves.toBeUndefined();
  }
});
