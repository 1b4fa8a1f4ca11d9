// End to end over HTTP: 村党组织书记选配 (secretary replacement) on the whole stack as the README starts
// it, driven through the gateway like the console and the public notice board (公示栏) do.
// One working day lasts 1 s: the 任前公示 (5 working days) lasts 5 s, a month 21 s. The 3-month case
// deadline (63 s) is covered by the workflow test; no scenario here waits for it.
//
// Rate limit of the public objection endpoint: 5 requests per client address per 10 minutes, counted
// before validation (an onRequest hook; counts in PostgreSQL), so 400s and 404s count too. Every request of
// this file comes from 127.0.0.1 and the stack (with its own database) is started once, so the file
// can make only five objection requests that reach the handler; the 6th and later must be 429. The
// tests run in file order: scenario 2 takes two (the objection, 201; the late one, 409), scenario 3 the
// remaining three (name with digits, bad phone, unknown notice) and asserts 429 RATE_LIMITED for the
// rest of its inputs, which is then the correct answer. `fileObjection` counts the requests made, so the
// expected answer of each (its own code, or 429 past the fifth) is exact whichever tests a filter runs,
// and the limiter's x-ratelimit-remaining header is checked against that count.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHttpClient, describeReply, expectCodedError, expectStatus, type Json, type Reply, sleep } from './http-client';
import { useStack } from './stack';

const WORKING_DAY_SECONDS = 1;
const NOTICE_MS = 5 * WORKING_DAY_SECONDS * 1000;
const OBJECTION_LIMIT = 5;

const stack = useStack({ databaseSuffix: '_e2e_secretary', workingDaySeconds: WORKING_DAY_SECONDS });
const { call, login, asUser } = createHttpClient(() => stack().baseUrl);

// ---------------------------------------------------------------------------------------------
// Helpers of this process

/** Every item of a view, all pages. */
async function inbox(username: string, view: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  do {
    const r: Reply = await asUser(username, 'GET', `/api/inbox?view=${view}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expectStatus(r, 200);
    expect(r.body.view).toBe(view);
    items.push(...(r.body.items as Json[]));
    cursor = r.body.nextCursor as string | null;
  } while (cursor);
  return items;
}

/** Polls the user's to-do view until the case's open task of this step is there (projections are written by activities). */
async function todoTask(username: string, caseId: string, stepKey: string, timeoutMs = 15_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = await inbox(username, 'todo');
    const item = items.find((i) => i.caseId === caseId && i.stepKey === stepKey && i.kind === 'step');
    if (item) {
      expect(item.status).toBe('open');
      return item;
    }
    if (Date.now() > deadline) {
      throw new Error(`no ${stepKey} task of case ${caseId} in ${username}'s to-do after ${timeoutMs / 1000} s; to-do: ${JSON.stringify(items.map((i) => [i.caseId, i.stepKey, i.kind]))}`);
    }
    await sleep(250);
  }
}

/** The acting user finds the step in the to-do view and acts on it; the answer must be 200. */
async function act(username: string, caseId: string, stepKey: string, body: Json): Promise<{ taskId: string; reply: Reply }> {
  const item = await todoTask(username, caseId, stepKey);
  const reply = await asUser(username, 'POST', `/api/tasks/${item.taskId}/actions?wait=next`, body);
  expectStatus(reply, 200);
  expect(reply.body.task.id).toBe(item.taskId);
  return { taskId: item.taskId as string, reply };
}

/**
 * The 党委会's meeting for a step the township committee decides (issue 14), as the console builds it:
 * the roster from the task detail, everyone present and for.
 */
async function committeeMeeting(username: string, caseId: string, stepKey: string, extra: Json = {}): Promise<Json> {
  const item = await todoTask(username, caseId, stepKey);
  const detail = await asUser(username, 'GET', `/api/tasks/${item.taskId}`);
  expectStatus(detail, 200);
  const attendees = (detail.body.meeting.roster as Json[]).map((m) => m.id as string);
  expect(attendees.length).toBeGreaterThan(0);
  return { action: 'approve', form: { meetingDate: '2026-11-20', place: '东湖镇党委会议室', attendees, ballotMethod: 'show-of-hands', for: attendees.length, against: 0, abstain: 0, resolution: '同意该人选。', ...extra } };
}

