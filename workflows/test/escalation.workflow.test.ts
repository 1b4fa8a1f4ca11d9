import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyCaseRecord } from '@dj/db';
import { taskActionUpdate } from '@dj/process-api';
import { captureHistory, startHarness, until, type Harness } from './harness';

// One working day lasts 1 s: the township review (5 working days) is due after 5 s, the reminder
// goes 1 working day before, 督办 to the county at the due date and to the city 3 working days later.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ workingDaySeconds: 1 });
});
afterAll(async () => {
  await h?.close();
});


it('a step left alone: reminder, overdue, 督办 to the county then the city; the task keeps its owner', async () => {
  const { handle, caseId, snapshot } = await h.startRequest('关于调整党小组设置的请示', '拟将第一党小组拆分为两个党小组。');
  const { openTasks } = snapshot;
  const taskId = openTasks[0]!.id;
  const li = await h.actor('li.zuzhi');

  const reminder = await until(() => h.db.caseEvent.findFirst({ where: { caseId, type: 'task.reminded' } }));
  expect(reminder.taskId).toBe(taskId);
  expect(await h.db.notification.count({ where: { userId: li.userId, taskId, kind: 'task.reminder' } })).toBe(1);

  const county = await until(() => h.db.task.findFirst({ where: { supervisesTaskId: taskId, orgId: 'county-a' }, include: { assignees: true } }));
  expect(county).toMatchObject({ kind: 'supervision', status: 'open', escalationLevel: 1 });
  expect(county.assignees[0]).toMatchObject({ orgId: 'county-a', role: 'county_org_dept' });
  const original = await h.db.task.findUniqueOrThrow({ where: { id: taskId }, include: { assignees: true } });
  expect(original).toMatchObject({ status: 'open', overdue: true });
  expect(original.assignees[0]).toMatchObject({ orgId: 'town-a1', role: 'township_org_member', status: 'pending' });
  expect((await h.db.case.findUniqueOrThrow({ where: { id: caseId } })).overdue).toBe(true);
  const escalated = await h.db.caseEvent.findFirstOrThrow({ where: { caseId, type: 'task.escalated' } });
  expect(escalated.data).toMatchObject({ level: 1, supervisor: { orgId: 'county-a' }, responsible: [{ orgId: 'town-a1', role: 'township_org_member' }] });

  const city = await until(() => h.db.task.findFirst({ where: { supervisesTaskId: taskId, orgId: 'city' } }));
  expect(city.escalationLevel).toBe(2);

  // The county supervisor urges (催办) through its 督办 task; the urge is recorded on the supervised task.
  const zhao = await h.actor('zhao.xianwei', '/city/county-a/town-a1/village-a1-1/branch-a1-1/');
  await handle.executeUpdate(taskActionUpdate, { args: [{ taskId: county.id, actor: zhao, action: 'urge' }] });
  expect(await h.db.caseEvent.count({ where: { caseId, taskId, type: 'task.urge', actorId: zhao.userId } })).toBe(1);

  await handle.executeUpdate(taskActionUpdate, { args: [{ taskId, actor: li, action: 'approve', form: {} }] });
  await handle.result();
  const supervisions = await h.db.task.findMany({ where: { supervisesTaskId: taskId } });
  expect(supervisions.map((s) => s.status)).toEqual(['completed', 'completed']);
  const closed = await h.db.caseEvent.findFirstOrThrow({ where: { caseId, taskId, type: 'task.closed' } });
  expect(closed.data).toMatchObject({ late: true });
  expect((await verifyCaseRecord(h.db, caseId)).valid).toBe(true);
  await captureHistory(handle, 'request-report-escalated-urged');
});
