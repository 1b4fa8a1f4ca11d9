// 书记选配 over HTTP, steps 7–8 as the election rules have them (issue 14 point 3): a probationary candidate is
// refused at the proposal naming the rule; the election step is the branch's 党员大会 with its roster of full
// members; a void election is refused with the 4/5 rule; the township 党委会 approves before the secretary changes.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullMeeting } from '../src/meetings';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';
import { until } from '../../workflows/test/harness';

// One second per working day: the 任前公示 lasts 5 s.
let f: Fixture;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  f = await startServices({ workingDaySeconds: 1 });
  for (const u of ['li.zuzhi', 'wang.shuji', 'zhao.xianwei', 'qian.minzheng', 'zheng.jiwei', 'feng.zhengfa', 'wu.sifa', 'liu.zuzhi']) tokens[u] = await f.login(u);
});
afterAll(async () => {
  await f?.close();
});

const d = (s: string) => new Date(`${s}T00:00:00Z`);

/** A branch of 东湖村 without a committee: 5 full members (the first its secretary) and 1 probationary member. */
async function makeBranch() {
  const id = `branch-h-${randomUUID().slice(0, 8)}`;
  const village = await f.db.orgUnit.findUniqueOrThrow({ where: { id: 'village-a1-1' } });
  const name = `东湖村选举${id.slice(-4)}党支部`;
  await f.db.orgUnit.create({ data: { id, name, type: 'branch', parentId: village.id, path: `${village.path}${id}/`, depth: village.depth + 1, establishedOn: d('2000-01-01'), secretaryName: '原书记' } });
  const people: { id: string; name: string; birthDate: string; full: boolean }[] = [];
  for (let i = 0; i < 6; i++) {
    const p = { id: randomUUID(), name: `${'赵钱孙李周吴'[i]}${id.slice(-4)}`, birthDate: `198${i}-03-0${i + 1}`, full: i < 5 };
    await f.db.person.create({ data: { id: p.id, name: p.name, gender: 'female', birthDate: d(p.birthDate), joinedOn: d(p.full ? '2005-07-01' : '2026-06-01'), fullOn: p.full ? d('2006-07-01') : null, status: p.full ? 'full' : 'probationary' } });
    await f.db.partyMembership.create({ data: { id: randomUUID(), personId: p.id, branchId: id, startOn: d('2010-01-01') } });
    people.push(p);
  }
  await f.db.orgRole.create({ data: { id: randomUUID(), orgId: id, personId: people[0]!.id, role: 'secretary', startOn: d('2024-01-01') } });
  return { id, name, people };
}

const openTask = (caseId: string, stepKey: string) => until(() => f.db.task.findFirst({ where: { caseId, stepKey, status: 'open', kind: 'step' } }), 30_000);
const post = (user: string, taskId: string, payload: Record<string, unknown>) => f.inbox.inject({ method: 'POST', url: `/api/tasks/${taskId}/actions?wait=next`, headers: bearer(tokens[user]!), payload });
async function approve(user: string, caseId: string, stepKey: string, form: Record<string, unknown>) {
  const t = await openTask(caseId, stepKey);
  const res = await post(user, t.id, { action: 'approve', form });
  expect(res.statusCode, res.body).toBe(200);
  return body<{ outcome: { tone: string; text: string } | null; case: { status: string; stage: string } }>(res);
}

const clean = { criminalRecord: false, disciplinePeriod: false, underInvestigation: false, blackEvilForces: false, clanForces: false, illegalReligion: false };
const candidate = (p: { name: string; birthDate: string }, extra: Record<string, unknown> = {}) => ({
  name: p.name,
  gender: 'female',
  birthDate: p.birthDate,
  education: 'college',
  source: 'members-masses',
  resume: '村妇女主任，群众基础好。',
  declarations: clean,
  joinedOn: '2005-07-01',
  fullOn: '2006-07-01',
  ...extra,
});

