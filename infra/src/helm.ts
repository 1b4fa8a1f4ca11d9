import path from 'node:path';
import { repoRoot } from './config';

/** Keep in step with HELM_VERSION in infra/lib.sh, which builds it and exports HELM_PATH (for the chart's tests). */
export function helmPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.HELM_PATH || path.join(repoRoot, '.tools', 'helm-3.22.0', 'helm');
}
