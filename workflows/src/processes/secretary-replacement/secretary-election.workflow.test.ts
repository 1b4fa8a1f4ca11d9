/**
 * 书记选配, steps 7–8 as the election rules have them (issue 14 point 3; domain.md §1): the candidate a full
 * member of the branch; a branch with a committee (7+ full members) elects through 补选 by the 党员大会 and the
 * 支委会's election, one without through the 党员大会; the township 党委会 approves before the secretary changes.
 * Each test sets up its own branch and roster, so the demo committees other tests read stay as they are.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { committeeMembers, verifyCaseRecord } from '@dj/db';
import type { Actor, SecretaryCandidate } from '@dj/contracts';
import type { SecretaryReplacementInput } from '@dj/process-api';
import { actAndWait, captureHistory, rejection, startHarness, until, type Harness } from '../../../test/harness';

// One working day lasts 1 s: the 任前公示 (5 working days) lasts 5 s.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ workingDaySeconds: 1 });
});
afterAll(async () => {
  await h?.close();
});

const d = (s: string) => new Date(`${s}T00:00:00Z`);
type RosterPerson = { id: string; name: string; birthDate: string };

/** A branch of 东湖村 with `full` full members (+ probationary ones); the first is the secretary being replaced, with 2 委员 when there is a committee. */
async function makeBranch(full: number, probationary = 1) {
  const id = `branch-t-${randomUUID().slice(0, 8)}`;
  const village = await h.db.orgUnit.findUniqueOrThrow({ where: { id: 'village-a1-1' } });
  const name = `东湖村测试${id.slice(-4)}党支部`;
  await h.db.orgUnit.create({ data: { id, name, type: 'branch', parentId: village.id, path: `${village.path}${id}/`, depth: village.depth + 1, establishedOn: d('2000-01-01'), secretaryName: '原书记' } });
  const surnames = '赵钱孙李周吴郑王冯陈褚卫';
  const people: RosterPerson[] = [];
  for (let i = 0; i < full + probationary; i++) {
    const person = { id: randomUUID(), name: `${surnames[i]}${id.slice(-4)}`, birthDate: `19${70 + i}-05-0${(i % 9) + 1}` };
    const isFull = i < full;
    await h.db.person.create({
      data: { id: person.id, name: person.name, gender: 'male', birthDate: d(person.birthDate), joinedOn: d(isFull ? '2005-07-01' : '2026-06-01'), fullOn: isFull ? d('2006-07-01') : null, status: isFull ? 'full' : 'probationary' },
    });
    await h.db.partyMembership.create({ data: { id: randomUUID(), personId: person.id, branchId: id, startOn: d('2010-01-01') } });
    people.push(person);
  }
  const posts: [number, string][] = full >= 7 ? [[0, 'secretary'], [1, 'member'], [2, 'member']] : [[0, 'secretary']];
  for (const [i, role] of posts) await h.db.orgRole.create({ data: { id: randomUUID(), orgId: id, personId: people[i]!.id, role, startOn: d('2024-01-01') } });
  return { id, name, people };
}

const clean: SecretaryCandidate['declarations'] = { criminalRecord: false, disciplinePeriod: false, underInvestigation: false, blackEvilForces: false, clanForces: false, illegalReligion: false };

function candidate(p: { name: string; birthDate: string }, overrides: Partial<SecretaryCandidate> = {}): SecretaryCandidate {
  return { name: p.name, gender: 'male', birthDate: p.birthDate, education: 'bachelor', source: 'members-masses', resume: '长期在村工作。', declarations: clean, joinedOn: '2005-07-01', fullOn: '2006-07-01', ...overrides };
}

async function openCase(branch: { id: string; name: string }) {
  const li = await h.actor('li.zuzhi');
  const input: SecretaryReplacementInput = {
    caseId: randomUUID(),
    branchId: branch.id,
    branchName: branch.name,
    townshipId: 'town-a1',
    countyId: 'county-a',
    initiator: { userId: li.userId, name: li.name },
    reason: 'vacancy',
    description: '原书记因病辞职，书记岗位空缺。',
  };
  return h.startCase('secretaryReplacement', 'secretary-replacement', input);
}

