import { randomUUID } from 'node:crypto';
import { until } from '../../workflows/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

let f: Fixture;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  f = await startServices();
  for (const u of ['zhang.zhibu', 'sun.zhibu', 'li.zuzhi', 'liu.zuzhi', 'wang.shuji', 'zhao.xianwei', 'admin']) tokens[u] = await f.login(u);
});
afterAll(async () => {
  await f?.close();
});

type Snapshot = { caseId: string; openTasks: { id: string; stepKey: string }[] };
type Item = { taskId: string; caseId: string; caseType: string; caseTitle: string; orgName: string; stepKey: string; dueAt: string; overdueSeconds: number; bulkApprovable: boolean };
type InboxPage = { items: Item[]; nextCursor: string | null; counts: Record<string, number> };

async function submit(user = 'zhang.zhibu', orgId = 'branch-a1-1', title = `请示 ${randomUUID().slice(0, 8)}`) {
  const res = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens[user]!), payload: { type: 'request-report', orgId, input: { title, body: '正文' } } });
  expect(res.statusCode).toBe(201);
  return body<Snapshot>(res);
}
const get = (app: 'inbox' | 'cases', user: string, url: string) => f[app].inject({ method: 'GET', url, headers: bearer(tokens[user]!) });
const inbox = async (user: string, query: string) => {
  const res = await get('inbox', user, `/api/inbox?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return body<InboxPage>(res);
};
const bulk = (user: string, payload: Record<string, unknown>) => f.inbox.inject({ method: 'POST', url: '/api/tasks/bulk-actions', headers: bearer(tokens[user]!), payload });

describe('inbox filters, sort and item fields', () => {
  it('filters by keyword, type, organization subtree and due range; counts stay per view', async () => {
    const tag = `水渠${randomUUID().slice(0, 6)}`;
    const a = await submit('zhang.zhibu', 'branch-a1-1', `关于${tag}的请示`);
    await submit('zhang.zhibu', 'branch-a1-1', `关于${tag}改造的请示`);
    await submit('zhang.zhibu', 'branch-a1-1', '无关的请示');
    const all = await inbox('li.zuzhi', 'view=todo&limit=100');
    const found = await inbox('li.zuzhi', `view=todo&limit=100&q=${encodeURIComponent(tag)}`);
    expect(found.items).toHaveLength(2);
    expect(found.counts).toEqual(all.counts);
    const item = found.items.find((i) => i.caseId === a.caseId)!;
    expect(item).toMatchObject({ caseType: 'request-report', caseTitle: `关于${tag}的请示`, orgName: '东湖镇党委', stepKey: 'township-review', overdueSeconds: 0, bulkApprovable: true });
    // A LIKE wildcard in the keyword is a literal character.
    expect((await inbox('li.zuzhi', 'view=todo&q=%25')).items).toEqual([]);
    expect((await inbox('li.zuzhi', `view=todo&limit=100&q=${encodeURIComponent(tag)}&type=secretary-replacement`)).items).toEqual([]);
    expect((await inbox('li.zuzhi', `view=todo&limit=100&q=${encodeURIComponent(tag)}&orgId=village-a1-1`)).items).toHaveLength(2);
    expect((await inbox('li.zuzhi', `view=todo&limit=100&q=${encodeURIComponent(tag)}&orgId=town-a2`)).items).toEqual([]);
    const due = new Date(item.dueAt);
    const justAfter = new Date(due.getTime() + 1).toISOString();
    const justBefore = new Date(due.getTime() - 1).toISOString();
    expect((await inbox('li.zuzhi', `view=todo&limit=100&q=${encodeURIComponent(tag)}&dueFrom=${justBefore}&dueTo=${justAfter}`)).items.map((i) => i.caseId)).toContain(a.caseId);
    expect((await inbox('li.zuzhi', `view=todo&limit=100&q=${encodeURIComponent(tag)}&dueFrom=${justAfter}`)).items.map((i) => i.caseId)).not.toContain(a.caseId);
  });

  it('sorts by due date both ways and pages with a keyset cursor under a filter', async () => {
    for (let i = 0; i < 4; i++) await submit();
    for (const sort of ['due_asc', 'due_desc']) {
      const whole = await inbox('li.zuzhi', `view=todo&limit=100&type=request-report&sort=${sort}`);
      const seen: Item[] = [];
      let cursor: string | null = null;
      do {
        const page: InboxPage = await inbox('li.zuzhi', `view=todo&limit=3&type=request-report&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.map((i) => i.taskId)).toEqual(whole.items.map((i) => i.taskId));
      const dues = seen.map((i) => i.dueAt);
      const sorted = [...dues].sort();
      expect(dues).toEqual(sort === 'due_asc' ? sorted : sorted.reverse());
    }
  });

  it('rejects bad filters', async () => {
    for (const q of ['dueFrom=yesterday', 'sort=title', `q=${'x'.repeat(65)}`, 'orgId=']) {
      const res = await get('inbox', 'li.zuzhi', `/api/inbox?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(body(res)).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });
});

describe('case types a user may start', () => {
  type Types = { items: { type: string; name: string; startForm: { properties: Record<string, unknown> }; orgs: { id: string; name: string }[] }[] };
  it('lists only the types and organizations the user may start, with the start form as JSON Schema', async () => {
    const zhang = body<Types>(await get('inbox', 'zhang.zhibu', '/api/case-types'));
    expect(zhang.items.map((t) => t.type)).toEqual(['request-report', 'member-development']);
    expect(zhang.items[0]!.orgs).toEqual([{ id: 'branch-a1-1', name: '东湖村第一党支部' }]);
    expect(Object.keys(zhang.items[0]!.startForm.properties)).toEqual(['title', 'body']);
    const li = body<Types>(await get('inbox', 'li.zuzhi', '/api/case-types'));
    expect(li.items.map((t) => t.type)).toEqual(['secretary-replacement']);
    // The branches of 东湖镇 (other test files add branches there to the shared database), none of another township.
    const liOrgs = li.items[0]!.orgs.map((o) => o.id);
    expect(liOrgs).toContain('branch-a1-1');
    const paths = await f.db.orgUnit.findMany({ where: { id: { in: liOrgs } }, select: { path: true, type: true } });
    expect(paths.every((o) => o.type === 'branch' && o.path.startsWith('/city/county-a/town-a1/')), JSON.stringify(paths)).toBe(true);
    expect(body<Types>(await get('inbox', 'zhao.xianwei', '/api/case-types')).items).toEqual([]);
    expect((await f.inbox.inject({ method: 'GET', url: '/api/case-types' })).statusCode).toBe(401);
  });

  it('names every process type for filters, including the joint meetings run by Schedules', async () => {
    const all = body<{ items: { type: string; name: string }[] }>(await get('inbox', 'zhao.xianwei', '/api/process-types'));
    expect(all.items).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'member-development', name: '发展党员' }), expect.objectContaining({ type: 'joint-meeting', name: '党建联席会议（季度）' })]));
    expect((await f.inbox.inject({ method: 'GET', url: '/api/process-types' })).statusCode).toBe(401);
  });

  it('lists each type\'s stages in process order with Chinese names, and the stage a running case is in is one of them', async () => {
    type Types = { items: { type: string; name: string; stages: { code: string; name: string }[] }[] };
    const types = body<Types>(await get('inbox', 'li.zuzhi', '/api/process-types')).items;
    const stagesOf = (type: string) => types.find((t) => t.type === type)?.stages ?? [];
    expect(stagesOf('request-report')).toEqual([
      { code: 'township-review', name: '乡镇党委审核' },
      { code: 'revise', name: '修改后重新提交' },
      { code: 'county-decision', name: '县委组织部审批' },
    ]);
    expect(stagesOf('member-development').map((s) => s.name)).toEqual(['入党申请', '入党积极分子', '发展对象', '接收预备党员', '预备党员考察和转正']);
    expect(stagesOf('secretary-replacement').map((s) => s.code)).toEqual(['propose-candidates', 'joint-review', 'interview', 'township-decision', 'county-filing', 'public-notice', 'election', 'approval', 'appointment']);
    for (const t of types) {
      expect(t.stages.length, t.type).toBeGreaterThan(0);
      for (const s of t.stages) expect(s.name, `${t.type}.${s.code}`).toMatch(/^\p{Script=Han}/u);
    }
    // The workflow's own stage is listed, and the case search finds the case by it.
    const { caseId } = await submit();
    const stage = (await f.db.case.findUniqueOrThrow({ where: { id: caseId } })).stage;
    expect(stagesOf('request-report').map((s) => s.code)).toContain(stage);
    const found = body<{ items: { id: string; stageName: string }[] }>(await get('cases', 'admin', `/api/admin/cases?type=request-report&stage=${stage}&status=open&limit=100`));
    expect(found.items.find((c) => c.id === caseId)?.stageName).toBe('乡镇党委审核');
  });
});

describe('bulk approval', () => {
  it('approves several tasks of one bulk-approvable step, each through the workflow, with a result per task', async () => {
    const cases = [await submit(), await submit(), await submit()];
    const taskIds = cases.map((c) => c.openTasks[0]!.id);
    // One of them is approved singly first: its bulk result is a 409, the others go through.
    const single = await f.inbox.inject({ method: 'POST', url: `/api/tasks/${taskIds[2]}/actions?wait=next`, headers: bearer(tokens['li.zuzhi']!), payload: { action: 'approve', form: {} } });
    expect(single.statusCode).toBe(200);
    const res = await bulk('li.zuzhi', { taskIds, action: 'approve', comment: '同意，按程序办理' });
    expect(res.statusCode, res.body).toBe(200);
    const { results } = body<{ results: { taskId: string; ok: boolean; code?: string }[] }>(res);
    expect(results.map((r) => [r.taskId, r.ok, r.code])).toEqual([
      [taskIds[0], true, undefined],
      [taskIds[1], true, undefined],
      [taskIds[2], false, 'TASK_NOT_OPEN'],
    ]);
    // Each approval answered once recorded; the cases close right after.
    for (const c of cases) await until(async () => (await f.db.case.findUniqueOrThrow({ where: { id: c.caseId } })).status === 'completed');
    const approvals = await f.db.caseEvent.findMany({ where: { caseId: cases[0]!.caseId, type: 'task.approve' } });
    expect(approvals).toHaveLength(1);
    expect(approvals[0]!.data).toMatchObject({ comment: '同意，按程序办理', form: { opinion: '同意，按程序办理' } });
    const done = await inbox('li.zuzhi', 'view=done&limit=100');
    expect(done.items.map((i) => i.taskId)).toEqual(expect.arrayContaining(taskIds.slice(0, 2)));
  });

  it('refuses mixed or non-bulk steps (400 BULK_NOT_ALLOWED) and changes nothing; unknown tasks fail singly', async () => {
    const a = await submit();
    const replacement = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens['li.zuzhi']!), payload: { type: 'secretary-replacement', orgId: 'branch-a1-1', input: { reason: 'vacancy', description: '岗位空缺' } } });
    const proposeTask = body<Snapshot>(replacement).openTasks[0]!.id;
    for (const taskIds of [[a.openTasks[0]!.id, proposeTask], [proposeTask], [randomUUID()]]) {
      const res = await bulk('li.zuzhi', { taskIds, action: 'approve' });
      expect(res.statusCode).toBe(400);
      expect(body(res)).toMatchObject({ code: 'BULK_NOT_ALLOWED' });
    }
    // Another township's official sees none of them: refused as a whole.
    expect(body(await bulk('liu.zuzhi', { taskIds: [a.openTasks[0]!.id], action: 'approve' }))).toMatchObject({ code: 'BULK_NOT_ALLOWED' });
    expect(await f.db.caseEvent.count({ where: { caseId: a.caseId, type: 'task.approve' } })).toBe(0);
    const mixed = await bulk('li.zuzhi', { taskIds: [a.openTasks[0]!.id, randomUUID()], action: 'approve' });
    expect(mixed.statusCode).toBe(200);
    expect(body<{ results: { ok: boolean; code?: string }[] }>(mixed).results.map((r) => r.code ?? 'ok')).toEqual(['ok', 'NOT_FOUND']);
    for (const payload of [{ taskIds: [], action: 'approve' }, { taskIds: [a.openTasks[0]!.id], action: 'reject' }, { taskIds: Array.from({ length: 51 }, () => randomUUID()), action: 'approve' }]) {
      expect((await bulk('li.zuzhi', payload)).statusCode).toBe(400);
    }
  });

  it('a user who is not an assignee gets a per-task refusal', async () => {
    const a = await submit();
    const res = await bulk('wang.shuji', { taskIds: [a.openTasks[0]!.id], action: 'approve' });
    expect(res.statusCode).toBe(200);
    expect(body<{ results: { ok: boolean; code?: string }[] }>(res).results[0]).toMatchObject({ ok: false });
    expect(await f.db.caseEvent.count({ where: { caseId: a.caseId, type: 'task.approve' } })).toBe(0);
  });
});
