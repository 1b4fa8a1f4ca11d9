import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '@dj/db';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

let f: Fixture;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  f = await startServices();
  for (const u of ['zhang.zhibu', 'li.zuzhi', 'wang.shuji', 'zhao.xianwei', 'liu.zuzhi', 'sun.zhibu', 'zhou.zhibu', 'admin', 'security']) tokens[u] = await f.login(u);
});
afterAll(async () => {
  await f?.close();
});

type Snapshot = { caseId: string; status: string; stage: string; openTasks: { id: string; stepKey: string }[] };
type InboxPage = { items: { taskId: string; caseId: string; dueAt: string; overdue: boolean }[]; nextCursor: string | null; counts: Record<string, number> };

async function startCase(title = `请示 ${randomUUID().slice(0, 8)}`) {
  const res = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens['zhang.zhibu']!), payload: { type: 'request-report', orgId: 'branch-a1-1', input: { title, body: '正文' } } });
  expect(res.statusCode).toBe(201);
  return body<Snapshot>(res);
}

const inbox = (user: string, query: string) => f.inbox.inject({ method: 'GET', url: `/api/inbox?${query}`, headers: bearer(tokens[user]!) });
const act = (user: string, taskId: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  f.inbox.inject({ method: 'POST', url: `/api/tasks/${taskId}/actions?wait=next`, headers: { ...bearer(tokens[user]!), ...headers }, payload });

describe('inbox', () => {
  it('pages through todo in due-date order with a keyset cursor, with counts per view', async () => {
    for (let i = 0; i < 5; i++) await startCase();
    const before = body<InboxPage>(await inbox('li.zuzhi', 'view=todo&limit=100'));
    expect(before.counts.todo).toBe(before.items.length);
    const seen: InboxPage['items'] = [];
    let cursor: string | null = null;
    do {
      const res = await inbox('li.zuzhi', `view=todo&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = body<InboxPage>(res);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((i) => i.taskId)).toEqual(before.items.map((i) => i.taskId));
    expect(new Set(seen.map((i) => i.taskId)).size).toBe(seen.length);
    const due = seen.map((i) => i.dueAt);
    expect([...due].sort()).toEqual(due);
    expect(before.counts.todo).toBeGreaterThanOrEqual(5);
    // The same role in another township sees none of them.
    const other = body<InboxPage>(await inbox('liu.zuzhi', 'view=todo'));
    expect(other.items.filter((i) => seen.some((s) => s.caseId === i.caseId))).toEqual([]);
  });

  it('rejects a bad cursor, a bad view and a limit out of range', async () => {
    for (const q of ['cursor=abc', 'view=all', 'limit=0', 'limit=101', 'extra=1']) {
      const res = await inbox('li.zuzhi', q);
      expect(res.statusCode, q).toBe(400);
      expect(body(res)).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it('done and cc views follow what the user did and was copied on', async () => {
    const s = await startCase();
    const taskId = s.openTasks[0]!.id;
    const wang = await f.db.user.findUniqueOrThrow({ where: { username: 'wang.shuji' } });
    expect((await act('li.zuzhi', taskId, { action: 'cc', to: [{ userId: wang.id }] })).statusCode).toBe(200);
    const cc = body<InboxPage>(await inbox('wang.shuji', 'view=cc&limit=100'));
    expect(cc.items.map((i) => i.taskId)).toContain(taskId);
    expect((await act('li.zuzhi', taskId, { action: 'approve', form: { opinion: '同意' } })).statusCode).toBe(200);
    const done = body<InboxPage>(await inbox('li.zuzhi', 'view=done&limit=100'));
    expect(done.items.map((i) => i.taskId)).toContain(taskId);
    const todo = body<InboxPage>(await inbox('li.zuzhi', 'view=todo&limit=100'));
    expect(todo.items.map((i) => i.taskId)).not.toContain(taskId);
  });

  it('task detail: visible to assignees and supervisors above, 404 to everyone else; actions offered per user', async () => {
    const s = await startCase();
    const taskId = s.openTasks[0]!.id;
    const detail = await f.inbox.inject({ method: 'GET', url: `/api/tasks/${taskId}`, headers: bearer(tokens['li.zuzhi']!) });
    expect(detail.statusCode).toBe(200);
    const d = body<{ availableActions: string[]; form: { id: string }; record: { type: string }[]; case: { id: string } }>(detail);
    expect(d.availableActions).toEqual(expect.arrayContaining(['approve', 'reject', 'return', 'forward', 'transfer', 'claim']));
    expect(d.availableActions).not.toContain('urge');
    expect(d.form.id).toBe('review.opinion');
    expect(d.record.map((e) => e.type)).toEqual(['case.opened', 'task.opened']);

    const asInitiator = body<{ availableActions: string[] }>(await f.inbox.inject({ method: 'GET', url: `/api/tasks/${taskId}`, headers: bearer(tokens['zhang.zhibu']!) }));
    expect(asInitiator.availableActions).toEqual(['comment', 'urge']);
    const asCounty = await f.inbox.inject({ method: 'GET', url: `/api/tasks/${taskId}`, headers: bearer(tokens['zhao.xianwei']!) });
    expect(asCounty.statusCode).toBe(200);
    expect(body<{ availableActions: string[] }>(asCounty).availableActions).toEqual(['comment', 'urge']);

    for (const outsider of ['liu.zuzhi', 'sun.zhibu', 'zhou.zhibu']) {
      const res = await f.inbox.inject({ method: 'GET', url: `/api/tasks/${taskId}`, headers: bearer(tokens[outsider]!) });
      expect(res.statusCode, outsider).toBe(404);
      expect((await act(outsider, taskId, { action: 'comment', comment: '看看' })).statusCode).toBe(404);
    }
    expect((await f.inbox.inject({ method: 'GET', url: `/api/tasks/${randomUUID()}`, headers: bearer(tokens['li.zuzhi']!) })).statusCode).toBe(404);
    expect(await f.db.caseEvent.count({ where: { caseId: s.caseId } })).toBe(2);
  });

  it('an Idempotency-Key makes a retried action take effect once', async () => {
    const s = await startCase();
    const taskId = s.openTasks[0]!.id;
    const key = `retry-${randomUUID()}`;
    const first = await act('li.zuzhi', taskId, { action: 'comment', comment: '收到' }, { 'idempotency-key': key });
    const retry = await act('li.zuzhi', taskId, { action: 'comment', comment: '收到' }, { 'idempotency-key': key });
    expect([first.statusCode, retry.statusCode]).toEqual([200, 200]);
    expect(await f.db.caseEvent.count({ where: { caseId: s.caseId, type: 'task.comment' } })).toBe(1);
  });

  it('transfer to an unknown user is a 400 and changes nothing', async () => {
    const s = await startCase();
    const taskId = s.openTasks[0]!.id;
    const res = await act('li.zuzhi', taskId, { action: 'transfer', comment: '转', to: [{ userId: randomUUID() }] });
    expect(res.statusCode).toBe(400);
    expect(body(res)).toMatchObject({ code: 'UNKNOWN_TARGET' });
    expect(await f.db.caseEvent.count({ where: { caseId: s.caseId } })).toBe(2);
  });

  describe('hand-overs stay within the responsible organization\'s reach', () => {
    const userId = async (username: string) => (await f.db.user.findUniqueOrThrow({ where: { username } })).id;
    const unchanged = async (caseId: string, taskId: string, events: number) => {
      expect(await f.db.caseEvent.count({ where: { caseId } })).toBe(events);
      expect(await f.db.taskAssignee.count({ where: { taskId } })).toBe(1);
      expect(await f.db.taskCopy.count({ where: { taskId } })).toBe(0);
    };

    it('转办, 加签 and 抄送 to an official of another county or township are refused with TARGET_OUT_OF_REACH', async () => {
      const s = await startCase();
      const taskId = s.openTasks[0]!.id;
      const events = await f.db.caseEvent.count({ where: { caseId: s.caseId } });
      for (const [action, target] of [
        ['transfer', 'zhou.zhibu'],
        ['add_signer', 'liu.zuzhi'],
        ['cc', 'sun.zhibu'],
      ] as const) {
        const res = await act('li.zuzhi', taskId, { action, comment: '请办理', to: [{ userId: await userId(target) }] });
        expect(res.statusCode, `${action} → ${target}`).toBe(400);
        expect(body(res)).toMatchObject({ code: 'TARGET_OUT_OF_REACH' });
      }
      const orgRole = await act('li.zuzhi', taskId, { action: 'transfer', comment: '请办理', to: [{ orgId: 'town-a2', role: 'township_org_member' }] });
      expect(body(orgRole)).toMatchObject({ code: 'TARGET_OUT_OF_REACH' });
      await unchanged(s.caseId, taskId, events);
      // The outsider copied on nothing still cannot read the case.
      const outsider = await f.cases.inject({ method: 'GET', url: `/api/cases/${s.caseId}`, headers: bearer(tokens['sun.zhibu']!) });
      expect(outsider.statusCode).toBe(404);
    });

    it('the initiator cannot be made to decide their own request; targets in the supervising chain can', async () => {
      const s = await startCase();
      const taskId = s.openTasks[0]!.id;
      const events = await f.db.caseEvent.count({ where: { caseId: s.caseId } });
      for (const action of ['transfer', 'add_signer'] as const) {
        const res = await act('li.zuzhi', taskId, { action, comment: '请办理', to: [{ userId: await userId('zhang.zhibu') }] });
        expect(body(res)).toMatchObject({ code: 'TARGET_IS_INITIATOR' });
      }
      await unchanged(s.caseId, taskId, events);
      const up = await act('li.zuzhi', taskId, { action: 'add_signer', comment: '请县委组织部会签', to: [{ userId: await userId('zhao.xianwei') }] });
      expect(up.statusCode).toBe(200);
      expect(await f.db.taskAssignee.count({ where: { taskId } })).toBe(2);
    });

    it('an action that takes no form or no target refuses one', async () => {
      const s = await startCase();
      const taskId = s.openTasks[0]!.id;
      const events = await f.db.caseEvent.count({ where: { caseId: s.caseId } });
      const withForm = await act('li.zuzhi', taskId, { action: 'comment', comment: '意见', form: { opinion: 'x' } });
      expect(body(withForm)).toMatchObject({ code: 'FORM_NOT_ALLOWED' });
      const withTarget = await act('li.zuzhi', taskId, { action: 'comment', comment: '意见', to: [{ userId: await userId('wang.shuji') }] });
      expect(body(withTarget)).toMatchObject({ code: 'TARGET_NOT_ALLOWED' });
      await unchanged(s.caseId, taskId, events);
    });
  });
});

describe('cases', () => {
  it('only a branch secretary of that branch may start a 请示报告', async () => {
    const payload = { type: 'request-report', orgId: 'branch-a1-1', input: { title: 't', body: 'b' } };
    const before = await f.db.case.count();
    for (const [user, orgId] of [['li.zuzhi', 'branch-a1-1'], ['sun.zhibu', 'branch-a1-1'], ['zhang.zhibu', 'town-a1'], ['zhang.zhibu', 'no-such-org']] as const) {
      const res = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens[user]!), payload: { ...payload, orgId } });
      expect(res.statusCode, `${user}@${orgId}`).toBe(403);
      expect(body(res)).toMatchObject({ code: 'FORBIDDEN' });
    }
    const unknown = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens['zhang.zhibu']!), payload: { ...payload, type: 'nope' } });
    expect(body(unknown)).toMatchObject({ code: 'UNKNOWN_CASE_TYPE' });
    const badForm = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens['zhang.zhibu']!), payload: { ...payload, input: { title: 'x'.repeat(201), body: 'b' } } });
    expect(badForm.statusCode).toBe(400);
    expect(body(badForm)).toMatchObject({ code: 'INVALID_FORM' });
    expect(await f.db.case.count()).toBe(before);
  });

  it('case view: state, open tasks and the verified record, for those allowed', async () => {
    const s = await startCase();
    const res = await f.cases.inject({ method: 'GET', url: `/api/cases/${s.caseId}`, headers: bearer(tokens['wang.shuji']!) });
    expect(res.statusCode).toBe(200);
    const c = body<{ case: { status: string; orgId: string }; openTasks: unknown[]; record: unknown[]; recordVerification: { valid: boolean } }>(res);
    expect(c.case).toMatchObject({ status: 'open', orgId: 'branch-a1-1' });
    expect(c.openTasks).toHaveLength(1);
    expect(c.recordVerification).toEqual({ valid: true, events: 2, anchored: 0 });
    for (const user of ['zhou.zhibu', 'sun.zhibu', 'liu.zuzhi']) {
      expect((await f.cases.inject({ method: 'GET', url: `/api/cases/${s.caseId}`, headers: bearer(tokens[user]!) })).statusCode, user).toBe(404);
    }
    expect((await f.cases.inject({ method: 'GET', url: `/api/cases/${s.caseId}`, headers: bearer(tokens['admin']!) })).statusCode).toBe(200);
  });

  it('撤回 over HTTP: only the initiator, only before anyone acted', async () => {
    const s = await startCase();
    const notMine = await f.cases.inject({ method: 'POST', url: `/api/cases/${s.caseId}/withdraw`, headers: bearer(tokens['wang.shuji']!), payload: {} });
    expect(notMine.statusCode).toBe(403);
    const res = await f.cases.inject({ method: 'POST', url: `/api/cases/${s.caseId}/withdraw`, headers: bearer(tokens['zhang.zhibu']!), payload: { comment: '撤回重报' } });
    expect(res.statusCode).toBe(200);
    expect(body(res)).toMatchObject({ status: 'withdrawn', openTasks: [] });
    const again = await f.cases.inject({ method: 'POST', url: `/api/cases/${s.caseId}/withdraw`, headers: bearer(tokens['zhang.zhibu']!), payload: {} });
    expect(again.statusCode).toBe(409);
    expect((await act('li.zuzhi', s.openTasks[0]!.id, { action: 'approve', form: {} })).statusCode).toBe(409);
  });
});

describe('working-day calendar administration', () => {
  const put = (user: string, year: number, payload: unknown) =>
    f.cases.inject({ method: 'PUT', url: `/api/calendar/years/${year}`, headers: bearer(tokens[user]!), payload: payload as Record<string, unknown> });
  const year2027 = {
    source: '国务院办公厅关于2027年部分节假日安排的通知 (test)',
    days: [
      { date: '2027-01-01', kind: 'holiday', name: '元旦' },
      { date: '2027-02-06', kind: 'workday', name: '春节' },
    ],
  };

  it('a security administrator adds a year; deadlines in it stop being provisional', async () => {
    expect((await loadWorkingCalendar(f.db)).isPublished(2027)).toBe(false);
    expect((await put('li.zuzhi', 2027, year2027)).statusCode).toBe(403);
    const res = await put('security', 2027, year2027);
    expect(res.statusCode).toBe(200);
    const calendar = await loadWorkingCalendar(f.db);
    expect(calendar.isPublished(2027)).toBe(true);
    expect(calendar.isWorkingDay('2027-01-01')).toBe(false); // a Friday, now a holiday
    expect(calendar.isWorkingDay('2027-02-06')).toBe(true); // a Saturday, now a make-up workday
    const listed = body<{ items: { year: number }[] }>(await f.cases.inject({ method: 'GET', url: '/api/calendar/years', headers: bearer(tokens['li.zuzhi']!) }));
    expect(listed.items.map((y) => y.year)).toContain(2027);
    const got = body<{ days: unknown[] }>(await f.cases.inject({ method: 'GET', url: '/api/calendar/years/2027', headers: bearer(tokens['li.zuzhi']!) }));
    expect(got.days).toEqual(year2027.days);
  });

  it('refuses days outside the year, weekday make-up days and duplicates, changing nothing', async () => {
    const before = await f.db.calendarDay.count();
    for (const days of [
      [{ date: '2028-01-03', kind: 'holiday', name: 'x' }],
      [{ date: '2027-03-03', kind: 'workday', name: 'x' }],
      [{ date: '2027-05-01', kind: 'holiday', name: 'x' }, { date: '2027-05-01', kind: 'holiday', name: 'x' }],
      [{ date: '2027-02-30', kind: 'holiday', name: 'x' }],
    ]) {
      const res = await put('security', 2027, { source: 's', days });
      expect(res.statusCode, JSON.stringify(days)).toBe(400);
      expect(body(res)).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(await f.db.calendarDay.count()).toBe(before);
  });
});
