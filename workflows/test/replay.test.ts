import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowsPath } from '../src/worker-paths';

// Histories recorded from the workflow tests (CAPTURE_HISTORIES=1) at several stages of 请示报告.
// A code change that would break a running case fails here with a nondeterminism error: ship such
// changes behind patched() (see README, "Changing workflow code safely").
const dir = new URL('./histories/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
let workflowBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  workflowBundle = await bundleWorkflowCode({ workflowsPath, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
});

it('has recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(5);
});

it.each(files)('replays %s against the current workflow code', async (file) => {
  const history = historyFromJSON(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
  await expect(Worker.runReplayHistory({ workflowBundle }, history, file)).resolves.toBeUndefined();
});
