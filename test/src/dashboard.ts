/** The metric names the Grafana dashboard (infra/grafana/dangjian-flow.json) queries, for tests that check each is served. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@dj/infra/config';

export function dashboardMetricNames(prefix: RegExp): string[] {
  const dashboard = JSON.parse(readFileSync(path.join(repoRoot, 'infra', 'grafana', 'dangjian-flow.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
  const names = new Set<string>();
  for (const panel of dashboard.panels) for (const target of panel.targets) for (const m of target.expr.matchAll(/[a-z_][a-z0-9_]*/g)) if (prefix.test(m[0])) names.add(m[0]);
  return [...names].sort();
}

/** Whether a Prometheus text exposition carries samples of this metric. */
export const served = (text: string, name: string) => new RegExp(`^${name}(\\{| )`, 'm').test(text);
