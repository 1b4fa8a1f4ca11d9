import { describe, expect, it } from 'vitest';
import { repoRoot } from '@dj/infra/config';
import { Supervisor } from '@dj/infra/processes';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the orchestrator supervisor', () => {
  it('reports an exit before the stack is up, and restarts with doubling delays once it is', async () => {
    const messages: string[] = [];
    const exits: string[] = [];
    const supervisor = new Supervisor(repoRoot, (name, code) => exits.push(`${name} ${code}`), 2_000, (m) => messages.push(m), {
      initialDelayMs: 100,
      maxDelayMs: 400,
      resetAfterMs: 60_000,
    });
    const spec = { name: 'crasher', entry: 'test/infra/crash-soon.ts', env: { ...process.env, CRASH_AFTER_MS: '50' } };
    try {
      supervisor.start(spec);
      while (exits.length === 0) await sleep(50);
      expect(exits).toEqual(['crasher 3']);

      supervisor.healing();
      supervisor.start(spec);
      while (messages.filter((m) => m.includes('restarting in')).length < 5) await sleep(50);
      const delays = messages.filter((m) => m.includes('restarting in')).map((m) => /restarting in ([\d.]+) s/.exec(m)![1]);
      expect(delays.slice(0, 5)).toEqual(['0.1', '0.2', '0.4', '0.4', '0.4']);
      expect(exits).toHaveLength(1); // after healing() nothing is reported as fatal
      const status = supervisor.status();
      expect(status).toHaveLength(1);
      expect(status[0]!.restarts).toBeGreaterThanOrEqual(4);
      const pids = new Set(messages.filter((m) => m.startsWith('crasher running')).map((m) => m));
      expect(pids.size).toBeGreaterThanOrEqual(5);
    } finally {
      await supervisor.stopAll();
    }
    // stopped: no restart is pending any more
    const count = messages.length;
    await sleep(600);
    expect(messages.length).toBe(count);
  }, 60_000);
});
