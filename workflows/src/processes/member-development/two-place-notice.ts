/**
 * 全程公示 (and 两地公示): one notice on the board of every organization managing the applicant;
 * objections to any of them become 核实 tasks of the township committee; the step passes only when
 * every notice has run its course and every objection is resolved.
 */
import { condition } from '@temporalio/workflow';
import type { ObjectionVerificationForm } from '@dj/contracts';
import { StepCancelled, caseActivities, type CaseRuntime } from '../../human-step/case-runtime';
import type { NoticeActivities } from '../../human-step/activity-types';

const { publishNotice, closeNotice, pendingObjections, recordObjectionFinding } = caseActivities<NoticeActivities>();

export type FiledObjection = { objectionId: string; noticeId: string };

export type TwoPlaceNoticeSpec = {
  key: string;
  round: number;
  orgIds: string[];
  title: string;
  body: string;
  /** Who verifies objections. */
  verifierOrgId: string;
  verifierRole: string;
};

export async function twoPlaceNotice(rt: CaseRuntime, filed: FiledObjection[], spec: TwoPlaceNoticeSpec): Promise<'passed' | 'substantiated'> {
  const notices = [];
  for (const orgId of spec.orgIds) {
    notices.push(
      await publishNotice({
        caseId: rt.caseId,
        idemKey: `${rt.caseId}:${spec.key}:${spec.round}:${orgId}`,
        orgId,
        title: spec.title,
        body: spec.body,
        policyKey: 'member-development.public-notice',
      }),
    );
  }
  const noticeIds = new Set(notices.map((n) => n.noticeId));
  const endsAt = Math.max(...notices.map((n) => n.endsAt));
  const started = new Set<string>();
  let open = 0;
  let findings = 0;
  let substantiated = false;
  const verify = async (objectionId: string) => {
    open += 1;
    try {
      const d = await rt.humanStep({
        key: 'verify-objection',
        title: `核实公示异议：${spec.title}`,
        orgId: spec.verifierOrgId,
        assignees: [{ orgId: spec.verifierOrgId, role: spec.verifierRole }],
        form: 'objection.verification',
        actions: ['approve', 'transfer', 'comment', 'claim', 'urge'],
        policy: 'member-development.verify-objection',
        subject: { type: 'objection', id: objectionId },
      });
      const finding = d.form as ObjectionVerificationForm;
      await recordObjectionFinding({ caseId: rt.caseId, objectionId, taskId: d.taskId, substantiated: finding.substantiated, finding: finding.explanation, handledBy: d.actor });
      if (finding.substantiated) substantiated = true;
    } catch (e) {
      // Cancelled (the case went back) or the case ended (终止, 撤回): run() closes the case; nothing to rethrow into.
      if (!(e instanceof StepCancelled) && rt.isOpen()) throw e;
    } finally {
      open -= 1;
      findings += 1;
    }
  };
  const unstarted = () => filed.filter((f) => noticeIds.has(f.noticeId) && !started.has(f.objectionId));
  const startNew = () => {
    for (const f of unstarted()) {
      started.add(f.objectionId);
      void verify(f.objectionId);
    }
  };
  for (;;) {
    startNew();
    if (substantiated) break;
    const wait = endsAt - Date.now();
    if (wait > 0) {
      const seen = findings;
      await condition(() => substantiated || unstarted().length > 0 || findings !== seen, wait);
      continue;
    }
    // Every notice is over: pick up objections whose signal never arrived, then wait for every finding.
    for (const n of notices) {
      for (const p of await pendingObjections({ noticeId: n.noticeId })) {
        if (!filed.some((f) => f.objectionId === p.objectionId)) filed.push({ objectionId: p.objectionId, noticeId: n.noticeId });
      }
    }
    startNew();
    if (open === 0) break;
    await condition(() => substantiated || open === 0 || unstarted().length > 0);
  }
  if (substantiated) {
    for (const id of rt.openTaskIds('verify-objection')) rt.cancelStep(id);
  }
  for (const n of notices) await closeNotice({ caseId: rt.caseId, noticeId: n.noticeId, status: substantiated ? 'withdrawn' : 'closed' });
  return substantiated ? 'substantiated' : 'passed';
}
