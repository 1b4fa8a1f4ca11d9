import { Type } from '@sinclair/typebox';
import { Prisma, type Db } from '@dj/db';
import { errorResponses, httpError, type App } from '@dj/service-kit';

const security = [{ bearer: [] }];

/**
 * Kinds as the console knows them. Activities store finer-grained kinds (which action caused it);
 * several of them mean "a task is now waiting for you".
 */
const kindOf: Record<string, string> = {
  'task.new': 'task_assigned',
  'task.transfer': 'task_assigned',
  'task.add_signer': 'task_assigned',
  'task.approve': 'task_assigned',
  'task.reminder': 'reminder',
  'task.overdue': 'escalation',
  supervision: 'supervision',
  'task.urge': 'urge',
  'task.cc': 'cc',
  'case.deadline-warning': 'deadline_warning',
};
export function notificationKind(stored: string): string {
  return kindOf[stored] ?? stored.replace(/[.-]/g, '_');
}

type Cursor = { createdAt: string; id: string };
const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(raw: string): Cursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString()) as Cursor;
    return typeof c.id === 'string' && /^[0-9a-f-]{36}$/.test(c.id) && !Number.isNaN(Date.parse(c.createdAt)) ? c : undefined;
  } catch {
    return undefined;
  }
}

type Row = { id: string; kind: string; title: string; case_id: string | null; task_id: string | null; created_at: Date; read_at: Date | null };

/** In-app notifications of the signed-in user (written by the workflow activities), newest first. */
export function registerNotificationRoutes(app: App, db: Db) {
  app.get(
    '/api/notifications',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['notifications'],
        security,
        querystring: Type.Object(
          {
            unread: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 400: errorResponses[400], 401: errorResponses[401] },
      },
    },
    async (request) => {
      const { unread, limit = 20, cursor } = request.query;
      const after = cursor === undefined ? undefined : decode(cursor);
      if (cursor !== undefined && !after) throw httpError('VALIDATION_FAILED', 'cursor');
      const userId = request.auth.id;
      const rows = await db.$queryRaw<Row[]>`
        SELECT id, kind, title, case_id, task_id, created_at, read_at FROM notification
        WHERE user_id = ${userId}::uuid
          ${unread === true ? Prisma.sql`AND read_at IS NULL` : unread === false ? Prisma.sql`AND read_at IS NOT NULL` : Prisma.empty}
          ${after ? Prisma.sql`AND (created_at, id) < (${new Date(after.createdAt)}, ${after.id}::uuid)` : Prisma.empty}
        ORDER BY created_at DESC, id DESC
        LIMIT ${limit + 1}`;
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const unreadCount = await db.notification.count({ where: { userId, readAt: null } });
      return {
        items: page.map((r) => ({
          id: r.id,
          kind: notificationKind(r.kind),
          title: r.title,
          caseId: r.case_id,
          taskId: r.task_id,
          createdAt: r.created_at.toISOString(),
          readAt: r.read_at?.toISOString() ?? null,
        })),
        nextCursor: rows.length > limit && last ? encode({ createdAt: last.created_at.toISOString(), id: last.id }) : null,
        unreadCount,
      };
    },
  );

  app.post(
    '/api/notifications/:id/read',
    {
      onRequest: app.authenticate,
      schema: { tags: ['notifications'], security, params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 204: Type.Null(), 401: errorResponses[401], 404: errorResponses[404] } },
    },
    async (request, reply) => {
      const own = await db.notification.findFirst({ where: { id: request.params.id, userId: request.auth.id }, select: { readAt: true } });
      if (!own) throw httpError('NOT_FOUND');
      if (!own.readAt) await db.notification.updateMany({ where: { id: request.params.id, userId: request.auth.id, readAt: null }, data: { readAt: new Date() } });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/notifications/read-all',
    { onRequest: app.authenticate, schema: { tags: ['notifications'], security, response: { 401: errorResponses[401] } } },
    async (request) => {
      const { count } = await db.notification.updateMany({ where: { userId: request.auth.id, readAt: null }, data: { readAt: new Date() } });
      return { updated: count };
    },
  );
}
