/**
 * The 公示/核实 primitive, shared by every process that puts something up for public notice (任前公示,
 * 两地公示): publish one notice per organization; every objection to one of them (signalled, or found
 * pending when the notices end) becomes a 核实 step of the verifier; the notice passes only when every
 * notice has run its course and every objection has a finding. The first substantiated finding
 * cancels the other 核实 steps and withdraws the notices.
 */
import { condition, setHandler } from '@temporalio/workflow';
import type { ObjectionVerificationForm } from '@dj/contracts';
import { objectionFiledSignal } from '@dj/process-api';
import { StepCancelled, caseActivities, type CaseRuntime } from './case-runtime';
import type { NoticeActivities, PublishedNotice } from './activity-types';

const { publishNotice, closeNotice, pendingObjections, recordObjectionFinding } = caseActivities<NoticeActivities>();

export type FiledObjection = { objectionId: string; noticeId: string };

/** The step key of every 核实 task (one per objection). */
export const VERIFY_OBJECTION = 'verify-objection';

/**
 * Collects the objections signalled to the case (objectionFiledSignal), each once. Call it once, at
 * the start of the workflow, and pass the list to every publicNotice of the case: an objection may be
 * signalled while the process is elsewhere, it waits there for its notice.
 */
export function receiveObjections(): FiledObjection[] {
  const filed: FiledObjection[] = [];
  setHandler(objectionFiledSignal, (o) => {
    if (!filed.some((f) => f.objectionId === o.objectionId)) filed.push(o);
  });
  return filed;
}

export type PublicNoticeSpec = {
  /** One notice per organization's board, published in this order; idemKey makes each publication once only. */
  notices: { orgId: string; idemKey: string }[];
  title: string;
  body: string;
  /** Notice-period policy key, e.g. "secretary-replacement.public-notice". */
  noticePolicy: string;
  /** Who verifies each objection. */
  verifier: { orgId: string; role: string };
  verify: { title: string; policy: string };
};

export async function publicNotice(rt: CaseRuntime, filed: FiledObjection[], spec: PublicNoticeSpec): Promise<'passed' | 'substantiated'> {
  const notices: PublishedNotice[] = [];
  for (const n of spec.notices) {
    notices.push(await publishNotice({ caseId: rt.caseId, idemKey: n.idemKey, orgId: n.orgId, title: spec.title, body: spec.body, policyKey: spec.noticePolicy }));
  }
  const noticeIds = new Set(notices.map((n) => n.noticeId));
  const endsAt = Math.max(...notices.map((n) => n.endsAt));
  const started = new Set<string>();
  let open = 0;
  let substantiated = false;

  const verify = async (objectionId: string) => {
    open += 1;
    try {
      const d = await rt.humanStep({
        key: VERIFY_OBJECTION,
        title: spec.verify.title,
        orgId: spec.verifier.orgId,
        assignees: [{ orgId: spec.verifier.orgId, role: spec.verifier.role }],
        form: 'objection.verification',
        actions: ['approve', 'transfer', 'comment', 'claim', 'urge'],
        policy: spec.verify.policy,
        subject: { type: 'objection', id: objectionId },
      });
      const finding = d.form as ObjectionVerificationForm;
      await recordObjectionFinding({ caseId: rt.caseId, objectionId, taskId: d.taskId, substantiated: finding.substantiated, finding: finding.explanation, handledBy: d.actor });
      if (finding.substantiated) substantiated = true;
    } catch (e) {
      // Cancelled (another objection was substantiated) or the case ended (终止, 撤回): run() closes the case; nothing to rethrow into.
      if (!(e instanceof StepCancelled) && rt.isOpen()) throw e;
    } finally {
      open -= 1;
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
      await condition(() => substantiated || unstarted().length > 0, wait);
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
    for (const id of rt.openTaskIds(VERIFY_OBJECTION)) rt.cancelStep(id);
  }
  for (const n of notices) await closeNotice({ caseId: rt.caseId, noticeId: n.noticeId, status: substantiated ? 'withdrawn' : 'closed' });
  return substantiated ? 'substantiated' : 'passed';
}
