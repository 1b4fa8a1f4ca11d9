import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { formErrors, type CaseSnapshot } from '@dj/contracts';
import type { Db } from '@dj/db';
import { canStartCase, caseTypes, type OrgType } from '@dj/domain';
import { callWorkflow, httpError, type AuthUser } from '@dj/service-kit';
import { settledUpdate, TASK_QUEUE, workflowIdOf } from '@dj/workflows/messages';
import type { RequestReportInput } from '@dj/workflows';

/** Starts a case workflow after checking who may start which type, and returns its first stable state. */
export async function startCase(
  deps: { db: Db; temporal: Client },
  user: AuthUser,
  body: { type: string; orgId: string; input: Record<string, unknown> },
): Promise<CaseSnapshot> {
  const def = caseTypes[body.type];
  if (!def) throw httpError('UNKNOWN_CASE_TYPE');
  const org = await deps.db.orgUnit.findUnique({ where: { id: body.orgId } });
  if (!org || !canStartCase(def, { id: org.id, type: org.type as OrgType }, user.memberships)) throw httpError('FORBIDDEN');
  const errors = formErrors(def.startForm, body.input);
  if (errors.length) throw httpError('INVALID_FORM', errors.join('; '));

  const ancestors = await deps.db.orgUnit.findMany({ where: { id: { in: org.path.split('/').filter(Boolean) } } });
  const ofType = (type: string) => ancestors.find((a) => a.type === type)?.id;
  const caseId = randomUUID();
  const workflowId = workflowIdOf(def.type, caseId);

  const args: RequestReportInput = {
    caseId,
    branchId: org.id,
    townshipId: ofType('township') ?? '',
    countyId: ofType('county') ?? '',
    initiator: { userId: user.id, name: user.displayName },
    form: body.input as RequestReportInput['form'],
  };
  if (!args.townshipId || !args.countyId) throw httpError('FORBIDDEN', 'organization is not under a township and county');

  return callWorkflow(async () => {
    const handle = await deps.temporal.workflow.start('requestReport', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [args],
      workflowIdConflictPolicy: 'FAIL',
      searchAttributes: { CaseType: [def.type], CaseOrgId: [org.id] },
    });
    return handle.executeUpdate(settledUpdate);
  }, 'CASE_NOT_OPEN');
}
