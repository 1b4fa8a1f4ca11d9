// The engine's primitives apart from any process: steps in parallel and collection until a deadline.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAndWait, startHarness, until, type Harness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ workingDaySeconds: 3600, workflows: fileURLToPath(new URL('./fixtures/probe-workflows.ts', import.meta.url)) });
});
afterAll(async () => {
  await h?.close();
});

async function start(workflowType: string, extra: Record<string, unknown>) {
  const initiator = await h.actor('zhang.zhibu');
  const caseId = randomUUID();
  return h.startCase(workflowType, 'probe', { caseId, initiator: { userId: initiator.userId, name: initiator.name }, ...extra } as { caseId: string });
}

describe('inParallel', () => {
  it('when one branch fails, the step another branch still has open is cancelled and the failure reaches the process', async () => {
    const { handle, caseId } = await start('parallelProbe', { failAfterMs: 1500 });
    const result = (await handle.result()) as { status: string };
    expect(result.status).toBe('rejected');
    const tasks = await h.db.task.findMany({ where: { caseId } });
    expect(tasks.map((t) => [t.stepKey, t.status, t.outcome])).toEqual([['left', 'cancelled', 'cancelled']]);
    const c = await h.db.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(c.status).toBe('rejected');
    expect(c.result).toMatchObject({ failed: 'branch failed' });
    expect(await h.db.caseEvent.count({ where: { caseId, type: 'task.closed' } })).toBe(1);
  });
});

describe('collect', () => {
  it('gathers answers until the deadline, then cancels the steps still open and names who did not answer', async () => {
    const { handle, caseId } = await start('collectProbe', { collectForMs: 6000 });
    const open = await until(async () => {
      const rows = await h.db.task.findMany({ where: { caseId, status: 'open' }, orderBy: { title: 'asc' } });
      return rows.length === 3 ? rows : undefined;
    });
    const actor = await h.actor('li.zuzhi', '/city/county-a/town-a1/branch-a1-1/');
    const yi = open.find((t) => t.title === '报送：乙')!;
    await actAndWait(handle, { taskId: yi.id, actor, action: 'approve', form: { opinion: '本季度无议题' } });
    const result = (await handle.result()) as { status: string };
    expect(result.status).toBe('completed');
    const c = await h.db.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(c.result).toEqual({ answered: ['乙'], missing: ['甲', '丙'], answers: ['乙:本季度无议题'] });
    const rows = await h.db.task.findMany({ where: { caseId }, orderBy: { title: 'asc' } });
    expect(Object.fromEntries(rows.map((t) => [t.title, t.status]))).toEqual({ '报送：丙': 'cancelled', '报送：乙': 'completed', '报送：甲': 'cancelled' });
  });
});