/** An election in the branch's body (党员大会 or 支委会) as the console builds it: its roster, everyone present, secret ballot, all for. */
async function electionMeeting(caseId: string, stepKey: string): Promise<Json> {
  const meeting = await committeeMeeting('li.zuzhi', caseId, stepKey, { ballotMethod: 'secret-ballot', resolution: '选举有效，人选当选。' });
  return meeting;
}

async function getCase(username: string, caseId: string): Promise<Json> {
  const r = await asUser(username, 'GET', `/api/cases/${caseId}`);
  expectStatus(r, 200);
  return r.body;
}

// ---------------------------------------------------------------------------------------------
// The process

const clean = { criminalRecord: false, disciplinePeriod: false, underInvestigation: false, blackEvilForces: false, clanForces: false, illegalReligion: false };

function candidate(name: string, overrides: Json = {}): Json {
  return { name, gender: 'male', birthDate: '1985-06-01', education: 'bachelor', source: 'members-masses', resume: '长期在村工作，群众基础好。', declarations: clean, joinedOn: '2008-07-01', fullOn: '2009-07-01', ...overrides };
}

/** 周文 of the demo roster: a full member of 东湖村第一党支部, not on its committee (issue 14: a branch elects its own full members). */
const ROSTER_CANDIDATE: Json = { birthDate: '1985-04-17', joinedOn: '2010-07-01', fullOn: '2011-07-01' };

const JOINT_REVIEWERS = ['zhao.xianwei', 'qian.minzheng', 'zheng.jiwei', 'feng.zhengfa', 'wu.sifa'];

/** Candidate names unique to this run, so a notice is recognised by the name in its body. */
let nameCounter = 0;
const uniqueName = (surname: string) => `${surname}${'甲乙丙丁戊己庚辛壬癸'[nameCounter++ % 10]}${'春夏秋冬'[Math.floor(nameCounter / 10) % 4]}`;

async function openCase(): Promise<{ caseId: string; snapshot: Json }> {
  const r = await asUser('li.zuzhi', 'POST', '/api/cases', {
    type: 'secretary-replacement',
    orgId: 'branch-a1-1',
    input: { reason: 'vacancy', description: '原书记因病辞职，书记岗位空缺。' },
  });
  expectStatus(r, 201);
  expect(r.body).toMatchObject({ status: 'open', stage: 'propose-candidates' });
  expect(r.body.openTasks).toEqual([expect.objectContaining({ stepKey: 'propose-candidates', kind: 'step', status: 'open' })]);
  return { caseId: r.body.caseId as string, snapshot: r.body };
}

type Published = { caseId: string; noticeId: string; notice: Json };

/** The active notice naming this candidate, found on the public list right after the filing. */
async function findActiveNotice(candidateName: string): Promise<Json> {
  const list = await call('GET', '/api/notices?orgId=branch-a1-1&active=true');
  expectStatus(list, 200);
  const found = (list.body.items as Json[]).filter((n) => String(n.body).includes(candidateName));
  expect(found, JSON.stringify(list.body.items)).toHaveLength(1);
  return found[0]!;
}

/** A case opened and taken through proposal, joint review, interview, decision and filing to its 任前公示. */
async function toNotice(chosenName: string): Promise<Published> {
  const { caseId } = await openCase();
  await act('li.zuzhi', caseId, 'propose-candidates', { action: 'approve', form: { candidates: [candidate(chosenName)] } });
  for (const u of JOINT_REVIEWERS) await act(u, caseId, 'joint-review', { action: 'approve', form: { opinion: '无异议' } });
  await act('li.zuzhi', caseId, 'interview', { action: 'approve', form: { candidateName: chosenName, findings: '群众认可度高', interviewees: 35 } });
  await act('wang.shuji', caseId, 'township-decision', await committeeMeeting('wang.shuji', caseId, 'township-decision', { opinion: '同意' }));
  const { reply } = await act('zhao.xianwei', caseId, 'county-filing', { action: 'approve', form: { opinion: '同意备案' } });
  expect(reply.body.case).toMatchObject({ caseId, status: 'open', stage: 'public-notice' });
  const notice = await findActiveNotice(chosenName);
  return { caseId, noticeId: notice.id as string, notice };
}

