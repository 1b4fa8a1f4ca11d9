// The facts of a decision on its task (issue 16 point 1): earlier steps' submitted forms and the rules'
// findings on every task of the case; the objection on a 核实 task only for the officials holding it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedClientAddress } from '@dj/service-kit';
import { fullMeeting } from '../src/meetings';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

// Two seconds per working day: the 公示 stays open long enough (≈ 10 s) to object to it.
let f: Fixture;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  f = await startServices({ workingDaySeconds: 2 });
  for (const u of ['zhang.zhibu', 'li.zuzhi', 'wang.shuji', 'sun.zhibu', 'zhao.xianwei', 'qian.minzheng', 'zheng.jiwei', 'feng.zhengfa', 'wu.sifa', 'he.xianwei']) tokens[u] = await f.login(u);
});
afterAll(async () => {
  await f?.close();
});

async function until<T>(fn: () => Promise<T | null | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
const openTask = (caseId: string, stepKey: string) => until(() => f.db.task.findFirst({ where: { caseId, stepKey, status: 'open', kind: 'step' } }), stepKey);
async function act(user: string, caseId: string, stepKey: string, form: Record<string, unknown>) {
  const t = await openTask(caseId, stepKey);
  const res = await f.inbox.inject({ method: 'POST', url: `/api/tasks/${t.id}/actions?wait=next`, headers: bearer(tokens[user]!), payload: { action: 'approve', form } });
  expect(res.statusCode, res.body).toBe(200);
  return body<{ outcome: { tone: string; text: string } | null }>(res);
}
type Facts = {
  submissions: { stepKey: string; formId: string; form: Record<string, unknown>; actor: string }[];
  findings: { type: string; data: Record<string, unknown> }[];
  schemas: Record<string, { title?: string }>;
  objection: { name: string; phone: string; content: string } | null;
};
const factsOf = async (user: string, taskId: string) => {
  const res = await f.inbox.inject({ method: 'GET', url: `/api/tasks/${taskId}`, headers: bearer(tokens[user]!) });
  return { status: res.statusCode, facts: body<{ facts: Facts }>(res).facts };
};

describe('task facts', () => {
  it('a later step shows the earlier forms with their schemas and the counted vote; the 核实 task shows the objection to its holders only', async () => {
    const opened = await f.cases.inject({
      method: 'POST',
      url: '/api/cases',
      headers: bearer(tokens['zhang.zhibu']!),
      payload: { type: 'member-development', orgId: 'branch-a1-1', input: { name: '吴小兰', gender: 'female', birthDate: '1999-02-01', applicationDate: '2026-11-01' } },
    });
    expect(opened.statusCode).toBe(201);
    const caseId = body<{ caseId: string }>(opened).caseId;
    await act('zhang.zhibu', caseId, 'talk', { talkerName: '张志斌', talkDate: '2026-11-10', summary: '入党动机端正，对党的认识较深。' });
    // The answer says what the vote led to: below 3/5 it is held again (not a plain "已同意").
    const failed = await act('zhang.zhibu', caseId, 'members-recommendation', { meetingDate: '2026-11-18', eligible: 30, present: 25, for: 14, against: 9, abstain: 2 });
    expect(failed.outcome).toEqual({ tone: 'warning', text: '未通过（赞成 14，实到 25；赞成票须不少于实到人数的 3/5），重新表决' });
    const passed = await act('zhang.zhibu', caseId, 'members-recommendation', { meetingDate: '2026-11-20', eligible: 30, present: 25, for: 20, against: 3, abstain: 2 });
    expect(passed.outcome).toMatchObject({ tone: 'success', text: expect.stringMatching(/^通过/) });
    expect(await f.db.caseEvent.count({ where: { caseId, type: 'vote.counted' } })).toBe(2);
    await act('zhang.zhibu', caseId, 'mass-recommendation', { organization: 'youth-league', recommended: true, date: '2026-11-20', document: '团支部推优表' });

    const committee = await openTask(caseId, 'activist-committee');
    const { facts } = await factsOf('zhang.zhibu', committee.id);
    expect(facts.submissions.map((s) => s.stepKey)).toEqual(expect.arrayContaining(['talk', 'members-recommendation', 'mass-recommendation']));
    const talk = facts.submissions.find((s) => s.stepKey === 'talk')!;
    expect(talk).toMatchObject({ formId: 'member.talk', actor: '张志斌', form: { summary: '入党动机端正，对党的认识较深。' } });
    expect(facts.schemas['member.talk']?.title).toBe('谈话记录');
    expect(facts.findings.filter((x) => x.type === 'vote.counted').at(-1)?.data).toMatchObject({ step: 'members-recommendation', passed: true, threshold: { numerator: 3, denominator: 5 } });
    expect(facts.objection).toBeNull();

    await act('zhang.zhibu', caseId, 'activist-committee', await fullMeeting(f.inbox, tokens['zhang.zhibu']!, committee.id, '同意确定为入党积极分子。'));
    const notice = await until(() => f.db.notice.findFirst({ where: { caseId, orgId: 'branch-a1-1', status: 'active' } }), 'the 公示');
    const filed = await f.noticeBoard.inject({
      method: 'POST',
      url: `/api/notices/${notice.id}/objections`,
      headers: signedClientAddress('198.51.100.16', f.deps.jwtSecret),
      payload: { name: '钱多多', phone: '13912345678', content: '该同志曾在村务中有不实言论，请组织核实。' },
    });
    expect(filed.statusCode).toBe(201);
    const verify = await until(() => f.db.task.findFirst({ where: { caseId, subjectType: 'objection', status: 'open' } }), 'the 核实 task');

    // li.zuzhi holds the 核实 task (the township's organization member): the objection and who raised it.
    const holder = await factsOf('li.zuzhi', verify.id);
    expect(holder.status).toBe(200);
    expect(holder.facts.objection).toMatchObject({ name: '钱多多', phone: '13912345678', content: '该同志曾在村务中有不实言论，请组织核实。' });
    // The township secretary and the branch secretary see the case and the task, not the objector's particulars.
    for (const user of ['wang.shuji', 'zhang.zhibu']) {
      const other = await factsOf(user, verify.id);
      expect(other.status, user).toBe(200);
      expect(other.facts.objection, user).toBeNull();
    }
    // An outsider does not see the task at all.
    expect((await factsOf('sun.zhibu', verify.id)).status).toBe(404);
  }, 120_000);
});

const clean = { criminalRecord: false, disciplinePeriod: false, underInvestigation: false, blackEvilForces: false, clanForces: false, illegalReligion: false };
const candidate = (name: string, extra: Record<string, unknown> = {}) => ({ name, gender: 'male', birthDate: '1985-06-01', education: 'bachelor', source: 'members-masses', resume: '长期在村工作，群众基础好。', declarations: clean, joinedOn: '2008-07-01', fullOn: '2009-07-01', ...extra });
const caseView = async (user: string, caseId: string) => f.cases.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: bearer(tokens[user]!) });