async function act(handle: WorkflowHandle, stepKey: string, username: string, action: string, extra: Record<string, unknown> = {}) {
  const { openTasks } = await handle.query<{ openTasks: { id: string; stepKey: string; kind: string }[] }>('snapshot');
  const task = openTasks.find((t) => t.stepKey === stepKey && t.kind === 'step');
  if (!task) throw new Error(`no open ${stepKey} task; open: ${openTasks.map((t) => t.stepKey).join(', ')}`);
  const actor: Actor = await h.actor(username);
  return actAndWait(handle, { taskId: task.id, actor, action: action as never, ...extra });
}

const stepOpen = (handle: WorkflowHandle, stepKey: string) => until(async () => (await handle.query<{ openTasks: { stepKey: string }[] }>('snapshot')).openTasks.some((t) => t.stepKey === stepKey), 20_000);

const JOINT_REVIEWERS = ['zhao.xianwei', 'qian.minzheng', 'zheng.jiwei', 'feng.zhengfa', 'wu.sifa'];

/** Proposal → 联审 → interview → 党委会 decision → filing → 任前公示 (5 s) → the election's first step open. */
async function throughNotice(handle: WorkflowHandle, chosen: SecretaryCandidate, firstStep: string) {
  await act(handle, 'propose-candidates', 'li.zuzhi', 'approve', { form: { candidates: [chosen] } });
  for (const u of JOINT_REVIEWERS) await act(handle, 'joint-review', u, 'approve', { form: {} });
  await act(handle, 'interview', 'li.zuzhi', 'approve', { form: { candidateName: chosen.name, findings: '群众认可度高', interviewees: 30 } });
  await act(handle, 'township-decision', 'wang.shuji', 'approve', await h.meeting('town-a1'));
  await act(handle, 'county-filing', 'zhao.xianwei', 'approve', { form: {} });
  await stepOpen(handle, firstStep);
}

/** A secret-ballot election meeting of the branch's body (the harness reads the roster as the inbox service does). */
const election = (branchId: string, opts: { body?: 'committee' | 'general-meeting'; attendees?: number; for?: number; meetingDate?: string; ballotMethod?: string } = {}) =>
  h.meeting(branchId, { ballotMethod: opts.ballotMethod ?? 'secret-ballot', resolution: '选举结果有效。' }, { body: opts.body ?? 'general-meeting', ...opts });

const events = async (caseId: string, type: string) => (await h.db.caseEvent.findMany({ where: { caseId, type }, orderBy: { seq: 'asc' } })).map((e) => e.data as Record<string, unknown>);

