import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

// One working day lasts 0.2 s: the 1-month talk (21 working days) is due about 4 s after opening, time
// enough to transfer it before it falls due even on a loaded machine.
let f: Fixture;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  f = await startServices({ workingDaySeconds: 0.2 });
  for (const u of ['zhang.zhibu', 'ma.dangyuan', 'li.zuzhi', 'wang.shuji', 'liu.zuzhi', 'sun.zhibu', 'zhao.xianwei']) tokens[u] = await f.login(u);
});
afterAll(async () => {
  await f?.close();
});

type Snapshot = { caseId: string; stage: string; status: string; openTasks: { id: string; stepKey: string; kind: string }[] };
const applicant = { name: '林小青', gender: 'female', birthDate: '2000-05-01', applicationDate: '2026-11-01' };
const open = (user: string, input: Record<string, unknown> = applicant, orgId = 'branch-a1-1') =>
  f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens[user]!), payload: { type: 'member-development', orgId, input } });
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

describe('发展党员 over the API: start, 纪实表, accountability report', () => {
  let caseId: string;

  it('the branch secretary opens a case for an applicant; age, dual management and who may start are checked', async () => {
    const before = await f.db.case.count({ where: { type: 'member-development' } });
    expect(body(await open('zhang.zhibu', { ...applicant, birthDate: '2010-01-01' }))).toMatchObject({ code: 'INVALID_FORM' });
    expect(body(await open('zhang.zhibu', { ...applicant, secondOrgId: 'branch-a2-1' }))).toMatchObject({ code: 'INVALID_FORM' });
    expect(body(await open('zhang.zhibu', { ...applicant, secondOrgId: 'town-a2', dualManagement: 'floating' }))).toMatchObject({ code: 'INVALID_FORM' });
    expect(body(await open('zhang.zhibu', { ...applicant, idNumber: '110101200005011234' }))).toMatchObject({ code: 'INVALID_FORM' });
    expect((await open('sun.zhibu')).statusCode).toBe(403); // another branch's secretary
    expect(await f.db.case.count({ where: { type: 'member-development' } })).toBe(before);

    const res = await open('zhang.zhibu', { ...applicant, secondOrgId: 'branch-a2-1', dualManagement: 'in-service' });
    expect(res.statusCode).toBe(201);
    const s = body<Snapshot>(res);
    expect(s).toMatchObject({ status: 'open', stage: 'application' });
    caseId = s.caseId;
    expect(await f.db.case.findUniqueOrThrow({ where: { id: caseId } })).toMatchObject({ title: '发展党员：林小青（东湖村第一党支部）' });
  });

  it('a transferred talk that ends late: the dossier lists every step with its responsible person; the report names who held it', async () => {
    const talk = await f.db.task.findFirstOrThrow({ where: { caseId, stepKey: 'talk' } });
    const ma = await f.db.user.findUniqueOrThrow({ where: { username: 'ma.dangyuan' } });
    const transfer = await f.inbox.inject({
      method: 'POST',
      url: `/api/tasks/${talk.id}/actions?wait=next`,
      headers: bearer(tokens['zhang.zhibu']!),
      payload: { action: 'transfer', comment: '由马建华同志负责谈话', to: [{ userId: ma.id }] },
    });
    expect(transfer.statusCode).toBe(200);
    expect(Date.now()).toBeLessThan(talk.dueAt.getTime()); // transferred while the step was not yet due
    // Let the 1-month limit pass (≈ 4 s compressed), then the talk is recorded late.
    await new Promise((r) => setTimeout(r, Math.max(0, talk.dueAt.getTime() - Date.now()) + 300));
    const done = await f.inbox.inject({
      method: 'POST',
      url: `/api/tasks/${talk.id}/actions?wait=next`,
      headers: bearer(tokens['ma.dangyuan']!),
      payload: { action: 'approve', form: { talkerName: '马建华', talkDate: '2026-11-30', summary: '入党动机端正。' } },
    });
    expect(done.statusCode).toBe(200);

    const json = await f.cases.inject({ method: 'GET', url: `/api/cases/${caseId}/dossier?format=json`, headers: bearer(tokens['zhang.zhibu']!) });
    expect(json.statusCode).toBe(200);
    const dossier = body<{ steps: { stepKey: string; responsibleAtDue: string[]; closedBy: string | null; late: boolean; transfers: unknown[]; evidence: { seq: number } | null }[]; verification: { valid: boolean } }>(json);
    const talkStep = dossier.steps.find((s) => s.stepKey === 'talk')!;
    expect(talkStep).toMatchObject({ responsibleAtDue: ['马建华'], closedBy: '马建华', late: true });
    expect(talkStep.transfers).toHaveLength(1);
    expect(talkStep.evidence?.seq).toBeGreaterThan(0);
    // Every step, open or closed, names a responsible person.
    expect(dossier.steps.length).toBeGreaterThanOrEqual(3);
    for (const s of dossier.steps) expect(s.responsibleAtDue.join('')).not.toBe('');
    expect(dossier.steps.map((s) => s.stepKey)).toEqual(expect.arrayContaining(['talk', 'members-recommendation', 'mass-recommendation']));
    expect(dossier.verification.valid).toBe(true);

    const html = await f.cases.inject({ method: 'GET', url: `/api/cases/${caseId}/dossier`, headers: bearer(tokens['wang.shuji']!) });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('发展党员全程纪实表');
    expect(html.body).toContain('马建华');
    expect(html.body).toContain('@media print');

    const report = await f.cases.inject({ method: 'GET', url: `/api/reports/accountability?orgId=town-a1&from=${today()}&to=${today()}`, headers: bearer(tokens['wang.shuji']!) });
    expect(report.statusCode).toBe(200);
    const rows = body<{ rows: { caseId: string; stepKey: string; responsibleAtDue: string[]; closedBy: string | null; lateMs: number; transfers: { by: string; to: string }[] }[] }>(report).rows;
    const late = rows.find((r) => r.caseId === caseId && r.stepKey === 'talk')!;
    expect(late).toMatchObject({ responsibleAtDue: ['马建华'], closedBy: '马建华', transfers: [expect.objectContaining({ by: '张志斌', to: '马建华' })] });
    expect(late.lateMs).toBeGreaterThan(0);
  });

  it('only officials who may see the case read its dossier; the report is for supervisors of the organization', async () => {
    expect((await f.cases.inject({ method: 'GET', url: `/api/cases/${caseId}/dossier`, headers: bearer(tokens['liu.zuzhi']!) })).statusCode).toBe(404);
    expect((await f.cases.inject({ method: 'GET', url: `/api/cases/${caseId}/dossier` })).statusCode).toBe(401);
    // The second organization's secretary holds evaluation tasks of the case later, not yet: nothing to see now.
    expect((await f.cases.inject({ method: 'GET', url: `/api/cases/${caseId}/dossier`, headers: bearer(tokens['sun.zhibu']!) })).statusCode).toBe(404);
    const q = `from=${today()}&to=${today()}`;
    expect((await f.cases.inject({ method: 'GET', url: `/api/reports/accountability?orgId=town-a1&${q}`, headers: bearer(tokens['liu.zuzhi']!) })).statusCode).toBe(403);
    expect((await f.cases.inject({ method: 'GET', url: `/api/reports/accountability?orgId=town-a1&${q}`, headers: bearer(tokens['zhang.zhibu']!) })).statusCode).toBe(403);
    expect((await f.cases.inject({ method: 'GET', url: `/api/reports/accountability?orgId=nowhere&${q}`, headers: bearer(tokens['wang.shuji']!) })).statusCode).toBe(404);
    expect(body(await f.cases.inject({ method: 'GET', url: `/api/reports/accountability?orgId=town-a1&from=2026-12-01&to=2026-11-01`, headers: bearer(tokens['wang.shuji']!) }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    const county = body<{ rows: { caseId: string }[] }>(await f.cases.inject({ method: 'GET', url: `/api/reports/accountability?orgId=county-a&${q}`, headers: bearer(tokens['zhao.xianwei']!) }));
    expect(county.rows.some((r) => r.caseId === caseId)).toBe(true);
    const other = await f.cases.inject({ method: 'GET', url: `/api/reports/accountability?orgId=town-a2&${q}`, headers: bearer(tokens['zhao.xianwei']!) });
    expect(body<{ rows: { caseId: string }[] }>(other).rows.some((r) => r.caseId === caseId)).toBe(false);
  });

  it('the branch or the township may end the case (终止) with a reason; others may not', async () => {
    const s = body<Snapshot>(await open('zhang.zhibu', { ...applicant, name: '吴终止' }));
    const act = (user: string, comment?: string) =>
      f.cases.inject({ method: 'POST', url: `/api/cases/${s.caseId}/actions`, headers: bearer(tokens[user]!), payload: { action: 'terminate', ...(comment ? { comment } : {}) } });
    expect((await act('liu.zuzhi', '无关')).statusCode).toBe(404);
    expect(body(await act('zhang.zhibu'))).toMatchObject({ code: 'COMMENT_REQUIRED' });
    const ended = await act('wang.shuji', '申请人已迁出本村，转由迁入地党组织培养');
    expect(ended.statusCode).toBe(200);
    expect(body(ended)).toMatchObject({ status: 'cancelled', openTasks: [] });
    const c = await f.db.case.findUniqueOrThrow({ where: { id: s.caseId } });
    expect(c.status).toBe('cancelled');
    expect(await f.db.task.count({ where: { caseId: s.caseId, status: 'open' } })).toBe(0);
  });
});
