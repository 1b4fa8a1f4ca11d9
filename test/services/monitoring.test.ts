import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCasesApp } from '@dj/cases';
import { until } from '../../workflows/test/harness';
import { captureLogs } from '../src/log-capture';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

/** Compressed time: a working day lasts 3 s, so a 5-day review is overdue (and 督办 raised) after 15 s. */
const WDS = 3;
let f: Fixture;
let cases: FastifyInstance;
const logs = captureLogs();
const tokens: Record<string, string> = {};
const tag = `监测${randomUUID().slice(0, 6)}`;
let lateCase: string;

beforeAll(async () => {
  f = await startServices({ workingDaySeconds: WDS });
  cases = await buildCasesApp({ ...f.deps, workingDaySeconds: WDS, logger: { level: 'info', stream: logs.stream } });
  for (const u of ['zhang.zhibu', 'sun.zhibu', 'zhou.zhibu', 'li.zuzhi', 'wang.shuji', 'zhao.xianwei', 'admin']) tokens[u] = await f.login(u);
  // Opened first, left alone: overdue with a 督办 by the time the board is read.
  lateCase = (await submit('zhang.zhibu', 'branch-a1-1', `${tag} 逾期请示`)).caseId;
});
afterAll(async () => {
  await cases?.close();
  await f?.close();
});

type Snapshot = { caseId: string; openTasks: { id: string }[] };
type CaseItem = { id: string; type: string; typeName: string; title: string; orgId: string; orgName: string; stage: string; status: string; overdue: boolean; openedAt: string; closedAt: string | null; openTasks: { taskId: string; name: string; dueAt: string; overdue: boolean; assignees: string[] }[] };
type CasePage = { items: CaseItem[]; nextCursor: string | null; total: number };

