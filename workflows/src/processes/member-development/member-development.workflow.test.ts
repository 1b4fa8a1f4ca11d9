import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { objectionPhoneColumns, verifyCaseRecord } from '@dj/db';
import type { Actor } from '@dj/contracts';
import { objectionFiledSignal, type MemberDevelopmentInput } from '@dj/process-api';
import { captureHistory, rejection, startHarness, until, type Harness, actAndWait } from '../../../test/harness';

// One working day lasts 0.05 s, so a calendar month lasts 21 × 0.05 = 1.05 s: the year of training and
// the year of probation take about 12.6 s each; a 5-working-day notice lasts 0.25 s. The long cases run
// concurrently.
const WDS = 0.05;
const MONTH_MS = 21 * WDS * 1000;
let h: Harness;
const caseIds: string[] = [];
beforeAll(async () => {
  h = await startHarness({ workingDaySeconds: WDS });
});
afterAll(async () => {
  // The members these cases wrote into 东湖村第一党支部's roster would otherwise count in other files' rosters.
  if (h && caseIds.length) {
    await h.db.$executeRaw`DELETE FROM party_membership WHERE person_id IN (SELECT id FROM person WHERE admitted_case_id = ANY(${caseIds}::uuid[]))`;
    await h.db.$executeRaw`DELETE FROM person WHERE admitted_case_id = ANY(${caseIds}::uuid[])`;
  }
  await h?.close();
});

type Snapshot = { stage: string; status: string; openTasks: { id: string; stepKey: string; kind: string }[] };

async function openCase(opts: { second?: boolean; name?: string } = {}) {
  const zhang = await h.actor('zhang.zhibu');
  const input: MemberDevelopmentInput = {
    caseId: randomUUID(),
    branchId: 'branch-a1-1',
    branchName: '东湖村第一党支部',
    townshipId: 'town-a1',
    countyId: 'county-a',
    initiator: { userId: zhang.userId, name: zhang.name },
    applicant: { name: opts.name ?? '林小青', gender: 'female', birthDate: '2000-05-01', applicationDate: '2026-11-01' },
    second: opts.second ? { orgId: 'branch-a2-1', orgName: '西山村第一党支部', kind: 'floating' } : undefined,
  };
  caseIds.push(input.caseId);
  return h.startCase('memberDevelopment', 'member-development', input);
}

const snapshot = (handle: WorkflowHandle) => handle.query<Snapshot>('snapshot');
/** Open step tasks (督办 tasks left out: with compressed time many steps are overdue). */
const openSteps = async (handle: WorkflowHandle) => (await snapshot(handle)).openTasks.filter((t) => t.kind === 'step').map((t) => t.stepKey).sort();
/** The open steps become exactly these (a response may come at a stable point reached by a parallel branch or a timer). */
async function expectSteps(handle: WorkflowHandle, keys: string[]) {
  const want = JSON.stringify([...keys].sort());
  await until(async () => JSON.stringify(await openSteps(handle)) === want, 10_000).catch(() => undefined);
  expect(await openSteps(handle)).toEqual([...keys].sort());
}

/** Acts on the open step task `stepKey` (waiting until it is open); with `untilAllowed`, retries while the rules say "too early". */
async function act(handle: WorkflowHandle, stepKey: string, username: string, action: string, extra: Record<string, unknown> = {}, untilAllowed = false) {
  const actor: Actor = await h.actor(username);
  if (process.env.DEBUG_MEMBER) console.log('act', stepKey, username, new Date().toISOString());
  const task = await until(async () => (await snapshot(handle)).openTasks.find((t) => t.stepKey === stepKey && t.kind === 'step'), 30_000);
  for (;;) {
    try {
      return await actAndWait(handle, { taskId: task.id, actor, action: action as never, ...extra });
    } catch (e) {
      if (untilAllowed && e instanceof WorkflowUpdateFailedError && (e.cause as { message?: string }).message?.includes('未到时间')) {
        await new Promise((r) => setTimeout(r, 300));
        continue;
      }
      throw e;
    }
  }
}

const goodVote = { meetingDate: '2026-11-20', eligible: 30, present: 25, for: 20, against: 3, abstain: 2 };
const goodMeeting = { meetingDate: '2026-11-25', expected: 30, present: 25, written: 2, for: 22, against: 3, abstain: 2 };
const approve = (form: Record<string, unknown> = {}) => ({ form });

/** 支委会 of the branch / 党委会 of the township: every member present and for (the demo committees). */
const branchMeeting = (form: Record<string, unknown> = {}) => h.meeting('branch-a1-1', form);
const townshipMeeting = (form: Record<string, unknown>) => h.meeting('town-a1', form);

async function people(...usernames: string[]) {
  return Promise.all(usernames.map(async (u) => (await h.actor(u)).userId));
}

