/**
 * Escalation under load: N human steps falling due in the same minute; how late do their reminders and
 * their first 督办 (level-1 escalation) arrive, against a few steps falling due alone, measured in the same run.
 *
 *   node --import tsx bench/escalation.ts [--cases 10000] [--concurrency 8] [--alone 20] [--max-wait 1500]
 *
 * Starts its own stack (infra/src/start.ts) on free ports, Temporal in memory, its own PostgreSQL database
 * `dangjian_bench_escalation` (dropped and recreated each run), no demo cases, and compressed time:
 * one working day lasts WDS = 10 s. What it does:
 *   1. alone: opens --alone 请示报告 one by one, 1 s apart, due in 6 working days (60 s) and reminded
 *      3 working days (30 s) before, and waits until all are escalated: the baseline measured in the same
 *      run, on the same Temporal server and database, with nothing else falling due;
 *   2. probe: opens a few 请示报告 (a few untimed ones before step 1 warm the stack up; township review
 *      due in 10 hours: they never fall due during the run) to measure how fast cases open, and picks the target due instant T from it;
 *   3. burst: opens N 请示报告 through POST /api/cases (concurrency C). The township review's due date is
 *      the policy `duration.request-report.township-review` (in working days) counted from the moment the
 *      step opens; while the cases open, the bench keeps that policy at round((T − now) / WDS) through the
 *      policies API, so a case opened later gets a shorter duration and every step falls due within a few
 *      seconds of T (the window is measured and printed). Opening 10,000 cases takes many minutes, so one
 *      fixed duration would spread the due dates over as many minutes.
 *      `escalation.default` is set to remind 12 working days (120 s) before the due date and to climb to the
 *      next 督办 level only after 365 working days, so within the run only reminders and level-1 督办 fire;
 *   4. waits (at most --max-wait seconds after T) until every reminder and level-1 督办 is recorded, then
 *      compares each record event's `at` (case_event: `task.reminded`, `task.escalated` with level 1) with the
 *      instant it was scheduled for: the task's `due_at` for the 督办; for the reminder the instant the
 *      domain computes (packages/domain/src/schedule.ts with WDS set: max(opened + (due − opened) / 2,
 *      due − lead × WDS)).
 * Exits non-zero if a case failed to open or an expected event never arrived.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { recreateDatabase } from '@dj/infra/database';
import { api, launchStack, stopStack } from './stack';

const WDS = 10; // seconds per working day
const BURST_LEAD_DAYS = 12; // reminder 120 s before the due date
const ALONE_LEAD_DAYS = 3; // reminder 30 s before the due date
const ALONE_DAYS = 6; // due 60 s after opening
const RUNG_INTERVAL_DAYS = 365; // level 2 an hour after level 1: never within the run
const MIN_BURST_DAYS = 2 * BURST_LEAD_DAYS + 1; // shorter, and the reminder would fall at opened + duration / 2
const MARGIN_S = 260; // from the estimated end of the opening to T: at least MIN_BURST_DAYS
const PROBE = 40;
const POLL_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function positiveInt(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 23);

/** CPU seconds (user + system) of `root` and every process below it, from /proc. */
function treeCpuSeconds(root: number): Map<string, number> {
  const byPid = new Map<number, { ppid: number; name: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const name = cmd.find((a) => /\.ts$/.test(a))?.replace(/^.*\/(services|workflows|infra)\//, '$1/') ?? path.basename(cmd[0] ?? stat.slice(stat.indexOf('(') + 1, close));
      byPid.set(Number(entry), { ppid: Number(fields[1]), name, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // gone meanwhile
    }
  }
  const out = new Map<string, number>();
  const hz = 100;
  const under = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; p = byPid.get(p)?.ppid ?? 0, hops++) if (p === root) return true;
    return false;
  };
  for (const [pid, p] of byPid) if (under(pid)) out.set(p.name, (out.get(p.name) ?? 0) + p.ticks / hz);
  return out;
}

