import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

let f: Fixture;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  f = await startServices();
  for (const u of ['li.zuzhi', 'wang.shuji', 'zhao.xianwei', 'he.xianwei', 'zhang.zhibu', 'liu.zuzhi', 'sun.zhibu', 'zhou.zhibu']) tokens[u] = await f.login(u);
});
afterAll(async () => {
  await f?.close();
});

type Snapshot = { caseId: string; stage: string; status: string; openTasks: { id: string; stepKey: string }[] };

const open = (user: string, orgId = 'branch-a1-1', input: Record<string, unknown> = { reason: 'vacancy', description: '原书记调离，岗位空缺。' }) =>
  f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens[user]!), payload: { type: 'secretary-replacement', orgId, input } });

describe('村党组织书记选配 over the cases and inbox APIs', () => {
  it('a township official opens a case for a village branch of the township, with its 3-month deadline (compressed here)', async () => {
    const res = await open('li.zuzhi');
    expect(res.statusCode).toBe(201);
    const s = body<Snapshot>(res);
    expect(s).toMatchObject({ status: 'open', stage: 'propose-candidates' });
    const c = await f.db.case.findUniqueOrThrow({ where: { id: s.caseId } });
    expect(c).toMatchObject({ type: 'secretary-replacement', orgId: 'branch-a1-1', title: '东湖村第一党支部党组织书记选配' });
    // The fixture compresses time to one working day per hour; a month then lasts 21 working days.
    expect(c.deadlineAt!.getTime() - c.openedAt.getTime()).toBe(3 * 21 * 3600 * 1000);
  });

  it('only township officials above the branch may open one; the input is validated', async () => {
    const before = await f.db.case.count({ where: { type: 'secretary-replacement' } });
    expect((await open('zhang.zhibu')).statusCode).toBe(403); // a branch secretary
    expect((await open('liu.zuzhi')).statusCode).toBe(403); // another township
    expect((await open('li.zuzhi', 'town-a1')).statusCode).toBe(403); // not a branch
    const bad = await open('li.zuzhi', 'branch-a1-1', { reason: 'boredom', description: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(body(bad)).toMatchObject({ code: 'INVALID_FORM' });
    expect(await f.db.case.count({ where: { type: 'secretary-replacement' } })).toBe(before);
  });

  it('an official of another township or county can neither see nor act on the case', async () => {
    const s = body<Snapshot>(await open('li.zuzhi'));
    const taskId = s.openTasks[0]!.id;
    for (const outsider of ['liu.zuzhi', 'sun.zhibu', 'zhou.zhibu']) {
      expect((await f.cases.inject({ method: 'GET', url: `/api/cases/${s.caseId}`, headers: bearer(tokens[outsider]!) })).statusCode, outsider).toBe(404);
      expect((await f.inbox.inject({ method: 'GET', url: `/api/tasks/${taskId}`, headers: bearer(tokens[outsider]!) })).statusCode, outsider).toBe(404);
      const act = await f.inbox.inject({ method: 'POST', url: `/api/tasks/${taskId}/actions?wait=next`, headers: bearer(tokens[outsider]!), payload: { action: 'comment', comment: '我来看看' } });
      expect(act.statusCode, outsider).toBe(404);
      const cancel = await f.cases.inject({ method: 'POST', url: `/api/cases/${s.caseId}/actions`, headers: bearer(tokens[outsider]!), payload: { action: 'cancel', comment: '撤销' } });
      expect(cancel.statusCode, outsider).toBe(404);
    }
    // The county sees it (supervision) and the township's todo lists the proposal step.
    expect((await f.cases.inject({ method: 'GET', url: `/api/cases/${s.caseId}`, headers: bearer(tokens['zhao.xianwei']!) })).statusCode).toBe(200);
    const todo = body<{ items: { taskId: string }[] }>(await f.inbox.inject({ method: 'GET', url: '/api/inbox?view=todo&limit=100', headers: bearer(tokens['li.zuzhi']!) }));
    expect(todo.items.map((i) => i.taskId)).toContain(taskId);
    expect(await f.db.caseEvent.count({ where: { caseId: s.caseId, actorId: { not: null }, type: { startsWith: 'task.' } } })).toBe(0);
  });

  it('the county records a 第一书记 and cancels with a reason through the case actions API', async () => {
    const s = body<Snapshot>(await open('li.zuzhi'));
    const url = `/api/cases/${s.caseId}/actions`;
    const byTownship = await f.cases.inject({ method: 'POST', url, headers: bearer(tokens['li.zuzhi']!), payload: { action: 'cancel', comment: '不选了' } });
    expect(byTownship.statusCode).toBe(403);
    const dispatched = await f.cases.inject({ method: 'POST', url, headers: bearer(tokens['zhao.xianwei']!), payload: { action: 'record_first_secretary', data: { name: '陈驻村', unit: '县农业农村局' } } });
    expect(dispatched.statusCode).toBe(200);
    const noReason = await f.cases.inject({ method: 'POST', url, headers: bearer(tokens['he.xianwei']!), payload: { action: 'cancel' } });
    expect(body(noReason)).toMatchObject({ code: 'COMMENT_REQUIRED' });
    const cancelled = await f.cases.inject({ method: 'POST', url, headers: bearer(tokens['he.xianwei']!), payload: { action: 'cancel', comment: '村党组织合并' } });
    expect(cancelled.statusCode).toBe(200);
    expect(body(cancelled)).toMatchObject({ status: 'cancelled' });
    const record = body<{ record: { type: string; actor: { name: string } | null }[] }>(await f.cases.inject({ method: 'GET', url: `/api/cases/${s.caseId}`, headers: bearer(tokens['zhao.xianwei']!) }));
    expect(record.record.map((e) => e.type)).toEqual(expect.arrayContaining(['branch.first-secretary', 'case.closed']));
    expect(record.record.find((e) => e.type === 'case.closed')!.actor!.name).toBe('何振华');
  });
});
