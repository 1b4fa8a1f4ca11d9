import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { objectionPhoneColumns, verifyCaseRecord } from '@dj/db';
import type { Actor, SecretaryCandidate } from '@dj/contracts';
import { objectionFiledSignal, type SecretaryReplacementInput } from '@dj/process-api';
import { captureHistory, rejection, startHarness, until, type Harness, actAndWait, caseActionAndWait } from '../../../test/harness';

// One working day lasts 1 s: the 任前公示 (5 working days) lasts 5 s; a month lasts 21 s, so the
// 3-month case deadline (63 s) never interferes here (it has its own test below).
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ workingDaySeconds: 1 });
});
afterAll(async () => {
  await h?.close();
});

const clean: SecretaryCandidate['declarations'] = {
  criminalRecord: false,
  disciplinePeriod: false,
  underInvestigation: false,
  blackEvilForces: false,
  clanForces: false,
  illegalReligion: false,
};

function candidate(name: string, overrides: Partial<SecretaryCandidate> = {}): SecretaryCandidate {
  return {
    name,
    gender: 'male',
    birthDate: '1985-06-01',
    education: 'bachelor',
    source: 'members-masses',
    resume: '长期在村工作，群众基础好。',
    declarations: clean,
    joinedOn: '2008-07-01',
    fullOn: '2009-07-01',
    ...overrides,
  } as SecretaryCandidate;
}

async function openCase(harness: Harness = h) {
  const li = await harness.actor('li.zuzhi');
  const caseId = randomUUID();
  const input: SecretaryReplacementInput = {
    caseId,
    branchId: 'branch-a1-1',
    branchName: '东湖村第一党支部',
    townshipId: 'town-a1',
    countyId: 'county-a',
    initiator: { userId: li.userId, name: li.name },
    reason: 'vacancy',
    description: '原书记因病辞职，书记岗位空缺。',
  };
  return harness.startCase('secretaryReplacement', 'secretary-replacement', input);
}

async function act(handle: WorkflowHandle, stepKey: string, username: string, action: string, extra: Record<string, unknown> = {}, harness: Harness = h) {
  const { openTasks } = await handle.query<{ openTasks: { id: string; stepKey: string; kind: string }[] }>('snapshot');
  const task = openTasks.find((t) => t.stepKey === stepKey && t.kind === 'step');
  if (!task) throw new Error(`no open ${stepKey} task; open: ${openTasks.map((t) => t.stepKey).join(', ')}`);
  const actor: Actor = await harness.actor(username);
  return actAndWait(handle, { taskId: task.id, actor, action: action as never, ...extra });
}

/** Waits until the workflow has opened a task of this step (a stage is set just before its task opens). */
function stepOpen(handle: WorkflowHandle, stepKey: string) {
  return until(async () => (await handle.query<{ openTasks: { stepKey: string }[] }>('snapshot')).openTasks.some((t) => t.stepKey === stepKey), 20_000);
}

const JOINT_REVIEWERS = ['zhao.xianwei', 'qian.minzheng', 'zheng.jiwei', 'feng.zhengfa', 'wu.sifa'];

/** Candidates proposed → joint review (all five) → interview → township decision → county filing. */
async function throughFiling(handle: WorkflowHandle, chosen: SecretaryCandidate, others: SecretaryCandidate[] = []) {
  await act(handle, 'propose-candidates', 'li.zuzhi', 'approve', { form: { candidates: [chosen, ...others] } });
  for (const u of JOINT_REVIEWERS) await act(handle, 'joint-review', u, 'approve', { form: { opinion: '无异议' } });
  await act(handle, 'interview', 'li.zuzhi', 'approve', { form: { candidateName: chosen.name, findings: '群众认可度高', interviewees: 35 } });
  await act(handle, 'township-decision', 'wang.shuji', 'approve', await h.meeting('town-a1', { opinion: '同意' }));
  return act(handle, 'county-filing', 'zhao.xianwei', 'approve', { form: { opinion: '同意备案' } });
}

