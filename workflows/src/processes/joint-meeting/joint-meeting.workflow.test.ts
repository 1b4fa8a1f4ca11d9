import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { quarterByLabel, quarterReportFigures, type DecisionStatus } from '@dj/domain';
import { cycleWorkflowId, type JointExtraordinaryInput } from '@dj/process-api';
import { loadJointBodyInfo } from '@dj/process-api/joint-body-info';
import { backfillJointQuarter, jointScheduleExists, syncJointSchedule } from '@dj/process-api/schedules';
import { captureHistory, rejection, startHarness, until, type Harness, actAndWait } from '../../../test/harness';

// One working day lasts 1 s; a quarter lasts 40 s. Backfilled past quarters get 40 s from their
// start to hold the meeting. The 议题征集 window is shortened to 8 working days by policy.
const S = 40;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ workingDaySeconds: 1, quarterSeconds: S });
  await h.db.policy.upsert({ where: { key: 'duration.joint-meeting.collect' }, create: { key: 'duration.joint-meeting.collect', value: { workingDays: 8 } }, update: { value: { workingDays: 8 } } });
});
afterAll(async () => {
  await h?.close();
});

async function userId(username: string) {
  return (await h.db.user.findUniqueOrThrow({ where: { username } })).id;
}

/** A body at 东湖镇 with three member units (created directly; the HTTP API is tested in test/services). */
async function createBody(liaisons = ['gong.lianluo', 'wuye.lianluo', 'juwei.lianluo']) {
  const id = randomUUID();
  const org = await h.db.orgUnit.findUniqueOrThrow({ where: { id: 'town-a1' } });
  await h.db.jointMeetingBody.create({ data: { id, name: `测试联席会议${id.slice(0, 4)}`, orgId: org.id, orgPath: org.path, convenerId: await userId('he.xianwei'), secretaryId: await userId('li.zuzhi'), status: 'paused' } });
  const names = ['东湖供电所', '东湖物业', '东湖社区居委会'];
  const superiors = ['gd.jingli', null, null];
  const members = [];
  for (const [i, liaison] of liaisons.entries()) {
    const m = { id: randomUUID(), bodyId: id, name: names[i]!, kind: 'resident-unit', liaisonId: await userId(liaison), superiorUserId: superiors[i] ? await userId(superiors[i]!) : null };
    members.push(m);
  }
  await h.db.jointMeetingMember.createMany({ data: members });
  await syncJointSchedule(h.env.client, { id, status: 'paused' }, { taskQueue: h.taskQueue, quarterSeconds: S });
  return { id, members };
}

/** Runs the schedule for the compressed quarter `back` quarters ago; returns its cycle's handle and case id. */
async function runQuarter(bodyId: string, back: number) {
  const label = `T${Math.floor(Date.now() / (S * 1000)) - back}`;
  await backfillJointQuarter(h.env.client, bodyId, quarterByLabel(label, S)!);
  const meeting = await until(() => h.db.jointMeeting.findFirst({ where: { bodyId, quarter: label, kind: 'quarterly' } }));
  return { label, caseId: meeting.id, handle: h.env.client.workflow.getHandle(cycleWorkflowId(bodyId, label)) };
}

/** The open task of this step held by the user in this case. */
function openTask(caseId: string, stepKey: string, username: string) {
  return until(async () => {
    const uid = await userId(username);
    return h.db.task.findFirst({ where: { caseId, stepKey, status: 'open', kind: 'step', assignees: { some: { OR: [{ userId: uid }, { claimedById: uid }] } } } });
  });
}

async function act(handle: WorkflowHandle, caseId: string, stepKey: string, username: string, form: Record<string, unknown> | undefined, action: 'approve' | 'reject' | 'return' = 'approve', comment?: string) {
  const task = await openTask(caseId, stepKey, username);
  // The projection is written by the activity just before the workflow holds the task.
  await until(async () => (await handle.query<{ openTasks: { id: string }[] }>('snapshot')).openTasks.some((t) => t.id === task.id));
  const actor = await h.actor(username);
  return actAndWait(handle, { taskId: task.id, actor, action, form, comment });
}

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const decisionHandle = (id: string) => h.env.client.workflow.getHandle(`joint-meeting-decision:${id}`);

