import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { formErrors, type CaseSnapshot, type RequestSubmissionForm, type SecretaryOpenForm } from '@dj/contracts';
import type { Db, OrgUnit } from '@dj/db';
import { canStartCase, caseTypes, type OrgType } from '@dj/domain';
import { awaitStableState, callWorkflow, httpError, idFromKey, type AuthUser } from '@dj/service-kit';
import { snapshotQuery, stableStateUpdate, TASK_QUEUE, workflowIdOf } from '@dj/process-api';
import { memberDevelopmentInput } from './member-start';
import type { RequestReportInput, SecretaryReplacementInput } from '@dj/process-api';

type StartContext = { db: Db; caseId: string; org: OrgUnit; ancestor(type: OrgType): OrgUnit; user: AuthUser; input: Record<string, unknown> };

/** How each case type's workflow input is built from the request (the form is validated before). */
const workflowInputs: Record<string, (ctx: StartContext) => unknown> = {
  'request-report': ({ caseId, org, ancestor, user, input }): RequestReportInput => ({
    caseId,
    branchId: org.id,
    townshipId: ancestor('township').id,
    countyId: ancestor('county').id,
    initiator: { userId: user.id, name: user.displayName },
    form: input as RequestSubmissionForm,
  }),
  'secretary-replacement': ({ caseId, org, ancestor, user, input }): SecretaryReplacementInput => {
    const form = input as SecretaryOpenForm;
    return {
      caseId,
      branchId: org.id,
      branchName: org.name,
      townshipId: ancestor('township').id,
      countyId: ancestor('county').id,
      initiator: { userId: user.id, name: user.displayName },
      reason: form.reason,
      description: form.description,
    };
  },
  'member-development': (ctx) => memberDevelopmentInput(ctx.db, ctx),
};

/** Starts a case workflow after checking who may start which type, and returns its first stable state. */
export async function startCase(
  deps: { db: Db; temporal: Client },
  user: AuthUser,
  body: { type: string; orgId: string; input: Record<string, unknown> },
  idempotencyKey?: string,
): Promise<CaseSnapshot> {
  const def = caseTypes[body.type];
  const buildInput = workflowInputs[body.type];
  if (!def || !buildInput) throw httpError('UNKNOWN_CASE_TYPE');
  const org = await deps.db.orgUnit.findUnique({ where: { id: body.orgId } });
  const ancestors = org ? await deps.db.orgUnit.findMany({ where: { id: { in: org.path.split('/').filter(Boolean) } } }) : [];
  if (!org || !canStartCase(def, { id: org.id, type: org.type as OrgType }, user.memberships, ancestors.map((a) => ({ id: a.id, type: a.type as OrgType })))) {
    throw httpError('FORBIDDEN');
  }
  const errors = formErrors(def.startForm, body.input);
  if (errors.length) throw httpError('INVALID_FORM', errors.join('; '));

  const ancestor = (type: OrgType) => {
    const found = ancestors.find((a) => a.type === type);
    if (!found) throw httpError('FORBIDDEN', `organization is not under a ${type}`);
    return found;
  };
  // With a key the case id (and so the workflow id) follows from it: a retry after a lost answer, or a
  // concurrent duplicate, finds the workflow already there instead of starting a second case.
  const caseId = idempotencyKey ? idFromKey(user.id, idempotencyKey, 'case') : randomUUID();
  const args = await buildInput({ db: deps.db, caseId, org, ancestor, user, input: body.input });

  const workflowId = workflowIdOf(def.type, caseId);
  return callWorkflow(async () => {
    try {
      return await deps.temporal.workflow.start(def.workflowType, {
        taskQueue: TASK_QUEUE,
        workflowId,
        args: [args],
        // a running duplicate is the same case; a closed one is never started again
        workflowIdConflictPolicy: idempotencyKey ? 'USE_EXISTING' : 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        searchAttributes: { CaseType: [def.type], CaseOrgId: [org.id] },
      });
    } catch (error) {
      if (idempotencyKey && error instanceof WorkflowExecutionAlreadyStartedError) return deps.temporal.workflow.getHandle(workflowId);
      throw error;
    }
  }, 'CASE_NOT_OPEN').then((handle) => awaitStableState(handle, { stable: stableStateUpdate, snapshot: snapshotQuery }));
}
