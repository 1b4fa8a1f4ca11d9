import { Type } from '@sinclair/typebox';
import { Prisma, subtreeLike, type Db } from '@dj/db';
import { errorResponses, httpError, type App } from '@dj/service-kit';
import { adminScope, unitInScope } from './admin-scope';

const security = [{ bearer: [] }];

const Entry = Type.Object({
  id: Type.String(),
  at: Type.String(),
  actorId: Type.String(),
  actorName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  objectType: Type.String(),
  objectId: Type.String(),
  orgId: Type.String(),
  orgName: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  reason: Type.Union([Type.String(), Type.Null()]),
  clientAddress: Type.Union([Type.String(), Type.Null()]),
});

type Row = { id: string; at: Date; actorId: string; actorName: string | null; action: string; objectType: string; objectId: string; orgId: string; orgName: string | null; before: unknown; after: unknown; reason: string | null; clientAddress: string | null };

const encodeCursor = (r: { at: Date; id: string }) => Buffer.from(`${r.at.toISOString()}|${r.id}`).toString('base64url');
function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(date.getTime())) throw httpError('VALIDATION_FAILED', 'cursor');
  return { at: date, id };
}

/**
 * The administrative audit log, newest first, for administrators: the actions on units now in their
 * subtree (or one unit's subtree), keyset-paged. The rows cannot be changed or removed (triggers of
 * migration 20261201130000_org_admin).
 */
export function registerAdminAuditRoutes(app: App, db: Db) {
  app.get(
    '/api/admin/audit',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['admin: audit'],
        security,
        summary: 'administrative audit log of the administrator’s subtree',
        querystring: Type.Object(
          {
            orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Entry), nextCursor: Type.Union([Type.String(), Type.Null()]) }), 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404] },
      },
    },
    async (request) => {
      const { orgId, cursor } = request.query;
      const limit = request.query.limit ?? 50;
      const scope = orgId ? [(await unitInScope(db, request.auth, orgId)).path] : adminScope(request.auth);
      const after = cursor ? decodeCursor(cursor) : undefined;
      const inScope = Prisma.join(scope.map((p) => Prisma.sql`o.path LIKE ${subtreeLike(p)}`), ' OR ');
      const rows = await db.$queryRaw<Row[]>`
        SELECT l.id, l.at, l.actor_id AS "actorId", u.display_name AS "actorName", l.action, l.object_type AS "objectType", l.object_id AS "objectId",
               l.org_id AS "orgId", o.name AS "orgName", l.before, l.after, l.reason, l.client_address AS "clientAddress"
        FROM admin_audit_log l
        JOIN org_unit o ON o.id = l.org_id
        LEFT JOIN app_user u ON u.id = l.actor_id
        WHERE (${inScope}) ${after ? Prisma.sql`AND (l.at, l.id) < (${after.at}, ${after.id}::uuid)` : Prisma.empty}
        ORDER BY l.at DESC, l.id DESC
        LIMIT ${limit + 1}`;
      const page = rows.slice(0, limit);
      request.log.info({ event: 'admin.audit.read', userId: request.auth.id, orgId: orgId ?? null }, 'audit log read');
      return {
        items: page.map((r) => ({ ...r, at: r.at.toISOString() })),
        nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null,
      };
    },
  );
}
