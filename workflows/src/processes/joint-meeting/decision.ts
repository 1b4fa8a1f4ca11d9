/**
 * 督办 of one 议定事项: a task of the owning unit's liaison until reported done (with evidence; after
 * the due date also a written explanation) and confirmed by the secretary. Overdue reports escalate
 * through the human-step primitive. Dropped at a later agenda review (with a reason) it ends.
 */
import { defineSignal, setHandler, workflowInfo } from '@temporalio/workflow';
import type { DecisionReportForm } from '@dj/contracts';
import { CaseRuntime, StepCancelled, caseActivities, refuse } from '../../human-step/case-runtime';
import type { JointDecisionInput, JointMeetingActivities } from './types';

const joint = caseActivities<JointMeetingActivities>();

export const decisionDroppedSignal = defineSignal<[{ reason: string }]>('jointDecisionDropped');

export async function jointMeetingDecision(input: JointDecisionInput) {
  const rt = new CaseRuntime({ caseId: input.caseId, initiator: input.secretary, stage: 'report' });
  rt.registerCaseAction('withdraw', { validate: () => refuse('ACTION_NOT_ALLOWED'), handle: async () => {} });
  let dropped: string | undefined;
  setHandler(decisionDroppedSignal, ({ reason }) => {
    dropped = reason;
    for (const key of ['report', 'confirm']) for (const id of rt.openTaskIds(key)) rt.cancelStep(id);
  });
  await rt.open({
    workflowId: workflowInfo().workflowId,
    type: 'joint-meeting-decision',
    orgId: input.body.orgId,
    title: `议定事项：${input.title}`,
    input: { bodyId: input.body.id, quarter: input.quarter, ownerMemberId: input.owner.id, owner: input.owner.name, dueAt: new Date(input.dueAt).toISOString() },
  });

  return rt.run(async () => {
    try {
      for (;;) {
        if (dropped !== undefined) break;
        rt.setStage('report');
        const report = await rt.humanStep({
          key: 'report',
          title: `落实议定事项：${input.title}（${input.owner.name}）`,
          orgId: input.body.orgId,
          assignees: [{ userId: input.owner.liaison.userId, displayName: input.owner.liaison.name }],
          form: 'joint.decision-report',
          actions: ['approve', 'comment', 'urge'],
          policy: 'joint-meeting.decision-report',
          dueAt: input.dueAt,
          checkForm: (form) => (Date.now() > input.dueAt && !(form as DecisionReportForm).explanation ? ['/explanation: 超过完成时限，须书面说明原因 / past the due date: a written explanation is required'] : []),
        });
        const form = report.form as DecisionReportForm;
        const late = Date.now() > input.dueAt;
        await joint.setDecisionStatus({ decisionId: input.decisionId, status: 'reported', evidence: form.evidence, ...(form.explanation ? { explanation: form.explanation } : {}) });
        rt.setStage('confirm');
        const confirm = await rt.humanStep({
          key: 'confirm',
          title: `确认办结：${input.title}`,
          orgId: input.body.orgId,
          assignees: [{ userId: input.secretary.userId, displayName: input.secretary.name }],
          form: 'review.opinion',
          actions: ['approve', 'return', 'comment'],
          policy: 'joint-meeting.decision-confirm',
        });
        if (confirm.outcome === 'approve') {
          await joint.setDecisionStatus({ decisionId: input.decisionId, status: 'done' });
          return { status: 'completed', result: { decision: 'done', late }, actor: confirm.actor };
        }
        await joint.setDecisionStatus({ decisionId: input.decisionId, status: 'open' });
      }
    } catch (e) {
      if (!(e instanceof StepCancelled)) throw e;
    }
    await rt.recordEvent('decision.dropped', { reason: dropped ?? null });
    return { status: 'cancelled', result: { decision: 'dropped', reason: dropped ?? null } };
  });
}
