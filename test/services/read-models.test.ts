/**
 * The read models kept by triggers (inbox_entry, the board and statistics roll-ups) against what the
 * source tables say, through open / claim / cc / add_signer / transfer / approve / close / escalate,
 * and the migration's backfill (read_models_rebuild()) giving exactly what the triggers kept.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Prisma, createDb } from '@dj/db';
import { assigneeHeldBy, type AuthUser } from '@dj/service-kit';
import { until } from '../../workflows/test/harness';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

/** Compressed time: a 5-working-day review falls due after 10 s and is escalated. */
const WDS = 2;
let f: Fixture;
const tokens: Record<string, string> = {};
const users: Record<string, AuthUser> = {};
const USERS = ['zhang.zhibu', 'li.zuzhi', 'wang.shuji', 'zhao.xianwei', 'liu.zuzhi', 'he.xianwei'];
const VIEWS = ['todo', 'overdue', 'supervising', 'done', 'cc'] as const;

beforeAll(async () => {
  f = await startServices({ workingDaySeconds: WDS });
  for (const u of USERS) {
    tokens[u] = await f.login(u);
    const row = await f.db.user.findUniqueOrThrow({ where: { username: u }, include: { memberships: { include: { org: true } } } });
    users[u] = {
      id: row.id,
      username: u,
      displayName: row.displayName,
      memberships: row.memberships.map((m) => ({ orgId: m.orgId, role: m.role, orgPath: m.org.path, orgType: m.org.type, orgName: m.org.name })),
    };
  }
});
afterAll(async () => {
  await f?.close();
});

type Snapshot = { caseId: string; openTasks: { id: string; stepKey: string }[] };
type InboxPage = { items: { taskId: string }[]; nextCursor: string | null; counts: Record<string, number> };

/** The inbox as it was read before the read model: EXISTS over the assignees, the copies and the record. */
function referencePredicate(user: AuthUser, view: (typeof VIEWS)[number]): Prisma.Sql {
  const held = Prisma.sql`EXISTS (SELECT 1 FROM task_assignee a WHERE a.task_id = t.id AND a.status = 'pending' AND ${assigneeHeldBy(user)})`;
  switch (view) {
    case 'todo':
      return Prisma.sql`t.status = 'open' AND t.kind = 'step' AND ${held}`;
    case 'overdue':
      return Prisma.sql`t.status = 'open' AND t.kind = 'step' AND t.due_at < now() AND ${held}`;
    case 'supervising':
      return Prisma.sql`t.status = 'open' AND t.kind = 'supervision' AND ${held}`;
    case 'cc':
      return Prisma.sql`EXISTS (SELECT 1 FROM task_copy tc WHERE tc.task_id = t.id AND tc.user_id = ${user.id}::uuid)`;
    case 'done':
      return Prisma.sql`EXISTS (SELECT 1 FROM case_event e WHERE e.task_id = t.id AND e.actor_id = ${user.id}::uuid AND e.type IN
        ('task.approve', 'task.reject', 'task.return', 'task.forward', 'task.transfer', 'task.add_signer', 'task.claim', 'task.comment', 'task.cc'))`;
  }
}

async function reference(user: AuthUser, view: (typeof VIEWS)[number]): Promise<string[]> {
  const rows = await f.db.$queryRaw<{ id: string }[]>`SELECT t.id FROM task t WHERE ${referencePredicate(user, view)} ORDER BY t.due_at, t.id`;
  return rows.map((r) => r.id);
}

async function readAll(user: string, view: string): Promise<{ ids: string[]; counts: Record<string, number> }> {
  const ids: string[] = [];
  let counts: Record<string, number> = {};
  let cursor: string | null = null;
  do {
    const res: LightMyRequestResponse = await f.inbox.inject({ method: 'GET', url: `/api/inbox?view=${view}&limit=100${cursor ? `&cursor=${cursor}` : ''}`, headers: bearer(tokens[user]!) });
    expect(res.statusCode, res.body).toBe(200);
    const page: InboxPage = body<InboxPage>(res);
    ids.push(...page.items.map((i) => i.taskId));
    counts = page.counts;
    cursor = page.nextCursor;
  } while (cursor);
  return { ids, counts };
}

