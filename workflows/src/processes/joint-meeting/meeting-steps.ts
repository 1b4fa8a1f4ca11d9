/**
 * Steps 3–6 of a joint meeting, shared by the quarterly cycle and the 临时会议: 会议通知 to every
 * member, 会议记录 by the secretary, 通报 to the chosen scope, and a 督办 workflow per decision that
 * outlives the meeting (ParentClosePolicy ABANDON).
 */
import { startChild, uuid4 } from '@temporalio/workflow';
import type { MeetingRecordForm } from '@dj/contracts';
import { caseActivities, type CaseRuntime } from '../../human-step/case-runtime';
import type { NoticeActivities } from '../../human-step/activity-types';
import type { AgendaItem, JointBodyInfo, JointMeetingActivities, NewDecision } from './types';
import { jointMeetingDecision } from './decision';

export const joint = caseActivities<JointMeetingActivities>();
const notice = caseActivities<NoticeActivities>();

export type MeetingContext = { rt: CaseRuntime; body: JointBodyInfo; meetingId: string; quarter: string; title: string; onRecorded?: () => void };

export const decisionWorkflowId = (decisionId: string) => `joint-meeting-decision:${decisionId}`;

/** Errors of a 会议记录 form beyond its schema: every member's attendance once, known owners and agenda items, due dates ahead. */
export function meetingRecordErrors(form: MeetingRecordForm, body: JointBodyInfo, agendaIds: string[], now: number): string[] {
  const errors: string[] = [];
  const memberIds = body.members.map((m) => m.id);
  const recorded = form.attendance.map((a) => a.memberId);
  if (recorded.length !== memberIds.length || !memberIds.every((id) => recorded.includes(id))) errors.push('/attendance: 须逐一记录每个成员单位的出席情况 / record attendance once for every member unit');
  form.decisions.forEach((d, i) => {
    if (!memberIds.includes(d.ownerMemberId)) errors.push(`/decisions/${i}/ownerMemberId: 不是本联席会议成员单位 / not a member unit`);
    const due = Date.parse(d.dueAt);
    if (!Number.isFinite(due) || due <= now) errors.push(`/decisions/${i}/dueAt: 完成时限须晚于现在 / due date must be in the future`);
    if (d.answers.some((a) => !agendaIds.includes(a))) errors.push(`/decisions/${i}/answers: 不是本次会议的议题 / not an item of this agenda`);
  });
  return errors;
}

export async function runMeeting(ctx: MeetingContext, agenda: { items: AgendaItem[]; carriedOver: string[]; meetingDate: string; place: string }): Promise<{ decisions: NewDecision[]; attendance: MeetingRecordForm['attendance'] }> {
  const { rt, body, meetingId, quarter } = ctx;
  rt.setStage('notify');
  await joint.notifyJointMembers({ bodyId: body.id, caseId: rt.caseId, idemKey: `joint.meeting-notice:${meetingId}`, kind: 'joint.meeting-notice', title: `会议通知：${ctx.title}，${agenda.meetingDate}，${agenda.place}` });
  await rt.recordEvent('meeting.notified', { meetingDate: agenda.meetingDate, place: agenda.place, items: agenda.items.length, carriedOver: agenda.carriedOver });

  rt.setStage('record');
  const agendaIds = [...agenda.items.map((i) => i.id), ...agenda.carriedOver];
  const recorded = await rt.humanStep({
    key: 'record',
    title: `会议记录：${ctx.title}`,
    orgId: body.orgId,
    assignees: [{ userId: body.secretary.userId, displayName: body.secretary.name }],
    form: 'joint.meeting-record',
    actions: ['approve', 'comment'],
    policy: 'joint-meeting.record',
    checkForm: (form) => meetingRecordErrors(form as MeetingRecordForm, body, agendaIds, Date.now()),
  });
  ctx.onRecorded?.();
  const form = recorded.form as MeetingRecordForm;
  const decisions: NewDecision[] = form.decisions.map((d) => ({ id: uuid4(), title: d.title, ownerMemberId: d.ownerMemberId, dueAt: Date.parse(d.dueAt), answers: d.answers }));
  await joint.recordJointMeeting({ meetingId, bodyId: body.id, quarter, attendance: form.attendance, minutes: form.minutes, publishTo: form.publishTo, decisions });
  await rt.recordEvent('meeting.recorded', { attendance: form.attendance, decisions: decisions.map((d) => ({ id: d.id, title: d.title, ownerMemberId: d.ownerMemberId, dueAt: new Date(d.dueAt).toISOString() })) }, recorded.actor);

  // 通报: to the members in-app, or a public notice on the notice board.
  rt.setStage('publish');
  const summary = decisions.map((d, i) => `${i + 1}. ${d.title}（${body.members.find((m) => m.id === d.ownerMemberId)!.name}）`).join('\n');
  if (form.publishTo === 'public') {
    await notice.publishNotice({ caseId: rt.caseId, idemKey: `${rt.caseId}:joint-decisions`, orgId: body.orgId, title: `${ctx.title}议定事项通报`, body: summary || '本次会议无议定事项。', policyKey: 'joint-meeting.public-notice' });
  } else {
    await joint.notifyJointMembers({ bodyId: body.id, caseId: rt.caseId, idemKey: `joint.decisions:${meetingId}`, kind: 'joint.decisions', title: `议定事项通报：${ctx.title}（${decisions.length}项）` });
  }
  await rt.recordEvent('decisions.published', { scope: form.publishTo, count: decisions.length });

  // 督办: each decision is tracked by its own workflow until confirmed done, beyond this meeting.
  for (const d of decisions) {
    const owner = body.members.find((m) => m.id === d.ownerMemberId)!;
    await startChild(jointMeetingDecision, {
      workflowId: decisionWorkflowId(d.id),
      parentClosePolicy: 'ABANDON',
      args: [{ caseId: d.id, decisionId: d.id, body: { id: body.id, name: body.name, orgId: body.orgId }, quarter, title: d.title, owner, secretary: body.secretary, dueAt: d.dueAt }],
    });
  }
  return { decisions, attendance: form.attendance };
}