describe('书记选配: the election as the rules have it', () => {
  it('a branch with a committee: 补选 by the 党员大会 (4/5 present), the 支委会 elects, the township approves — only then the secretary changes', async () => {
    const branch = await makeBranch(8);
    const chosen = branch.people[4]!;
    const { handle, caseId } = await openCase(branch);
    // 党章第七条: a probationary member has no right to be elected — refused at the proposal, naming the rule.
    const probationary = branch.people[8]!;
    const refused = act(handle, 'propose-candidates', 'li.zuzhi', 'approve', { form: { candidates: [candidate(probationary, { joinedOn: '2026-06-01', fullOn: undefined })] } });
    const cause = await refused.then(() => undefined, (e: { cause?: { type?: string; message?: string } }) => e.cause);
    expect(cause).toMatchObject({ type: 'INVALID_FORM', message: expect.stringMatching(/fullOn: 人选须为正式党员.*党章第七条/) });
    await throughNotice(handle, candidate(chosen), 'by-election');

    const [checked] = await events(caseId, 'candidate.membership-checked');
    expect(checked).toMatchObject({ candidate: chosen.name, eligible: true, partyAgeYears: 20 });
    const [path] = await events(caseId, 'election.path');
    expect(path).toMatchObject({ fullMembers: 8, path: 'committee', candidateOnCommittee: false, rule: expect.stringContaining('支部工作条例') });
    const [screened] = await events(caseId, 'candidates.screened');
    expect((screened!.results as { partyAgeYears: number }[])[0]).toMatchObject({ partyAgeYears: 20, fullOn: '2006-07-01' });

    // 选举工作条例: 6 of the 8 full members is not more than 4/5 — void, held again; show of hands is no election.
    expect(await rejection(act(handle, 'by-election', 'li.zuzhi', 'approve', await election(branch.id, { attendees: 6 })))).toBe('ELECTION_NO_QUORUM');
    expect(await rejection(act(handle, 'by-election', 'li.zuzhi', 'approve', await election(branch.id, { ballotMethod: 'show-of-hands' })))).toBe('ELECTION_BALLOT_NOT_SECRET');
    // Elected with more than half of those present: 7 present, 4 for.
    expect(await rejection(act(handle, 'by-election', 'li.zuzhi', 'approve', await election(branch.id, { attendees: 7, for: 3 })))).toBe('ELECTION_NOT_ELECTED');
    await act(handle, 'by-election', 'li.zuzhi', 'approve', await election(branch.id, { attendees: 7, for: 4 }));
    await stepOpen(handle, 'committee-election');
    // The new 委员 sits on the committee from the 补选; the 支委会 of 4 elects by secret ballot.
    expect((await committeeMembers(h.db, branch.id, '2026-11-20')).map((m) => m.name)).toContain(chosen.name);
    expect(await rejection(act(handle, 'committee-election', 'li.zuzhi', 'approve', await election(branch.id, { body: 'committee', ballotMethod: 'show-of-hands' })))).toBe('INVALID_FORM');
    expect(await rejection(act(handle, 'committee-election', 'li.zuzhi', 'approve', await election(branch.id, { body: 'committee', attendees: 2 })))).toBe('MEETING_NO_QUORUM');
    const elected = await act(handle, 'committee-election', 'li.zuzhi', 'approve', await election(branch.id, { body: 'committee', attendees: 3 }));
    expect(elected.case.status).toBe('open');
    await stepOpen(handle, 'approval');

    // Not before the township's approval: the branch's secretary is unchanged.
    expect((await h.db.orgUnit.findUniqueOrThrow({ where: { id: branch.id } })).secretaryName).toBe('原书记');
    expect((await committeeMembers(h.db, branch.id)).find((m) => m.role === 'secretary')?.name).toBe(branch.people[0]!.name);
    expect(await h.db.caseEvent.count({ where: { caseId, type: 'branch.secretary-updated' } })).toBe(0);
    // 批准 is the township 党委会's meeting, not one click.
    expect(await rejection(act(handle, 'approval', 'wang.shuji', 'approve', { form: { effectiveDate: '2026-11-25' } }))).toBe('INVALID_FORM');
    const done = await act(handle, 'approval', 'wang.shuji', 'approve', await h.meeting('town-a1', { effectiveDate: '2026-11-25' }, { meetingDate: '2026-11-24' }));
    expect(done.case.status).toBe('completed');
    const after = await h.db.orgUnit.findUniqueOrThrow({ where: { id: branch.id } });
    expect(after.secretaryName).toBe(chosen.name);
    expect(after.secretarySince?.toISOString().slice(0, 10)).toBe('2026-11-25');
    const committee = await committeeMembers(h.db, branch.id, '2026-11-25');
    expect(committee.filter((m) => m.role === 'secretary').map((m) => m.name)).toEqual([chosen.name]);
    expect(committee.map((m) => m.name)).not.toContain(branch.people[0]!.name);
    expect((await h.db.case.findUniqueOrThrow({ where: { id: caseId } })).result).toMatchObject({ secretary: chosen.name, method: 'election', path: 'committee', approvedOn: '2026-11-24', effectiveDate: '2026-11-25' });
    const types = (await h.db.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } })).map((e) => e.type);
    expect(types.indexOf('committee.member-added')).toBeLessThan(types.indexOf('election.approval-pending'));
    expect(types.indexOf('election.approval-pending')).toBeLessThan(types.indexOf('branch.secretary-updated'));
    expect((await verifyCaseRecord(h.db, caseId)).valid).toBe(true);
    await captureHistory(handle, 'secretary-replacement-election-committee');
  });

  it('a branch under 7 full members: the 党员大会 elects directly; not on the roster or not elected → back to 提出人选', async () => {
    const branch = await makeBranch(5);
    const { handle, caseId } = await openCase(branch);
    // Round 1: a full member of another branch cannot be elected by this one.
    await throughNotice(handle, candidate({ name: '外村人', birthDate: '1980-01-01' }), 'propose-candidates');
    const [ineligible] = await events(caseId, 'case.sent-back');
    expect(ineligible).toMatchObject({ from: 'candidate-membership', reason: expect.stringContaining('花名册') });

    // Round 2: the 党员大会 (5 full members, the probationary member has no vote) does not elect.
    const chosen = branch.people[2]!;
    await throughNotice(handle, candidate(chosen), 'general-meeting-election');
    const [path] = await events(caseId, 'election.path');
    expect(path).toMatchObject({ fullMembers: 5, path: 'direct' });
    const notElected = await election(branch.id, { for: 2 });
    expect(notElected.meeting!.roster).toHaveLength(5);
    expect(await rejection(act(handle, 'general-meeting-election', 'li.zuzhi', 'approve', notElected))).toBe('ELECTION_NOT_ELECTED');
    const back = await act(handle, 'general-meeting-election', 'li.zuzhi', 'reject', { ...notElected, comment: '赞成票未过半数' });
    expect(back.case.stage).toBe('propose-candidates');
    const counted = await events(caseId, 'election.counted');
    expect(counted.at(-1)).toMatchObject({ step: 'general-meeting-election', elected: false, votes: { present: 5, for: 2 } });
    expect((await events(caseId, 'case.sent-back')).at(-1)).toMatchObject({ from: 'general-meeting-election' });

    // Round 3: elected with 3 of 5; approved by the township; then the secretary changes.
    await throughNotice(handle, candidate(chosen), 'general-meeting-election');
    await act(handle, 'general-meeting-election', 'li.zuzhi', 'approve', await election(branch.id, { for: 3 }));
    await stepOpen(handle, 'approval');
    expect((await h.db.orgUnit.findUniqueOrThrow({ where: { id: branch.id } })).secretaryName).toBe('原书记');
    const done = await act(handle, 'approval', 'wang.shuji', 'approve', await h.meeting('town-a1', { effectiveDate: '2026-11-26' }, { meetingDate: '2026-11-25' }));
    expect(done.case.status).toBe('completed');
    expect((await h.db.orgUnit.findUniqueOrThrow({ where: { id: branch.id } })).secretaryName).toBe(chosen.name);
    expect((await h.db.case.findUniqueOrThrow({ where: { id: caseId } })).result).toMatchObject({ secretary: chosen.name, path: 'direct', rounds: 3 });
    await captureHistory(handle, 'secretary-replacement-election-direct');
  });

  it('the township 党委会 does not approve: 驳回 with its meeting sends the case back to 提出人选; the secretary stays as it was', async () => {
    const branch = await makeBranch(5);
    const chosen = branch.people[1]!;
    const { handle, caseId } = await openCase(branch);
    await throughNotice(handle, candidate(chosen), 'general-meeting-election');
    await act(handle, 'general-meeting-election', 'li.zuzhi', 'approve', await election(branch.id, { for: 4 }));
    await stepOpen(handle, 'approval');
    // Not one click: a 驳回 carries the 党委会's meeting whose vote did not carry the approval.
    expect(await rejection(act(handle, 'approval', 'wang.shuji', 'reject', { comment: '选举程序有瑕疵' }))).toBe('INVALID_FORM');
    const back = await act(handle, 'approval', 'wang.shuji', 'reject', { comment: '选举程序有瑕疵，重新提出人选', ...(await h.meeting('town-a1', {}, { meetingDate: '2026-11-24', for: 1 })) });
    expect(back.case.stage).toBe('propose-candidates');
    expect((await events(caseId, 'case.sent-back')).at(-1)).toMatchObject({ from: 'approval', reason: '选举程序有瑕疵，重新提出人选' });
    expect((await h.db.orgUnit.findUniqueOrThrow({ where: { id: branch.id } })).secretaryName).toBe('原书记');
    expect((await committeeMembers(h.db, branch.id)).map((m) => [m.name, m.role])).toEqual([[branch.people[0]!.name, 'secretary']]);
    expect(await h.db.caseEvent.count({ where: { caseId, type: 'branch.secretary-updated' } })).toBe(0);
  });
});
