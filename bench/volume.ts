/**
 * Reads at volume: seeds a province straight into PostgreSQL, then measures over HTTP the inbox (every
 * view, for a user with thousands of tasks and a user with none), the overdue board at the root, the
 * statistics and the case search, each beside a trivial authenticated request of the same service
 * measured in the same run.
 *
 *   node --import tsx bench/volume.ts [--scale 1] [--requests 200] [--reuse]
 *
 * --scale 1 seeds 10^6 open and 10^6 closed tasks (800k open cases, 100k closed; 4,000 branches under
 * 200 townships, so 东湖镇 (town-a1) holds 1/200 of everything) and about 5x10^6 record events;
 * --scale 0.05 is a quick run. --reuse keeps a database seeded earlier at the same scale.
 *
 * The database is `dangjian_volume` on the server of DATABASE_URL. Seeding runs with triggers off
 * (session_replication_role = replica) and then rebuilds the read models with the migration's own
 * read_models_rebuild(), timed. Record events are inserted directly with placeholder hashes ('bench'):
 * their chains do not verify — this database is for reading at volume only.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createDb, type Db } from '@dj/db';
import { DEMO_PASSWORD, seedDemo } from '@dj/db/seed-demo';
import { migrateDatabase } from '@dj/db/migrate';
import { repoRoot } from '@dj/infra/config';
import { recreateDatabase } from '@dj/infra/database';

const { values: args } = parseArgs({
  options: { scale: { type: 'string', default: '1' }, requests: { type: 'string', default: '200' }, reuse: { type: 'boolean', default: false } },
});
const scale = Number(args.scale);
const requests = Number(args.requests);
if (!(scale > 0 && scale <= 4)) throw new Error(`--scale must be in (0, 4], got ${args.scale}`);
if (!(Number.isInteger(requests) && requests >= 10)) throw new Error(`--requests must be an integer ≥ 10, got ${args.requests}`);

const TOWNSHIPS = 200; // town-a1 (demo) + 199 generated, 20 per county
const VILLAGES_PER_TOWNSHIP = 20; // each village has one branch: 4,000 branches
const OPEN_CASES = Math.round(800_000 * scale);
const CLOSED_CASES = Math.round(100_000 * scale);
const CC_TASKS = Math.round(1_000 * scale);

const url = new URL(process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/dangjian');
url.pathname = '/dangjian_volume';
const databaseUrl = url.toString();

const log = (msg: string) => process.stderr.write(`[volume] ${msg}\n`);

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await fn();
  log(`${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return result;
}

/** The org tree: 10 generated counties with 20 townships each (the first county's first township is the demo's 东湖镇), 20 villages and branches per township. */
async function seedOrgs(db: Db) {
  await db.$executeRawUnsafe(`
    INSERT INTO org_unit (id, name, type, parent_id, path, depth)
    SELECT 'vc-' || lpad(c::text, 2, '0'), '测试县' || c, 'county'::"OrgType", 'city', '/city/vc-' || lpad(c::text, 2, '0') || '/', 1
    FROM generate_series(1, 10) c`);
  // Township n (1..199) in county ((n) % 10) + 1; town-a1 is the 200th.
  await db.$executeRawUnsafe(`
    INSERT INTO org_unit (id, name, type, parent_id, path, depth)
    SELECT 'vt-' || lpad(n::text, 3, '0'), '测试镇' || n, 'township'::"OrgType", 'vc-' || lpad(((n % 10) + 1)::text, 2, '0'),
           '/city/vc-' || lpad(((n % 10) + 1)::text, 2, '0') || '/vt-' || lpad(n::text, 3, '0') || '/', 2
    FROM generate_series(1, ${TOWNSHIPS - 1}) n`);
  await db.$executeRawUnsafe(`
    CREATE TABLE bench_town AS
    SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, path, parent_id AS county FROM org_unit WHERE type = 'township' AND (id LIKE 'vt-%' OR id = 'town-a1')`);
  await db.$executeRawUnsafe(`
    INSERT INTO org_unit (id, name, type, parent_id, path, depth)
    SELECT 'vv-' || t.id || '-' || v, t.id || '村' || v, 'village'::"OrgType", t.id, t.path || 'vv-' || t.id || '-' || v || '/', 3
    FROM bench_town t CROSS JOIN generate_series(1, ${VILLAGES_PER_TOWNSHIP}) v`);
  await db.$executeRawUnsafe(`
    INSERT INTO org_unit (id, name, type, parent_id, path, depth)
    SELECT 'vb-' || t.id || '-' || v, t.id || '村' || v || '支部', 'branch'::"OrgType", 'vv-' || t.id || '-' || v, t.path || 'vv-' || t.id || '-' || v || '/vb-' || t.id || '-' || v || '/', 4
    FROM bench_town t CROSS JOIN generate_series(1, ${VILLAGES_PER_TOWNSHIP}) v`);
  // Branch n of the 4,000; case i lives in branch i % 4000, so every township holds 1/200 of the cases.
  await db.$executeRawUnsafe(`
    CREATE TABLE bench_branch AS
    SELECT row_number() OVER (ORDER BY o.id) - 1 AS n, o.id, o.path, t.id AS town, t.county,
           CASE WHEN t.id = 'town-a1' THEN (SELECT id FROM app_user WHERE username = 'li.zuzhi') ELSE md5('official' || t.id)::uuid END AS official,
           md5('county-official' || t.county)::uuid AS county_official
    FROM org_unit o JOIN bench_town t ON o.parent_id = 'vv-' || t.id || '-' || split_part(o.id, '-', 4)
    WHERE o.type = 'branch' AND o.id LIKE 'vb-%'`);
  await db.$executeRawUnsafe(`CREATE UNIQUE INDEX ON bench_branch (n)`);
}