async function throughActivist(handle: WorkflowHandle) {
  await act(handle, 'talk', 'zhang.zhibu', 'approve', approve({ talkerName: '张志斌', talkDate: '2026-11-10', summary: '了解入党动机，动机端正。' }));
  await act(handle, 'members-recommendation', 'zhang.zhibu', 'approve', approve(goodVote));
  await act(handle, 'mass-recommendation', 'zhang.zhibu', 'approve', approve({ organization: 'youth-league', recommended: true, date: '2026-11-20', document: '东湖村团支部推优表' }));
  await act(handle, 'activist-committee', 'zhang.zhibu', 'approve', await branchMeeting({ opinion: '同意' }));
  await act(handle, 'activist-filing', 'li.zuzhi', 'approve', approve({ opinion: '同意备案' }));
  await act(handle, 'assign-contacts', 'zhang.zhibu', 'approve', approve({ userIds: await people('ma.dangyuan', 'huang.dangyuan') }));
}

async function throughTraining(handle: WorkflowHandle) {
  for (let i = 0; i < 2; i++) {
    await act(handle, 'training-evaluation', 'ma.dangyuan', 'approve', approve({ evaluation: '学习认真，表现良好。' }), true);
    await act(handle, 'training-evaluation', 'huang.dangyuan', 'approve', approve({ evaluation: '积极参加组织生活。' }), true);
  }
}

async function throughTarget(handle: WorkflowHandle) {
  await act(handle, 'masses-evaluation', 'zhang.zhibu', 'approve', approve(goodVote));
  await act(handle, 'members-evaluation', 'zhang.zhibu', 'approve', approve(goodVote));
  await act(handle, 'target-committee', 'zhang.zhibu', 'approve', await branchMeeting());
  await act(handle, 'target-filing', 'li.zuzhi', 'approve', approve());
  await act(handle, 'assign-introducers', 'zhang.zhibu', 'approve', approve({ userIds: await people('ma.dangyuan', 'huang.dangyuan') }));
  await act(handle, 'political-review', 'li.zuzhi', 'approve', approve({ passed: true, summary: '政治审查合格。' }));
  await act(handle, 'concentrated-training', 'li.zuzhi', 'approve', approve({ from: '2027-11-01', to: '2027-11-03', days: 3, hours: 24, institution: '县委党校' }));
}

async function throughAdmissionMeeting(handle: WorkflowHandle) {
  await act(handle, 'admission-committee', 'zhang.zhibu', 'approve', await branchMeeting());
  await act(handle, 'pre-review', 'li.zuzhi', 'approve', approve());
  await act(handle, 'volunteer-form', 'zhang.zhibu', 'approve', approve({ filledDate: '2027-11-20', formNumber: 'DH-2027-001' }));
  await act(handle, 'admission-meeting', 'zhang.zhibu', 'approve', approve(goodMeeting));
}

async function throughApproval(handle: WorkflowHandle) {
  await act(handle, 'superior-talk', 'li.zuzhi', 'approve', approve({ talkerName: '李晓梅', talkDate: '2027-12-01', summary: '入党动机端正。' }));
  await act(handle, 'admission-approval', 'wang.shuji', 'approve', await townshipMeeting({ decision: 'approve' }));
  await act(handle, 'admission-filing', 'zhao.xianwei', 'approve', approve());
  // 入党宣誓 (党章第六条): not before the admitting 支部大会, not in the future; then recorded.
  expect(await rejection(act(handle, 'oath', 'zhang.zhibu', 'approve', approve({ oathDate: '2026-11-24', administeredBy: '张志斌' })))).toBe('INVALID_FORM');
  expect(await rejection(act(handle, 'oath', 'zhang.zhibu', 'approve', approve({ oathDate: '2999-01-01', administeredBy: '张志斌' })))).toBe('INVALID_FORM');
  await act(handle, 'oath', 'zhang.zhibu', 'approve', approve({ oathDate: goodMeeting.meetingDate, administeredBy: '张志斌', place: '东湖村党群服务中心' }));
}

async function fullMembership(handle: WorkflowHandle, proposal: 'convert' | 'extend', extensionMonths?: number) {
  await act(handle, 'probation-assessment', 'ma.dangyuan', 'approve', approve({ evaluation: '预备期表现良好，本人已提交转正申请。' }), true);
  await act(handle, 'probation-assessment', 'huang.dangyuan', 'approve', approve({ evaluation: '同意按期转正。' }), true);
  await act(handle, 'full-committee', 'zhang.zhibu', 'approve', await branchMeeting());
  await act(handle, 'full-meeting', 'zhang.zhibu', 'approve', approve({ ...goodMeeting, meetingDate: '2027-11-26', proposal, ...(extensionMonths ? { extensionMonths } : {}) }));
  return act(handle, 'full-approval', 'wang.shuji', 'approve', await townshipMeeting({ decision: 'approve' }));
}

async function eventTypes(caseId: string) {
  return (await h.db.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } })).map((e) => e.type);
}

