/**
 * CPU time by process while a benchmark phase runs, from /proc (Linux): the stack's processes (found as
 * descendants of its orchestrator), PostgreSQL (every `postgres` process: other users of the server count
 * too) and the benchmark process itself. CPU seconds do not depend on how busy the machine is, so they
 * say where an approval's cost goes even when the wall-clock figures are noisy.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

type Proc = { pid: number; ppid: number; ticks: number; cmd: string };

function readProcs(): Proc[] {
  const procs: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      procs.push({ pid: Number(name), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), cmd });
    } catch {
      // the process ended while we read
    }
  }
  return procs;
}

function label(cmd: string): string {
  if (/temporal server start-dev/.test(cmd)) return 'temporal server';
  if (/workflows\/src\/worker/.test(cmd)) return 'worker';
  const service = /services\/([a-z-]+)\/src\/server/.exec(cmd)?.[1];
  if (service) return service;
  if (/infra\/src\/start/.test(cmd)) return 'orchestrator';
  return cmd.split(' ')[0]?.split('/').at(-1) ?? '?';
}

/** CPU milliseconds so far by label: the stack under `rootPid`, postgres, and this process. */
export function cpuSnapshot(rootPid: number): Map<string, number> {
  const procs = readProcs();
  const children = new Map<number, Proc[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const totals = new Map<string, number>();
  const add = (key: string, ms: number) => totals.set(key, (totals.get(key) ?? 0) + ms);
  const stack: number[] = [rootPid];
  for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
    for (const child of children.get(pid) ?? []) {
      add(label(child.cmd), (child.ticks * 1000) / TICKS_PER_SECOND);
      stack.push(child.pid);
    }
  }
  for (const p of procs) if (/^postgres/.test(p.cmd)) add('postgres (all users)', (p.ticks * 1000) / TICKS_PER_SECOND);
  const own = process.cpuUsage();
  add('bench process (client, B worker)', (own.user + own.system) / 1000);
  return totals;
}

/** CPU ms per item between two snapshots, by label, largest first. */
export function cpuPerItem(before: Map<string, number>, after: Map<string, number>, items: number): [string, number][] {
  return [...after.entries()]
    .map(([key, ms]) => [key, (ms - (before.get(key) ?? 0)) / items] as [string, number])
    .filter(([, ms]) => ms > 0.05)
    .sort((a, b) => b[1] - a[1]);
}
