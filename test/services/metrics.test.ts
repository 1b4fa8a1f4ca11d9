/**
 * Prometheus metrics of the services (issue 12): per-route HTTP figures labelled by route pattern (never
 * the raw URL), the process's own figures, and the cases service's domain gauges read from the board's
 * roll-ups. /metrics is outside /api, so the gateway never routes it to a service.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTable } from '@dj/gateway';
import { dashboardMetricNames, served } from '../src/dashboard';
import { bearer, startServices, type Fixture } from '../src/service-fixture';

let f: Fixture;
let token: string;
beforeAll(async () => {
  f = await startServices();
  token = await f.login('zhang.zhibu');
});
afterAll(async () => {
  await f?.close();
});

const scrape = async (app: Fixture['cases']) => {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return res.body;
};

/** The value of one sample, by metric name and an exact label subset. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('service metrics', () => {
  it('count requests per route pattern and status code, with no ids or query strings in the labels', async () => {
    const missing = randomUUID();
    const before = sample(await scrape(f.cases), 'http_request_duration_seconds_count', { route: '/api/cases/:id', status_code: '404' }) ?? 0;
    for (let i = 0; i < 3; i++) expect((await f.cases.inject({ method: 'GET', url: `/api/cases/${missing}?phone=13800000000`, headers: bearer(token) })).statusCode).toBe(404);
    const text = await scrape(f.cases);
    expect(sample(text, 'http_request_duration_seconds_count', { service: 'cases', method: 'GET', route: '/api/cases/:id', status_code: '404' })).toBe(before + 3);
    expect(text).not.toContain(missing);
    expect(text).not.toContain('13800000000');
    // The process's own figures come along (event-loop lag, memory).
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds\{service="cases"\} /m);
    // Every service has them, under its own name.
    expect(await scrape(f.inbox)).toMatch(/^process_resident_memory_bytes\{service="inbox"\} \d/m);
  });

  it('show the board roll-ups of the top of the tree as gauges, moving with a new case', async () => {
    const boardOf = async (orgId: string) => {
      const [row] = await f.db.$queryRaw<{ open: number; supervising: number }[]>`
        SELECT COALESCE(sum(open_cases), 0)::int AS open, COALESCE(sum(supervising), 0)::int AS supervising FROM org_board WHERE org_id = ${orgId}`;
      return row!;
    };
    const root = await f.db.orgUnit.findFirstOrThrow({ where: { parentId: null } });
    const before = sample(await scrape(f.cases), 'dangjian_open_cases', { org_id: root.id });
    expect(before).toBe((await boardOf(root.id)).open);
    const started = await f.cases.inject({
      method: 'POST',
      url: '/api/cases',
      headers: bearer(token),
      payload: { type: 'request-report', orgId: 'branch-a1-1', input: { title: `指标 ${randomUUID().slice(0, 6)}`, body: '正文' } },
    });
    expect(started.statusCode).toBe(201);
    const text = await scrape(f.cases);
    const after = sample(text, 'dangjian_open_cases', { org_id: root.id });
    expect(after).toBe((await boardOf(root.id)).open);
    expect(after).toBeGreaterThanOrEqual(before! + 1);
    expect(sample(text, 'dangjian_open_supervisions', { org_id: root.id })).toBe((await boardOf(root.id)).supervising);
    const [active] = await f.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM notice WHERE status = 'active'`;
    expect(text).toContain(`dangjian_active_notices{service="cases"} ${active!.n}`);
    // Units below the first level of the tree get no series (bounded cardinality at province scale).
    expect(sample(text, 'dangjian_open_cases', { org_id: 'branch-a1-1' })).toBeUndefined();
  });

  it('serve every service and domain metric the Grafana dashboard queries', async () => {
    const text = await scrape(f.cases);
    const names = dashboardMetricNames(/^(http_|nodejs_|process_|dangjian_)/);
    expect(names).toContain('dangjian_open_cases');
    expect(names.filter((name) => !served(text, name))).toEqual([]);
  });

  it('are not reachable through the gateway: no route of it leads /metrics to a service', () => {
    const u = { identity: 'http://i', inbox: 'http://n', cases: 'http://c', noticeBoard: 'http://b', console: 'http://o' };
    expect(routeTable(u).filter((r) => '/metrics'.startsWith(r.prefix))).toEqual([]);
  });
});
