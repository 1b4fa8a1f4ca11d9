import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Db } from '@dj/db';
import { errorResponses, httpError, supervises, visibleCaseId } from '@dj/service-kit';
import { accountabilityReport } from './accountability';
import { buildDossier, renderDossierHtml } from './dossier';

const security = [{ bearer: [] }];
const DATE = '^\\d{4}-\\d{2}-\\d{2}$';

/** 纪实表 of a case (printable HTML or JSON) and the accountability report of an organization. */
export function registerReportRoutes(app: FastifyInstance, db: Db): void {
  app.get(
    '/api/cases/:id/dossier',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['cases'],
        security,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('json')])) }, { additionalProperties: false }),
        response: { 400: errorResponses[400], 401: errorResponses[401], 404: errorResponses[404] },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!(await visibleCaseId(db, request.auth, id))) {
        request.log.warn({ event: 'case.dossier.refused', caseId: id, userId: request.auth.id }, 'dossier access refused');
        throw httpError('NOT_FOUND');
      }
      const dossier = await buildDossier(db, id);
      request.log.info({ event: 'case.dossier', caseId: id, userId: request.auth.id }, 'dossier read');
      if ((request.query as { format?: string }).format === 'json') return dossier;
      return reply.type('text/html; charset=utf-8').header('content-disposition', `inline; filename="dossier-${id}.html"`).send(renderDossierHtml(dossier));
    },
  );

  app.get(
    '/api/reports/accountability',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['reports'],
        security,
        querystring: Type.Object(
          { orgId: Type.String({ minLength: 1, maxLength: 64 }), from: Type.String({ pattern: DATE }), to: Type.String({ pattern: DATE }) },
          { additionalProperties: false },
        ),
        response: { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404] },
      },
    },
    async (request) => {
      const q = request.query as { orgId: string; from: string; to: string };
      // Whole China days: from 00:00 of `from` to the end of `to`.
      const from = new Date(`${q.from}T00:00:00+08:00`);
      const to = new Date(new Date(`${q.to}T00:00:00+08:00`).getTime() + 86_400_000);
      if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) throw httpError('VALIDATION_FAILED', 'from must be a date on or before to');
      const org = await db.orgUnit.findUnique({ where: { id: q.orgId } });
      if (!org) throw httpError('NOT_FOUND');
      if (!supervises(request.auth, org.path)) {
        request.log.warn({ event: 'report.accountability.refused', orgId: org.id, userId: request.auth.id }, 'accountability report refused');
        throw httpError('FORBIDDEN');
      }
      const report = await accountabilityReport(db, org, from, to);
      request.log.info({ event: 'report.accountability', orgId: org.id, from: q.from, to: q.to, rows: report.rows.length, userId: request.auth.id }, 'accountability report read');
      return report;
    },
  );
}
