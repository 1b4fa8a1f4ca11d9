import { Type } from '@sinclair/typebox';
import { Prisma, auditLogCsv, auditLogXlsx, auditRowsInScope, recordAdminAction, subtreeLike, type AuditExportRow, type Db } from '@dj/db';
import { errorResponses, httpError, type App } from '@dj/service-kit';
import type { Readable } from 'node:stream';
import { Duty, adminContext, adminScope, unitInScope } from './admin-scope';

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


const encodeCursor = (r: { at: Date; id: string }) => Buffer.from(`${r.at.toISOString()}|${r.id}`).toString('base64url');
function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(date.getTime())) throw httpError('VALIDATION_FAILED', 'cursor');
  return { at: date, id };
}

/**
 * The administrative audit log, newest first, for the audit administrators (审计管理员, 三权分立): the actions on units now in their
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
      const scope = orgId ? [(await unitInScope(db, request.auth, orgId, { duty: Duty.audit })).path] : adminScope(request.auth, Duty.audit);
      const after = cursor ? decodeCursor(cursor) : undefined;
      const rows = await db.$queryRaw<AuditExportRow[]>`
        ${auditRowsInScope(scope)} ${after ? Prisma.sql`AND (l.at, l.id) < (${after.at}, ${after.id}::uuid)` : Prisma.empty}
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

  const Day = Type.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
  const DAY_MS = 24 * 3600 * 1000;
  const formats: Record<'csv' | 'xlsx', { type: string; build: (scope: string[], range: { from: Date; to: Date }) => Readable }> = {
    csv: { type: 'text/csv; charset=utf-8', build: (scope, range) => auditLogCsv(db, scope, range) },
    xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', build: (scope, range) => auditLogXlsx(db, scope, range) },
  };
  for (const [format, { type, build }] of Object.entries(formats)) {
    app.get(
      `/api/admin/audit/export.${format}`,
      {
        onRequest: app.authenticate,
        schema: {
          tags: ['admin: audit'],
          security,
          summary: `the administrative audit log of the audit administrator’s subtree (or a unit’s) from one day to another (China time, both included), oldest first, as ${format.toUpperCase()}, streamed; the export is itself recorded`,
          querystring: Type.Object({ orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), from: Day, to: Day }, { additionalProperties: false }),
          response: { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404] },
        },
      },
      async (request, reply) => {
        const { orgId, from, to } = request.query;
        const scope = orgId ? [(await unitInScope(db, request.auth, orgId, { duty: Duty.audit })).path] : adminScope(request.auth, Duty.audit);
        // Days of China time (UTC+8, no daylight saving): [from 00:00, the day after `to` 00:00).
        const range = { from: new Date(`${from}T00:00:00+08:00`), to: new Date(new Date(`${to}T00:00:00+08:00`).getTime() + DAY_MS) };
        if (Number.isNaN(range.from.getTime()) || Number.isNaN(range.to.getTime())) throw httpError('VALIDATION_FAILED', 'from/to');
        if (range.from >= range.to) throw httpError('VALIDATION_FAILED', '起始日期晚于结束日期 / from is after to');
        // The export is recorded first (one row per exported subtree), so it is in the log even if the download breaks off.
        const orgIds = await db.orgUnit.findMany({ where: { path: { in: scope } }, select: { id: true } });
        await db.$transaction(async (tx) => {
          for (const o of orgIds) await recordAdminAction(tx, adminContext(request), { action: 'audit.export', objectType: 'admin_audit_log', objectId: o.id, orgId: o.id, after: { from, to, format } });
        });
        request.log.info({ event: 'admin.audit.export', userId: request.auth.id, orgId: orgId ?? null, from, to, format }, 'audit log exported');
        return reply
          .header('content-type', type)
          .header('content-disposition', `attachment; filename="audit-${from}-${to}.${format}"`)
          .send(build(scope, range));
      },
    );
  }

  const SecurityEventEntry = Type.Object({
    id: Type.String(),
    at: Type.String(),
    event: Type.String(),
    userId: Type.Union([Type.String(), Type.Null()]),
    username: Type.Union([Type.String(), Type.Null()]),
    displayName: Type.Union([Type.String(), Type.Null()]),
    clientAddress: Type.Union([Type.String(), Type.Null()]),
    detail: Type.Unknown(),
  });
  type SecurityEventRow = { id: string; at: Date; event: string; userId: string | null; username: string | null; displayName: string | null; clientAddress: string | null; detail: unknown };

  app.get(
    '/api/admin/audit/security-events',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['admin: audit'],
        security,
        summary: 'the security event log (logins, throttling, two-step, sessions, passwords, refusals) of the accounts with a role in the audit administrator’s subtree, newest first, keyset-paged; events of no known account only for an audit administrator of a root organization',
        querystring: Type.Object(
          {
            event: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z.-]+$' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(SecurityEventEntry), nextCursor: Type.Union([Type.String(), Type.Null()]) }), 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403] },
      },
    },
    async (request) => {
      const { event, cursor } = request.query;
      const limit = request.query.limit ?? 50;
      const scope = adminScope(request.auth, Duty.audit);
      const root = scope.some((p) => p.split('/').filter(Boolean).length === 1);
      const after = cursor ? decodeCursor(cursor) : undefined;
      const inScope = Prisma.join(scope.map((p) => Prisma.sql`o.path LIKE ${subtreeLike(p)}`), ' OR ');
      const rows = await db.$queryRaw<SecurityEventRow[]>`
        SELECT e.id, e.at, e.event, e.user_id AS "userId", u.username, u.display_name AS "displayName", e.client_address AS "clientAddress", e.detail
        FROM security_event e
        LEFT JOIN app_user u ON u.id = e.user_id
        WHERE (EXISTS (SELECT 1 FROM membership m JOIN org_unit o ON o.id = m.org_id WHERE m.user_id = e.user_id AND (${inScope}))
               ${root ? Prisma.sql`OR e.user_id IS NULL` : Prisma.empty})
          ${event ? Prisma.sql`AND e.event = ${event}` : Prisma.empty}
          ${after ? Prisma.sql`AND (e.at, e.id) < (${after.at}, ${after.id}::uuid)` : Prisma.empty}
        ORDER BY e.at DESC, e.id DESC
        LIMIT ${limit + 1}`;
      const page = rows.slice(0, limit);
      request.log.info({ event: 'admin.security-events.read', userId: request.auth.id }, 'security event log read');
      return { items: page.map((r) => ({ ...r, at: r.at.toISOString() })), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
    },
  );
}
