/**
 * The production worker loads a prebuilt workflow bundle instead of bundling workflow code at start-up
 * (as Temporal's production sample does): every replica runs the same bytes, and start-up needs no
 * webpack. Built with the image (`pnpm build:workflows`) and named by WORKFLOW_BUNDLE_PATH.
 *
 *   node --import tsx workflows/src/build-workflow-bundle.ts [out-file]   (default workflows/dist/workflow-bundle.js)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from './worker-paths';

export const defaultBundlePath = fileURLToPath(new URL('../dist/workflow-bundle.js', import.meta.url));

export async function buildWorkflowBundle(outFile: string): Promise<{ bytes: number }> {
  const { code } = await bundleWorkflowCode({ workflowsPath });
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, code);
  return { bytes: Buffer.byteLength(code) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.resolve(process.argv[2] ?? defaultBundlePath);
  const { bytes } = await buildWorkflowBundle(out);
  process.stdout.write(`workflow bundle: ${out} (${(bytes / 1024).toFixed(0)} KiB)\n`);
}
