// 培养联系人 / 入党介绍人 (issue 16 point 2): the picker lists the branch's full members by name, and the
// step refuses anybody else with a message naming the rule, changing nothing; one or two contacts pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullMeeting } from '../src/meetings';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

let f: Fixture;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  f = await startServices({ workingDaySeconds: 0.2 });
  for (const u of ['zhang.zhibu', 'li.zuzhi', 'sun.zhibu']) tokens[u] = await f.login(u);
});
afterAll(async () => {
  await f?.close();
});

const userId = async (username: string) => (await f.db.user.findUniqueOrThrow({ where: { username } })).id;

async function openTask(caseId: string, stepKey: string, timeoutMs = 30_000) {
  for (let i = 0; i < timeoutMs / 200; i++) {
    const t = await f.db.task.findFirst({ where: { caseId, stepKey, status: 'open', kind: 'step' } });
    if (t) return t;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no open ${stepKey}`);
}

async function act(user: string, caseId: string, stepKey: string, form: Record<string, unknown>) {
  const t = await openTask(caseId, stepKey);
  return f.inbox.inject({ method: 'POST', url: `/api/tasks/${t.id}/actions?wait=next`, headers: bearer(tokens[user]!), payload: { action: 'approve', form } });
}

const vote = { meetingDate: '2026-11-20', eligible: 30, present: 25, for: 20, against: 3, abstain: 2 };

describe('培养联系人: who may be named', () => {
  let caseId: string;

  it('the user picker narrowed to the full members of a branch lists them by name, no probationary member, no other branch', async () => {
    const res = await f.identity.inject({ method: 'GET', url: '/api/users?fullMemberOf=branch-a1-1&limit=50', headers: bearer(tokens['zhang.zhibu']!) });
    expect(res.statusCode).toBe(200);
    const names = body<{ items: { displayName: string; username: string }[] }>(res).items.map((u) => u.username);
    expect(names).toEqual(expect.arrayContaining(['ma.dangyuan', 'huang.dangyuan', 'zhang.zhibu']));
    expect(names).not.toContain('sun.zhibu'); // a member of 西山村第一党支部
    // Without the filter, the same caller's picker reaches further (the township's officials are full members of this branch too).
    const other = await f.identity.inject({ method: 'GET', url: '/api/users?fullMemberOf=branch-a2-1', headers: bearer(tokens['zhang.zhibu']!) });
    expect(body<{ items: unknown[] }>(other).items).toEqual([]); // outside the caller's reach
  });

  it('a 发展党员 case reaches the step; a non-member and a second branch’s member are refused naming the rule; one full member passes', async () => {
    const opened = await f.cases.inject({
      method: 'POST',
      url: '/api/cases',
      headers: bearer(tokens['zhang.zhibu']!),
      payload: { type: 'member-development', orgId: 'branch-a1-1', input: { name: '周小燕', gender: 'female', birthDate: '2001-03-01', applicationDate: '2026-11-01' } },
    });
    expect(opened.statusCode).toBe(201);
    caseId = body<{ caseId: string }>(opened).caseId;
    expect((await act('zhang.zhibu', caseId, 'talk', { talkerName: '张志斌', talkDate: '2026-11-10', summary: '入党动机端正。' })).statusCode).toBe(200);
    expect((await act('zhang.zhibu', caseId, 'members-recommendation', vote)).statusCode).toBe(200);
    expect((await act('zhang.zhibu', caseId, 'mass-recommendation', { organization: 'youth-league', recommended: true, date: '2026-11-20', document: '团支部推优表' })).statusCode).toBe(200);
    const committee = await openTask(caseId, 'activist-committee');
    expect((await act('zhang.zhibu', caseId, 'activist-committee', await fullMeeting(f.inbox, tokens['zhang.zhibu']!, committee.id, '同意确定为入党积极分子。'))).statusCode).toBe(200);
    expect((await act('li.zuzhi', caseId, 'activist-filing', { opinion: '同意备案' })).statusCode).toBe(200);

    const step = await openTask(caseId, 'assign-contacts');
    const recordBefore = await f.db.caseEvent.count({ where: { caseId } });
    const sun = await act('zhang.zhibu', caseId, 'assign-contacts', { userIds: [await userId('sun.zhibu')] });
    expect(sun.statusCode).toBe(400);
    expect(body(sun)).toMatchObject({ code: 'INVALID_FORM' });
    expect(body<{ message: string }>(sun).message).toContain('孙海涛不是本支部的正式党员，不能作培养联系人（《发展党员工作细则》第十条）');
    const three = await act('zhang.zhibu', caseId, 'assign-contacts', { userIds: [await userId('ma.dangyuan'), await userId('huang.dangyuan'), await userId('zhang.zhibu')] });
    expect(body(three)).toMatchObject({ code: 'INVALID_FORM' }); // 一至两名
    const twice = await act('zhang.zhibu', caseId, 'assign-contacts', { userIds: [await userId('ma.dangyuan'), await userId('ma.dangyuan')] });
    expect(body<{ message: string }>(twice).message).toContain('不能重复指定同一人');
    expect(await f.db.task.findUniqueOrThrow({ where: { id: step.id } })).toMatchObject({ status: 'open' });
    expect(await f.db.caseEvent.count({ where: { caseId } })).toBe(recordBefore);

    const one = await act('zhang.zhibu', caseId, 'assign-contacts', { userIds: [await userId('ma.dangyuan')] });
    expect(one.statusCode).toBe(200);
    const assigned = await f.db.caseEvent.findFirstOrThrow({ where: { caseId, type: 'assign-contacts.assigned' } });
    expect(assigned.data).toMatchObject({ people: [{ name: '马建华' }] });
    // The contact's first evaluation is their task, opening when its half-year is up (6 compressed months,
    // about 25 s here) and due a policy window after that — not open and refused until it is overdue.
    const scheduled = await f.db.caseEvent.findFirstOrThrow({ where: { caseId, type: 'step.scheduled' } });
    const opensAt = new Date((scheduled.data as { opensAt: string }).opensAt).getTime();
    expect(opensAt).toBeGreaterThan(assigned.at.getTime() + 5 * 21 * 200);
    expect(await f.db.task.count({ where: { caseId, stepKey: 'training-evaluation' } })).toBe(0);
    const evaluation = await openTask(caseId, 'training-evaluation', 60_000);
    expect(evaluation.openedAt.getTime()).toBeGreaterThanOrEqual(opensAt);
    expect(evaluation.dueAt.getTime() - evaluation.openedAt.getTime()).toBeLessThan(21 * 200);
    const slots = await f.db.taskAssignee.findMany({ where: { taskId: evaluation.id } });
    expect(slots.map((s) => s.userId)).toEqual([await userId('ma.dangyuan')]);
  }, 150_000);
});