// ---------------------------------------------------------------------------------------------
// Public objections, counted against the per-address limit (see the top of the file)

let objectionPosts = 0;

const validObjection = { name: '王群众', phone: '13800138000', content: '该人选长期不在村居住，群众反映较多。' };

async function fileObjection(noticeId: string, body: unknown): Promise<{ reply: Reply; limited: boolean }> {
  objectionPosts += 1;
  const reply = await call('POST', `/api/notices/${noticeId}/objections`, { body });
  const limited = objectionPosts > OBJECTION_LIMIT;
  if (!limited) expect(reply.headers.get('x-ratelimit-remaining'), `request ${objectionPosts} from this address: ${describeReply(reply)}`).toBe(String(OBJECTION_LIMIT - objectionPosts));
  return { reply, limited };
}

/** The answer this request must get: its own error while within the limit, 429 after it. */
function expectRefusedObjection({ reply, limited }: { reply: Reply; limited: boolean }, status: number, code: string, what: string): void {
  if (limited) {
    expectCodedError(reply, 429, 'RATE_LIMITED');
    expect(Number(reply.headers.get('retry-after')), `${what}: retry-after`).toBeGreaterThan(0);
  } else {
    expectCodedError(reply, status, code);
  }
  expect(reply.body.receiptNo, what).toBeUndefined();
}

/** Verification (核实) tasks of a case in li's views. */
async function verificationTasks(caseId: string): Promise<Json[]> {
  const all = [...(await inbox('li.zuzhi', 'todo')), ...(await inbox('li.zuzhi', 'done'))];
  return all.filter((i) => i.caseId === caseId && i.stepKey === 'verify-objection');
}

// ---------------------------------------------------------------------------------------------