/**
 * Eight cases in nine are open: a closed township review (round 1, returned) and an open step — a
 * second township review (3 in 5) or the county decision — and one in four is overdue with an open
 * 督办 for the township secretary. The ninth is completed: review and decision, both closed.
 */
async function seedCases(db: Db) {
  const total = OPEN_CASES + CLOSED_CASES;
  const branches = `(SELECT count(*) FROM bench_branch)`;
  await db.$executeRawUnsafe(`
    CREATE TABLE bench_case AS
    SELECT i, md5('case' || i)::uuid AS id, b.id AS org_id, b.path, b.town, b.county, b.official, b.county_official,
           i % 9 <> 0 AS open, i % 9 <> 0 AND i % 4 = 0 AS overdue,
           CASE WHEN i % 5 < 3 THEN 'township-review' ELSE 'county-decision' END AS stage,
           -- Rows go in in the order cases opened (over the last year), as they would in production.
           now() - interval '10 days' - ((${total} - 1 - i)::float8 / ${total}) * interval '365 days' AS opened_at
    FROM generate_series(0, ${total - 1}) i JOIN bench_branch b ON b.n = i % ${branches}`);
  await timed('case', () =>
    db.$executeRawUnsafe(`
    INSERT INTO "case" (id, type, workflow_id, org_id, org_path, title, status, stage, initiator_id, input, overdue, opened_at, closed_at, updated_at)
    SELECT id, 'request-report', 'request-report:' || id, org_id, path, '关于第' || i || '号事项的请示', CASE WHEN open THEN 'open' ELSE 'completed' END,
           CASE WHEN open THEN stage ELSE 'county-decision' END, md5('initiator' || org_id)::uuid, '{}'::jsonb, overdue, opened_at,
           CASE WHEN open THEN NULL ELSE opened_at + interval '8 days' END, now()
    FROM bench_case`),
  );
  // Task ids: md5('t1'|'t2'|'t3' || i).
  await timed('task', () =>
    db.$executeRawUnsafe(`
    INSERT INTO task (id, case_id, kind, step_key, round, title, org_id, status, mode, actions, due_at, overdue, escalation_level, supervises_task_id, outcome, opened_at, closed_at, closed_by_id)
    SELECT md5('t1' || i)::uuid, id, 'step', 'township-review', 1, '乡镇党委审核请示', town, 'completed', 'any', '{approve,return}'::text[], opened_at + interval '5 days', (i % 7) >= 5, 0, NULL::uuid,
           CASE WHEN open THEN 'returned' ELSE 'approved' END, opened_at, opened_at + ((i % 7) + 1) * interval '1 day', official
    FROM bench_case
    UNION ALL
    SELECT md5('t2' || i)::uuid, id, 'step', CASE WHEN open THEN stage ELSE 'county-decision' END, CASE WHEN open AND stage = 'township-review' THEN 2 ELSE 1 END,
           CASE WHEN open AND stage = 'township-review' THEN '乡镇党委审核请示' ELSE '县委组织部审批请示' END,
           CASE WHEN open AND stage = 'township-review' THEN town ELSE county END,
           CASE WHEN open THEN 'open' ELSE 'completed' END, 'any', '{approve,return}'::text[],
           CASE WHEN overdue THEN now() - ((i % 100) + 1) * interval '1 hour' WHEN open THEN now() + ((i % 240) + 1) * interval '1 hour' ELSE opened_at + interval '13 days' END,
           overdue, CASE WHEN overdue THEN 1 ELSE 0 END, NULL, CASE WHEN open THEN NULL ELSE 'approved' END,
           opened_at + interval '8 days', CASE WHEN open THEN NULL ELSE opened_at + interval '8 days' END, CASE WHEN open THEN NULL ELSE county_official END
    FROM bench_case
    UNION ALL
    SELECT md5('t3' || i)::uuid, id, 'supervision', stage, 1, '督办：乡镇党委审核请示', town, 'open', 'any', '{urge,comment}'::text[], now() + interval '2 days', false, 1, md5('t2' || i)::uuid, NULL,
           now() - interval '1 hour', NULL, NULL
    FROM bench_case WHERE overdue`),
  );
  await timed('task_assignee', () =>
    db.$executeRawUnsafe(`
    INSERT INTO task_assignee (id, task_id, user_id, org_id, role, claimed_by_id, status, acted_at)
    SELECT md5('a1' || i)::uuid, md5('t1' || i)::uuid, NULL::uuid, town, 'township_org_member', NULL::uuid, 'approved', opened_at + ((i % 7) + 1) * interval '1 day' FROM bench_case
    UNION ALL
    SELECT md5('a2' || i)::uuid, md5('t2' || i)::uuid, NULL, CASE WHEN open AND stage = 'township-review' THEN town ELSE county END,
           CASE WHEN open AND stage = 'township-review' THEN 'township_org_member' ELSE 'county_org_dept' END, NULL,
           CASE WHEN open THEN 'pending' ELSE 'approved' END, CASE WHEN open THEN NULL ELSE opened_at + interval '8 days' END FROM bench_case
    UNION ALL
    SELECT md5('a3' || i)::uuid, md5('t3' || i)::uuid, NULL, town, 'township_secretary', NULL, 'pending', NULL FROM bench_case WHERE overdue`),
  );
  // Copies to 李晓梅 (town-a1) of other townships' open steps.
  await db.$executeRawUnsafe(`
    INSERT INTO task_copy (task_id, user_id, created_at)
    SELECT md5('t2' || i)::uuid, (SELECT id FROM app_user WHERE username = 'li.zuzhi'), now() FROM bench_case WHERE open AND i % 200 = 7 LIMIT ${CC_TASKS}`);
  await timed('case_event', () =>
    db.$executeRawUnsafe(`
    INSERT INTO case_event (case_id, seq, idem_key, type, actor_id, actor_name, org_id, task_id, data, at, prev_hash, hash)
    SELECT c.id, e.seq, e.type || ':' || e.seq, e.type, e.actor, e.actor_name, c.org_id, e.task, '{}'::jsonb, e.at, 'bench', 'bench'
    FROM bench_case c CROSS JOIN LATERAL (VALUES
      (1, 'case.opened', md5('initiator' || c.org_id)::uuid, '支部书记', NULL::uuid, c.opened_at),
      (2, 'task.opened', NULL, '系统', md5('t1' || c.i)::uuid, c.opened_at),
      (3, CASE WHEN c.open THEN 'task.return' ELSE 'task.approve' END, c.official, '组织委员', md5('t1' || c.i)::uuid, c.opened_at + ((c.i % 7) + 1) * interval '1 day'),
      (4, 'task.closed', c.official, '组织委员', md5('t1' || c.i)::uuid, c.opened_at + ((c.i % 7) + 1) * interval '1 day'),
      (5, 'task.opened', NULL, '系统', md5('t2' || c.i)::uuid, c.opened_at + interval '8 days'),
      (6, CASE WHEN c.overdue THEN 'task.escalated' WHEN NOT c.open THEN 'task.approve' END, CASE WHEN c.open THEN NULL ELSE c.county_official END,
          CASE WHEN c.open THEN '系统' ELSE '县委组织部' END, md5('t2' || c.i)::uuid, c.opened_at + interval '9 days'),
      (7, CASE WHEN NOT c.open THEN 'task.closed' END, c.county_official, '县委组织部', md5('t2' || c.i)::uuid, c.opened_at + interval '9 days'),
      (8, CASE WHEN NOT c.open THEN 'case.completed' END, NULL, '系统', NULL, c.opened_at + interval '9 days')
    ) AS e(seq, type, actor, actor_name, task, at)
    WHERE e.type IS NOT NULL`),
  );
}

