/**
 * Collective decisions over HTTP (issue 14 item 1): a 支委会 step is completed by recording the
 * committee's meeting; the task detail carries the roster expected; an invalid meeting is a 4xx with a
 * code and a Chinese message naming the rule, and nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

let f: Fixture;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  // One working day lasts 5 s: nothing here falls due while the test runs.
  f = await startServices({ workingDaySeconds: 5 });
  for (const u of ['zhang.zhibu', 'wang.shuji', 'sun.zhibu']) tokens[u] = await f.login(u);
});
afterAll(async () => {
  await f?.close();
});

type Snapshot = { caseId: string; openTasks: { id: string; stepKey: string; kind: string }[] };
type Roster = { id: string; name: string; role?: string }[];
type TaskDetail = { form: { id: string; schema: { properties: Record<string, { title?: string }> } }; meeting: { body: string; bodyName: string; orgId: string; on: string; roster: Roster } | null };

const act = (user: string, taskId: string, payload: Record<string, unknown>) =>
  f.inbox.inject({ method: 'POST', url: `/api/tasks/${taskId}/actions?wait=next`, headers: bearer(tokens[user]!), payload });
const detail = (user: string, taskId: string, query = '') => f.inbox.inject({ method: 'GET', url: `/api/tasks/${taskId}${query}`, headers: bearer(tokens[user]!) });
const vote = { meetingDate: '2026-11-20', eligible: 30, present: 25, for: 20, against: 3, abstain: 2 };

async function openStep(caseId: string, stepKey: string) {
  for (let i = 0; i < 100; i++) {
    const t = await f.db.task.findFirst({ where: { caseId, stepKey, kind: 'step', status: 'open' } });
    if (t) return t;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no open ${stepKey}`);
}

describe('支委会研究 as the committee\'s recorded meeting, over HTTP', () => {
  let caseId: string;
  let taskId: string;
  let roster: Roster;
  const meeting = (attendees: string[], extra: Record<string, unknown> = {}) => ({
    meetingDate: '2026-11-20',
    place: '东湖村党群服务中心',
    attendees,
    ballotMethod: 'show-of-hands',
    for: attendees.length,
    against: 0,
    abstain: 0,
    resolution: '同意确定为入党积极分子。',
    ...extra,
  });

  beforeAll(async () => {
    const res = await f.cases.inject({
      method: 'POST',
      url: '/api/cases',
      headers: bearer(tokens['zhang.zhibu']!),
      payload: { type: 'member-development', orgId: 'branch-a1-1', input: { name: '陈小雨', gender: 'female', birthDate: '2001-03-01', applicationDate: '2026-11-01' } },
    });
    expect(res.statusCode).toBe(201);
    caseId = body<Snapshot>(res).caseId;
    const zhang = 'zhang.zhibu';
    expect((await act(zhang, (await openStep(caseId, 'talk')).id, { action: 'approve', form: { talkerName: '张志斌', talkDate: '2026-11-10', summary: '谈话。' } })).statusCode).toBe(200);
    expect((await act(zhang, (await openStep(caseId, 'members-recommendation')).id, { action: 'approve', form: vote })).statusCode).toBe(200);
    expect((await act(zhang, (await openStep(caseId, 'mass-recommendation')).id, { action: 'approve', form: { organization: 'youth-league', recommended: true, date: '2026-11-20', document: '推优表' } })).statusCode).toBe(200);
    taskId = (await openStep(caseId, 'activist-committee')).id;
  }, 60_000);

  it('the task detail names the body and its roster today, and at another date; the form fields have Chinese titles', async () => {
    const res = await detail('zhang.zhibu', taskId);
    expect(res.statusCode).toBe(200);
    const d = body<TaskDetail>(res);
    expect(d.form.id).toBe('meeting.committee-decision');
    expect(d.meeting).toMatchObject({ body: 'committee', bodyName: '支委会', orgId: 'branch-a1-1' });
    expect(d.meeting!.roster.map((m) => m.name)).toEqual(expect.arrayContaining(['张志斌', '马建华', '黄淑芬']));
    // The meetings below are dated 2026-11-20: the roster of that day (other test files change the
    // branch's committee today).
    roster = body<TaskDetail>(await detail('zhang.zhibu', taskId, '?meetingDate=2026-11-20')).meeting!.roster;
    expect(roster.map((m) => m.name).sort()).toEqual(['张志斌', '马建华', '黄淑芬'].sort());
    expect(roster.find((m) => m.name === '张志斌')).toMatchObject({ role: '书记' });
    for (const [key, field] of Object.entries(d.form.schema.properties)) expect(field.title, key).toMatch(/[\u4e00-\u9fff]/);
    // Before the 2024 election the demo committee did not exist.
    expect(body<TaskDetail>(await detail('zhang.zhibu', taskId, '?meetingDate=2023-06-01')).meeting?.roster).toEqual([]);
    expect(body(await detail('zhang.zhibu', taskId, '?meetingDate=2026-02-30'))).toMatchObject({ code: 'MEETING_DATE_INVALID' });
    // Another township's branch secretary does not see the task at all.
    expect((await detail('sun.zhibu', taskId)).statusCode).toBe(404);
  });

  it('invalid meetings are refused with the rule named, and nothing changes', async () => {
    const events = await f.db.caseEvent.count({ where: { caseId } });
    const ids = roster.map((m) => m.id);
    const noQuorum = await act('zhang.zhibu', taskId, { action: 'approve', form: meeting(ids.slice(0, 1)) });
    expect(noQuorum.statusCode).toBe(400);
    expect(body(noQuorum)).toMatchObject({ code: 'MEETING_NO_QUORUM' });
    expect(body<{ message: string }>(noQuorum).message).toContain('第十二条');

    const wang = await f.db.user.findUniqueOrThrow({ where: { username: 'wang.shuji' } });
    expect(body(await act('zhang.zhibu', taskId, { action: 'approve', form: meeting([ids[0]!, wang.id]) }))).toMatchObject({ code: 'MEETING_ATTENDEE_NOT_ON_ROSTER' });
    expect(body(await act('zhang.zhibu', taskId, { action: 'approve', form: meeting(ids, { for: 1, against: 2 }) }))).toMatchObject({ code: 'MEETING_NOT_CARRIED' });
    expect(body(await act('zhang.zhibu', taskId, { action: 'approve', form: meeting(ids, { for: 3, against: 1 }) }))).toMatchObject({ code: 'MEETING_VOTES_INCONSISTENT' });
    // 驳回 follows the vote too: not with a vote that carried, not without the meeting.
    expect(body(await act('zhang.zhibu', taskId, { action: 'reject', comment: '条件不成熟', form: meeting(ids) }))).toMatchObject({ code: 'MEETING_CARRIED' });
    expect(body(await act('zhang.zhibu', taskId, { action: 'reject', comment: '条件不成熟' }))).toMatchObject({ code: 'INVALID_FORM' });
    expect(body(await act('zhang.zhibu', taskId, { action: 'approve', form: meeting(ids, { meetingDate: '2023-06-01' }) }))).toMatchObject({ code: 'MEETING_ROSTER_EMPTY' });
    expect(body(await act('zhang.zhibu', taskId, { action: 'approve', form: meeting(ids, { meetingDate: '2099-01-01' }) }))).toMatchObject({ code: 'MEETING_DATE_INVALID' });
    expect(body(await act('zhang.zhibu', taskId, { action: 'approve', form: meeting(ids, { ballotMethod: '鼓掌' }) }))).toMatchObject({ code: 'INVALID_FORM' });
    const { place: _place, ...withoutPlace } = meeting(ids);
    expect(body(await act('zhang.zhibu', taskId, { action: 'approve', form: withoutPlace }))).toMatchObject({ code: 'INVALID_FORM' });

    expect(await f.db.caseEvent.count({ where: { caseId } })).toBe(events);
    expect(await f.db.task.findUniqueOrThrow({ where: { id: taskId } })).toMatchObject({ status: 'open' });
  });

  it('a valid meeting (2 of 3 present, secret ballot, 2 for) decides the step; the record keeps the meeting and the roster', async () => {
    const ids = roster.map((m) => m.id);
    const res = await act('zhang.zhibu', taskId, { action: 'approve', form: meeting(ids.slice(0, 2), { ballotMethod: 'secret-ballot' }) });
    expect(res.statusCode).toBe(200);
    expect(await f.db.task.findUniqueOrThrow({ where: { id: taskId } })).toMatchObject({ status: 'completed', outcome: 'approve' });
    const events = await f.db.caseEvent.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
    const recorded = events.find((e) => (e.data as { meeting?: unknown } | null)?.meeting);
    expect(recorded?.data).toMatchObject({
      form: { ballotMethod: 'secret-ballot', attendees: ids.slice(0, 2), resolution: '同意确定为入党积极分子。' },
      meeting: { body: 'committee', orgId: 'branch-a1-1', meetingDate: '2026-11-20', present: 2, absent: [ids[2]], carried: true },
    });
    expect((recorded!.data as { meeting: { expected: Roster } }).meeting.expected.map((m) => m.name).sort()).toEqual(roster.map((m) => m.name).sort());

    // The 纪实表 shows the meeting: the roster, who attended and who was absent by name, the vote and the resolution.
    const json = await f.cases.inject({ method: 'GET', url: `/api/cases/${caseId}/dossier?format=json`, headers: bearer(tokens['zhang.zhibu']!) });
    const step = body<{ steps: { stepKey: string; evidence: { meeting: { present: number; carried: boolean; expected: Roster } | null } | null }[] }>(json).steps.find((s) => s.stepKey === 'activist-committee')!;
    expect(step.evidence?.meeting).toMatchObject({ present: 2, carried: true });
    const html = await f.cases.inject({ method: 'GET', url: `/api/cases/${caseId}/dossier`, headers: bearer(tokens['zhang.zhibu']!) });
    expect(html.statusCode).toBe(200);
    const absent = roster[2]!.name;
    expect(html.body).toContain(`应到会 3 人`);
    expect(html.body).toContain(`缺席：${absent}`);
    expect(html.body).toContain('无记名投票：赞成 2，反对 0，弃权 0（通过）');
    expect(html.body).toContain('决议：同意确定为入党积极分子。');
  });
});
