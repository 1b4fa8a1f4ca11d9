/**
 * 请示报告审批 — request for instructions.
 * A branch secretary submits a request to the township committee; the township organization member
 * approves, rejects, returns it for changes, or forwards it to the county organization department,
 * which then decides (approve, reject, or return to the township).
 */
import { workflowInfo } from '@temporalio/workflow';
import type { RequestSubmissionForm } from '@dj/contracts';
import { CaseRuntime } from '../../human-step/case-runtime';
import type { RequestReportInput } from '@dj/process-api';

export async function requestReport(input: RequestReportInput) {
  const rt = new CaseRuntime({ caseId: input.caseId, initiator: input.initiator, stage: 'township-review' });
  await rt.open({
    workflowId: workflowInfo().workflowId,
    type: 'request-report',
    orgId: input.branchId,
    title: input.form.title,
    input: { ...input.form },
  });

  return rt.run(async () => {
    for (;;) {
      rt.setStage('township-review');
      const review = await rt.humanStep({
        key: 'township-review',
        title: '乡镇党委审核请示',
        orgId: input.townshipId,
        assignees: [{ orgId: input.townshipId, role: 'township_org_member' }],
        form: 'review.opinion',
        actions: ['approve', 'reject', 'return', 'forward', 'transfer', 'add_signer', 'cc', 'comment', 'claim', 'urge'],
        policy: 'request-report.township-review',
      });
      if (review.outcome === 'approve') return { status: 'completed', result: { decision: 'approved', decidedAt: 'township' }, actor: review.actor };
      if (review.outcome === 'reject') return { status: 'rejected', result: { decision: 'rejected', decidedAt: 'township', reason: review.comment }, actor: review.actor };
      if (review.outcome === 'return') {
        rt.setStage('revise');
        const revised = await rt.humanStep({
          key: 'revise',
          title: '修改后重新提交请示',
          orgId: input.branchId,
          assignees: [{ userId: input.initiator.userId, displayName: input.initiator.name }],
          form: 'request-report.submission',
          actions: ['approve', 'comment', 'urge'],
          policy: 'request-report.revise',
        });
        await rt.resubmit(revised.form as RequestSubmissionForm, revised.actor);
        continue;
      }
      // forward: the county organization department decides.
      rt.setStage('county-decision');
      const county = await rt.humanStep({
        key: 'county-decision',
        title: '县委组织部审批请示',
        orgId: input.countyId,
        assignees: [{ orgId: input.countyId, role: 'county_org_dept' }],
        form: 'review.opinion',
        actions: ['approve', 'reject', 'return', 'transfer', 'add_signer', 'cc', 'comment', 'claim', 'urge'],
        policy: 'request-report.county-decision',
      });
      if (county.outcome === 'approve') return { status: 'completed', result: { decision: 'approved', decidedAt: 'county' }, actor: county.actor };
      if (county.outcome === 'reject') return { status: 'rejected', result: { decision: 'rejected', decidedAt: 'county', reason: county.comment }, actor: county.actor };
      // return: back to the township review.
    }
  });
}