async function seed(db: Db) {
  await seedDemo(db);
  await db.$executeRawUnsafe(`SET session_replication_role = replica`); // triggers off for the bulk load (one connection)
  await seedOrgs(db);
  // Secondary indexes are built once after the load instead of row by row.
  const indexes = await db.$queryRawUnsafe<{ name: string; def: string }[]>(`
    SELECT i.indexname::text AS name, i.indexdef AS def FROM pg_indexes i
    WHERE i.schemaname = 'public' AND i.tablename IN ('case', 'task', 'task_assignee', 'task_copy', 'case_event', 'inbox_entry')
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`);
  for (const i of indexes) await db.$executeRawUnsafe(`DROP INDEX "${i.name}"`);
  await seedCases(db);
  await timed(`indexes (${indexes.length})`, async () => {
    await db.$executeRawUnsafe(`SET maintenance_work_mem = '512MB'`);
    for (const i of indexes) await db.$executeRawUnsafe(i.def);
  });
  await db.$executeRawUnsafe(`SET session_replication_role = origin`);
  await timed('analyze', () => db.$executeRawUnsafe(`ANALYZE`));
  await timed('read_models_rebuild() (the migration backfill)', () => db.$executeRawUnsafe(`SELECT read_models_rebuild()`));
  await db.$executeRawUnsafe(`DROP TABLE bench_case, bench_branch, bench_town`);
  await timed('vacuum analyze', () => db.$executeRawUnsafe(`VACUUM ANALYZE`));
  await db.$executeRawUnsafe(`CREATE TABLE bench_meta AS SELECT ${scale}::float8 AS scale`);
}

