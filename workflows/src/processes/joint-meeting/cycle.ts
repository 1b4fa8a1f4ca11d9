/**
 * 党建联席会议 (domain.md §3). A Temporal Schedule per body starts `jointMeetingSchedule` at the start
 * of each quarter; it starts that quarter's `jointMeetingCycle` under an id made of body and quarter,
 * so a second trigger (or a backfill of a quarter already run) starts nothing.
 * Cycle: 议题征集 (one task per member liaison; missing ones at the due date are recorded and
 * escalated to the unit's superior) → 议题审定 by the convener (open decisions of earlier quarters on
 * the agenda; dropping one needs a reason) → steps 3–6 (meeting-steps.ts). No meeting by the quarter's
 * end: the open steps stop, the body is flagged and the convener's committee gets a 督办.
 * `jointMeetingExtraordinary`: a liaison's request for a 临时会议; accepted by the convener, steps 3–6.
 */
import { condition, getExternalWorkflowHandle, startChild, uuid4, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { AgendaReviewForm, AgendaSubmissionForm } from '@dj/contracts';
import { CaseRuntime, StepCancelled, refuse } from '../../human-step/case-runtime';
import type { Person } from '../../human-step/activity-types';
import { decisionDroppedSignal } from './decision';
import { decisionWorkflowId, joint, runMeeting } from './meeting-steps';
import type { AgendaItem, JointCycleInput, JointExtraordinaryInput } from './types';
import { cycleWorkflowId } from '@dj/process-api';

/** A scheduled run's id ends with its nominal time ("<id>-2026-10-01T00:00:00Z"), also for backfills. */
function scheduledAt(workflowId: string): number {
  const m = /-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)$/.exec(workflowId);
  const t = m ? Date.parse(m[1]!) : NaN;
  return Number.isFinite(t) ? t : Date.now();
}

export async function jointMeetingSchedule(input: { bodyId: string }) {
  const plan = await joint.planJointQuarter({ bodyId: input.bodyId, at: scheduledAt(workflowInfo().workflowId) });
  if (!plan.body) return { started: false, reason: 'deleted' };
  try {
    await startChild(jointMeetingCycle, {
      workflowId: cycleWorkflowId(input.bodyId, plan.quarter.label),
      parentClosePolicy: 'ABANDON',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [{ caseId: uuid4(), body: plan.body, quarter: plan.quarter, deadlineAt: plan.deadlineAt }],
    });
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return { started: false, reason: 'duplicate', quarter: plan.quarter.label };
    throw e;
  }
  return { started: true, quarter: plan.quarter.label };
}

const noWithdraw = { validate: () => refuse('ACTION_NOT_ALLOWED'), handle: async () => {} };