describe('村党组织书记选配 workflow', () => {
  it('from opening to the election: screen, 联审 countersign, notice; a candidate not on the branch roster is sent back before the election', async () => {
    const { handle, caseId, snapshot } = await openCase();
    expect(snapshot.stage).toBe('propose-candidates');
    const c = await h.db.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(c.deadlineAt).not.toBeNull();

    await act(handle, 'propose-candidates', 'li.zuzhi', 'approve', { form: { candidates: [candidate('赵春生')] } });
    // 会签: the task stays open until all five departments approved.
    for (const u of JOINT_REVIEWERS.slice(0, 4)) {
      const r = await act(handle, 'joint-review', u, 'approve', { form: {} });
      expect(r.task.status).toBe('open');
    }
    expect(await rejection(act(handle, 'joint-review', 'zhao.xianwei', 'approve', { form: {} }))).toBe('ALREADY_ACTED');
    await act(handle, 'joint-review', 'wu.sifa', 'approve', { form: {} });
    expect(await rejection(act(handle, 'interview', 'li.zuzhi', 'approve', { form: { candidateName: '不存在', findings: 'x', interviewees: 3 } }))).toBe('INVALID_FORM');
    await act(handle, 'interview', 'li.zuzhi', 'approve', { form: { candidateName: '赵春生', findings: '群众认可度高', interviewees: 35 } });
    // The township decides in a 党委会 (issue 14): its meeting, with the committee's roster at the meeting date.
    expect(await rejection(act(handle, 'township-decision', 'wang.shuji', 'approve', { form: {} }))).toBe('INVALID_FORM');
    await act(handle, 'township-decision', 'wang.shuji', 'approve', await h.meeting('town-a1'));
    const filed = await act(handle, 'county-filing', 'zhao.xianwei', 'approve', { form: {} });
    expect(filed.case.stage).toBe('public-notice');

    const notice = await h.db.notice.findFirstOrThrow({ where: { caseId } });
    expect(notice).toMatchObject({ status: 'active', orgId: 'branch-a1-1', workingDays: 5 });
    expect(notice.body).toContain('赵春生');

    // 赵春生 is not on 东湖村第一党支部's roster: the branch cannot elect him (党章第七条; the election itself is in secretary-election.workflow.test.ts).
    const back = await until(() => h.db.caseEvent.findFirst({ where: { caseId, type: 'case.sent-back' } }), 20_000);
    expect(back.data).toMatchObject({ from: 'candidate-membership' });
    expect((await h.db.notice.findUniqueOrThrow({ where: { id: notice.id } })).status).toBe('closed');
    expect(await h.db.caseEvent.count({ where: { caseId, type: 'branch.secretary-updated' } })).toBe(0);
    const types = (await h.db.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['candidates.screened', 'notice.published', 'notice.closed', 'candidate.membership-checked']));
    expect((await verifyCaseRecord(h.db, caseId)).valid).toBe(true);
  });

  it('a negative-list hit stops that candidate, with the rule on the record; all hit → back to proposal', async () => {
    const { handle, caseId } = await openCase();
    await act(handle, 'propose-candidates', 'li.zuzhi', 'approve', {
      form: { candidates: [candidate('钱有罪', { declarations: { ...clean, criminalRecord: true } }), candidate('孙清白')] },
    });
    const screened = await h.db.caseEvent.findFirstOrThrow({ where: { caseId, type: 'candidates.screened' } });
    const results = (screened.data as { results: { name: string; hits: { ruleId: string; label: string }[] }[] }).results;
    expect(results.find((r) => r.name === '钱有罪')!.hits).toEqual([expect.objectContaining({ label: expect.stringContaining('刑事') })]);
    expect(results.find((r) => r.name === '孙清白')!.hits).toEqual([]);
    for (const u of JOINT_REVIEWERS) await act(handle, 'joint-review', u, 'approve', { form: {} });
    expect(await rejection(act(handle, 'interview', 'li.zuzhi', 'approve', { form: { candidateName: '钱有罪', findings: 'x', interviewees: 3 } }))).toBe('INVALID_FORM');

    const second = await openCase();
    const back = await act(second.handle, 'propose-candidates', 'li.zuzhi', 'approve', { form: { candidates: [candidate('李超龄', { birthDate: '1950-01-01' })] } });
    expect(back.case.stage).toBe('propose-candidates');
    expect(await h.db.caseEvent.count({ where: { caseId: second.caseId, type: 'case.sent-back' } })).toBe(1);
    const rounds = await h.db.task.findMany({ where: { caseId: second.caseId, stepKey: 'propose-candidates' }, orderBy: { round: 'asc' } });
    expect(rounds.map((t) => [t.round, t.status])).toEqual([
      [1, 'completed'],
      [2, 'open'],
    ]);
  });

  it('a township rejection sends the case back to proposal; the second round succeeds, both rounds on the record', async () => {
    const { handle, caseId } = await openCase();
    await act(handle, 'propose-candidates', 'li.zuzhi', 'approve', { form: { candidates: [candidate('周一')] } });
    for (const u of JOINT_REVIEWERS) await act(handle, 'joint-review', u, 'approve', { form: {} });
    await act(handle, 'interview', 'li.zuzhi', 'approve', { form: { candidateName: '周一', findings: '有争议', interviewees: 20 } });
    // 驳回 is the 党委会's vote that did not carry the candidate: a bare click is refused, so is a carried vote.
    expect(await rejection(act(handle, 'township-decision', 'wang.shuji', 'reject', { comment: '群众意见分歧较大，重新推荐人选' }))).toBe('INVALID_FORM');
    expect(await rejection(act(handle, 'township-decision', 'wang.shuji', 'reject', { comment: '群众意见分歧较大', ...(await h.meeting('town-a1', {}, { for: 2 })) }))).toBe('MEETING_CARRIED');
    const rejected = await act(handle, 'township-decision', 'wang.shuji', 'reject', { comment: '群众意见分歧较大，重新推荐人选', ...(await h.meeting('town-a1', {}, { for: 1 })) });
    expect(rejected.case.stage).toBe('propose-candidates');
    const sentBack = await h.db.caseEvent.findFirstOrThrow({ where: { caseId, type: 'case.sent-back' } });
    expect(sentBack.data).toMatchObject({ from: 'township-decision', reason: '群众意见分歧较大，重新推荐人选' });

    const appointed = candidate('吴二', { source: 'dispatched-official' });
    await throughFiling(handle, appointed);
    await stepOpen(handle, 'appointment');
    const order = { orderNumber: '东湖党任〔2026〕12号', effectiveDate: '2026-11-25' };
    // The appointment is a 党委会 decision: 1 of the 3 members present is no quorum (支部工作条例 第十二条, domain.md).
    expect(await rejection(act(handle, 'appointment', 'wang.shuji', 'approve', await h.meeting('town-a1', order, { attendees: 1 })))).toBe('MEETING_NO_QUORUM');
    const done = await act(handle, 'appointment', 'wang.shuji', 'approve', await h.meeting('town-a1', order, { attendees: 2 }));
    const appointment = await h.db.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
    expect(appointment.find((e) => (e.data as { form?: { orderNumber?: string } } | null)?.form?.orderNumber)?.data).toMatchObject({ meeting: { body: 'committee', orgId: 'town-a1', present: 2, carried: true } });
    expect(done.case.status).toBe('completed');
    expect((await h.db.case.findUniqueOrThrow({ where: { id: caseId } })).result).toMatchObject({ secretary: '吴二', method: 'appointment', rounds: 2 });
    const decisions = await h.db.task.findMany({ where: { caseId, stepKey: 'township-decision' }, orderBy: { round: 'asc' } });
    expect(decisions.map((t) => [t.round, t.outcome])).toEqual([
      [1, 'reject'],
      [2, 'approve'],
    ]);
    await captureHistory(handle, 'secretary-replacement-rejected-then-appointed-election-rules');
  });

  it('an objection during the notice becomes a 核实 task; substantiated, it sends the case back', async () => {
    const { handle, caseId } = await openCase();
    await throughFiling(handle, candidate('郑三'));
    const notice = await h.db.notice.findFirstOrThrow({ where: { caseId, status: 'active' } });
    const objectionId = randomUUID();
    const objection = await h.db.objection.create({
      data: { id: objectionId, receiptNo: `T${Date.now()}`, noticeId: notice.id, name: '王群众', ...objectionPhoneColumns(objectionId, '13800138000'), content: '该人选长期不在村居住。', clientKey: 'test', status: 'pending', createdAt: new Date() },
    });
    await handle.signal(objectionFiledSignal, { objectionId: objection.id, noticeId: notice.id });
    const verify = await until(() => h.db.task.findFirst({ where: { caseId, stepKey: 'verify-objection', status: 'open' } }));
    expect(verify).toMatchObject({ subjectType: 'objection', subjectId: objection.id, orgId: 'town-a1' });
    // The notice period ends, but the step waits for the finding.
    await new Promise((r) => setTimeout(r, 6_000));
    expect((await handle.query<{ stage: string }>('snapshot')).stage).toBe('public-notice');
    const back = await act(handle, 'verify-objection', 'li.zuzhi', 'approve', { form: { substantiated: true, explanation: '经核实，该人选确长期在外务工。' } });
    expect(back.case.stage).toBe('propose-candidates');
    expect(await h.db.objection.findUniqueOrThrow({ where: { id: objection.id } })).toMatchObject({ status: 'substantiated', taskId: verify.id });
    expect((await h.db.notice.findUniqueOrThrow({ where: { id: notice.id } })).status).toBe('withdrawn');
    const finding = await h.db.caseEvent.findFirstOrThrow({ where: { caseId, type: 'objection.verified' } });
    expect(JSON.stringify(finding.data)).not.toContain('13800138000');
    expect(JSON.stringify(finding.data)).not.toContain('王群众');
  });

  it('the county may record a 第一书记 and cancel the case with a reason; others may not', async () => {
    const { handle, caseId } = await openCase();
    const liu = await h.actor('liu.zuzhi');
    const zhao = await h.actor('zhao.xianwei');
    expect(await rejection(caseActionAndWait(handle, { action: 'cancel', actor: liu, comment: 'x' }))).toBe('FORBIDDEN');
    expect(await rejection(caseActionAndWait(handle, { action: 'cancel', actor: zhao }))).toBe('COMMENT_REQUIRED');
    await caseActionAndWait(handle, { action: 'record_first_secretary', actor: zhao, data: { name: '陈驻村', unit: '县农业农村局' } });
    expect((await h.db.orgUnit.findUniqueOrThrow({ where: { id: 'branch-a1-1' } })).firstSecretaryName).toBe('陈驻村');
    const cancelled = await caseActionAndWait(handle, { action: 'cancel', actor: zhao, comment: '村党组织合并，不再单独选配' });
    expect(cancelled).toMatchObject({ status: 'cancelled', openTasks: [] });
    expect(await h.db.case.findUniqueOrThrow({ where: { id: caseId } })).toMatchObject({ status: 'cancelled' });
  });
});

