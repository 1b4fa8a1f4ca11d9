import { fileURLToPath } from 'node:url';

/** The workflow bundle's entry: every process workflow. */
export const workflowsPath = fileURLToPath(new URL('./workflows.ts', import.meta.url));