async function submit(user: string, orgId: string, title: string) {
  const res = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens[user]!), payload: { type: 'request-report', orgId, input: { title, body: '正文' } } });
  expect(res.statusCode, res.body).toBe(201);
  return body<Snapshot>(res);
}
const get = (user: string, url: string) => cases.inject({ method: 'GET', url, headers: bearer(tokens[user]!) });
async function search(user: string, query: string) {
  const res = await get(user, `/api/admin/cases?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return body<CasePage>(res);
}
const q = (extra = '') => `q=${encodeURIComponent(tag)}${extra}`;
describe('case search', () => {
  it('admin and supervisors search within their subtrees; filters narrow; keyset pages cover the result exactly once', async () => {
    const a1 = await submit('zhang.zhibu', 'branch-a1-1', `${tag} 东湖甲`);
    await submit('zhang.zhibu', 'branch-a1-1', `${tag} 东湖乙`);
    await submit('sun.zhibu', 'branch-a2-1', `${tag} 西山`);
    await submit('zhou.zhibu', 'branch-b1-1', `${tag} 河口`);

    const all = await search('admin', q('&limit=100'));
    expect(all.total).toBe(5);
    expect(all.items.map((i) => i.title)).toEqual([`${tag} 河口`, `${tag} 西山`, `${tag} 东湖乙`, `${tag} 东湖甲`, `${tag} 逾期请示`]);
    const first = all.items.find((i) => i.id === a1.caseId)!;
    expect(first).toMatchObject({ type: 'request-report', typeName: '请示报告审批', orgId: 'branch-a1-1', orgName: '东湖村第一党支部', stage: 'township-review', status: 'open', overdue: false, closedAt: null });
    expect(first.openTasks).toHaveLength(1);
    expect(first.openTasks[0]).toMatchObject({ taskId: a1.openTasks[0]!.id, name: '乡镇党委审核请示', overdue: false, assignees: ['东湖镇党委·乡镇党委组织委员'] });

    // Paging: 2 per page, newest first, every case once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: CasePage = await search('admin', q(`&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      expect(page.items.length).toBeLessThanOrEqual(2);
      expect(page.total).toBe(5);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((i) => i.id));

    // Subtrees: the township secretary sees 东湖 only, the county org dept its county, and an org filter narrows.
    expect((await search('wang.shuji', q())).items.map((i) => i.orgId).sort()).toEqual(['branch-a1-1', 'branch-a1-1', 'branch-a1-1']);
    expect((await search('zhao.xianwei', q())).total).toBe(4);
    expect((await search('admin', q('&orgId=county-b'))).items.map((i) => i.title)).toEqual([`${tag} 河口`]);
    expect((await search('admin', q('&orgId=town-a2'))).total).toBe(1);
    // Other filters.
    expect((await search('admin', q('&type=secretary-replacement'))).total).toBe(0);
    expect((await search('admin', q('&stage=township-review&status=open'))).total).toBe(5);
    expect((await search('admin', q('&status=completed'))).total).toBe(0);
    expect((await search('admin', q(`&openedFrom=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`))).total).toBe(0);
    expect((await search('admin', q(`&openedTo=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`))).total).toBe(5);
    expect((await search('admin', q('&closedFrom=2020-01-01'))).total).toBe(0);

    // Totals read from the roll-ups (no keyword) equal the rows.
    const a1Path = '/city/county-a/town-a1/';
    expect((await search('admin', 'orgId=town-a1')).total).toBe(await f.db.case.count({ where: { orgPath: { startsWith: a1Path } } }));
    expect((await search('admin', 'orgId=town-a1&status=open')).total).toBe(await f.db.case.count({ where: { status: 'open', orgPath: { startsWith: a1Path } } }));
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect((await search('admin', `orgId=town-a1&openedFrom=${today}`)).total).toBe(
      await f.db.case.count({ where: { orgPath: { startsWith: a1Path }, openedAt: { gte: new Date(`${today}T00:00:00+08:00`) } } }),
    );
  });

  it('refuses users without an administrator or supervisory role (403, logged), scopes outside one\'s own and bad input', async () => {
    const before = logs.lines.length;
    for (const user of ['zhang.zhibu', 'li.zuzhi']) {
      for (const url of ['/api/admin/cases', '/api/admin/cases.csv', `/api/admin/cases/${lateCase}`, '/api/admin/board', '/api/admin/stats']) {
        const res = await get(user, url);
        expect(res.statusCode, `${user} ${url}`).toBe(403);
        expect(body(res)).toMatchObject({ code: 'FORBIDDEN' });
      }
    }
    const denials = logs.entries(before);
    const refused = denials.filter((l) => l.msg === 'access denied' && l.code === 'FORBIDDEN');
    expect(refused).toHaveLength(10);
    const ids = await f.db.user.findMany({ where: { username: { in: ['zhang.zhibu', 'li.zuzhi'] } }, select: { id: true } });
    expect(new Set(refused.map((l) => l.userId))).toEqual(new Set(ids.map((u) => u.id)));
    // A township secretary asking about another township or county.
    for (const url of ['/api/admin/cases?orgId=town-a2', '/api/admin/board?orgId=county-b', '/api/admin/stats?orgId=city', '/api/admin/cases?orgId=nowhere']) {
      expect((await get('wang.shuji', url)).statusCode, url).toBe(403);
    }
    // A case outside the subtree is a 404 on the case page.
    const west = await submit('sun.zhibu', 'branch-a2-1', `${tag} 西山二`);
    expect((await get('wang.shuji', `/api/admin/cases/${west.caseId}`)).statusCode).toBe(404);
    expect((await get('admin', `/api/admin/cases/${randomUUID()}`)).statusCode).toBe(404);
    for (const query of ['status=lost', 'overdue=maybe', 'openedFrom=tomorrow', 'limit=0', 'cursor=xyz', 'extra=1']) {
      const res = await get('admin', `/api/admin/cases?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(body(res)).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect((await cases.inject({ method: 'GET', url: '/api/admin/cases' })).statusCode).toBe(401);
  });

  it('exports the search as CSV for Excel: BOM, Chinese headers, quoting, no formulas', async () => {
    await submit('zhang.zhibu', 'branch-a1-1', `=HYPERLINK("x") ${tag}, 含逗号`);
    const res = await get('wang.shuji', `/api/admin/cases.csv?${q()}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="cases-\d{4}-\d{2}-\d{2}\.csv"/);
    const raw = res.rawPayload.toString('utf8');
    expect(raw.startsWith('\uFEFF事项编号,事项类型,标题,所属组织,当前环节,状态,当前超期,曾超期,发起时间,办结时间,当前待办,办理人\r\n')).toBe(true);
    const lines = raw.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 4); // header + the township's four cases (this export is wang.shuji's)
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"") ${tag}, 含逗号",东湖村第一党支部,乡镇党委审核,办理中,否,`);
  });
});

