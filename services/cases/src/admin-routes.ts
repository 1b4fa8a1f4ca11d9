import { Type } from '@sinclair/typebox';
import { Prisma, auditRecords, loadPolicy, type Db } from '@dj/db';
import type { EscalationPolicy } from '@dj/domain';
import { DateOrDateTime, StringEnum, errorResponses, httpError, type App } from '@dj/service-kit';
import { auditScope, monitoringScope, scopeFor, withinScope } from './admin-scope';
import { casesCsv } from './case-csv';
import { caseMonitorView } from './case-monitor';
import { caseStatuses, decodeCaseCursor, searchCases } from './case-search';
import { BOARD_DEFAULT_DEPTH, monitoringStats, overdueBoard } from './monitoring-queries';

const security = [{ bearer: [] }];
const denied = { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403] };
const Org = Type.String({ minLength: 1, maxLength: 64 });
const CaseFilterQuery = {
  type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  orgId: Type.Optional(Org),
  stage: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  status: Type.Optional(StringEnum(caseStatuses)),
  // 当前超期 (open and overdue now) and 曾超期 (late at any time, open or closed).
  overdue: Type.Optional(Type.Boolean()),
  wasLate: Type.Optional(Type.Boolean()),
  openedFrom: Type.Optional(DateOrDateTime),
  openedTo: Type.Optional(DateOrDateTime),
  closedFrom: Type.Optional(DateOrDateTime),
  closedTo: Type.Optional(DateOrDateTime),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
};

/**
 * Monitoring for administrators and supervisory roles (Camunda-Operate-like): case search and CSV
 * export, the case page, the overdue board and the charts — all from the Postgres projections.
 */
export function registerAdminRoutes(app: App, db: Db, options: { workingDaySeconds?: number | undefined }) {
  app.get(
    '/api/admin/cases',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['monitoring'],
        security,
        querystring: Type.Object(
          { ...CaseFilterQuery, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) },
          { additionalProperties: false },
        ),
        response: denied,
      },
    },
    async (request) => {
      const { orgId, limit = 20, cursor, ...filters } = request.query;
      const scope = await scopeFor(db, request.auth, orgId);
      const after = cursor === undefined ? undefined : decodeCaseCursor(cursor);
      if (cursor !== undefined && !after) throw httpError('VALIDATION_FAILED', 'cursor');
      return searchCases(db, scope, filters, limit, after);
    },
  );

  app.get(
    '/api/admin/cases.csv',
    { onRequest: app.authenticate, schema: { tags: ['monitoring'], security, querystring: Type.Object(CaseFilterQuery, { additionalProperties: false }), response: denied } },
    async (request, reply) => {
      const { orgId, ...filters } = request.query;
      const scope = await scopeFor(db, request.auth, orgId);
      const csv = await casesCsv(db, scope, filters);
      request.log.info({ event: 'cases.exported', userId: request.auth.id, filters: request.query }, 'case list exported');
      const date = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="cases-${date}.csv"; filename*=UTF-8''${encodeURIComponent(`事项-${date}.csv`)}`)
        .send(csv);
    },
  );

  app.get(
    '/api/admin/cases/:id',
    { onRequest: app.authenticate, schema: { tags: ['monitoring'], security, params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { ...denied, 404: errorResponses[404] } } },
    async (request) => {
      const scope = monitoringScope(request.auth);
      const rows = await db.$queryRaw<{ id: string }[]>`SELECT c.id FROM "case" c WHERE c.id = ${request.params.id}::uuid AND ${withinScope(Prisma.sql`c.org_path`, scope)}`;
      if (!rows.length) throw httpError('NOT_FOUND');
      return caseMonitorView(db, request.params.id, options.workingDaySeconds);
    },
  );

  app.get(
    '/api/admin/board',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['monitoring'],
        security,
        querystring: Type.Object({ orgId: Type.Optional(Org), depth: Type.Optional(Type.Integer({ minimum: 0, maximum: 8, default: BOARD_DEFAULT_DEPTH })) }, { additionalProperties: false }),
        response: denied,
      },
    },
    async (request) => {
      const depth = request.query.depth ?? BOARD_DEFAULT_DEPTH;
      const [items, escalation] = await Promise.all([
        scopeFor(db, request.auth, request.query.orgId).then((scope) => overdueBoard(db, scope, depth)),
        loadPolicy<EscalationPolicy>(db, 'escalation.default'),
      ]);
      // Counts are current to the last committed change; "overdue" is what the escalation marked at each
      // due date, "due soon" what the reminder marked, reminderLeadWorkingDays before it (the policy).
      return { items, depth, overdueMarkedBy: 'escalation', dueSoonMarkedBy: 'reminder', dueSoonWorkingDays: escalation.reminderLeadWorkingDays };
    },
  );

  app.get(
    '/api/admin/stats',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['monitoring'],
        security,
        querystring: Type.Object({ orgId: Type.Optional(Org), from: Type.Optional(DateOrDateTime), to: Type.Optional(DateOrDateTime) }, { additionalProperties: false }),
        response: denied,
      },
    },
    async (request) => {
      const { orgId, from, to } = request.query;
      if (from && to && Date.parse(from) > Date.parse(to)) throw httpError('VALIDATION_FAILED', 'from is after to');
      return monitoringStats(db, await scopeFor(db, request.auth, orgId), { from, to });
    },
  );

  app.get(
    '/api/admin/record-audit',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['monitoring'],
        security,
        summary: 'Verify the records (全程纪实) of the cases within the audit administrator\'s scope against the record key and the anchors',
        querystring: Type.Object(
          {
            orgId: Type.Optional(Org),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
            after: Type.Optional(Type.String({ format: 'uuid' })),
          },
          { additionalProperties: false },
        ),
        response: denied,
      },
    },
    async (request) => {
      const { orgId, limit = 200, after } = request.query;
      const scope = await auditScope(db, request.auth, orgId);
      const rows = await db.$queryRaw<{ id: string }[]>`
        SELECT c.id::text AS id FROM "case" c
        WHERE ${withinScope(Prisma.sql`c.org_path`, scope)} ${after ? Prisma.sql`AND c.id > ${after}::uuid` : Prisma.empty}
        ORDER BY c.id LIMIT ${limit}`;
      const audit = await auditRecords(db, rows.map((r) => r.id));
      const broken = audit.cases.filter((c) => c.status !== 'ok');
      request.log.info({ event: 'record.audited', userId: request.auth.id, orgId: orgId ?? null, cases: audit.summary.cases }, 'case records audited');
      if (broken.length || audit.invalidAnchorLines || audit.anchorFileShrunk) {
        request.log.warn({ event: 'record.audit-failed', userId: request.auth.id, broken: broken.slice(0, 20), invalidAnchorLines: audit.invalidAnchorLines, anchorFileShrunk: audit.anchorFileShrunk }, 'case records fail verification');
      }
      return { ...audit, anchorFile: audit.anchorFile ? 'configured' : null, next: rows.length === limit ? rows.at(-1)!.id : null };
    },
  );
}