describe('书记选配: candidates with their screening, every signer in the 纪实表, the case actions offered', () => {
  it('the joint review shows the candidates with the negative-list result; the 纪实表 keeps every signer’s opinion', async () => {
    const opened = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens['li.zuzhi']!), payload: { type: 'secretary-replacement', orgId: 'branch-a1-1', input: { reason: 'vacancy', description: '原书记调离，岗位空缺。' } } });
    expect(opened.statusCode).toBe(201);
    const caseId = body<{ caseId: string }>(opened).caseId;
    // The initiator may withdraw before anybody acts; the county may end the case; the township secretary neither.
    expect(body<{ caseActions: string[] }>(await caseView('li.zuzhi', caseId)).caseActions).toEqual(['withdraw']);
    // The current stage by its Chinese name, never the engine's code.
    expect(body<{ case: { stage: string; stageName: string } }>(await caseView('li.zuzhi', caseId)).case).toMatchObject({ stage: 'propose-candidates', stageName: '提出人选' });
    expect(body<{ caseActions: string[] }>(await caseView('zhao.xianwei', caseId)).caseActions).toEqual(['cancel']);
    expect(body<{ caseActions: string[] }>(await caseView('wang.shuji', caseId)).caseActions).toEqual([]);

    await act('li.zuzhi', caseId, 'propose-candidates', { candidates: [candidate('王建设'), candidate('赵有为', { declarations: { ...clean, criminalRecord: true } })] });
    const review = await openTask(caseId, 'joint-review');
    const { facts } = await factsOf('qian.minzheng', review.id);
    const proposal = facts.submissions.find((s) => s.stepKey === 'propose-candidates')!;
    expect((proposal.form.candidates as { name: string }[]).map((c) => c.name)).toEqual(['王建设', '赵有为']);
    const screened = facts.findings.find((x) => x.type === 'candidates.screened')!.data as { results: { name: string; hits: { label: string }[] }[] };
    expect(screened.results.find((r) => r.name === '王建设')!.hits).toEqual([]);
    expect(screened.results.find((r) => r.name === '赵有为')!.hits.length).toBeGreaterThan(0);

    const opinions: Record<string, string> = { 'zhao.xianwei': '组织部：同意王建设', 'qian.minzheng': '民政局：无异议', 'zheng.jiwei': '纪委监委：无违纪记录', 'feng.zhengfa': '政法委：无异议', 'wu.sifa': '司法局：无犯罪记录' };
    for (const [user, opinion] of Object.entries(opinions)) {
      const res = await f.inbox.inject({ method: 'POST', url: `/api/tasks/${review.id}/actions?wait=next`, headers: bearer(tokens[user]!), payload: { action: 'approve', form: { opinion } } });
      expect(res.statusCode, res.body).toBe(200);
    }
    // The case page has the same facts (without any objection).
    const onCase = body<{ facts: Facts }>(await caseView('he.xianwei', caseId)).facts;
    expect(onCase.submissions.map((x) => x.stepKey)).toContain('propose-candidates');
    expect(onCase).not.toHaveProperty('objection');
    // After the township acted, the initiator can no longer withdraw: the button is not offered.
    expect(body<{ caseActions: string[] }>(await caseView('li.zuzhi', caseId)).caseActions).toEqual([]);

    const html = await f.cases.inject({ method: 'GET', url: `/api/cases/${caseId}/dossier`, headers: bearer(tokens['li.zuzhi']!) });
    expect(html.statusCode).toBe(200);
    for (const opinion of Object.values(opinions)) expect(html.body).toContain(opinion);
    expect(html.body).toContain('姓名：王建设');
    expect(html.body).toContain('学历：本科');
    expect(html.body).not.toMatch(/"[a-zA-Z]+":/); // no raw JSON
    expect(html.body).not.toContain('members-masses');
  }, 120_000);
});
