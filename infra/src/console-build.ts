import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Builds the web console when there is no build at all, so a stack started without infra/start.sh
 * (the end-to-end tests, the benchmark, a bare `vitest run`) still serves it. infra/start.sh and
 * infra/test.sh rebuild whenever the sources change; this only covers the missing case.
 */
export function ensureConsoleBuilt(repoRoot: string, say: (message: string) => void): void {
  const consoleDir = path.join(repoRoot, 'services', 'console');
  if (existsSync(path.join(consoleDir, 'dist', 'index.html'))) return;
  say('building the web console (no build found)');
  const vite = path.join(consoleDir, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: consoleDir, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`the console build failed (${result.error?.message ?? `exit code ${result.status}`})`);
}