export async function jointMeetingCycle(input: JointCycleInput) {
  const { body, quarter } = input;
  const title = `${body.name}${quarter.label}季度联席会议`;
  const rt = new CaseRuntime({ caseId: input.caseId, initiator: body.convener, stage: 'collect' });
  rt.registerCaseAction('withdraw', noWithdraw);
  await rt.open({ workflowId: workflowInfo().workflowId, type: 'joint-meeting', orgId: body.orgId, title, input: { bodyId: body.id, quarter: quarter.label, kind: 'quarterly', deadlineAt: new Date(input.deadlineAt).toISOString() } });
  await joint.openJointMeeting({ meetingId: input.caseId, bodyId: body.id, kind: 'quarterly', quarter: quarter.label, deadlineAt: input.deadlineAt });

  // The quarter's end stops whatever step is open; the body then gets its 督办 below.
  let recorded = false;
  let quarterOver = false;
  const watchQuarter = async () => {
    const wait = input.deadlineAt - Date.now();
    if (wait > 0 && (await condition(() => recorded || !rt.isOpen(), wait))) return;
    if (recorded || !rt.isOpen()) return;
    quarterOver = true;
    for (const key of ['collect', 'review', 'record']) for (const id of rt.openTaskIds(key)) rt.cancelStep(id);
  };
  void watchQuarter();

  return rt.run(async () => {
    try {
      const items = await collectAgenda();
      if (quarterOver) throw new StepCancelled('');
      rt.setStage('review');
      const carried = await joint.carriedOverDecisions({ bodyId: body.id, meetingId: input.caseId });
      await rt.recordEvent('agenda.proposed', { items, carriedOver: carried.map((c) => ({ id: c.id, title: c.title, quarter: c.quarter, ownerMemberId: c.ownerMemberId })) });
      const carriedIds = carried.map((c) => c.id);
      const review = await rt.humanStep({
        key: 'review',
        title: `议题审定：${title}`,
        orgId: body.orgId,
        assignees: [{ userId: body.convener.userId, displayName: body.convener.name }],
        form: 'joint.agenda-review',
        actions: ['approve', 'comment'],
        policy: 'joint-meeting.review',
        checkForm: (form) => ((form as AgendaReviewForm).drop ?? []).filter((d) => !carriedIds.includes(d.decisionId)).map((d) => `/drop: ${d.decisionId} 不是结转的议定事项 / not a carried-over decision`),
      });
      const reviewed = review.form as AgendaReviewForm;
      const dropped = (reviewed.drop ?? []).map((d) => ({ ...d, by: review.actor }));
      const carriedOver = carriedIds.filter((id) => !dropped.some((d) => d.decisionId === id));
      await joint.saveAgenda({ meetingId: input.caseId, quarter: quarter.label, carriedOver, dropped, meetingDate: reviewed.meetingDate, place: reviewed.place });
      for (const d of dropped) {
        await getExternalWorkflowHandle(decisionWorkflowId(d.decisionId)).signal(decisionDroppedSignal, { reason: d.reason });
      }
      await rt.recordEvent('agenda.approved', { items: items.map((i) => i.id), carriedOver, dropped: dropped.map((d) => ({ decisionId: d.decisionId, reason: d.reason })) }, review.actor);

      const held = await runMeeting(
        { rt, body, meetingId: input.caseId, quarter: quarter.label, title, onRecorded: () => (recorded = true) },
        { items, carriedOver, meetingDate: reviewed.meetingDate, place: reviewed.place },
      );
      return { status: 'completed', result: { held: true, decisions: held.decisions.length } };
    } catch (e) {
      if (!(e instanceof StepCancelled) || !quarterOver) throw e;
    }
    rt.setStage('no-meeting');
    await joint.jointMeetingNotHeld({ meetingId: input.caseId, bodyId: body.id, quarter: quarter.label });
    await rt.recordEvent('quarter.no-meeting', { quarter: quarter.label, supervisor: body.convenerCommittee });
    const supervision = await rt.humanStep({
      key: 'no-meeting',
      title: `督办：${body.name}${quarter.label}季度未召开联席会议`,
      orgId: body.convenerCommittee.orgId,
      assignees: [body.convenerCommittee],
      form: 'review.opinion',
      actions: ['approve', 'comment', 'claim', 'transfer'],
      policy: 'joint-meeting.no-meeting',
    });
    return { status: 'completed', result: { held: false }, actor: supervision.actor };
  });

  /** 议题征集: one task per member liaison, until all answered or the window closes (missing ones escalate). */
  async function collectAgenda(): Promise<AgendaItem[]> {
    const dueAt = await joint.jointStepDueAt({ policyKey: 'joint-meeting.collect' });
    const items: AgendaItem[] = [];
    const nothingFrom: string[] = [];
    const { missing } = await rt.collect({
      key: 'collect',
      from: body.members,
      dueAt,
      stopWhen: () => quarterOver,
      step: (m) => ({
        key: 'collect',
        title: `报送议题（需求/资源/项目清单）：${m.name}`,
        orgId: body.orgId,
        assignees: [{ userId: m.liaison.userId, displayName: m.liaison.name }],
        form: 'joint.agenda-submission',
        actions: ['approve', 'comment'],
        policy: 'joint-meeting.collect',
        dueAt,
        subject: { type: 'joint-member', id: m.id },
        checkForm: (form) => ((form as AgendaSubmissionForm).nothing === ((form as AgendaSubmissionForm).items.length > 0) ? ['/items: 报送议题或选择“本季度无议题” / submit items or "nothing this quarter"'] : []),
      }),
      onAnswer: (m, d) => {
        const form = d.form as AgendaSubmissionForm;
        if (form.nothing) nothingFrom.push(m.id);
        for (const item of form.items) items.push({ id: uuid4(), memberId: m.id, type: item.type, description: item.description });
      },
    });
    await joint.saveSubmissions({ meetingId: input.caseId, items, nothingFrom, missingFrom: missing.map((m) => m.id) });
    if (quarterOver) return items;
    for (const m of missing) {
      await rt.recordEvent('agenda.missing', { memberId: m.id, member: m.name, superior: m.superior });
      const superior: Person | undefined = m.superior ?? undefined;
      rt.detached(() =>
        rt.humanStep({
          key: 'missing-submission',
          title: `督办：${m.name}未按时报送${quarter.label}季度联席会议议题`,
          orgId: body.orgId,
          assignees: superior ? [{ userId: superior.userId, displayName: superior.name }] : [body.convenerCommittee],
          form: 'review.opinion',
          actions: ['approve', 'comment'],
          policy: 'joint-meeting.missing-submission',
          subject: { type: 'joint-member', id: m.id },
        }),
      );
    }
    return items;
  }
}

export async function jointMeetingExtraordinary(input: JointExtraordinaryInput) {
  const { body } = input;
  const title = `${body.name}临时会议`;
  const rt = new CaseRuntime({ caseId: input.caseId, initiator: input.requestedBy, stage: 'extraordinary-review' });
  await rt.open({ workflowId: workflowInfo().workflowId, type: 'joint-meeting-extraordinary', orgId: body.orgId, title, input: { bodyId: body.id, quarter: input.quarter, memberId: input.memberId, reason: input.reason } });
  await joint.openJointMeeting({ meetingId: input.caseId, bodyId: body.id, kind: 'extraordinary', quarter: input.quarter, requestedBy: input.requestedBy.userId, reason: input.reason });
  return rt.run(async () => {
    const review = await rt.humanStep({
      key: 'extraordinary-review',
      title: `临时会议申请：${input.reason.slice(0, 60)}`,
      orgId: body.orgId,
      assignees: [{ userId: body.convener.userId, displayName: body.convener.name }],
      form: 'joint.agenda-review',
      actions: ['approve', 'reject', 'comment'],
      policy: 'joint-meeting.extraordinary-review',
    });
    if (review.outcome !== 'approve') {
      await joint.jointMeetingDeclined({ meetingId: input.caseId });
      return { status: 'rejected', result: { accepted: false, reason: review.comment ?? null }, actor: review.actor };
    }
    const reviewed = review.form as AgendaReviewForm;
    const items: AgendaItem[] = [{ id: uuid4(), memberId: input.memberId, type: 'need', description: input.reason }];
    await joint.saveAgenda({ meetingId: input.caseId, quarter: input.quarter, carriedOver: [], dropped: [], meetingDate: reviewed.meetingDate, place: reviewed.place });
    await rt.recordEvent('agenda.approved', { items }, review.actor);
    const held = await runMeeting({ rt, body, meetingId: input.caseId, quarter: input.quarter, title }, { items, carriedOver: [], meetingDate: reviewed.meetingDate, place: reviewed.place });
    return { status: 'completed', result: { accepted: true, decisions: held.decisions.length } };
  });
}