describe('overdue board, case page and charts', () => {
  it('the board rolls counts up the tree; a 督办 turns the unit red; the overdue filter finds the case', async () => {
    await until(async () => (await f.db.task.count({ where: { caseId: lateCase, kind: 'supervision' } })) > 0, 60_000);
    const fresh = await submit('zhang.zhibu', 'branch-a1-1', `${tag} 新请示`);

    const overdue = await search('admin', q('&overdue=true&limit=100'));
    expect(overdue.items.map((i) => i.id)).toContain(lateCase);
    expect(overdue.items.map((i) => i.id)).not.toContain(fresh.caseId);
    expect((await search('admin', q('&overdue=false&limit=100'))).items.map((i) => i.id)).toContain(fresh.caseId);

    type Unit = { id: string; parentId: string | null; hasChildren: boolean; open: number; overdue: number; supervising: number; status: string };
    // By default the board goes two levels below the scope root (counties and townships at the city); deeper on request.
    const top = body<{ items: Unit[]; depth: number }>(await get('admin', '/api/admin/board'));
    expect(top.depth).toBe(2);
    expect(top.items.map((u) => u.id)).toEqual(['city', 'county-a', 'town-a1', 'town-a2', 'county-b', 'town-b1']);
    expect(top.items.find((u) => u.id === 'town-a1')).toMatchObject({ hasChildren: true, status: 'red' });
    const res = await get('admin', '/api/admin/board?depth=4');
    expect(res.statusCode).toBe(200);
    const units = body<{ items: Unit[] }>(res).items;
    const unit = (id: string) => units.find((u) => u.id === id)!;
    expect(units.map((u) => u.id)).toEqual(expect.arrayContaining(['city', 'county-a', 'town-a1', 'branch-a1-1', 'county-b']));
    expect(unit('town-a1').status).toBe('red');
    expect(unit('town-a1').supervising).toBeGreaterThanOrEqual(1);
    expect(unit('branch-a1-1').overdue).toBeGreaterThanOrEqual(1);
    // Each unit's counts are its whole subtree's, computed independently here.
    for (const id of ['city', 'county-a', 'town-a1', 'town-a2', 'county-b']) {
      const org = await f.db.orgUnit.findUniqueOrThrow({ where: { id } });
      expect(unit(id).open, id).toBe(await f.db.case.count({ where: { status: 'open', orgPath: { startsWith: org.path } } }));
    }
    // A township secretary's board is the township's subtree only.
    const township = body<{ items: Unit[] }>(await get('wang.shuji', '/api/admin/board')).items;
    // (Other test files add branches under 东湖村 to the shared database: the demo units are checked by id.)
    expect(township.map((u) => u.id).slice(0, 2)).toEqual(['town-a1', 'village-a1-1']);
    expect(township.map((u) => u.id)).toContain('branch-a1-1');
    expect(township.every((u) => u.id === 'town-a1' || u.parentId === 'town-a1' || u.parentId === 'village-a1-1'), JSON.stringify(township.map((u) => u.id))).toBe(true);
    expect(township[0]).toMatchObject({ id: 'town-a1', parentId: 'county-a', status: 'red' });
    expect(township.find((u) => u.id === 'branch-a1-1')).toMatchObject({ hasChildren: false });
    // Drilling down one level: the unit and its children.
    const drill = body<{ items: Unit[] }>(await get('admin', '/api/admin/board?orgId=village-a1-1&depth=1')).items;
    expect(drill[0]?.id).toBe('village-a1-1');
    expect(drill.map((u) => u.id)).toContain('branch-a1-1');
    expect(drill.slice(1).every((u) => u.parentId === 'village-a1-1')).toBe(true);
    expect((await get('admin', '/api/admin/board?depth=9')).statusCode).toBe(400);
  });

  it('the case page: the workflow id, steps against their policy in working days, the verified record', async () => {
    const s = await submit('zhang.zhibu', 'branch-a1-1', `${tag} 审批完成`);
    const act = await f.inbox.inject({ method: 'POST', url: `/api/tasks/${s.openTasks[0]!.id}/actions?wait=next`, headers: bearer(tokens['li.zuzhi']!), payload: { action: 'forward', form: { opinion: '上报' } } });
    expect(act.statusCode).toBe(200);
    const res = await get('zhao.xianwei', `/api/admin/cases/${s.caseId}`);
    expect(res.statusCode).toBe(200);
    type Page = {
      case: { id: string; workflowId: string; stage: string; status: string };
      openTasks: { name: string }[];
      steps: { stepKey: string; policyWorkingDays: number | null; tookWorkingDays: number | null; late: boolean; lateBySeconds: number; responsible: string[]; closedAt: string | null }[];
      record: { type: string }[];
      verification: { ok: boolean; checked: number; brokenAt: number | null };
    };
    const page = body<Page>(res);
    expect(page.case).toMatchObject({ id: s.caseId, workflowId: `request-report:${s.caseId}`, stage: 'county-decision', status: 'open' });
    expect(page.openTasks.map((t) => t.name)).toEqual(['县委组织部审批请示']);
    expect(page.steps.map((st) => st.stepKey)).toEqual(['township-review', 'county-decision']);
    const [review, decision] = page.steps;
    expect(review).toMatchObject({ policyWorkingDays: 5, late: false, lateBySeconds: 0, responsible: ['李晓梅'] });
    expect(review!.tookWorkingDays).toBeGreaterThanOrEqual(0);
    expect(review!.tookWorkingDays).toBeLessThan(5);
    expect(decision).toMatchObject({ policyWorkingDays: 5, tookWorkingDays: null, closedAt: null, responsible: ['东山县委·县委组织部'] });
    expect(page.verification).toEqual({ ok: true, checked: page.record.length, brokenAt: null, anchored: 0, problem: null });
    expect(page.record[0]!.type).toBe('case.opened');
    expect(page.record.map((e) => e.type)).toEqual(expect.arrayContaining(['task.opened', 'task.forward', 'task.closed']));

    const late = body<Page>(await get('admin', `/api/admin/cases/${lateCase}`));
    expect(late.steps[0]).toMatchObject({ stepKey: 'township-review', late: true });
    expect(late.steps[0]!.lateBySeconds).toBeGreaterThan(0);
  });

  it('charts: open cases by stage, on-time rate per step, the monthly trend', async () => {
    const res = await get('wang.shuji', '/api/admin/stats');
    expect(res.statusCode).toBe(200);
    type Stats = {
      byStage: { type: string; stage: string; count: number }[];
      onTimeByStep: { type: string; stepKey: string; name: string; closed: number; onTime: number; rate: number }[];
      trend: { month: string; opened: number; closed: number; overdue: number }[];
    };
    const stats = body<Stats>(res);
    const openReviews = await f.db.case.count({ where: { status: 'open', stage: 'township-review', orgPath: { startsWith: '/city/county-a/town-a1/' } } });
    expect(stats.byStage.find((r) => r.type === 'request-report' && r.stage === 'township-review')?.count).toBe(openReviews);
    const review = stats.onTimeByStep.find((r) => r.type === 'request-report' && r.stepKey === 'township-review')!;
    expect(review).toMatchObject({ name: '乡镇党委审核' });
    expect(review.closed).toBeGreaterThanOrEqual(1);
    expect(review.rate).toBeCloseTo(review.onTime / review.closed, 3);
    expect(stats.trend).toHaveLength(12);
    const thisMonth = stats.trend.at(-1)!;
    expect(thisMonth.month).toBe(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7));
    expect(thisMonth.opened).toBeGreaterThanOrEqual(6); // this file's cases in 东湖
    expect(thisMonth.overdue).toBeGreaterThanOrEqual(1);
    expect((await get('admin', '/api/admin/stats?from=2026-12-01&to=2026-01-01')).statusCode).toBe(400);
  });
});
