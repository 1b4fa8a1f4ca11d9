import { Type } from '@sinclair/typebox';
import type { Client } from '@temporalio/client';
import { taskActions } from '@dj/contracts';
import { DateOrDateTime, StringEnum, buildService, caseRecord, errorResponses, httpError, type ServiceDeps } from '@dj/service-kit';
import { registerBulkActionRoutes } from './bulk-action-routes';
import { registerCaseTypeRoutes } from './case-type-routes';
import { registerNotificationRoutes } from './notification-routes';
import { performTaskAction } from './task-actions';
import { countInbox, decodeCursor, inboxSorts, inboxViews, listInbox } from './inbox-query';
import { availableActions, formOf, loadVisibleTask } from './task-detail';

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
    { onRequest: app.authenticate, schema: { tags: ['inbox'], security, params: TaskParams, response: { 401: errorResponses[401], 404: errorResponses[404] } } },
    async (request) => {
      const task = await loadVisibleTask(db, request.auth, request.params.id);
      if (!task) throw httpError('NOT_FOUND');
      const { case: c, assignees, ...t } = task;
      return {
        task: { ...t, dueAt: t.dueAt.toISOString(), openedAt: t.openedAt.toISOString(), closedAt: t.closedAt?.toISOString() ?? null, overdue: t.overdue || (t.status === 'open' && t.dueAt < new Date()) },
        assignees: assignees.map((a) => ({ id: a.id, userId: a.userId, orgId: a.orgId, role: a.role, claimedById: a.claimedById, status: a.status, addedBySlot: a.addedBySlot })),
        form: formOf(t.formId),
        availableActions: await availableActions(db, request.auth, task),
        case: { id: c.id, type: c.type, title: c.title, status: c.status, stage: c.stage, orgId: c.orgId, input: c.input, openedAt: c.openedAt.toISOString(), overdue: c.overdue },
        record: await caseRecord(db, c.id),
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
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' })) }),
        body: Type.Object(
          {
            action: StringEnum(taskActions),
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
            form: Type.Optional(Type.Object({}, { additionalProperties: true })),
            to: Type.Optional(Type.Array(Target, { minItems: 1, maxItems: 20 })),
          },
          { additionalProperties: false },
        ),
        response: { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404], 409: errorResponses[409] },
      },
    },
    async (request) => performTaskAction({ db, temporal }, request, request.params.id, request.body, request.headers['idempotency-key'], request.query.wait === 'next'),
  );

  registerBulkActionRoutes(app, { db, temporal });
  registerCaseTypeRoutes(app, db);
  registerNotificationRoutes(app, db);
  return app;
}
