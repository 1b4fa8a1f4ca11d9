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

/** Runs Node/TypeScript processes side by side, prefixing their output with their names. */
export class Supervisor {
  private readonly children: Array<{ name: string; child: ChildProcess }> = [];
  private stopping = false;

  constructor(
    private readonly cwd: string,
    private readonly onUnexpectedExit: UnexpectedExitHandler,
    private readonly graceMs = 10_000,
  ) {}

  start(spec: NodeProcessSpec): void {
    const child = spawnTied(process.execPath, ['--import', 'tsx', spec.entry], {
      cwd: this.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const prefix = `${spec.name.padEnd(8)} | `;
    pipeLines(child.stdout, prefix, process.stdout);
    pipeLines(child.stderr, prefix, process.stderr);
    child.on('error', (error) => {
      process.stderr.write(`${prefix}${error.message}\n`);
      if (child.pid === undefined && !this.stopping) this.onUnexpectedExit(spec.name, null, null);
    });
    child.once('exit', (code, signal) => {
      if (!this.stopping) this.onUnexpectedExit(spec.name, code, signal);
    });
    this.children.push({ name: spec.name, child });
  }

  /** Stops children in reverse start order, each with SIGTERM then SIGKILL after the grace period. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const { child } of [...this.children].reverse()) {
      await terminate(child, this.graceMs);
    }
  }
}