type Row = { title: string; type: string; level: number | null; openedAt: Date; dueAt: Date; at: Date };

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
}

async function main(): Promise<void> {
  const options = { cases: { type: 'string', default: '10000' }, concurrency: { type: 'string', default: '8' }, alone: { type: 'string', default: '20' }, 'max-wait': { type: 'string', default: '1500' } } as const;
  const { values } = parseArgs({ options });
  const cases = positiveInt('cases', values.cases);
  const concurrency = positiveInt('concurrency', values.concurrency);
  const alone = positiveInt('alone', values.alone);
  const maxWaitS = positiveInt('max-wait', values['max-wait']);

  const loadBefore = os.loadavg()[0]!;
  const dbUrl = new URL(process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/dangjian');
  dbUrl.pathname = '/dangjian_bench_escalation';
  await recreateDatabase(dbUrl.toString());
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dangjian-bench-escalation-'));
  const stack = await launchStack(dataDir, dbUrl.toString(), { WORKING_DAY_SECONDS: String(WDS) });
  process.once('SIGINT', () => void stack.stop().finally(() => process.exit(130)));
  const db = new pg.Pool({ connectionString: dbUrl.toString(), max: 2 });

  let failed = true;
  try {
    const t0 = performance.now();
    const baseUrl = await stack.ready;
    console.log(`stack ready at ${baseUrl} in ${((performance.now() - t0) / 1000).toFixed(1)} s; one working day = ${WDS} s`);
    const login = async (username: string) => {
      const { status, json } = await api(baseUrl, 'POST', '/api/auth/login', { username, password: 'Dangjian@2026' });
      if (status !== 200) throw new Error(`login ${username}: HTTP ${status} ${JSON.stringify(json)}`);
      return (json as { token: string }).token;
    };
    const [initiator, admin] = [await login('zhang.zhibu'), await login('admin')];
    const setPolicy = async (key: string, value: unknown) => {
      const { status, json } = await api(baseUrl, 'PUT', `/api/policies/${key}`, { value, reason: 'bench/escalation.ts' }, admin);
      if (status !== 200) throw new Error(`PUT /api/policies/${key}: HTTP ${status} ${JSON.stringify(json).slice(0, 300)}`);
      await sleep(200); // the worker's reference cache drops the old value on NOTIFY
    };
    const durationKey = 'duration.request-report.township-review';
    const escalation = (lead: number) => ({ reminderLeadWorkingDays: lead, rungIntervalWorkingDays: RUNG_INTERVAL_DAYS, maxLevels: 2 });

    const openErrors: string[] = [];
    const openCase = async (title: string) => {
      const t = performance.now();
      try {
        const { status, json } = await api(baseUrl, 'POST', '/api/cases', { type: 'request-report', orgId: 'branch-a1-1', input: { title, body: 'bench/escalation.ts' } }, initiator);
        if (status !== 201) throw new Error(`HTTP ${status} ${JSON.stringify(json).slice(0, 200)}`);
      } catch (error) {
        openErrors.push(`${title} after ${(performance.now() - t).toFixed(0)} ms: ${error instanceof Error ? error.message : String(error)}`);
        if (openErrors.length > Math.max(20, cases / 100)) throw new Error(`too many cases failed to open; first: ${openErrors[0]}`);
      }
    };
    const openAll = async (titles: string[], lanes: number) => {
      let next = 0;
      const lane = async () => {
        while (next < titles.length) await openCase(titles[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(lanes, titles.length) }, lane));
    };

    await setPolicy(durationKey, { workingDays: 3660 });
    await openAll(Array.from({ length: PROBE / 2 }, (_, i) => `probe warm-up ${i + 1}`), concurrency); // JIT, pools, caches

    // 1. alone: nothing else runs until they are all escalated
    await setPolicy('escalation.default', escalation(ALONE_LEAD_DAYS));
    await setPolicy(durationKey, { workingDays: ALONE_DAYS });
    for (let i = 0; i < alone; i++) {
      await openCase(`alone ${i + 1}`);
      await sleep(1000);
    }
    console.log(`alone: ${alone} cases opened one by one, falling due ${ALONE_DAYS * WDS} s after each opened`);
    const aloneDeadline = Date.now() + (ALONE_DAYS * WDS + 120) * 1000;
    for (;;) {
      const { rows } = await db.query<{ n: string }>(`
        SELECT count(*) AS n FROM case_event e JOIN "case" c ON c.id = e.case_id
        WHERE e.type = 'task.escalated' AND c.title LIKE 'alone %'`);
      if (Number(rows[0]!.n) >= alone - openErrors.length || Date.now() > aloneDeadline) break;
      await sleep(2000);
    }

    // 2. probe
    await setPolicy('escalation.default', escalation(BURST_LEAD_DAYS));
    await setPolicy(durationKey, { workingDays: 3660 });
    let t = performance.now();
    await openAll(Array.from({ length: PROBE }, (_, i) => `probe ${i + 1}`), concurrency);
    const probeRate = PROBE / ((performance.now() - t) / 1000);
    const estimateS = cases / probeRate;
    const target = Math.ceil((Date.now() + (estimateS * 1.2 + MARGIN_S) * 1000) / 60_000) * 60_000 + 30_000; // mid-minute
    console.log(`probe: ${PROBE} cases at ${probeRate.toFixed(1)}/s; ${cases} should take ≈ ${estimateS.toFixed(0)} s; target due instant ${clock(target)} UTC`);

    // 3. burst, the township review's duration following the target instant
    let days = 0;
    const desiredDays = () => Math.max(MIN_BURST_DAYS, Math.round((target - Date.now() - 300) / 1000 / WDS));
    await setPolicy(durationKey, { workingDays: (days = desiredDays()) });
    let opening = true;
    const follow = (async () => {
      while (opening) {
        if (desiredDays() !== days) await setPolicy(durationKey, { workingDays: (days = desiredDays()) });
        await sleep(250);
      }
    })();
    const burstStart = Date.now();
    let done = 0;
    const progress = setInterval(() => console.log(`burst: ${done}/${cases} opened, ${((Date.now() - burstStart) / 1000).toFixed(0)} s, duration now ${days} working days`), 30_000);
    t = performance.now();
    try {
      const titles = Array.from({ length: cases }, (_, i) => `burst ${i + 1}`);
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < titles.length) {
            await openCase(titles[next++]!);
            done++;
          }
        }),
      );
    } finally {
      opening = false;
      clearInterval(progress);
      await follow;
    }
    const burstS = (performance.now() - t) / 1000;
    console.log(`burst: ${cases} cases opened in ${burstS.toFixed(0)} s (${(cases / burstS).toFixed(1)}/s), ${openErrors.length} failed; ${((target - Date.now()) / 1000).toFixed(0)} s left to the target`);

    // 4. wait for the events
    const counts = async () => {
      const { rows } = await db.query<{ group: string; reminded: string; escalated: string; first_remind: Date | null }>(`
        SELECT split_part(c.title, ' ', 1) AS group,
               count(*) FILTER (WHERE e.type = 'task.reminded') AS reminded,
               count(*) FILTER (WHERE e.type = 'task.escalated' AND (e.data->>'level')::int = 1) AS escalated,
               min(e.at) FILTER (WHERE e.type = 'task.reminded') AS first_remind
        FROM case_event e JOIN "case" c ON c.id = e.case_id
        WHERE e.type IN ('task.reminded', 'task.escalated') GROUP BY 1`);
      return new Map(rows.map((r) => [r.group, { reminded: Number(r.reminded), escalated: Number(r.escalated), firstRemind: r.first_remind }]));
    };
    const expected = { burst: cases - openErrors.filter((e) => e.startsWith('burst')).length, alone: alone - openErrors.filter((e) => e.startsWith('alone')).length };
    const deadline = target + maxWaitS * 1000;
    let cpuAtBurst: Map<string, number> | undefined;
    let lastLog = 0;
    for (;;) {
      const c = await counts();
      const b = c.get('burst') ?? { reminded: 0, escalated: 0, firstRemind: null };
      const a = c.get('alone') ?? { reminded: 0, escalated: 0, firstRemind: null };
      if (!cpuAtBurst && Date.now() >= target - BURST_LEAD_DAYS * WDS * 1000 - POLL_MS) cpuAtBurst = treeCpuSeconds(stack.pid);
      if (b.reminded >= expected.burst && b.escalated >= expected.burst && a.reminded >= expected.alone && a.escalated >= expected.alone) break;
      if (Date.now() > deadline) {
        console.log(`gave up waiting ${maxWaitS} s after the target: burst ${b.reminded} reminders, ${b.escalated} 督办 of ${expected.burst}; alone ${a.reminded}, ${a.escalated} of ${expected.alone}`);
        break;
      }
      if (Date.now() - lastLog >= 30_000) {
        lastLog = Date.now();
        console.log(`${clock(Date.now())} burst: ${b.reminded} reminders, ${b.escalated} 督办 of ${expected.burst}; alone: ${a.reminded}, ${a.escalated} of ${expected.alone}; load ${os.loadavg()[0]!.toFixed(1)}`);
      }
      await sleep(POLL_MS);
    }
    const cpuAfter = treeCpuSeconds(stack.pid);

    // 5. lateness
    const { rows } = await db.query<Row>(`
      SELECT c.title, e.type, (e.data->>'level')::int AS level, t.opened_at AS "openedAt", t.due_at AS "dueAt", e.at
      FROM case_event e JOIN task t ON t.id = e.task_id JOIN "case" c ON c.id = e.case_id
      WHERE e.type IN ('task.reminded', 'task.escalated') AND t.kind = 'step'`);
    const { rows: dueRows } = await db.query<{ group: string; n: string; first: Date; last: Date; opened_first: Date; opened_last: Date }>(`
      SELECT split_part(c.title, ' ', 1) AS group, count(*) AS n, min(t.due_at) AS first, max(t.due_at) AS last, min(t.opened_at) AS opened_first, max(t.opened_at) AS opened_last
      FROM task t JOIN "case" c ON c.id = t.case_id WHERE t.kind = 'step' AND t.step_key = 'township-review' GROUP BY 1`);
    const dueOf = new Map(dueRows.map((r) => [r.group, r]));
    const remindAt = (r: Row, lead: number) => Math.max(r.openedAt.getTime() + (r.dueAt.getTime() - r.openedAt.getTime()) / 2, r.dueAt.getTime() - lead * WDS * 1000);
    const measure = (group: 'burst' | 'alone', kind: 'reminder' | 'escalation') => {
      const lead = group === 'burst' ? BURST_LEAD_DAYS : ALONE_LEAD_DAYS;
      const mine = rows.filter((r) => r.title.startsWith(`${group} `) && (kind === 'reminder' ? r.type === 'task.reminded' : r.type === 'task.escalated' && r.level === 1));
      const scheduled = mine.map((r) => (kind === 'reminder' ? remindAt(r, lead) : r.dueAt.getTime()));
      const late = mine.map((r, i) => (r.at.getTime() - scheduled[i]!) / 1000).sort((x, y) => x - y);
      const firstScheduled = Math.min(...scheduled);
      const lastArrived = Math.max(...mine.map((r) => r.at.getTime()));
      const lastScheduled = Math.max(...scheduled);
      return { count: mine.length, p50: percentile(late, 50), p95: percentile(late, 95), p99: percentile(late, 99), max: late.at(-1) ?? NaN, min: late[0] ?? NaN, firstScheduled, lastScheduled, untilLast: (lastArrived - firstScheduled) / 1000 };
    };
    const results = {
      reminder: { burst: measure('burst', 'reminder'), alone: measure('alone', 'reminder') },
      escalation: { burst: measure('burst', 'escalation'), alone: measure('alone', 'escalation') },
    };

    const cpus = os.cpus();
    const bd = dueOf.get('burst')!;
    console.log(`\nmachine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? '?'}), Node ${process.version}; 1-min load average ${loadBefore.toFixed(2)} before the stack started, ${os.loadavg()[0]!.toFixed(2)} at the end`);
    console.log(`time scale: one working day = ${WDS} s (WORKING_DAY_SECONDS); burst reminders ${BURST_LEAD_DAYS} working days (${BURST_LEAD_DAYS * WDS} s) before the due date`);
    console.log(`steps: ${bd.n} township reviews (请示报告) opened ${clock(bd.opened_first.getTime())}–${clock(bd.opened_last.getTime())} UTC (${((bd.opened_last.getTime() - bd.opened_first.getTime()) / 1000).toFixed(0)} s), ` +
      `falling due ${clock(bd.first.getTime())}–${clock(bd.last.getTime())} UTC: a window of ${((bd.last.getTime() - bd.first.getTime()) / 1000).toFixed(1)} s`);
    const ad = dueOf.get('alone');
    if (ad) console.log(`alone: ${ad.n} steps falling due one by one ${clock(ad.first.getTime())}–${clock(ad.last.getTime())} UTC, all escalated before the burst began to open`);
    console.log('\nlateness = record event `at` − the instant it was scheduled for, seconds');
    const row = (label: string, cells: string[]) => console.log(label.padEnd(26) + cells.map((c) => c.padStart(10)).join(''));
    row('', ['count', 'p50 s', 'p95 s', 'p99 s', 'max s', 'last at']);
    for (const [title, r] of [['reminders (task.reminded)', results.reminder], ['督办 level 1 (task.escalated)', results.escalation]] as const) {
      console.log(title);
      const f = (x: number) => x.toFixed(2);
      row('  burst', [String(r.burst.count), f(r.burst.p50), f(r.burst.p95), f(r.burst.p99), f(r.burst.max), `+${r.burst.untilLast.toFixed(1)} s`]);
      row('  alone (baseline)', [String(r.alone.count), f(r.alone.p50), f(r.alone.p95), f(r.alone.p99), f(r.alone.max), '']);
      row('  burst / alone', ['', (r.burst.p50 / r.alone.p50).toFixed(1), (r.burst.p95 / r.alone.p95).toFixed(1), (r.burst.p99 / r.alone.p99).toFixed(1), (r.burst.max / r.alone.max).toFixed(1), '']);
    }
    console.log(`("last at": when the last one arrived, counted from the first instant of its kind in the burst)`);
    if (cpuAtBurst) {
      const lines = [...cpuAfter].map(([name, s]) => [name, s - (cpuAtBurst.get(name) ?? 0)] as const).filter(([, s]) => s >= 0.5).sort((x, y) => y[1] - x[1]);
      const span = (Date.now() - (target - BURST_LEAD_DAYS * WDS * 1000)) / 1000;
      console.log(`\nCPU seconds of the stack's processes from the first burst reminder to the end (${span.toFixed(0)} s of wall time; PostgreSQL is not counted):`);
      for (const [name, s] of lines) console.log(`  ${name.padEnd(40)}${s.toFixed(1).padStart(8)}`);
    }

    const missing =
      expected.burst - results.reminder.burst.count + (expected.burst - results.escalation.burst.count) + (expected.alone - results.reminder.alone.count) + (expected.alone - results.escalation.alone.count);
    if (openErrors.length) {
      console.log(`\n${openErrors.length} cases failed to open; first ${Math.min(5, openErrors.length)}:`);
      for (const e of openErrors.slice(0, 5)) console.log(`  ${e}`);
    }
    if (missing) console.log(`\n${missing} expected reminders / 督办 never arrived`);
    failed = openErrors.length > 0 || missing > 0;
  } finally {
    await db.end();
    await stopStack(stack, dataDir, failed);
  }
  if (failed) process.exitCode = 1;
}

await main();
