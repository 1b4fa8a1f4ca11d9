import { caseActionsOffered } from './case-actions-offered';
import { stepName } from '@dj/domain';
import { Type } from '@sinclair/typebox';
import type { Client } from '@temporalio/client';
import type { FastifyBaseLogger, FastifyReply, FastifyServerOptions } from 'fastify';
import { verifyCaseRecord } from '@dj/db';
import { StringEnum, actorFor, awaitStableState, buildService, callWorkflow, caseFacts, caseRecord, errorResponses, httpError, idempotent, sendAnswer, IdempotencyKeyHeader, visibleCaseId, type AuthUser, type ServiceDeps } from '@dj/service-kit';
import { caseActionUpdate, snapshotQuery, stableStateUpdate } from '@dj/process-api';
import { registerAdminRoutes } from './admin-routes';
import { registerCalendarRoutes } from './calendar-routes';
import { registerReportRoutes } from './report-routes';
import { registerPolicyRoutes } from './policy-routes';
import { startCase } from './start-case';
import { registerDomainMetrics } from './domain-metrics';
import { reconcileJointSchedules, registerJointMeetingRoutes, type JointMeetingsConfig } from './joint-meeting-routes';
import { TASK_QUEUE } from '@dj/process-api';

const security = [{ bearer: [] }];
const CaseParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** cases: start a case, read its state and record, case-level actions (撤回). */
export async function buildCasesApp(
  deps: ServiceDeps & { temporal: Client; jointMeetings?: Partial<JointMeetingsConfig>; workingDaySeconds?: number | undefined; logger?: FastifyServerOptions['logger'] },
) {
  const app = await buildService({ ...deps, name: 'cases', title: 'Dangjian Flow cases' });
  const { db, temporal } = deps;
  registerDomainMetrics(app.metrics.registry, db);

  app.post(
    '/api/cases',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['cases'],
        security,
        body: Type.Object(
          {
            type: Type.String({ minLength: 1, maxLength: 64 }),
            orgId: Type.String({ minLength: 1, maxLength: 64 }),
            input: Type.Object({}, { additionalProperties: true }),
          },
          { additionalProperties: false },
        ),
        headers: IdempotencyKeyHeader,
        response: { 201: Type.Unknown(), 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403] },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const answer = await idempotent(db, { userId: request.auth.id, key, scope: 'POST /api/cases', request: request.body }, async () => {
        const snapshot = await startCase({ db, temporal }, request.auth, request.body, key);
        request.log.info({ event: 'case.started', caseId: snapshot.caseId, type: request.body.type, userId: request.auth.id }, 'case started');
        return { statusCode: 201, body: snapshot };
      });
      return sendAnswer(reply, answer);
    },
  );

  app.get(
    '/api/cases/:id',
    { onRequest: app.authenticate, schema: { tags: ['cases'], security, params: CaseParams, response: { 401: errorResponses[401], 404: errorResponses[404] } } },
    async (request) => {
      if (!(await visibleCaseId(db, request.auth, request.params.id))) throw httpError('NOT_FOUND');
      const c = await db.case.findUniqueOrThrow({ where: { id: request.params.id } });
      const openTasks = await db.task.findMany({ where: { caseId: c.id, status: 'open' }, orderBy: { openedAt: 'asc' } });
      return {
        case: { ...c, stageName: stepName(c.type, c.stage), openedAt: c.openedAt.toISOString(), closedAt: c.closedAt?.toISOString() ?? null, updatedAt: c.updatedAt.toISOString(), deadlineAt: c.deadlineAt?.toISOString() ?? null },
        openTasks: openTasks.map((t) => ({ id: t.id, kind: t.kind, stepKey: t.stepKey, title: t.title, orgId: t.orgId, dueAt: t.dueAt.toISOString(), overdue: t.overdue || t.dueAt < new Date(), escalationLevel: t.escalationLevel })),
        record: await caseRecord(db, c.id),
        recordVerification: await verifyCaseRecord(db, c.id),
        caseActions: await caseActionsOffered(db, request.auth, c),
        // What the steps decided on, readable on the case page too (objections stay on their 核实 task).
        facts: await caseFacts(db, c),
      };
    },
  );

  /**
   * Case-level actions through the case workflow's Update: 撤回 (initiator), and those a process offers
   * (e.g. cancel, record_first_secretary). With an Idempotency-Key a retry answers the original result
   * (stored), and the Update's id derived from the key keeps an action whose answer was lost in a crash
   * from applying twice: the engine answers that Update's outcome again.
   */
  async function caseAction(request: { auth: AuthUser; log: FastifyBaseLogger }, caseId: string, body: { action: string; comment?: string | undefined; data?: Record<string, unknown> | undefined }, idempotencyKey: string | undefined) {
    if (!(await visibleCaseId(db, request.auth, caseId))) throw httpError('NOT_FOUND');
    const c = await db.case.findUniqueOrThrow({ where: { id: caseId } });
    if (c.status !== 'open' && !idempotencyKey) throw httpError('CASE_NOT_OPEN');
    const handle = temporal.workflow.getHandle(c.workflowId);
    await callWorkflow(
      () =>
        handle.executeUpdate(caseActionUpdate, {
          args: [{ action: body.action, actor: actorFor(request.auth, c.orgPath), comment: body.comment, data: body.data }],
          ...(idempotencyKey ? { updateId: `${request.auth.id}:${idempotencyKey}` } : {}),
        }),
      'CASE_NOT_OPEN',
    );
    request.log.info({ event: 'case.action', action: body.action, caseId: c.id, userId: request.auth.id }, 'case action accepted');
    // A case-level action changes the whole case (撤回 closes it): answer with the state it leads to.
    return awaitStableState(handle, { stable: stableStateUpdate, snapshot: snapshotQuery });
  }
  async function idempotentCaseAction(
    request: { auth: AuthUser; log: FastifyBaseLogger; headers: { 'idempotency-key'?: string | undefined } },
    reply: FastifyReply,
    caseId: string,
    body: { action: string; comment?: string | undefined; data?: Record<string, unknown> | undefined },
  ) {
    const key = request.headers['idempotency-key'];
    const answer = await idempotent(db, { userId: request.auth.id, key, scope: `case-action ${caseId}`, request: body }, async () => ({ statusCode: 200, body: await caseAction(request, caseId, body, key) }));
    return sendAnswer(reply, answer);
  }
  const caseActionResponses = { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404], 409: errorResponses[409] };

  app.post(
    '/api/cases/:id/actions',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['cases'],
        security,
        params: CaseParams,
        headers: IdempotencyKeyHeader,
        body: Type.Object(
          {
            action: StringEnum(['withdraw', 'cancel', 'record_first_secretary', 'terminate'] as const),
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
            data: Type.Optional(Type.Object({}, { additionalProperties: true })),
          },
          { additionalProperties: false },
        ),
        response: caseActionResponses,
      },
    },
    async (request, reply) => idempotentCaseAction(request, reply, request.params.id, request.body),
  );

  app.post(
    '/api/cases/:id/withdraw',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['cases'],
        security,
        params: CaseParams,
        headers: IdempotencyKeyHeader,
        body: Type.Optional(Type.Object({ comment: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false })),
        response: caseActionResponses,
      },
    },
    async (request, reply) => idempotentCaseAction(request, reply, request.params.id, { action: 'withdraw', comment: request.body?.comment }),
  );

  registerCalendarRoutes(app, db, temporal);
  registerReportRoutes(app, db);
  const jointConfig: JointMeetingsConfig = { taskQueue: TASK_QUEUE, ...deps.jointMeetings };
  registerJointMeetingRoutes(app, { db, temporal, config: jointConfig });
  app.addHook('onReady', async () => {
    // Not awaited: readiness must not hang on Temporal; a failure is logged and the next change syncs again.
    reconcileJointSchedules(db, temporal, jointConfig).catch((err: unknown) => app.log.error({ event: 'joint.reconcile-failed', err }, 'joint meeting schedules not reconciled'));
  });
  registerAdminRoutes(app, db, { workingDaySeconds: deps.workingDaySeconds });
  registerPolicyRoutes(app, db);
  return app;
}