describe('村党组织书记选配 end to end (stack started like the README)', () => {
  it('happy path: proposal, 联审 countersign, interview, decision, filing, public notice, election, new secretary in office', async () => {
    const li = await login('li.zuzhi');
    const chosen = '周文';
    const { caseId } = await openCase();

    // Proposal: one clean candidate from among the members and the masses, a full member of the branch.
    const proposal = await act('li.zuzhi', caseId, 'propose-candidates', { action: 'approve', form: { candidates: [candidate(chosen, ROSTER_CANDIDATE)] } });
    expect(proposal.reply.body.task).toMatchObject({ status: 'closed', outcome: 'approve' });
    expect(proposal.reply.body.case).toMatchObject({ caseId, stage: 'joint-review' });

    // 会签: one task for the five departments; after four approvals it is still open for the fifth.
    let jointTaskId: string | undefined;
    for (const u of JOINT_REVIEWERS.slice(0, 4)) {
      const { taskId, reply } = await act(u, caseId, 'joint-review', { action: 'approve', form: { opinion: '无异议' } });
      jointTaskId ??= taskId;
      expect(taskId, 'one task for all five reviewers').toBe(jointTaskId);
      expect(reply.body.task.status, `after ${u}`).toBe('open');
      expect(reply.body.case.stage).toBe('joint-review');
    }
    const fifth = await inbox('wu.sifa', 'todo');
    expect(fifth.find((i) => i.taskId === jointTaskId), JSON.stringify(fifth)).toMatchObject({ caseId, stepKey: 'joint-review', status: 'open' });
    expect((await inbox('zhao.xianwei', 'todo')).map((i) => i.taskId), 'zhao has acted').not.toContain(jointTaskId);
    const last = await act('wu.sifa', caseId, 'joint-review', { action: 'approve', form: { opinion: '无异议' } });
    expect(last.taskId).toBe(jointTaskId);
    expect(last.reply.body.task).toMatchObject({ status: 'closed', outcome: 'approve' });
    expect(last.reply.body.case).toMatchObject({ caseId, stage: 'interview' });

    const interview = await act('li.zuzhi', caseId, 'interview', { action: 'approve', form: { candidateName: chosen, findings: '群众认可度高', interviewees: 35 } });
    expect(interview.reply.body.case.stage).toBe('township-decision');
    const decision = await act('wang.shuji', caseId, 'township-decision', await committeeMeeting('wang.shuji', caseId, 'township-decision', { opinion: '同意' }));
    expect(decision.reply.body.case.stage).toBe('county-filing');
    const filing = await act('zhao.xianwei', caseId, 'county-filing', { action: 'approve', form: { opinion: '同意备案' } });
    expect(filing.reply.body.case).toMatchObject({ caseId, status: 'open', stage: 'public-notice' });

    // 任前公示: public, no token.
    const listed = await findActiveNotice(chosen);
    expect(listed).toMatchObject({ org: { id: 'branch-a1-1' }, status: 'active', active: true });
    expect(listed.title).toContain('任前公示');
    const endsAt = Date.parse(listed.endsAt as string);
    expect(endsAt - Date.parse(listed.startsAt as string)).toBe(NOTICE_MS);
    const shown = await call('GET', `/api/notices/${listed.id}`);
    expectStatus(shown, 200);
    expect(shown.body).toMatchObject({ id: listed.id, status: 'active', active: true, org: { id: 'branch-a1-1' } });
    expect(shown.body.body).toContain(chosen);
    const published = (await getCase('li.zuzhi', caseId)).record.find((e: Json) => e.type === 'notice.published');
    expect(published?.data?.noticeId).toBe(listed.id);

    // After the notice ends the branch elects (8 full members: a committee) — 补选 by the 党员大会, then the 支委会.
    const election = await todoTask('li.zuzhi', caseId, 'by-election', 20_000);
    expect(Date.now(), 'the election step opens only after the notice ends').toBeGreaterThanOrEqual(endsAt);
    const ended = await call('GET', `/api/notices/${listed.id}`);
    expectStatus(ended, 200);
    expect(ended.body).toMatchObject({ status: 'closed', active: false });
    const stillListed = await call('GET', '/api/notices?orgId=branch-a1-1&active=true');
    expect((stillListed.body.items as Json[]).map((n) => n.id)).not.toContain(listed.id);

    const elected = await asUser('li.zuzhi', 'POST', `/api/tasks/${election.taskId}/actions?wait=next`, await electionMeeting(caseId, 'by-election'));
    expectStatus(elected, 200);
    expect(elected.body.case).toMatchObject({ caseId, status: 'open' });
    await act('li.zuzhi', caseId, 'committee-election', await electionMeeting(caseId, 'committee-election'));
    // 上级党组织批准: the township 党委会; only then is the secretary in office.
    const approved = await act('wang.shuji', caseId, 'approval', await committeeMeeting('wang.shuji', caseId, 'approval', { meetingDate: '2026-11-24', effectiveDate: '2026-11-25', resolution: '批准选举结果。' }));
    expect(approved.reply.body.case).toMatchObject({ caseId, status: 'completed' });

    const c = await getCase('li.zuzhi', caseId);
    expect(c.case).toMatchObject({ id: caseId, type: 'secretary-replacement', status: 'completed', initiatorId: li.userId });
    expect(c.case.result).toMatchObject({ secretary: chosen, method: 'election', rounds: 1 });
    expect(c.openTasks).toEqual([]);
    expect(c.recordVerification).toMatchObject({ valid: true, events: c.record.length });
    const types = (c.record as Json[]).map((e) => e.type as string);
    expect(types).toEqual(expect.arrayContaining(['candidates.screened', 'notice.published', 'notice.closed', 'candidate.membership-checked', 'election.path', 'election.counted', 'committee.member-added', 'election.approval-pending', 'branch.secretary-updated']));
    expect(types.indexOf('branch.secretary-updated')).toBeGreaterThan(types.indexOf('election.approval-pending'));
    expect(types.indexOf('notice.closed')).toBeGreaterThan(types.indexOf('notice.published'));
    expect(types.indexOf('election.counted')).toBeGreaterThan(types.indexOf('notice.closed'));
    const screened = (c.record as Json[]).find((e) => e.type === 'candidates.screened')!;
    expect(screened.data.results).toEqual([expect.objectContaining({ name: chosen, source: 'members-masses', hits: [] })]);
    const counted = (c.record as Json[]).find((e) => e.type === 'election.counted')!;
    expect(counted).toMatchObject({ actor: { id: li.userId, name: li.displayName }, data: { candidate: chosen, quorumMet: true, elected: true } });
    expect(types).not.toContain('case.sent-back');
  }, 120_000);

  it('an objection during the notice: 核实 task for li only, substantiated → back to proposal, notice withdrawn', async () => {
    const chosen = uniqueName('郑');
    const { caseId, noticeId } = await toNotice(chosen);

    // Filed by a citizen, without a token; the answer names a receipt, not the objection's id.
    const filed = await fileObjection(noticeId, validObjection);
    expect(filed.limited, 'the objection itself must be within the rate limit').toBe(false);
    expectStatus(filed.reply, 201);
    expect(filed.reply.body).toEqual({ receiptNo: expect.stringMatching(/^YY\d{8}-[0-9A-HJKMNP-TV-Z]{6}$/), noticeId, status: 'received' });

    // li gets the 核实 task, whose subject is the objection.
    const verify = await todoTask('li.zuzhi', caseId, 'verify-objection');
    const detail = await asUser('li.zuzhi', 'GET', `/api/tasks/${verify.taskId}`);
    expectStatus(detail, 200);
    expect(detail.body.task).toMatchObject({ id: verify.taskId, stepKey: 'verify-objection', status: 'open', subjectType: 'objection', orgId: 'town-a1' });
    const objectionId = detail.body.task.subjectId as string;
    expect(objectionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(detail.body.availableActions).toContain('approve');

    const full = await asUser('li.zuzhi', 'GET', `/api/notice-board/objections/${objectionId}`);
    expectStatus(full, 200);
    expect(full.body).toMatchObject({ id: objectionId, receiptNo: filed.reply.body.receiptNo, name: '王群众', phone: '13800138000', content: validObjection.content, status: 'pending', notice: { id: noticeId, caseId } });
    // The township secretary supervises the case (sees it) but does not handle the objection.
    expectStatus(await asUser('wang.shuji', 'GET', `/api/cases/${caseId}`), 200);
    expectCodedError(await asUser('wang.shuji', 'GET', `/api/notice-board/objections/${objectionId}`), 404, 'NOT_FOUND');
    expectCodedError(await call('GET', `/api/notice-board/objections/${objectionId}`), 401, 'UNAUTHENTICATED');

    // Substantiated: the case goes back to the proposal and the notice is withdrawn.
    const explanation = '经核实，该人选确长期在外务工，不符合条件。';
    const verified = await asUser('li.zuzhi', 'POST', `/api/tasks/${verify.taskId}/actions?wait=next`, { action: 'approve', form: { substantiated: true, explanation } });
    expectStatus(verified, 200);
    expect(verified.body.case).toMatchObject({ caseId, status: 'open', stage: 'propose-candidates' });
    const c = await getCase('li.zuzhi', caseId);
    expect(c.case).toMatchObject({ status: 'open', stage: 'propose-candidates' });
    expect(c.openTasks).toEqual([expect.objectContaining({ stepKey: 'propose-candidates', kind: 'step' })]);
    const record = c.record as Json[];
    expect(record.find((e) => e.type === 'case.sent-back')).toMatchObject({ data: { from: 'public-notice' } });
    expect(record.find((e) => e.type === 'objection.verified')).toMatchObject({ taskId: verify.taskId, data: { objectionId, substantiated: true, finding: explanation } });
    expect(record.map((e) => e.type)).toContain('notice.withdrawn');
    // The record is read by many officials: the objector's name and phone stay out of it.
    expect(JSON.stringify(record)).not.toContain('13800138000');
    expect(JSON.stringify(record)).not.toContain('王群众');
    expect(c.recordVerification.valid).toBe(true);
    const after = await asUser('li.zuzhi', 'GET', `/api/notice-board/objections/${objectionId}`);
    expect(after.body).toMatchObject({ status: 'substantiated', finding: explanation, taskId: verify.taskId });

    const withdrawn = await call('GET', `/api/notices/${noticeId}`);
    expectStatus(withdrawn, 200);
    expect(withdrawn.body).toMatchObject({ id: noticeId, status: 'withdrawn', active: false });
    const late = await fileObjection(noticeId, { ...validObjection, name: '李群众', phone: '13900139000' });
    expect(late.limited, 'the late objection must be within the rate limit').toBe(false);
    expectCodedError(late.reply, 409, 'NOTICE_NOT_ACTIVE');
    expect(await verificationTasks(caseId), 'the late objection opened no 核实').toHaveLength(1);
  }, 120_000);

  it('public input errors: 400 with a code and a bilingual message, unknown notice 404, past the limit 429; nothing stored', async () => {
    const chosen = uniqueName('孙');
    const { caseId, noticeId, notice } = await toNotice(chosen);
    const liVerificationsBefore = (await inbox('li.zuzhi', 'todo')).filter((i) => i.stepKey === 'verify-objection').length;

    // In the order of importance: within the limit first, then whatever the limiter leaves (see the top).
    const cases: [string, string, unknown, number, string][] = [
      ['name with digits', noticeId, { ...validObjection, name: '王群众1' }, 400, 'VALIDATION_FAILED'],
      ['bad phone', noticeId, { ...validObjection, phone: '12345' }, 400, 'VALIDATION_FAILED'],
      ['unknown notice', randomUUID(), validObjection, 404, 'NOT_FOUND'],
      ['missing name', noticeId, { phone: validObjection.phone, content: validObjection.content }, 400, 'VALIDATION_FAILED'],
      ['content too short', noticeId, { ...validObjection, content: '不同意' }, 400, 'VALIDATION_FAILED'],
      ['oversized content', noticeId, { ...validObjection, content: '异'.repeat(2001) }, 400, 'VALIDATION_FAILED'],
      ['unknown field', noticeId, { ...validObjection, idNumber: '110101199001011234' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [what, id, body, status, code] of cases) {
      expectRefusedObjection(await fileObjection(id, body), status, code, what);
    }
    // Sent while the notice was open, so a body wrongly accepted would have been stored.
    expect(Date.now(), 'the inputs were sent during the notice period').toBeLessThan(Date.parse(notice.endsAt as string));

    // None stored: an objection stored without a signal would still be picked up when the notice ends
    // (pendingObjections) and hold the case in its notice with a 核实 task; instead the case moves on to the
    // election, whose membership check sends this candidate (not on the branch's roster) back to the proposal.
    await todoTask('li.zuzhi', caseId, 'propose-candidates', 20_000);
    expect(await verificationTasks(caseId)).toEqual([]);
    expect((await inbox('li.zuzhi', 'todo')).filter((i) => i.stepKey === 'verify-objection')).toHaveLength(liVerificationsBefore);
    const c = await getCase('li.zuzhi', caseId);
    const types = (c.record as Json[]).map((e) => e.type as string);
    expect(types.filter((t) => t.startsWith('objection.'))).toEqual([]);
    expect(types).toContain('notice.closed');
    expect((c.record as Json[]).filter((e) => e.type === 'case.sent-back').map((e) => e.data.from)).toEqual(['candidate-membership']);
    expect((await call('GET', `/api/notices/${noticeId}`)).body).toMatchObject({ status: 'closed' });
  }, 120_000);

  it('a negative-list hit: the candidate is screened out with a 刑事 rule, the joint review opens for the clean one', async () => {
    const { caseId } = await openCase();
    const convicted = uniqueName('钱');
    const cleanName = uniqueName('李');
    const proposal = await act('li.zuzhi', caseId, 'propose-candidates', {
      action: 'approve',
      form: { candidates: [candidate(convicted, { declarations: { ...clean, criminalRecord: true } }), candidate(cleanName)] },
    });
    expect(proposal.reply.body.case).toMatchObject({ caseId, status: 'open', stage: 'joint-review' });

    const c = await getCase('li.zuzhi', caseId);
    const screened = (c.record as Json[]).filter((e) => e.type === 'candidates.screened');
    expect(screened).toHaveLength(1);
    const results = screened[0]!.data.results as Json[];
    expect(results.map((r) => r.name)).toEqual([convicted, cleanName]);
    const hits = results.find((r) => r.name === convicted)!.hits as Json[];
    expect(hits).toHaveLength(1);
    expect(hits[0]!.label).toContain('刑事');
    expect(results.find((r) => r.name === cleanName)!.hits).toEqual([]);
    expect((c.record as Json[]).map((e) => e.type)).not.toContain('case.sent-back');

    // The joint review opens, and what it clears is the clean candidate only.
    for (const u of JOINT_REVIEWERS) await act(u, caseId, 'joint-review', { action: 'approve', form: { opinion: '无异议' } });
    const interview = await todoTask('li.zuzhi', caseId, 'interview');
    const screenedOut = await asUser('li.zuzhi', 'POST', `/api/tasks/${interview.taskId}/actions?wait=next`, { action: 'approve', form: { candidateName: convicted, findings: '考察', interviewees: 3 } });
    expectCodedError(screenedOut, 400, 'INVALID_FORM');
    const ok = await asUser('li.zuzhi', 'POST', `/api/tasks/${interview.taskId}/actions?wait=next`, { action: 'approve', form: { candidateName: cleanName, findings: '群众认可度高', interviewees: 30 } });
    expectStatus(ok, 200);
    expect(ok.body.case.stage).toBe('township-decision');
  }, 90_000);

  it('officials of another township or county can neither see nor act on the case', async () => {
    const { caseId } = await openCase();
    const proposal = await todoTask('li.zuzhi', caseId, 'propose-candidates');
    const taskId = proposal.taskId as string;
    const outsiderIds = [(await login('liu.zuzhi')).userId, (await login('zhou.zhibu')).userId];

    for (const outsider of ['liu.zuzhi', 'zhou.zhibu']) {
      expectCodedError(await asUser(outsider, 'GET', `/api/cases/${caseId}`), 404, 'NOT_FOUND');
      expectCodedError(await asUser(outsider, 'GET', `/api/tasks/${taskId}`), 404, 'NOT_FOUND');
      expectCodedError(await asUser(outsider, 'POST', `/api/tasks/${taskId}/actions?wait=next`, { action: 'approve', form: { candidates: [candidate(uniqueName('冯'))] } }), 404, 'NOT_FOUND');
      expectCodedError(await asUser(outsider, 'POST', `/api/tasks/${taskId}/actions?wait=next`, { action: 'comment', comment: '我来看看' }), 404, 'NOT_FOUND');
      expectCodedError(await asUser(outsider, 'POST', `/api/tasks/${taskId}/actions?wait=next`, { action: 'claim' }), 404, 'NOT_FOUND');
      for (const view of ['todo', 'done', 'overdue', 'supervising', 'cc']) {
        const items = await inbox(outsider, view);
        expect(items.map((i) => i.caseId), `${outsider} ${view}`).not.toContain(caseId);
        expect(items.map((i) => i.taskId), `${outsider} ${view}`).not.toContain(taskId);
      }
    }

    // The task exists and is untouched: li still sees it open, nobody outside acted on the record.
    const detail = await asUser('li.zuzhi', 'GET', `/api/tasks/${taskId}`);
    expectStatus(detail, 200);
    expect(detail.body.task).toMatchObject({ id: taskId, status: 'open' });
    expect(detail.body.assignees).toEqual([expect.objectContaining({ orgId: 'town-a1', role: 'township_org_member', status: 'pending', claimedById: null })]);
    const c = await getCase('li.zuzhi', caseId);
    expect(c.case).toMatchObject({ status: 'open', stage: 'propose-candidates' });
    expect((c.record as Json[]).filter((e) => outsiderIds.includes(e.actor?.id as string))).toEqual([]);
    expect((c.record as Json[]).filter((e) => String(e.type).startsWith('task.') && e.actor?.id)).toEqual([]);
  }, 60_000);
});