/** Every user's every view and count equals the reference query. */
async function expectInboxesMatch(when: string) {
  for (const u of USERS) {
    for (const view of VIEWS) {
      const [api, ref] = [await readAll(u, view), await reference(users[u]!, view)];
      expect(api.ids, `${when}: ${u} ${view}`).toEqual(ref);
      expect(api.counts[view], `${when}: ${u} count ${view}`).toBe(ref.length);
    }
  }
}

/**
 * The board roll-up of some units against counts over the source rows (overdue = marked by the escalation).
 * The board is read over HTTP and the reference by a second query, and other test files open and close
 * cases in the same units in between: the two must agree at some moment, read back to back (retried).
 */
async function expectBoardMatches(when: string) {
  const ids = ['county-a', 'town-a1', 'branch-a1-1'];
  const readPair = async () => {
    const res = await f.cases.inject({ method: 'GET', url: '/api/admin/board?depth=4', headers: bearer(tokens['zhao.xianwei']!) });
    expect(res.statusCode, res.body).toBe(200);
    const units = body<{ items: { id: string; open: number; overdue: number; dueSoon: number; supervising: number }[] }>(res).items;
    const board = ids.map((id) => {
      const u = units.find((x) => x.id === id);
      return u && { id, open: u.open, overdue: u.overdue, dueSoon: u.dueSoon, supervising: u.supervising };
    });
    const reference = [];
    for (const id of ids) {
      const [ref] = await f.db.$queryRaw<{ open: number; overdue: number; dueSoon: number; supervising: number }[]>`
        SELECT count(*)::int AS open,
               (count(*) FILTER (WHERE COALESCE(c.deadline_at <= now(), false)
                 OR EXISTS (SELECT 1 FROM task t WHERE t.case_id = c.id AND t.kind = 'step' AND t.status = 'open' AND t.overdue)))::int AS overdue,
               (count(*) FILTER (WHERE EXISTS (SELECT 1 FROM task t WHERE t.case_id = c.id AND t.kind = 'step' AND t.status = 'open'
                 AND t.reminded_at IS NOT NULL AND NOT t.overdue)))::int AS "dueSoon",
               COALESCE(sum((SELECT count(*) FROM task t WHERE t.case_id = c.id AND t.kind = 'supervision' AND t.status = 'open')), 0)::int AS supervising
        FROM "case" c JOIN org_unit o ON starts_with(c.org_path, o.path) WHERE o.id = ${id} AND c.status = 'open'`;
      reference.push({ id, ...ref! });
    }
    return { board, reference };
  };
  let last = await readPair();
  for (let attempt = 0; attempt < 20 && JSON.stringify(last.board) !== JSON.stringify(last.reference); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await readPair();
  }
  expect(last.board, `${when}: board`).toEqual(last.reference);
}

async function startCase(title = `读模型 ${randomUUID().slice(0, 8)}`): Promise<Snapshot> {
  const res = await f.cases.inject({
    method: 'POST',
    url: '/api/cases',
    headers: bearer(tokens['zhang.zhibu']!),
    payload: { type: 'request-report', orgId: 'branch-a1-1', input: { title, body: '正文' } },
  });
  expect(res.statusCode, res.body).toBe(201);
  return body<Snapshot>(res);
}

async function act(user: string, taskId: string, payload: Record<string, unknown>) {
  const res = await f.inbox.inject({ method: 'POST', url: `/api/tasks/${taskId}/actions`, headers: bearer(tokens[user]!), payload });
  expect(res.statusCode, `${user} ${String(payload.action)}: ${res.body}`).toBe(200);
}

const openTask = (caseId: string, stepKey: string) => until(() => f.db.task.findFirst({ where: { caseId, stepKey, status: 'open', kind: 'step' } }), 30_000);