describe('书记选配: the election as the rules have it, over the inbox API', () => {
  it('probationary candidate refused; 党员大会 of the full members elects; the township 党委会 approves, then the secretary changes', async () => {
    const branch = await makeBranch();
    const opened = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens['li.zuzhi']!), payload: { type: 'secretary-replacement', orgId: branch.id, input: { reason: 'vacancy', description: '原书记病故，岗位空缺。' } } });
    expect(opened.statusCode, opened.body).toBe(201);
    const caseId = body<{ caseId: string }>(opened).caseId;

    // 党章第七条 / 选举工作条例第五条: a probationary member has no right to be elected — 400 naming the rule, nothing changes.
    const propose = await openTask(caseId, 'propose-candidates');
    const probationary = branch.people[5]!;
    const refused = await post('li.zuzhi', propose.id, { action: 'approve', form: { candidates: [candidate(probationary, { joinedOn: '2026-06-01', fullOn: undefined })] } });
    expect(refused.statusCode).toBe(400);
    expect(body<{ code: string; message: string }>(refused)).toMatchObject({ code: 'INVALID_FORM', message: expect.stringMatching(/人选须为正式党员.*党章第七条/) });
    expect(await f.db.task.findUniqueOrThrow({ where: { id: propose.id } })).toMatchObject({ status: 'open' });

    const chosen = branch.people[3]!;
    await approve('li.zuzhi', caseId, 'propose-candidates', { candidates: [candidate(chosen)] });
    const review = await openTask(caseId, 'joint-review');
    for (const u of ['zhao.xianwei', 'qian.minzheng', 'zheng.jiwei', 'feng.zhengfa', 'wu.sifa']) expect((await post(u, review.id, { action: 'approve', form: {} })).statusCode).toBe(200);
    await approve('li.zuzhi', caseId, 'interview', { candidateName: chosen.name, findings: '群众认可度高', interviewees: 20 });
    const decision = await openTask(caseId, 'township-decision');
    await approve('wang.shuji', caseId, 'township-decision', await fullMeeting(f.inbox, tokens['wang.shuji']!, decision.id));
    await approve('zhao.xianwei', caseId, 'county-filing', {});

    // After the 公示: the 党员大会 of this branch (no committee: 5 full members) elects the secretary directly.
    const electionTask = await until(() => f.db.task.findFirst({ where: { caseId, stepKey: 'general-meeting-election', status: 'open' } }), 30_000);
    expect(electionTask.orgId).toBe(branch.id);
    const detail = await f.inbox.inject({ method: 'GET', url: `/api/tasks/${electionTask.id}?meetingDate=2026-11-20`, headers: bearer(tokens['li.zuzhi']!) });
    const meeting = body<{ meeting: { body: string; bodyName: string; roster: { id: string; name: string }[] } }>(detail).meeting;
    expect(meeting).toMatchObject({ body: 'general-meeting', bodyName: '党员大会' });
    // 党章第七条: the probationary member has no vote.
    expect(meeting.roster.map((m) => m.name).sort()).toEqual(branch.people.slice(0, 5).map((p) => p.name).sort());
    const ballot = (attendees: number, yes: number) => ({ meetingDate: '2026-11-20', place: '村党群服务中心', attendees: meeting.roster.slice(0, attendees).map((m) => m.id), ballotMethod: 'secret-ballot', for: yes, against: attendees - yes, abstain: 0, resolution: `选举${chosen.name}为党支部书记。` });
    // 4 of 5 present is not more than 4/5: void, refused with the rule named; the step stays open.
    const voidMeeting = await post('li.zuzhi', electionTask.id, { action: 'approve', form: ballot(4, 4) });
    expect(voidMeeting.statusCode).toBe(400);
    expect(body<{ code: string; message: string }>(voidMeeting)).toMatchObject({ code: 'ELECTION_NO_QUORUM', message: expect.stringContaining('五分之四') });
    // Without a committee nobody is approved by one click of the township either.
    const elected = await post('li.zuzhi', electionTask.id, { action: 'approve', form: ballot(5, 3) });
    expect(elected.statusCode, elected.body).toBe(200);
    expect(body<{ outcome: { tone: string; text: string } }>(elected).outcome).toMatchObject({ tone: 'success', text: expect.stringContaining(`${chosen.name}当选`) });

    // 上级党组织批准: reported to the township; the secretary is not changed before its 党委会 approves.
    const approval = await openTask(caseId, 'approval');
    expect(approval.orgId).toBe('town-a1');
    expect((await f.db.orgUnit.findUniqueOrThrow({ where: { id: branch.id } })).secretaryName).toBe('原书记');
    const approvalDetail = body<{ meeting: { bodyName: string } }>(await f.inbox.inject({ method: 'GET', url: `/api/tasks/${approval.id}`, headers: bearer(tokens['wang.shuji']!) }));
    expect(approvalDetail.meeting.bodyName).toBe('党委会');
    expect((await post('li.zuzhi', approval.id, { action: 'approve', form: {} })).statusCode).toBe(403);
    const approvedMeeting = { ...(await fullMeeting(f.inbox, tokens['wang.shuji']!, approval.id, '批准选举结果。', '2026-11-24')), effectiveDate: '2026-11-25' };
    const done = await post('wang.shuji', approval.id, { action: 'approve', form: approvedMeeting });
    expect(done.statusCode, done.body).toBe(200);
    expect(body<{ case: { status: string } }>(done).case.status).toBe('completed');
    expect((await f.db.orgUnit.findUniqueOrThrow({ where: { id: branch.id } })).secretaryName).toBe(chosen.name);

    // The 纪实表 shows the 党员大会 and the 党委会 with their rules.
    const dossier = await f.cases.inject({ method: 'GET', url: `/api/cases/${caseId}/dossier?format=json`, headers: bearer(tokens['li.zuzhi']!) });
    expect(dossier.statusCode).toBe(200);
    expect(dossier.body).toContain('始得当选');
    expect(dossier.body).toContain('上级党组织批准');
    // Another township sees nothing of it.
    expect((await f.cases.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: bearer(tokens['liu.zuzhi']!) })).statusCode).toBe(404);
  }, 120_000);
});
