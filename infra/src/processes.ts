import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const setpriv = process.platform === 'linux' ? findOnPath('setpriv') : undefined;

/**
 * Spawns a process that cannot outlive us. On Linux, util-linux `setpriv --pdeathsig` makes the
 * kernel send SIGTERM to the child when this process dies, even by SIGKILL; the child then gets
 * its own process group so that Ctrl-C reaches only us and we stop children in order.
 * Without setpriv the child stays in our process group, so a terminal Ctrl-C still reaches it.
 */
export function spawnTied(command: string, args: string[], options: SpawnOptions): ChildProcess {
  if (setpriv) {
    return spawn(setpriv, ['--pdeathsig', 'SIGTERM', '--', command, ...args], { ...options, detached: true });
  }
  return spawn(command, args, { ...options, detached: false });
}

/** Resolves once the process has exited (immediately if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => {
      if (child.pid === undefined) resolve(); // never started
    });
  });
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  const done = exited(child);
  const signal = (sig: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      // A detached child leads its own group: signal the group so its sub-processes go too.
      process.kill(setpriv ? -child.pid : child.pid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  if (await Promise.race([done.then(() => false), timedOut])) {
    signal('SIGKILL');
    await done;
  }
  clearTimeout(timer);
}

function pipeLines(stream: NodeJS.ReadableStream | null, prefix: string, out: NodeJS.WritableStream): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => out.write(`${prefix}${line}\n`));
}

export interface NodeProcessSpec {
  name: string;
  /** TypeScript entry file, relative to `cwd`. */
  entry: string;
  env: NodeJS.ProcessEnv;
}

export type UnexpectedExitHandler = (name: string, code: number | null, signal: NodeJS.Signals | null) => void;

export type RestartPolicy = {
  /** Delay before the first restart; doubles with each further crash, up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A process that ran this long before crashing is restarted after `initialDelayMs` again. */
  resetAfterMs: number;
};

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, resetAfterMs: 60_000 };

type Managed = {
  spec: NodeProcessSpec;
  child: ChildProcess;
  startedAt: number;
  /** Crashes in a row, each within `resetAfterMs` of its start. */
  crashes: number;
  restarts: number;
  timer?: NodeJS.Timeout | undefined;
};

export type ProcessStatus = { name: string; pid: number | undefined; running: boolean; restarts: number };

/**
 * Runs Node/TypeScript processes side by side, prefixing their output with their names. Until
 * `healing()` is called (the stack is up) a process that exits is reported to `onUnexpectedExit`;
 * afterwards it is restarted with exponential backoff while the others keep serving.
 */
export class Supervisor {
  private readonly processes = new Map<string, Managed>();
  private stopping = false;
  private heal = false;

  constructor(
    private readonly cwd: string,
    private readonly onUnexpectedExit: UnexpectedExitHandler,
    private readonly graceMs = 10_000,
    private readonly say: (message: string) => void = () => {},
    private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY,
  ) {}

  start(spec: NodeProcessSpec): void {
    const previous = this.processes.get(spec.name);
    const child = spawnTied(process.execPath, ['--import', 'tsx', spec.entry], {
      cwd: this.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const managed: Managed = { spec, child, startedAt: Date.now(), crashes: previous?.crashes ?? 0, restarts: previous?.restarts ?? 0 };
    this.processes.set(spec.name, managed);
    const prefix = `${spec.name.padEnd(8)} | `;
    pipeLines(child.stdout, prefix, process.stdout);
    pipeLines(child.stderr, prefix, process.stderr);
    if (child.pid !== undefined) this.say(`${spec.name} running (pid ${child.pid})`);
    let reported = false;
    const exitedUnexpectedly = (code: number | null, signal: NodeJS.Signals | null) => {
      if (reported || this.stopping) return;
      reported = true;
      if (this.heal) this.scheduleRestart(managed, code, signal);
      else this.onUnexpectedExit(spec.name, code, signal);
    };
    child.on('error', (error) => {
      process.stderr.write(`${prefix}${error.message}\n`);
      if (child.pid === undefined) exitedUnexpectedly(null, null);
    });
    child.once('exit', (code, signal) => exitedUnexpectedly(code, signal));
  }

  /** From now on a process that exits is restarted instead of reported. */
  healing(): void {
    this.heal = true;
  }

  status(): ProcessStatus[] {
    return [...this.processes.values()].map(({ spec, child, restarts }) => ({
      name: spec.name,
      pid: child.pid,
      running: child.pid !== undefined && child.exitCode === null && child.signalCode === null,
      restarts,
    }));
  }

  private scheduleRestart(managed: Managed, code: number | null, signal: NodeJS.Signals | null): void {
    const ranMs = Date.now() - managed.startedAt;
    managed.crashes = ranMs >= this.policy.resetAfterMs ? 1 : managed.crashes + 1;
    const delayMs = Math.min(this.policy.maxDelayMs, this.policy.initialDelayMs * 2 ** (managed.crashes - 1));
    const how = code !== null ? `exit code ${code}` : signal ? `signal ${signal}` : 'failed to spawn';
    this.say(`${managed.spec.name} stopped unexpectedly (${how}); restarting in ${delayMs / 1000} s, the others keep serving`);
    managed.timer = setTimeout(() => {
      managed.timer = undefined;
      if (this.stopping) return;
      managed.restarts += 1;
      this.start(managed.spec);
    }, delayMs);
  }

  /** Stops children in reverse start order, each with SIGTERM then SIGKILL after the grace period. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const managed of [...this.processes.values()].reverse()) {
      clearTimeout(managed.timer);
      await terminate(managed.child, this.graceMs);
    }
  }
}