describe.concurrent('发展党员 workflow', () => {
  it('支委会研究 is the committee\'s meeting: no quorum, a stranger or a failed vote is refused and changes nothing; the record keeps the meeting', { timeout: 60_000 }, async () => {
    const { handle, caseId } = await openCase({ name: '赵小燕' });
    await act(handle, 'talk', 'zhang.zhibu', 'approve', approve({ talkerName: '张志斌', talkDate: '2026-11-10', summary: '谈话。' }));
    await act(handle, 'members-recommendation', 'zhang.zhibu', 'approve', approve(goodVote));
    await act(handle, 'mass-recommendation', 'zhang.zhibu', 'approve', approve({ organization: 'youth-league', recommended: true, date: '2026-11-20', document: '推优表' }));
    await expectSteps(handle, ['activist-committee']);
    // What a refused action must not add (reminders and 督办 of the compressed clock may come meanwhile).
    const actionEvents = () => h.db.caseEvent.count({ where: { caseId, type: { notIn: ['task.reminded', 'task.escalated'] } } });
    const eventsBefore = await actionEvents();
    // The demo 支委会 of branch-a1-1 has 3 members (张志斌 书记, 黄淑芬 副书记, 马建华 委员).
    const lonely = await branchMeeting();
    expect(lonely.meeting?.roster).toHaveLength(3);
    // 支部工作条例 第十二条: 1 of 3 present is no quorum.
    expect(await rejection(act(handle, 'activist-committee', 'zhang.zhibu', 'approve', await h.meeting('branch-a1-1', {}, { attendees: 1 })))).toBe('MEETING_NO_QUORUM');
    // 2 present, 1 for: not above half of the 3 members.
    expect(await rejection(act(handle, 'activist-committee', 'zhang.zhibu', 'approve', await h.meeting('branch-a1-1', {}, { attendees: 2, for: 1 })))).toBe('MEETING_NOT_CARRIED');
    // Somebody who does not sit on the committee at the meeting date.
    const wang = (await h.actor('wang.shuji')).userId;
    expect(await rejection(act(handle, 'activist-committee', 'zhang.zhibu', 'approve', await h.meeting('branch-a1-1', { attendees: [(lonely.form!.attendees as string[])[0], wang], for: 2 })))).toBe('MEETING_ATTENDEE_NOT_ON_ROSTER');
    // Without the roster resolved (a caller that skips the service) the meeting cannot be judged.
    expect(await rejection(act(handle, 'activist-committee', 'zhang.zhibu', 'approve', { form: lonely.form }))).toBe('MEETING_ROSTER_EMPTY');
    expect(await actionEvents()).toBe(eventsBefore);
    expect(await openSteps(handle)).toEqual(['activist-committee']);

    const valid = await h.meeting('branch-a1-1', { ballotMethod: 'secret-ballot', resolution: '同意确定为入党积极分子。' }, { attendees: 2 });
    await act(handle, 'activist-committee', 'zhang.zhibu', 'approve', valid);
    await until(async () => !(await openSteps(handle)).includes('activist-committee'));
    const recorded = (await h.db.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } })).find((e) => (e.data as { meeting?: unknown } | null)?.meeting);
    expect(recorded?.data).toMatchObject({
      form: { ballotMethod: 'secret-ballot', resolution: '同意确定为入党积极分子。', attendees: valid.form!.attendees },
      meeting: { body: 'committee', orgId: 'branch-a1-1', meetingDate: '2026-11-20', present: 2, carried: true },
    });
    expect((recorded!.data as { meeting: { expected: unknown[]; absent: string[] } }).meeting.expected).toHaveLength(3);
    expect((recorded!.data as { meeting: { absent: string[] } }).meeting.absent).toHaveLength(1);
    expect((await verifyCaseRecord(h.db, caseId)).valid).toBe(true);
  });

  it('上级党委备案 acknowledges or returns for correction with a reason; it never sends the stage back (domain.md §2)', { timeout: 60_000 }, async () => {
    const { handle, caseId } = await openCase({ name: '钱小月' });
    await act(handle, 'talk', 'zhang.zhibu', 'approve', approve({ talkerName: '张志斌', talkDate: '2026-11-10', summary: '谈话。' }));
    await act(handle, 'members-recommendation', 'zhang.zhibu', 'approve', approve(goodVote));
    await act(handle, 'mass-recommendation', 'zhang.zhibu', 'approve', approve({ organization: 'youth-league', recommended: true, date: '2026-11-20', document: '推优表' }));
    await act(handle, 'activist-committee', 'zhang.zhibu', 'approve', await branchMeeting());
    await expectSteps(handle, ['activist-filing']);
    // No veto: 驳回 is not offered; 退回 needs its reason.
    expect(await rejection(act(handle, 'activist-filing', 'li.zuzhi', 'reject', { comment: '不同意' }))).toBe('ACTION_NOT_ALLOWED');
    expect(await rejection(act(handle, 'activist-filing', 'li.zuzhi', 'return', {}))).toBe('COMMENT_REQUIRED');
    await act(handle, 'activist-filing', 'li.zuzhi', 'return', { comment: '公示材料缺少公示期起止日期，请补正。' });
    await expectSteps(handle, ['activist-filing-correction']);
    const returned = await h.db.caseEvent.findFirstOrThrow({ where: { caseId, type: 'filing.returned' } });
    expect(returned.data).toMatchObject({ step: 'activist-filing', reason: '公示材料缺少公示期起止日期，请补正。' });
    await act(handle, 'activist-filing-correction', 'zhang.zhibu', 'approve', approve({ opinion: '已补正公示期起止日期。' }));
    await act(handle, 'activist-filing', 'li.zuzhi', 'approve', approve({ opinion: '同意备案' }));
    await expectSteps(handle, ['assign-contacts']);
    // The stage was not restarted: one recommendation, one committee meeting, one notice.
    expect(await h.db.task.count({ where: { caseId, stepKey: 'members-recommendation' } })).toBe(1);
    expect(await h.db.task.count({ where: { caseId, stepKey: 'activist-committee' } })).toBe(1);
    expect(await h.db.notice.count({ where: { caseId } })).toBe(1);
    expect(await eventTypes(caseId)).not.toContain('case.sent-back');
  });

  it('a whole case: application → activist → development target → probationary → full member', { timeout: 240_000 }, async () => {
    const { handle, caseId, snapshot: first } = await openCase();
    expect(first.stage).toBe('application');
    const talk = await h.db.task.findFirstOrThrow({ where: { caseId, stepKey: 'talk' } });
    // The 1-month talk is a step with a due date one (compressed) month out.
    expect(talk.dueAt.getTime() - talk.openedAt.getTime()).toBeCloseTo(MONTH_MS, -2);

    await throughActivist(handle);
    const notices = await h.db.notice.findMany({ where: { caseId } });
    expect(notices.map((n) => n.orgId)).toEqual(['branch-a1-1']);
    await captureHistory(handle, 'member-development-activist');
    // Training lasts at least a year: the first evaluation opens only when its 6 months are up, and is then
    // due within the policy's window (10 working days), not already overdue (issue 16 point 6).
    const assigned = await h.db.caseEvent.findFirstOrThrow({ where: { caseId, type: 'assign-contacts.assigned' } });
    const scheduled = await until(() => h.db.caseEvent.findFirst({ where: { caseId, type: 'step.scheduled' } }));
    const opensAt = new Date((scheduled.data as { opensAt: string }).opensAt).getTime();
    expect(Math.abs(opensAt - (assigned.at.getTime() + 6 * MONTH_MS))).toBeLessThan(1000);
    expect(await openSteps(handle)).not.toContain('training-evaluation');
    const evaluation = await until(() => h.db.task.findFirst({ where: { caseId, stepKey: 'training-evaluation', kind: 'step' } }), 40_000);
    expect(evaluation.openedAt.getTime()).toBeGreaterThanOrEqual(opensAt);
    expect(evaluation.dueAt.getTime() - evaluation.openedAt.getTime()).toBeLessThan(MONTH_MS);
    expect(evaluation.dueAt.getTime() - evaluation.openedAt.getTime()).toBeGreaterThan(5 * WDS * 1000);
    await throughTraining(handle);
    await throughTarget(handle);
    await throughAdmissionMeeting(handle);
    await throughApproval(handle);
    expect((await snapshot(handle)).stage).toBe('probation');
    const oath = await h.db.caseEvent.findFirstOrThrow({ where: { caseId, type: 'member.oath' } });
    expect(oath).toMatchObject({ actorName: '张志斌', data: { oathDate: '2026-11-25', administeredBy: '张志斌', place: '东湖村党群服务中心', groupId: null } });
    // 编入 is the roster's too: probationary from the 支部大会 (党章第七条), in the branch from the oath.
    const enrolled = await until(() => h.db.person.findFirst({ where: { admittedCaseId: caseId } }));
    expect(enrolled).toMatchObject({ name: '林小青', gender: 'female', status: 'probationary', fullOn: null });
    expect(enrolled.joinedOn.toISOString().slice(0, 10)).toBe('2026-11-25');
    expect(await h.db.partyMembership.findMany({ where: { personId: enrolled.id }, select: { branchId: true, groupId: true, endOn: true } })).toEqual([{ branchId: 'branch-a1-1', groupId: null, endOn: null }]);
    const entry = await until(() => h.db.caseEvent.findFirst({ where: { caseId, type: 'roster.enrolled' } }));
    expect(entry).toMatchObject({ actorName: '张志斌', data: { linked: false, title: expect.stringContaining('登记入党员花名册：林小青，预备党员，入党日期 2026-11-25') } });
    const set = await h.db.caseEvent.findFirstOrThrow({ where: { caseId, type: 'probation.set' } });
    expect(set.data).toMatchObject({ start: '2026-11-25', end: '2027-11-24' });
    // The probation year runs from the 支部大会 (党章 Art. 7, domain.md §2), not from the county filing:
    // the 转正 step opens 12 (compressed) months after the meeting was recorded and is due within the
    // policy's window after that (discussed promptly when probation ends).
    const meetingTask = await h.db.task.findFirstOrThrow({ where: { caseId, stepKey: 'admission-meeting', kind: 'step', status: 'completed' } });
    const filingTask = await until(() => h.db.task.findFirst({ where: { caseId, stepKey: 'admission-filing', kind: 'step', status: 'completed' } }));
    const probationScheduled = await until(() => h.db.caseEvent.findFirst({ where: { caseId, type: 'step.scheduled', data: { path: ['step'], equals: 'probation-assessment' } } }));
    const probationOpensAt = new Date((probationScheduled.data as { opensAt: string }).opensAt).getTime();
    expect(Math.abs(probationOpensAt - (meetingTask.closedAt!.getTime() + 12 * MONTH_MS))).toBeLessThan(1000);
    expect(probationOpensAt).toBeLessThan(filingTask.closedAt!.getTime() + 12 * MONTH_MS);
    expect(await openSteps(handle)).not.toContain('probation-assessment');
    const probationTask = await until(() => h.db.task.findFirst({ where: { caseId, stepKey: 'probation-assessment', kind: 'step' } }), 40_000);
    expect(probationTask.openedAt.getTime()).toBeGreaterThanOrEqual(probationOpensAt);
    expect(probationTask.dueAt.getTime() - probationTask.openedAt.getTime()).toBeLessThan(MONTH_MS);
    await captureHistory(handle, 'member-development-probation-roster');

    const done = await fullMembership(handle, 'convert');
    expect(done.case.stage).toBe('probation');
    await expectSteps(handle, ['archive']);
    // 转正 in the roster: the probation's last day (党章第七条: 党龄 from 转正), written when the 党委会 approves.
    const converted = await until(async () => (await h.db.person.findUniqueOrThrow({ where: { id: enrolled.id } })).fullOn ?? undefined);
    expect(converted.toISOString().slice(0, 10)).toBe('2027-11-24');
    expect(await h.db.caseEvent.findFirstOrThrow({ where: { caseId, type: 'roster.full-member' } })).toMatchObject({ data: { title: '花名册登记转正：林小青，转正日期 2027-11-24' } });
    const closed = await act(handle, 'archive', 'zhang.zhibu', 'approve', approve({ archiveNumber: 'DH-DA-2028-07' }));
    expect(closed.case.status).toBe('completed');
    const c = await h.db.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(c.result).toMatchObject({ outcome: 'full-member', fullMemberSince: '2027-11-24', archiveNumber: 'DH-DA-2028-07', extensions: 0 });
    const types = await eventTypes(caseId);
    expect(types).toEqual(expect.arrayContaining(['talk.recorded', 'vote.counted', 'mass-recommendation.recorded', 'notice.published', 'assign-contacts.assigned', 'training.evaluated', 'political-review.concluded', 'training.concentrated', 'meeting.counted', 'probation.set', 'probation.assessed', 'case.closed']));
    expect(types.filter((t) => t === 'notice.published')).toHaveLength(4); // activist, target, admission, full membership
    expect((await verifyCaseRecord(h.db, caseId)).valid).toBe(true);
    await captureHistory(handle, 'member-development-full-member-roster');
  });

  it("a failed members' recommendation is recorded and the vote is held again; inconsistent counts are refused", async () => {
    const { handle, caseId } = await openCase();
    await act(handle, 'talk', 'zhang.zhibu', 'approve', approve({ talkerName: '张志斌', talkDate: '2026-11-10', summary: '谈话。' }));
    expect(await rejection(act(handle, 'members-recommendation', 'zhang.zhibu', 'approve', approve({ ...goodVote, present: 31 })))).toBe('INVALID_FORM');
    expect(await rejection(act(handle, 'members-recommendation', 'zhang.zhibu', 'approve', approve({ ...goodVote, for: 20, against: 5, abstain: 1 })))).toBe('INVALID_FORM');
    // 14 of 25 present = 56 % < 60 %: not recommended.
    const r = await act(handle, 'members-recommendation', 'zhang.zhibu', 'approve', approve({ ...goodVote, for: 14, against: 9, abstain: 2 }));
    expect(r.case.stage).toBe('activist');
    // The mass-organization step runs alongside, so the record is awaited rather than assumed.
    const counted = await until(() => h.db.caseEvent.findFirst({ where: { caseId, type: 'vote.counted' } }));
    expect(counted.data).toMatchObject({ step: 'members-recommendation', passed: false });
    const rounds = await h.db.task.findMany({ where: { caseId, stepKey: 'members-recommendation', kind: 'step' }, orderBy: { round: 'asc' } });
    expect(rounds.map((t) => [t.round, t.status])).toEqual([
      [1, 'completed'],
      [2, 'open'],
    ]);
    // The Youth League recommends under-28s: a trade-union recommendation for a 26-year-old is refused.
    expect(await rejection(act(handle, 'mass-recommendation', 'zhang.zhibu', 'approve', approve({ organization: 'trade-union', recommended: true, date: '2026-11-20', document: '推优表' })))).toBe('INVALID_FORM');
    // Without the members' recommendation there is no committee decision yet.
    await act(handle, 'mass-recommendation', 'zhang.zhibu', 'approve', approve({ organization: 'youth-league', recommended: true, date: '2026-11-20', document: '推优表' }));
    await expectSteps(handle, ['members-recommendation']);
    expect(await h.db.task.count({ where: { caseId, stepKey: 'activist-committee' } })).toBe(0);
  });

  it("a masses' evaluation under the threshold is held again; the stage waits for it", { timeout: 180_000 }, async () => {
    const { handle, caseId } = await openCase({ name: '韩冬' });
    await throughActivist(handle);
    await throughTraining(handle);
    // 12 of 25 present in favour is not more than half.
    await act(handle, 'masses-evaluation', 'zhang.zhibu', 'approve', approve({ ...goodVote, for: 12, against: 10, abstain: 3 }));
    await act(handle, 'members-evaluation', 'zhang.zhibu', 'approve', approve(goodVote));
    const s = await snapshot(handle);
    expect(s.stage).toBe('development-target');
    await expectSteps(handle, ['masses-evaluation']);
    const failed = await h.db.caseEvent.findFirstOrThrow({ where: { caseId, type: 'vote.counted', data: { path: ['step'], equals: 'masses-evaluation' } } });
    expect(failed.data).toMatchObject({ passed: false, threshold: { numerator: 1, denominator: 2, strict: true } });
    const r = await act(handle, 'masses-evaluation', 'zhang.zhibu', 'approve', approve({ ...goodVote, for: 13, against: 10, abstain: 2 }));
    expect(r.case.status).toBe('open');
    await expectSteps(handle, ['target-committee']);
  });

  it('a dual-managed applicant: every notice in both organizations, every evaluation in both', { timeout: 180_000 }, async () => {
    const { handle, caseId } = await openCase({ second: true, name: '周流动' });
    await throughActivist(handle);
    const activistNotices = await h.db.notice.findMany({ where: { caseId }, orderBy: { orgId: 'asc' } });
    expect(activistNotices.map((n) => n.orgId)).toEqual(['branch-a1-1', 'branch-a2-1']);
    await throughTraining(handle);
    await until(async () => (await openSteps(handle)).length === 4);
    await expectSteps(handle, ['masses-evaluation', 'masses-evaluation-second', 'members-evaluation', 'members-evaluation-second']);
    const secondTask = await h.db.task.findFirstOrThrow({ where: { caseId, stepKey: 'masses-evaluation-second', kind: 'step' }, include: { assignees: true } }); // not its 督办 (same key) on a slow machine
    expect(secondTask.assignees[0]).toMatchObject({ orgId: 'branch-a2-1', role: 'branch_secretary' });
    // The home branch cannot fill in the other organization's evaluation.
    expect(await rejection(act(handle, 'masses-evaluation-second', 'zhang.zhibu', 'approve', approve(goodVote)))).toBe('NOT_ASSIGNEE');
    await act(handle, 'masses-evaluation', 'zhang.zhibu', 'approve', approve(goodVote));
    await act(handle, 'members-evaluation', 'zhang.zhibu', 'approve', approve(goodVote));
    await expectSteps(handle, ['masses-evaluation-second', 'members-evaluation-second']);
    await act(handle, 'masses-evaluation-second', 'sun.zhibu', 'approve', approve(goodVote));
    const r = await act(handle, 'members-evaluation-second', 'sun.zhibu', 'approve', approve(goodVote));
    expect(r.case.stage).toBe('development-target');
    await expectSteps(handle, ['target-committee']);
    await act(handle, 'target-committee', 'zhang.zhibu', 'approve', await branchMeeting());
    await until(async () => (await h.db.notice.count({ where: { caseId } })) === 4);
    await act(handle, 'target-filing', 'li.zuzhi', 'approve', approve());
    const evaluations = await h.db.caseEvent.findMany({ where: { caseId, type: 'vote.counted' } });
    expect(new Set(evaluations.map((e) => (e.data as { orgId: string }).orgId))).toEqual(new Set(['branch-a1-1', 'branch-a2-1']));
  });

  it('an objection during the pre-admission notice becomes a 核实 task; substantiated, the stage starts again', { timeout: 180_000 }, async () => {
    const { handle, caseId } = await openCase({ name: '许异议' });
    await throughActivist(handle);
    await throughTraining(handle);
    await throughTarget(handle);
    await act(handle, 'admission-committee', 'zhang.zhibu', 'approve', await branchMeeting());
    await act(handle, 'pre-review', 'li.zuzhi', 'approve', approve());
    const notice = await until(() => h.db.notice.findFirst({ where: { caseId, status: 'active', title: { contains: '预备党员' } } }));
    const objectionId = randomUUID();
    const objection = await h.db.objection.create({
      data: { id: objectionId, receiptNo: `M${Date.now()}`, noticeId: notice.id, name: '赵群众', ...objectionPhoneColumns(objectionId, '13900139000'), content: '该同志在村里有不良借贷纠纷未了结。', clientKey: 'test', status: 'pending', createdAt: new Date() },
    });
    await handle.signal(objectionFiledSignal, { objectionId: objection.id, noticeId: notice.id });
    const verify = await until(() => h.db.task.findFirst({ where: { caseId, stepKey: 'verify-objection', status: 'open' } }));
    expect(verify).toMatchObject({ subjectType: 'objection', subjectId: objection.id, orgId: 'town-a1' });
    const back = await act(handle, 'verify-objection', 'li.zuzhi', 'approve', approve({ substantiated: true, explanation: '经核实，纠纷属实，暂缓发展。' }));
    expect(back.case.stage).toBe('admission');
    await expectSteps(handle, ['admission-committee']);
    expect((await h.db.notice.findUniqueOrThrow({ where: { id: notice.id } })).status).toBe('withdrawn');
    const sentBack = await h.db.caseEvent.findFirstOrThrow({ where: { caseId, type: 'case.sent-back' } });
    expect(sentBack.data).toMatchObject({ from: 'admission-notice' });
    expect(JSON.stringify((await h.db.caseEvent.findFirstOrThrow({ where: { caseId, type: 'objection.verified' } })).data)).not.toContain('13900139000');
  });

  it('a late superior approval is escalated to the county; extended once (to 6 months from the meeting), approved afterwards, the case goes on', { timeout: 180_000 }, async () => {
    const { handle, caseId } = await openCase({ name: '郭迟批' });
    await throughActivist(handle);
    await throughTraining(handle);
    await throughTarget(handle);
    await throughAdmissionMeeting(handle);
    await act(handle, 'superior-talk', 'li.zuzhi', 'approve', approve({ talkerName: '李晓梅', talkDate: '2027-12-01', summary: '谈话。' }));
    const approval = await until(() => h.db.task.findFirst({ where: { caseId, stepKey: 'admission-approval', kind: 'step' } }));
    // The limit runs from the branch meeting; compressed, from the instant its result was recorded (a typed date cannot be compressed).
    const meetingTask = await h.db.task.findFirstOrThrow({ where: { caseId, stepKey: 'admission-meeting', kind: 'step' } });
    const firstLimit = (await until(() => h.db.caseEvent.findFirst({ where: { caseId, type: 'approval.due' }, orderBy: { seq: 'asc' } }))).data as { recordedAt: string; anchor: string; months: number; meetingDate: string };
    expect(firstLimit).toMatchObject({ anchor: 'recorded-at', months: 3, meetingDate: goodMeeting.meetingDate });
    const anchor = Date.parse(firstLimit.recordedAt);
    // The workflow's clock is the start of its workflow task, which precedes the local activity that
    // wrote the meeting step's close (closedAt) by that activity's duration.
    expect(anchor).toBeGreaterThanOrEqual(meetingTask.closedAt!.getTime() - 2_000);
    expect(anchor).toBeLessThanOrEqual(approval.openedAt.getTime());
    expect(approval.dueAt.getTime()).toBeCloseTo(anchor + 3 * MONTH_MS, -1);
    const supervision = await until(() => h.db.task.findFirst({ where: { caseId, kind: 'supervision', supervisesTaskId: approval.id }, include: { assignees: true }, orderBy: { escalationLevel: 'asc' } }), 20_000);
    expect(supervision.assignees[0]).toMatchObject({ orgId: 'county-a', role: 'county_org_dept' });
    expect((await h.db.task.findUniqueOrThrow({ where: { id: approval.id } })).overdue).toBe(true);
    // The approval time may be extended once, never twice.
    await act(handle, 'admission-approval', 'wang.shuji', 'approve', await townshipMeeting({ decision: 'extend-time', opinion: '需补充材料' }));
    const extendedAt = (await until(() => h.db.caseEvent.findFirst({ where: { caseId, type: 'approval.time-extended' } }))).at.getTime();
    const extended = await until(() => h.db.task.findFirst({ where: { caseId, stepKey: 'admission-approval', kind: 'step', round: 2 } }));
    // 6 months from the meeting anchor, not 3 more from the extension decision (taken after the first due date had passed).
    expect(extended.dueAt.getTime()).toBeCloseTo(anchor + 6 * MONTH_MS, -1);
    expect(extended.dueAt.getTime()).toBeLessThan(extendedAt + 3 * MONTH_MS);
    const limits = await h.db.caseEvent.findMany({ where: { caseId, type: 'approval.due' }, orderBy: { seq: 'asc' } });
    expect(limits.map((e) => (e.data as { months: number; recordedAt: string }).months)).toEqual([3, 6]);
    expect(new Set(limits.map((e) => (e.data as { recordedAt: string }).recordedAt))).toEqual(new Set([firstLimit.recordedAt]));
    expect(await rejection(act(handle, 'admission-approval', 'wang.shuji', 'approve', await townshipMeeting({ decision: 'extend-time' })))).toBe('INVALID_FORM');
    await act(handle, 'admission-approval', 'wang.shuji', 'approve', await townshipMeeting({ decision: 'approve' }));
    await expectSteps(handle, ['admission-filing']);
    expect(await eventTypes(caseId)).toEqual(expect.arrayContaining(['task.escalated', 'approval.time-extended']));
  });

  it('probation extended once (by branch vote and superior approval), then converted', { timeout: 240_000 }, async () => {
    const { handle, caseId } = await openCase({ name: '钟延长' });
    await throughActivist(handle);
    await throughTraining(handle);
    await throughTarget(handle);
    await throughAdmissionMeeting(handle);
    await throughApproval(handle);
    expect(await openSteps(handle)).not.toContain('probation-assessment');
    await act(handle, 'probation-assessment', 'ma.dangyuan', 'approve', approve({ evaluation: '表现一般。' }), true);
    await act(handle, 'probation-assessment', 'huang.dangyuan', 'approve', approve({ evaluation: '建议延长。' }), true);
    await act(handle, 'full-committee', 'zhang.zhibu', 'approve', await branchMeeting());
    const base = { ...goodMeeting, meetingDate: '2027-11-26' };
    expect(await rejection(act(handle, 'full-meeting', 'zhang.zhibu', 'approve', approve({ ...base, proposal: 'extend', extensionMonths: 3 })))).toBe('INVALID_FORM');
    await act(handle, 'full-meeting', 'zhang.zhibu', 'approve', approve({ ...base, proposal: 'extend', extensionMonths: 6 }));
    await act(handle, 'full-approval', 'wang.shuji', 'approve', await townshipMeeting({ decision: 'approve' }));
    const extended = await until(() => h.db.caseEvent.findFirst({ where: { caseId, type: 'probation.extended' } }));
    expect(extended.data).toMatchObject({ months: 6, end: '2028-05-24' });
    const assessment = await until(() => h.db.task.findFirst({ where: { caseId, stepKey: 'probation-assessment', round: 2, kind: 'step' } }), 40_000);
    // The extension runs on from the end of the first year (domain.md §2), not from the approval of the
    // extension: the second assessment opens 6 months after the first one did.
    const opens = (await h.db.caseEvent.findMany({ where: { caseId, type: 'step.scheduled', data: { path: ['step'], equals: 'probation-assessment' } }, orderBy: { seq: 'asc' } })).map((e) => new Date((e.data as { opensAt: string }).opensAt).getTime());
    expect(opens).toHaveLength(2);
    expect(opens[1]! - opens[0]!).toBeCloseTo(6 * MONTH_MS, -2);
    expect(assessment.openedAt.getTime()).toBeGreaterThanOrEqual(opens[1]!);
    expect(assessment.dueAt.getTime() - assessment.openedAt.getTime()).toBeLessThan(MONTH_MS);
    await act(handle, 'probation-assessment', 'ma.dangyuan', 'approve', approve({ evaluation: '已改进。' }), true);
    await act(handle, 'probation-assessment', 'huang.dangyuan', 'approve', approve({ evaluation: '同意转正。' }), true);
    await act(handle, 'full-committee', 'zhang.zhibu', 'approve', await branchMeeting());
    // A second extension is refused by the rules.
    expect(await rejection(act(handle, 'full-meeting', 'zhang.zhibu', 'approve', approve({ ...base, proposal: 'extend', extensionMonths: 6 })))).toBe('INVALID_FORM');
    await act(handle, 'full-meeting', 'zhang.zhibu', 'approve', approve({ ...base, proposal: 'convert' }));
    await act(handle, 'full-approval', 'wang.shuji', 'approve', await townshipMeeting({ decision: 'approve' }));
    const closed = await act(handle, 'archive', 'zhang.zhibu', 'approve', approve({ archiveNumber: 'DH-DA-2029-02' }));
    expect(closed.case.status).toBe('completed');
    expect((await h.db.case.findUniqueOrThrow({ where: { id: caseId } })).result).toMatchObject({ outcome: 'full-member', fullMemberSince: '2028-05-24', extensions: 1 });
    await captureHistory(handle, 'member-development-extended-converted-roster');
  });
});