async function alreadySeeded(db: Db): Promise<boolean> {
  try {
    const [row] = await db.$queryRawUnsafe<{ scale: number }[]>(`SELECT scale FROM bench_meta`);
    return row?.scale === scale;
  } catch {
    return false;
  }
}

async function startServices(jwtSecret: string): Promise<{ ports: Record<string, number>; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/volume-server.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret, RECORD_KEY: process.env.RECORD_KEY ?? randomBytes(32).toString('hex') },
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const ports = await new Promise<Record<string, number>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench/volume-server.ts exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^VOLUME_READY (.*)$/.exec(line);
      if (m) resolve(JSON.parse(m[1]!) as Record<string, number>);
    });
  });
  return {
    ports,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

type Result = { name: string; p50: number; p99: number; note: string };

async function measure(name: string, url: string, token: string, note: (body: unknown) => string): Promise<Result> {
  const get = async () => {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body: unknown = await res.json();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`);
    return { ms, body };
  };
  const first = await get();
  for (let i = 0; i < 10; i++) await get();
  const times: number[] = [];
  for (let i = 0; i < requests; i++) times.push((await get()).ms);
  times.sort((a, b) => a - b);
  return { name, p50: percentile(times, 50), p99: percentile(times, 99), note: note(first.body) };
}

async function login(identityPort: number, username: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${identityPort}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

const probe = createDb(databaseUrl, { max: 1 });
const reuse = args.reuse && (await alreadySeeded(probe));
await probe.$disconnect();
if (!reuse) {
  await timed('recreate + migrate', async () => {
    await recreateDatabase(databaseUrl);
    await migrateDatabase(databaseUrl);
  });
}
// One connection: the bulk load's session settings (triggers off) hold for all its statements.
const db = createDb(databaseUrl, { max: 1 });
try {
  if (reuse) log(`reusing dangjian_volume seeded at scale ${scale}`);
  else await timed('seed', () => seed(db));
  const [sizes] = await db.$queryRawUnsafe<Record<string, bigint>[]>(`
    SELECT (SELECT count(*) FROM org_unit WHERE type = 'branch') AS branches, (SELECT count(*) FROM task WHERE status = 'open') AS open_tasks,
           (SELECT count(*) FROM task WHERE status <> 'open') AS closed_tasks, (SELECT count(*) FROM case_event) AS events,
           (SELECT count(*) FROM "case") AS cases, (SELECT count(*) FROM inbox_entry) AS inbox_entries`);
  const jwtSecret = randomBytes(32).toString('hex');
  const { ports, stop } = await startServices(jwtSecret);
  try {
    const token: Record<string, string> = {};
    for (const u of ['li.zuzhi', 'zhou.zhibu', 'wang.shuji', 'admin']) token[u] = await login(ports.identity!, u);
    const inbox = (path: string) => `http://127.0.0.1:${ports.inbox}${path}`;
    const cases = (path: string) => `http://127.0.0.1:${ports.cases}${path}`;
    type Page = { items?: unknown[]; counts?: Record<string, number>; total?: number; totalCapped?: boolean };
    const items = (b: unknown) => `${(b as Page).items?.length ?? 0} items`;
    const counted = (b: unknown) => `${items(b)}; counts ${JSON.stringify((b as Page).counts)}`;
    const total = (b: unknown) => `${items(b)}; total ${(b as Page).total}${(b as Page).totalCapped ? '+' : ''}`;
    const rows: Result[] = [];
    rows.push(await measure('inbox: baseline GET /api/process-types', inbox('/api/process-types'), token['li.zuzhi']!, items));
    for (const user of ['li.zuzhi', 'zhou.zhibu']) {
      for (const view of ['todo', 'overdue', 'supervising', 'done', 'cc']) {
        rows.push(await measure(`inbox ${view} (${user})`, inbox(`/api/inbox?view=${view}&limit=20`), token[user]!, counted));
      }
    }
    rows.push(await measure('inbox supervising (wang.shuji)', inbox('/api/inbox?view=supervising&limit=20'), token['wang.shuji']!, counted));
    rows.push(await measure('inbox todo, keyword + org (li.zuzhi)', inbox(`/api/inbox?view=todo&limit=20&q=${encodeURIComponent('第1')}&orgId=vv-town-a1-3`), token['li.zuzhi']!, counted));
    rows.push(await measure('inbox done, due_desc (li.zuzhi)', inbox('/api/inbox?view=done&limit=20&sort=due_desc'), token['li.zuzhi']!, counted));
    rows.push(await measure('cases: baseline GET /api/calendar/years', cases('/api/calendar/years'), token.admin!, items));
    rows.push(await measure('board at the root (admin)', cases('/api/admin/board'), token.admin!, items));
    rows.push(await measure('board, township drill-down', cases('/api/admin/board?orgId=town-a1'), token.admin!, items));
    rows.push(await measure('stats at the root (admin)', cases('/api/admin/stats'), token.admin!, (b) => `${(b as { byStage: unknown[] }).byStage.length} stages`));
    rows.push(await measure('stats, township (wang.shuji)', cases('/api/admin/stats'), token['wang.shuji']!, (b) => `${(b as { byStage: unknown[] }).byStage.length} stages`));
    const search: [string, string][] = [
      ['case search, root, no filter', ''],
      ['case search, root, overdue', '&overdue=true&status=open'],
      ['case search, root, ever late (曾超期)', '&wasLate=true'],
      ['case search, township, ever late, closed', '&orgId=town-a1&wasLate=true&status=completed'],
      ['case search, township subtree', '&orgId=town-a1'],
      ['case search, county, type + status', '&orgId=vc-03&type=request-report&status=completed'],
      ['case search, stage', '&stage=county-decision'],
      ['case search, opened range', '&openedFrom=2026-06-01&openedTo=2026-06-30'],
      ['case search, closed range', '&closedFrom=2026-06-01&closedTo=2026-06-30'],
    ];
    for (const [name, query] of search) rows.push(await measure(name, cases(`/api/admin/cases?limit=20${query}`), token.admin!, total));

    const s = Object.fromEntries(Object.entries(sizes!).map(([k, v]) => [k, Number(v)]));
    console.log(`\nVolume: ${s.branches} branches, ${s.cases} cases, ${s.open_tasks} open and ${s.closed_tasks} closed tasks, ${s.events} record events (placeholder hashes), ${s.inbox_entries} inbox entries`);
    console.log(`${requests} sequential requests each over HTTP (keep-alive) after 10 warm-up requests\n`);
    console.log(`${'request'.padEnd(44)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}  answer`);
    for (const r of rows) console.log(`${r.name.padEnd(44)}${r.p50.toFixed(1).padStart(9)}${r.p99.toFixed(1).padStart(9)}  ${r.note}`);
    const over = rows.filter((r) => r.p99 > 50);
    console.log(over.length ? `\nover the 50 ms p99 target: ${over.map((r) => r.name).join('; ')}` : '\nevery p99 within the 50 ms target');
  } finally {
    await stop();
  }
} finally {
  await db.$disconnect();
}