describe('党建联席会议 quarterly cycle', () => {
  it('two quarters: decisions done on time and late (escalated, carried over), a missed submission, an extraordinary meeting, a quarter without meeting', async () => {
    const body = await createBody();
    const [gong, wuye, juwei] = body.members;

    // ── Quarter 1: everyone answers, the convener approves, the secretary records two decisions.
    const q1 = await runQuarter(body.id, 2);
    await act(q1.handle, q1.caseId, 'collect', 'gong.lianluo', { nothing: false, items: [{ type: 'need', description: '老旧小区线路改造' }] });
    expect(await rejection(act(q1.handle, q1.caseId, 'collect', 'wuye.lianluo', { nothing: false, items: [] }))).toBe('INVALID_FORM');
    await act(q1.handle, q1.caseId, 'collect', 'wuye.lianluo', { nothing: false, items: [{ type: 'resource', description: '物业活动室可供党员活动使用' }] });
    await act(q1.handle, q1.caseId, 'collect', 'juwei.lianluo', { nothing: true, items: [] });
    await act(q1.handle, q1.caseId, 'review', 'he.xianwei', { meetingDate: '2026-12-15T09:00:00+08:00', place: '东湖镇党群服务中心' });
    const m1 = await h.db.jointMeeting.findUniqueOrThrow({ where: { id: q1.caseId } });
    expect(m1.status).toBe('notified');
    const items = m1.items as { id: string; memberId: string }[];
    expect(items).toHaveLength(2);
    expect(await h.db.notification.count({ where: { caseId: q1.caseId, kind: 'joint.meeting-notice' } })).toBe(5); // 3 liaisons, convener, secretary

    const record = (decisions: unknown[]) => ({
      attendance: [{ memberId: gong!.id, present: true }, { memberId: wuye!.id, present: true }, { memberId: juwei!.id, present: false }],
      minutes: '研究线路改造和活动场地共享。',
      decisions,
      publishTo: 'members',
    });
    expect(await rejection(act(q1.handle, q1.caseId, 'record', 'li.zuzhi', { ...record([]), attendance: [{ memberId: gong!.id, present: true }] }))).toBe('INVALID_FORM');
    await act(q1.handle, q1.caseId, 'record', 'li.zuzhi', record([
      { title: '完成老旧小区线路改造', ownerMemberId: gong!.id, dueAt: inSeconds(15), answers: [items[0]!.id] },
      { title: '开放物业活动室', ownerMemberId: wuye!.id, dueAt: inSeconds(4), answers: [items[1]!.id] },
    ]));
    expect(await q1.handle.result()).toMatchObject({ status: 'completed' });
    await captureHistory(q1.handle, 'joint-meeting-cycle-held');
    const [onTime, late] = await Promise.all(['完成老旧小区线路改造', '开放物业活动室'].map((title) => h.db.jointMeetingDecision.findFirstOrThrow({ where: { bodyId: body.id, title } })));
    expect(await h.db.notification.count({ where: { caseId: q1.caseId, kind: 'joint.decisions' } })).toBe(5);

    // Decision 1: reported before its due date and confirmed by the secretary.
    await act(decisionHandle(onTime!.id), onTime!.id, 'report', 'gong.lianluo', { evidence: '线路改造已完工，验收单附后。' });
    await act(decisionHandle(onTime!.id), onTime!.id, 'confirm', 'li.zuzhi', { opinion: '确认办结' });
    expect(await decisionHandle(onTime!.id).result()).toMatchObject({ status: 'completed' });

    // Decision 2: its due date passes → overdue and 督办.
    const lateTask = await openTask(late!.id, 'report', 'wuye.lianluo');
    await until(() => h.db.task.findFirst({ where: { supervisesTaskId: lateTask.id, kind: 'supervision' } }));
    expect((await h.db.task.findUniqueOrThrow({ where: { id: lateTask.id } })).overdue).toBe(true);

    // ── Quarter 2: 东湖供电所 misses its submission; the open decision is on the agenda.
    const q2 = await runQuarter(body.id, 1);
    await act(q2.handle, q2.caseId, 'collect', 'wuye.lianluo', { nothing: true, items: [] });
    await act(q2.handle, q2.caseId, 'collect', 'juwei.lianluo', { nothing: false, items: [{ type: 'project', description: '社区议事厅建设' }] });
    const missedSupervision = await openTask(q2.caseId, 'missing-submission', 'gd.jingli');
    expect(missedSupervision.subjectId).toBe(gong!.id);
    const m2 = await until(async () => {
      const m = await h.db.jointMeeting.findUniqueOrThrow({ where: { id: q2.caseId } });
      return m.status === 'reviewing' ? m : undefined;
    });
    expect(m2.missingFrom).toEqual([gong!.id]);
    const proposed = await until(() => h.db.caseEvent.findFirst({ where: { caseId: q2.caseId, type: 'agenda.proposed' } }));
    expect((proposed.data as { carriedOver: { id: string }[] }).carriedOver.map((c) => c.id)).toEqual([late!.id]);
    expect(await rejection(act(q2.handle, q2.caseId, 'review', 'he.xianwei', { meetingDate: '2027-03-15T09:00:00+08:00', place: '东湖镇', drop: [{ decisionId: late!.id, reason: '' }] }))).toBe('INVALID_FORM');
    await act(q2.handle, q2.caseId, 'review', 'he.xianwei', { meetingDate: '2027-03-15T09:00:00+08:00', place: '东湖镇' });
    expect((await h.db.jointMeeting.findUniqueOrThrow({ where: { id: q2.caseId } })).carriedOver).toEqual([late!.id]);
    expect((await h.db.jointMeetingDecision.findUniqueOrThrow({ where: { id: late!.id } })).carriedInto).toEqual([q2.label]);

    // A 临时会议 requested by a liaison runs while the quarterly cycle waits for its meeting record.
    const extraId = randomUUID();
    const extraInput: JointExtraordinaryInput = { caseId: extraId, body: (await loadJointBodyInfo(h.db, body.id))!, quarter: q2.label, requestedBy: { userId: await userId('juwei.lianluo'), name: '黄国强' }, memberId: juwei!.id, reason: '暴雨后小区积水，需要多方协调排涝。' };
    const extra = await h.env.client.workflow.start('jointMeetingExtraordinary', { taskQueue: h.taskQueue, workflowId: `joint-meeting-extraordinary:${extraId}`, args: [extraInput] });
    await act(extra, extraId, 'extraordinary-review', 'he.xianwei', { meetingDate: '2026-12-01T15:00:00+08:00', place: '东湖社区' });
    await act(extra, extraId, 'record', 'li.zuzhi', { ...record([{ title: '组织排涝', ownerMemberId: wuye!.id, dueAt: inSeconds(30), answers: [] }]), publishTo: 'public' });
    expect(await extra.result()).toMatchObject({ status: 'completed' });
    await captureHistory(extra, 'joint-meeting-extraordinary');
    expect(await h.db.notice.count({ where: { caseId: extraId } })).toBe(1);
    expect((await q2.handle.query<{ stage: string; status: string }>('snapshot'))).toMatchObject({ status: 'open', stage: 'record' });

    // Decision 2 reported late: a written explanation is required; done late.
    expect(await rejection(act(decisionHandle(late!.id), late!.id, 'report', 'wuye.lianluo', { evidence: '活动室已开放。' }))).toBe('INVALID_FORM');
    await act(decisionHandle(late!.id), late!.id, 'report', 'wuye.lianluo', { evidence: '活动室已开放。', explanation: '装修延误两周。' });
    await act(decisionHandle(late!.id), late!.id, 'confirm', 'li.zuzhi', { opinion: '确认' });
    expect(await decisionHandle(late!.id).result()).toMatchObject({ status: 'completed' });
    await captureHistory(decisionHandle(late!.id), 'joint-meeting-decision-late');

    // No meeting recorded by the end of quarter 2: the convener's committee (东山县委) gets a 督办, the body is flagged.
    const noMeeting = await until(() => h.db.task.findFirst({ where: { caseId: q2.caseId, stepKey: 'no-meeting', status: 'open' }, include: { assignees: true } }), 60_000);
    expect(noMeeting.assignees[0]).toMatchObject({ orgId: 'county-a', role: 'county_org_dept' });
    expect((await h.db.jointMeetingBody.findUniqueOrThrow({ where: { id: body.id } })).flagged).toBe(true);
    expect((await h.db.jointMeeting.findUniqueOrThrow({ where: { id: q2.caseId } })).status).toBe('not-held');
    await captureHistory(q2.handle, 'joint-meeting-cycle-no-meeting');

    // Report figures of quarter 1: held, 2 of 3 present, one decision on time and one late.
    const decisions = await h.db.jointMeetingDecision.findMany({ where: { meetingId: q1.caseId } });
    const m1Done = await h.db.jointMeeting.findUniqueOrThrow({ where: { id: q1.caseId } });
    expect(
      quarterReportFigures({
        meetings: [{ held: m1Done.status === 'held', attendance: m1Done.attendance as { present: boolean }[] }],
        decisions: decisions.map((d) => ({ status: d.status as DecisionStatus, dueAt: d.dueAt.getTime(), doneAt: d.doneAt?.getTime() ?? null, reportedAt: d.reportedAt?.getTime() ?? null })),
        now: Date.now(),
      }),
    ).toMatchObject({ held: true, attendanceRate: 0.667, decisions: 2, doneOnTime: 1, doneLate: 1, open: 0 });
  }, 150_000);

  it('a carried-over decision dropped with a reason ends its tracking; a declined 临时会议 holds no meeting', async () => {
    const body = await createBody();
    const nothing = { nothing: true, items: [] };
    const q1 = await runQuarter(body.id, 5);
    for (const u of ['gong.lianluo', 'wuye.lianluo', 'juwei.lianluo']) await act(q1.handle, q1.caseId, 'collect', u, nothing);
    await act(q1.handle, q1.caseId, 'review', 'he.xianwei', { meetingDate: '2026-12-15T09:00:00+08:00', place: '东湖镇' });
    await act(q1.handle, q1.caseId, 'record', 'li.zuzhi', {
      attendance: body.members.map((m) => ({ memberId: m.id, present: true })),
      minutes: '会议纪要',
      decisions: [{ title: '修缮小区围墙', ownerMemberId: body.members[1]!.id, dueAt: inSeconds(60), answers: [] }],
      publishTo: 'members',
    });
    const decision = await until(() => h.db.jointMeetingDecision.findFirst({ where: { meetingId: q1.caseId } }));
    await openTask(decision.id, 'report', 'wuye.lianluo');

    const q2 = await runQuarter(body.id, 4);
    for (const u of ['gong.lianluo', 'wuye.lianluo', 'juwei.lianluo']) await act(q2.handle, q2.caseId, 'collect', u, nothing);
    expect(await rejection(act(q2.handle, q2.caseId, 'review', 'he.xianwei', { meetingDate: '2027-03-15T09:00:00+08:00', place: '东湖镇', drop: [{ decisionId: randomUUID(), reason: '不存在' }] }))).toBe('INVALID_FORM');
    await act(q2.handle, q2.caseId, 'review', 'he.xianwei', { meetingDate: '2027-03-15T09:00:00+08:00', place: '东湖镇', drop: [{ decisionId: decision.id, reason: '围墙已由街道统一改造，不再单独办理。' }] });
    expect(await decisionHandle(decision.id).result()).toMatchObject({ status: 'cancelled' });
    expect(await h.db.jointMeetingDecision.findUniqueOrThrow({ where: { id: decision.id } })).toMatchObject({ status: 'dropped', droppedReason: '围墙已由街道统一改造，不再单独办理。' });
    expect((await h.db.jointMeeting.findUniqueOrThrow({ where: { id: q2.caseId } })).carriedOver).toEqual([]);
    expect(await h.db.task.count({ where: { caseId: decision.id, status: 'open' } })).toBe(0);

    const extraId = randomUUID();
    const extraInput: JointExtraordinaryInput = { caseId: extraId, body: (await loadJointBodyInfo(h.db, body.id))!, quarter: q2.label, requestedBy: { userId: await userId('gong.lianluo'), name: '马晓东' }, memberId: body.members[0]!.id, reason: '线路检修需协调停电时间。' };
    const extra = await h.env.client.workflow.start('jointMeetingExtraordinary', { taskQueue: h.taskQueue, workflowId: `joint-meeting-extraordinary:${extraId}`, args: [extraInput] });
    expect(await rejection(act(extra, extraId, 'extraordinary-review', 'he.xianwei', undefined, 'reject'))).toBe('COMMENT_REQUIRED');
    await act(extra, extraId, 'extraordinary-review', 'he.xianwei', undefined, 'reject', '可在季度例会上研究。');
    expect(await extra.result()).toMatchObject({ status: 'rejected' });
    expect((await h.db.jointMeeting.findUniqueOrThrow({ where: { id: extraId } })).status).toBe('declined');
  });

  it('a second trigger of the same quarter starts no second cycle; deleting the body removes its Schedule', async () => {
    const body = await createBody();
    const q = await runQuarter(body.id, 3);
    await backfillJointQuarter(h.env.client, body.id, quarterByLabel(q.label, S)!);
    await until(async () => (await h.db.task.count({ where: { caseId: q.caseId, stepKey: 'collect' } })) === 3);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await h.db.jointMeeting.count({ where: { bodyId: body.id } })).toBe(1);
    expect(await jointScheduleExists(h.env.client, body.id)).toBe(true);
    await syncJointSchedule(h.env.client, { id: body.id, status: 'deleted' }, { taskQueue: h.taskQueue, quarterSeconds: S });
    expect(await jointScheduleExists(h.env.client, body.id)).toBe(false);
  });
});
