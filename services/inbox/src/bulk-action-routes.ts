import { Type, type Static } from '@sinclair/typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { Client } from '@temporalio/client';
import { errorMessage, forms, isFormId } from '@dj/contracts';
import { isBulkApprovable } from '@dj/domain';
import { HttpError, IdempotencyKeyHeader, StringEnum, caseVisibleTo, errorResponses, httpError, idempotent, sendAnswer, type App, type AuthUser } from '@dj/service-kit';
import { Prisma, type Db } from '@dj/db';
import { performTaskAction } from './task-actions';

type Result = { taskId: string; ok: boolean; code?: string; message?: string };

/** The approval form of a bulk-approvable step: its optional opinion carries the shared comment. */
function approvalForm(formId: string | null, comment: string | undefined): Record<string, unknown> {
  const schema = formId && isFormId(formId) ? (forms[formId] as { properties?: Record<string, unknown> }) : undefined;
  return comment && schema?.properties && 'opinion' in schema.properties ? { opinion: comment } : {};
}

/**
 * 批量同意: several tasks of one bulk-approvable step, each approved through the same path as a single
 * action (the case workflow's Update), one result per task; one refusal does not stop the others.
 * With an Idempotency-Key the whole answer is kept for a retry, and each task's Update carries an id
 * derived from the key and the task, so a retry after a lost answer approves nothing twice.
 */
const BulkBody = Type.Object(
  {
    taskIds: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 50, uniqueItems: true }),
    action: StringEnum(['approve'] as const),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export function registerBulkActionRoutes(app: App, deps: { db: Db; temporal: Client }) {
  const { db } = deps;
  app.post(
    '/api/tasks/bulk-actions',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['inbox'],
        security: [{ bearer: [] }],
        headers: IdempotencyKeyHeader,
        body: BulkBody,
        response: { 200: Type.Unknown(), 400: errorResponses[400], 401: errorResponses[401] },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const answer = await idempotent(db, { userId: request.auth.id, key, scope: 'POST /api/tasks/bulk-actions', request: request.body }, async () => ({ statusCode: 200, body: await approveAll(request, request.body, key) }));
      return sendAnswer(reply, answer);
    },
  );

  async function approveAll(request: { auth: AuthUser; log: FastifyBaseLogger }, { taskIds, comment }: Static<typeof BulkBody>, key: string | undefined) {
    const visible = await db.$queryRaw<{ id: string; kind: string; step_key: string; form_id: string | null; case_type: string }[]>`
      SELECT t.id, t.kind, t.step_key, t.form_id, c.type AS case_type FROM task t JOIN "case" c ON c.id = t.case_id
      WHERE t.id IN (${Prisma.join(taskIds.map((id) => Prisma.sql`${id}::uuid`))}) AND ${caseVisibleTo(request.auth)}`;
    const steps = new Set(visible.map((t) => `${t.case_type}.${t.step_key}`));
    const one = visible[0];
    if (!one || steps.size !== 1 || visible.some((t) => t.kind !== 'step') || !isBulkApprovable(one.case_type, one.step_key)) {
      throw httpError('BULK_NOT_ALLOWED', [...steps].join(', '));
    }
    const byId = new Map(visible.map((t) => [t.id, t]));
    const results: Result[] = [];
    // One after another, in the order given: each answers as soon as its approval is recorded.
    for (const taskId of taskIds) {
      const task = byId.get(taskId);
      try {
        if (!task) throw httpError('NOT_FOUND');
        await performTaskAction(deps, request, taskId, { action: 'approve', comment, form: approvalForm(task.form_id, comment) }, key && `${key}:${taskId}`);
        results.push({ taskId, ok: true });
      } catch (e) {
        if (e instanceof HttpError) results.push({ taskId, ok: false, code: e.code, message: e.message });
        else {
          request.log.error({ err: e, taskId }, 'bulk approval of a task failed');
          results.push({ taskId, ok: false, code: 'INTERNAL', message: errorMessage('INTERNAL') });
        }
      }
    }
    request.log.info({ event: 'task.bulk-action', action: 'approve', step: one.step_key, tasks: taskIds.length, approved: results.filter((r) => r.ok).length, userId: request.auth.id }, 'bulk approval');
    return { results };
  }
}
