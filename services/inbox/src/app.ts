import { Type } from '@sinclair/typebox';
import type { Client } from '@temporalio/client';
import { taskActions } from '@dj/contracts';
import { isCalendarDate, stepName } from '@dj/domain';
import { DateOrDateTime, StringEnum, buildService, caseRecord, errorResponses, httpError, idempotent, sendAnswer, IdempotencyKeyHeader, type ServiceDeps } from '@dj/service-kit';
import { registerBulkActionRoutes } from './bulk-action-routes';
import { registerCaseTypeRoutes } from './case-type-routes';
import { registerNotificationRoutes } from './notification-routes';
import { taskFacts } from './task-facts';
import { performTaskAction } from './task-actions';
import { countInbox, decodeCursor, inboxSorts, inboxViews, listInbox } from './inbox-query';
import { availableActions, formOf, loadVisibleTask, meetingOfTask } from './task-detail';

const security = [{ bearer: [] }];
const TaskParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Target = Type.Union([
  Type.Object({ userId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
  Type.Object({ orgId: Type.String({ minLength: 1, maxLength: 64 }), role: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
]);

/** inbox: an official's tasks, a task's detail, and actions on it (through the case workflow's Update). */
export async function buildInboxApp(deps: ServiceDeps & { temporal: Client }) {
  const app = await buildService({ ...deps, name: 'inbox', title: 'Dangjian Flow inbox' });
  const { db, temporal } = deps;

  app.get(
    '/api/inbox',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['inbox'],
        security,
        querystring: Type.Object(
          {
            view: Type.Optional(StringEnum(inboxViews, { default: 'todo' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
            type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            dueFrom: Type.Optional(DateOrDateTime),
            dueTo: Type.Optional(DateOrDateTime),
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            sort: Type.Optional(StringEnum(inboxSorts, { default: 'due_asc' })),
          },
          { additionalProperties: false },
        ),
        response: { 400: errorResponses[400], 401: errorResponses[401] },
      },
    },
    async (request) => {
      const { view = 'todo', limit = 20, cursor, sort = 'due_asc', ...filters } = request.query;
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      if (cursor !== undefined && !after) throw httpError('VALIDATION_FAILED', 'cursor');
      const [page, counts] = await Promise.all([listInbox(db, request.auth, view, limit, after, filters, sort), countInbox(db, request.auth)]);
      return { view, ...page, counts };
    },
  );

  app.get(
    '/api/tasks/:id',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['inbox'],
        security,
        params: TaskParams,
        // meetingDate: the roster of a meeting step at that date (default today).
        querystring: Type.Object({ meetingDate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) }, { additionalProperties: false }),
        response: { 400: errorResponses[400], 401: errorResponses[401], 404: errorResponses[404] },
      },
    },
    async (request) => {
      const task = await loadVisibleTask(db, request.auth, request.params.id);
      if (!task) throw httpError('NOT_FOUND');
      const { meetingDate } = request.query;
      if (meetingDate !== undefined && !isCalendarDate(meetingDate)) throw httpError('MEETING_DATE_INVALID', meetingDate);
      const { case: c, assignees, ...t } = task;
      return {
        task: { ...t, dueAt: t.dueAt.toISOString(), openedAt: t.openedAt.toISOString(), closedAt: t.closedAt?.toISOString() ?? null, overdue: t.overdue || (t.status === 'open' && t.dueAt < new Date()) },
        assignees: assignees.map((a) => ({ id: a.id, userId: a.userId, orgId: a.orgId, role: a.role, claimedById: a.claimedById, status: a.status, addedBySlot: a.addedBySlot })),
        form: formOf(t.formId),
        availableActions: await availableActions(db, request.auth, task),
        meeting: await meetingOfTask(db, task, meetingDate),
        case: { id: c.id, type: c.type, title: c.title, status: c.status, stage: c.stage, stageName: stepName(c.type, c.stage), orgId: c.orgId, input: c.input, openedAt: c.openedAt.toISOString(), overdue: c.overdue },
        record: await caseRecord(db, c.id),
        facts: await taskFacts(db, request.auth, task),
      };
    },
  );

  app.post(
    '/api/tasks/:id/actions',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['inbox'],
        security,
        params: TaskParams,
        querystring: Type.Object(
          { wait: Type.Optional(StringEnum(['next'] as const)) },
          { additionalProperties: false },
        ),
        headers: IdempotencyKeyHeader,
        body: Type.Object(
          {
            action: StringEnum(taskActions),
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
            form: Type.Optional(Type.Object({}, { additionalProperties: true })),
            to: Type.Optional(Type.Array(Target, { minItems: 1, maxItems: 20 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Unknown(), 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404], 409: errorResponses[409] },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const waitForNext = request.query.wait === 'next';
      const answer = await idempotent(
        db,
        { userId: request.auth.id, key, scope: `task-action ${request.params.id}${waitForNext ? ' wait=next' : ''}`, request: request.body },
        async () => ({ statusCode: 200, body: await performTaskAction({ db, temporal }, request, request.params.id, request.body, key, waitForNext) }),
      );
      return sendAnswer(reply, answer);
    },
  );

  registerBulkActionRoutes(app, { db, temporal });
  registerCaseTypeRoutes(app, db);
  registerNotificationRoutes(app, db);
  return app;
}