describe('the 3-month case deadline', () => {
  let fast: Harness;
  beforeAll(async () => {
    // A month lasts 21 × 0.1 s = 2.1 s: warning at 4.2 s, deadline at 6.3 s.
    fast = await startHarness({ workingDaySeconds: 0.1 });
  });
  afterAll(async () => {
    await fast?.close();
  });

  it('warns at 2 months; at 3 the county committee gets a 督办 and the case shows overdue; work goes on', async () => {
    const { handle, caseId } = await openCase(fast);
    await until(() => fast.db.caseEvent.findFirst({ where: { caseId, type: 'case.deadline-warning' } }), 20_000);
    const supervision = await until(() => fast.db.task.findFirst({ where: { caseId, stepKey: 'case-deadline' }, include: { assignees: true } }), 20_000);
    expect(supervision).toMatchObject({ kind: 'supervision', status: 'open', orgId: 'county-a' });
    expect(supervision.assignees[0]).toMatchObject({ orgId: 'county-a', role: 'county_secretary' });
    expect((await fast.db.case.findUniqueOrThrow({ where: { id: caseId } })).overdue).toBe(true);
    const he = await fast.db.user.findUniqueOrThrow({ where: { username: 'he.xianwei' } });
    expect(await fast.db.notification.count({ where: { userId: he.id, caseId, kind: 'supervision' } })).toBe(1);
    // The case continues: the proposal can still be made.
    const r = await act(handle, 'propose-candidates', 'li.zuzhi', 'approve', { form: { candidates: [candidate('冯四')] } }, fast);
    expect(r.case.stage).toBe('joint-review');
    expect(r.case.status).toBe('open');
  });
});