describe('read models kept by triggers', () => {
  it('the inbox and the board equal the source tables through every kind of change', async () => {
    await expectInboxesMatch('before');
    const a = await startCase();
    const b = await startCase();
    const late = await startCase(); // left alone: falls due and is escalated
    const [taskA, taskB] = [a.openTasks[0]!.id, b.openTasks[0]!.id];
    await expectInboxesMatch('opened');

    await act('li.zuzhi', taskA, { action: 'claim' });
    await expectInboxesMatch('claimed');
    await act('li.zuzhi', taskA, { action: 'cc', to: [{ userId: users['he.xianwei']!.id }] });
    await act('li.zuzhi', taskA, { action: 'add_signer', to: [{ userId: users['wang.shuji']!.id }], comment: '请书记会签' });
    await expectInboxesMatch('cc and add_signer');
    await act('li.zuzhi', taskB, { action: 'transfer', to: [{ userId: users['he.xianwei']!.id }], comment: '请代为审核' });
    await expectInboxesMatch('transferred');

    await act('li.zuzhi', taskA, { action: 'approve', form: { opinion: '同意' } });
    await expectInboxesMatch('approved by the first signer');
    await act('wang.shuji', taskA, { action: 'approve', form: { opinion: '同意' } });
    await until(async () => (await f.db.case.findUniqueOrThrow({ where: { id: a.caseId } })).status === 'completed', 30_000);
    await expectInboxesMatch('approved by the added signer, case completed');
    await act('he.xianwei', taskB, { action: 'forward', form: { opinion: '上报' } });
    const decision = await openTask(b.caseId, 'county-decision');
    await expectInboxesMatch('forwarded, next step opened');
    await act('zhao.xianwei', decision.id, { action: 'approve', form: { opinion: '同意' } });
    await until(async () => (await f.db.case.findUniqueOrThrow({ where: { id: b.caseId } })).status === 'completed', 30_000);
    await expectInboxesMatch('case completed');
    await expectBoardMatches('case completed');

    await until(() => f.db.task.findFirst({ where: { caseId: late.caseId, kind: 'supervision', status: 'open' } }), 60_000);
    await expectInboxesMatch('escalated');
    await expectBoardMatches('escalated');
    const supervision = await f.db.task.findFirstOrThrow({ where: { caseId: late.caseId, kind: 'supervision' } });
    expect((await readAll('zhao.xianwei', 'supervising')).ids).toContain(supervision.id); // 东湖镇's step: the county supervises
    expect((await readAll('li.zuzhi', 'overdue')).ids).toContain(late.openTasks[0]!.id);
  });

  it('a step closed after its due date leaves its case 曾超期 after it closed, and not 当前超期; the reminder marks a step due soon', async () => {
    const tag = `曾超期${randomUUID().slice(0, 6)}`;
    const late = await startCase(`${tag} 逾期办结`);
    const onTime = await startCase(`${tag} 按时办结`);
    const lateTask = late.openTasks[0]!.id;
    await act('li.zuzhi', onTime.openTasks[0]!.id, { action: 'approve', form: { opinion: '同意' } });

    // The reminder activity marks the step (reminderLeadWorkingDays before its due date): counted due soon until it is overdue.
    const reminded = await until(() => f.db.task.findFirst({ where: { id: lateTask, remindedAt: { not: null } } }), 30_000);
    expect(await f.db.caseEvent.count({ where: { taskId: lateTask, type: 'task.reminded' } })).toBe(1);
    expect(reminded.remindedAt!.getTime()).toBeLessThanOrEqual(reminded.dueAt.getTime());
    await expectBoardMatches('reminded');

    await until(() => f.db.task.findFirst({ where: { id: lateTask, overdue: true } }), 30_000);
    await expectBoardMatches('overdue');
    await act('li.zuzhi', lateTask, { action: 'approve', form: { opinion: '同意' } });
    await until(async () => (await f.db.case.findUniqueOrThrow({ where: { id: late.caseId } })).status === 'completed', 30_000);
    await until(async () => (await f.db.case.findUniqueOrThrow({ where: { id: onTime.caseId } })).status === 'completed', 30_000);
    const closed = await f.db.task.findUniqueOrThrow({ where: { id: lateTask } });
    expect(closed.closedAt!.getTime()).toBeGreaterThan(closed.dueAt.getTime());

    type Item = { id: string; overdue: boolean; wasLate: boolean; status: string };
    const search = async (filter: string) => {
      const res = await f.cases.inject({ method: 'GET', url: `/api/admin/cases?orgId=branch-a1-1&q=${encodeURIComponent(tag)}&limit=100&${filter}`, headers: bearer(tokens['zhao.xianwei']!) });
      expect(res.statusCode, res.body).toBe(200);
      return body<{ items: Item[]; total: number }>(res);
    };
    const ever = await search('wasLate=true');
    expect(ever.items.map((i) => i.id)).toEqual([late.caseId]);
    expect(ever.items[0]).toMatchObject({ status: 'completed', overdue: false, wasLate: true });
    expect((await search('overdue=true')).items).toEqual([]);
    expect((await search('wasLate=false')).items.map((i) => i.id)).toEqual([onTime.caseId]);
    expect((await search('overdue=false')).items.map((i) => i.id).sort()).toEqual([late.caseId, onTime.caseId].sort());

    // The CSV shows both: 当前超期 否, 曾超期 是.
    const csv = await f.cases.inject({ method: 'GET', url: `/api/admin/cases.csv?orgId=branch-a1-1&q=${encodeURIComponent(tag)}`, headers: bearer(tokens['zhao.xianwei']!) });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('当前超期,曾超期');
    expect(csv.body.split('\r\n').find((l) => l.startsWith(late.caseId))).toMatch(/,已办结,否,是,/);
    expect(csv.body.split('\r\n').find((l) => l.startsWith(onTime.caseId))).toMatch(/,已办结,否,否,/);
  });

  it('a unit is yellow with a step due soon, red once it is overdue; 曾超期 of a subtree is counted by the roll-up and stays after close', async () => {
    // A unit of its own (no other test's cases), its case and task written as the activities would.
    const owner = createDb(inject('databaseUrl'), { max: 1 });
    const unit = `rm-yellow-${randomUUID().slice(0, 8)}`;
    const [caseId, taskId, closedLateCase, closedLateTask] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    type Unit = { id: string; open: number; overdue: number; dueSoon: number; supervising: number; status: string };
    const board = async (orgId = unit) => {
      const res = await f.cases.inject({ method: 'GET', url: `/api/admin/board?orgId=${orgId}&depth=0`, headers: bearer(tokens['zhao.xianwei']!) });
      expect(res.statusCode, res.body).toBe(200);
      const answer = body<{ items: Unit[]; dueSoonWorkingDays: number }>(res);
      return { ...answer.items.find((u) => u.id === orgId)!, window: answer.dueSoonWorkingDays };
    };
    const search = async (filter: string) => {
      const res = await f.cases.inject({ method: 'GET', url: `/api/admin/cases?orgId=${unit}&${filter}`, headers: bearer(tokens['zhao.xianwei']!) });
      expect(res.statusCode, res.body).toBe(200);
      return body<{ items: { id: string; overdue: boolean; wasLate: boolean }[]; total: number; totalCapped: boolean }>(res);
    };
    const town = await owner.orgUnit.findUniqueOrThrow({ where: { id: 'town-a1' } });
    const initiator = users['zhang.zhibu']!.id;
    const newCase = (id: string) => owner.$executeRaw`
      INSERT INTO "case" (id, type, workflow_id, org_id, org_path, title, status, stage, initiator_id, input, opened_at, updated_at)
      VALUES (${id}::uuid, 'request-report', ${`test-${id}`}, ${unit}, '', ${`看板 ${id.slice(0, 6)}`}, 'open', 'township-review', ${initiator}::uuid, '{}', now(), now())`;
    const newTask = (id: string, c: string, dueInSeconds: number) => owner.$executeRaw`
      INSERT INTO task (id, case_id, kind, step_key, round, title, org_id, status, mode, actions, due_at, opened_at)
      VALUES (${id}::uuid, ${c}::uuid, 'step', 'township-review', 1, '乡镇党委审核请示', 'town-a1', 'open', 'any', '{approve}', now() + make_interval(secs => ${dueInSeconds}), now())`;
    try {
      await owner.orgUnit.create({ data: { id: unit, name: '看板测试支部', type: 'branch', parentId: 'town-a1', path: `${town.path}${unit}/`, depth: town.depth + 1 } });
      await newCase(caseId);
      await newTask(taskId, caseId, 3600);
      expect(await board()).toMatchObject({ open: 1, overdue: 0, dueSoon: 0, status: 'green' });

      // The reminder went (what remindTask writes): due soon — yellow, and the window is the policy's.
      await owner.$executeRaw`UPDATE task SET reminded_at = now() WHERE id = ${taskId}::uuid`;
      const yellow = await board();
      expect(yellow).toMatchObject({ open: 1, overdue: 0, dueSoon: 1, supervising: 0, status: 'yellow' });
      const policy = await owner.policy.findUnique({ where: { key: 'escalation.default' } });
      expect(yellow.window).toBe((policy?.value as { reminderLeadWorkingDays: number } | undefined)?.reminderLeadWorkingDays ?? 1);
      expect((await board('town-a1')).dueSoon).toBeGreaterThanOrEqual(1);

      // The escalation marked it at its due date: overdue — red, no longer due soon; 当前超期 and 曾超期.
      await owner.$executeRaw`UPDATE task SET overdue = true WHERE id = ${taskId}::uuid`;
      expect(await board()).toMatchObject({ open: 1, overdue: 1, dueSoon: 0, status: 'red' });
      expect((await search('overdue=true&status=open')).items.map((i) => i.id)).toEqual([caseId]);
      expect(await search('wasLate=true')).toMatchObject({ total: 1, totalCapped: false, items: [{ id: caseId, overdue: true, wasLate: true }] });

      // A step closed after its due date that no escalation marked (a unit with no one above) is late too.
      await newCase(closedLateCase);
      await newTask(closedLateTask, closedLateCase, -60);
      await owner.$executeRaw`UPDATE task SET status = 'completed', closed_at = now() WHERE id = ${closedLateTask}::uuid`;
      await owner.$executeRaw`UPDATE "case" SET status = 'completed', closed_at = now() WHERE id = ${closedLateCase}::uuid`;

      // Both closed: nothing open, green; both still 曾超期 (the total from the roll-up), neither 当前超期.
      await owner.$executeRaw`UPDATE task SET status = 'completed', closed_at = now() WHERE id = ${taskId}::uuid`;
      await owner.$executeRaw`UPDATE "case" SET status = 'completed', closed_at = now() WHERE id = ${caseId}::uuid`;
      expect(await board()).toMatchObject({ open: 0, overdue: 0, dueSoon: 0, status: 'green' });
      const ever = await search('wasLate=true');
      expect(ever.total).toBe(2);
      expect(ever.items.map((i) => i.id).sort()).toEqual([caseId, closedLateCase].sort());
      expect((await search('overdue=true')).items).toEqual([]);
      expect((await search('wasLate=false')).items).toEqual([]);

      // 曾超期 by status reads the board row's copies of the case's status and opening time (the late index):
      // they follow the case, the capped count is taken on the board index alone, and pages follow the cursor.
      const copies = await owner.$queryRaw<{ same: boolean }[]>`
        SELECT b.status = c.status AND b.opened_at = c.opened_at AS same FROM case_board b JOIN "case" c ON c.id = b.case_id WHERE b.case_id IN (${caseId}::uuid, ${closedLateCase}::uuid)`;
      expect(copies).toEqual([{ same: true }, { same: true }]);
      const closedLate = await search('wasLate=true&status=completed');
      expect(closedLate).toMatchObject({ total: 2, totalCapped: false });
      expect(closedLate.items.map((i) => i.id)).toEqual(ever.items.map((i) => i.id)); // newest first, as without status
      expect(await search('wasLate=true&status=open')).toMatchObject({ total: 0, items: [] });
      expect(await search('wasLate=true&status=completed&type=request-report')).toMatchObject({ total: 2, totalCapped: false });
      expect(await search('wasLate=true&status=completed&type=member-development')).toMatchObject({ total: 0, items: [] });
      const first = await search('wasLate=true&status=completed&limit=1');
      expect(first.items.map((i) => i.id)).toEqual([closedLate.items[0]!.id]);
      const second = await search(`wasLate=true&status=completed&limit=1&cursor=${(first as unknown as { nextCursor: string }).nextCursor}`);
      expect(second.items.map((i) => i.id)).toEqual([closedLate.items[1]!.id]);
      // Reopened (as no process does, but the copy must follow any status change): 曾超期 and open.
      await owner.$executeRaw`UPDATE "case" SET status = 'open', closed_at = NULL WHERE id = ${closedLateCase}::uuid`;
      expect((await search('wasLate=true&status=open')).items.map((i) => i.id)).toEqual([closedLateCase]);
      expect((await search('wasLate=true&status=completed')).items.map((i) => i.id)).toEqual([caseId]);
      await owner.$executeRaw`UPDATE "case" SET status = 'completed', closed_at = now() WHERE id = ${closedLateCase}::uuid`;
    } finally {
      await owner.$executeRaw`DELETE FROM task WHERE case_id IN (${caseId}::uuid, ${closedLateCase}::uuid)`;
      await owner.$executeRaw`DELETE FROM "case" WHERE id IN (${caseId}::uuid, ${closedLateCase}::uuid)`;
      // Deleting the cases took back everything they contributed.
      const [left] = await owner.$queryRaw<{ n: number }[]>`
        SELECT COALESCE(sum(abs(open_cases) + abs(overdue_cases) + abs(due_soon_cases) + abs(late_cases)), 0)::int AS n FROM org_board WHERE org_id = ${unit}`;
      for (const table of ['org_board', 'org_stage_count', 'org_daily']) await owner.$executeRawUnsafe(`DELETE FROM ${table} WHERE org_id = $1`, unit);
      await owner.$executeRaw`DELETE FROM org_unit WHERE id = ${unit}`;
      await owner.$disconnect();
      expect(left?.n).toBe(0);
    }
  });

  it('the migration backfill (read_models_rebuild) gives exactly what the triggers kept', async () => {
    await startCase();
    // One repeatable-read transaction: read what the triggers kept, rebuild from the source rows, read again, roll back.
    const snapshot = (tx: Prisma.TransactionClient) =>
      Promise.all([
        tx.$queryRaw`SELECT holder, view, due_at, task_id, case_type, org_path, title, case_title FROM inbox_entry ORDER BY holder, view, due_at, task_id`,
        tx.$queryRaw`SELECT case_id, open_overdue_steps, open_supervision, open_due_soon_steps, late_steps, open, overdue, supervising, deadline_passed, due_soon, was_late,
                            status, opened_at FROM case_board ORDER BY case_id`,
        tx.$queryRaw`SELECT org_id, sum(open_cases)::int AS o, sum(overdue_cases)::int AS v, sum(supervising)::int AS s, sum(deadline_passed)::int AS d,
                            sum(due_soon_cases)::int AS ds, sum(late_cases)::int AS l
                     FROM org_board GROUP BY org_id
                     HAVING sum(open_cases) <> 0 OR sum(overdue_cases) <> 0 OR sum(supervising) <> 0 OR sum(deadline_passed) <> 0 OR sum(due_soon_cases) <> 0 OR sum(late_cases) <> 0
                     ORDER BY org_id`,
        tx.$queryRaw`SELECT org_id, case_type, stage, sum(open_cases)::int AS n FROM org_stage_count GROUP BY 1, 2, 3 HAVING sum(open_cases) <> 0 ORDER BY 1, 2, 3`,
        tx.$queryRaw`SELECT org_id, case_type, step_key, day, opened, closed, steps_closed, steps_on_time, steps_late FROM org_daily
                     WHERE (opened, closed, steps_closed, steps_on_time, steps_late) <> (0, 0, 0, 0, 0) ORDER BY 1, 2, 3, 4`,
      ]);
    const rolledBack = new Error('rolled back');
    let compared = false;
    // The backfill is the migration's (it empties and refills the projections): it runs as the owner.
    const owner = createDb(inject('databaseUrl'), { max: 1 });
    await owner
      .$transaction(
        async (tx) => {
          // A case deadline counts once the case row changes after it (the deadline activity changes it);
          // cases of earlier test files whose workers are gone never get that change, so bring every
          // case's board row to now first — the comparison is of the same instant on both sides.
          await tx.$executeRawUnsafe('DO $$ BEGIN PERFORM rm_board_apply(id) FROM "case"; END $$');
          const kept = await snapshot(tx);
          expect((kept[0] as unknown[]).length).toBeGreaterThan(0);
          await tx.$executeRaw`SELECT read_models_rebuild()`;
          expect(await snapshot(tx)).toEqual(kept);
          compared = true;
          throw rolledBack;
        },
        { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 60_000 },
      )
      .catch((e: unknown) => {
        if (e !== rolledBack) throw e;
      })
      .finally(() => owner.$disconnect());
    expect(compared).toBe(true);
  });
});
