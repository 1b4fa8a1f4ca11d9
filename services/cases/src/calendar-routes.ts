import { Type } from '@sinclair/typebox';
import type { Db } from '@dj/db';
import { StringEnum, errorResponses, httpError, type App } from '@dj/service-kit';
import { requireRootAdmin } from './admin-scope';

const security = [{ bearer: [] }];
const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Day = Type.Object({ date: DateString, kind: StringEnum(['holiday', 'workday'] as const), name: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false });
const YearParams = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });

function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** The working-day calendar: read by anyone signed in; a year replaced by an administrator when the State Council publishes it. */
export function registerCalendarRoutes(app: App, db: Db) {
  app.get(
    '/api/calendar/years',
    { onRequest: app.authenticate, schema: { tags: ['calendar'], security, response: { 401: errorResponses[401] } } },
    async () => {
      const years = await db.calendarYear.findMany({ orderBy: { year: 'asc' } });
      return { items: years.map((y) => ({ year: y.year, source: y.source, publishedAt: y.publishedAt.toISOString() })) };
    },
  );

  app.get(
    '/api/calendar/years/:year',
    { onRequest: app.authenticate, schema: { tags: ['calendar'], security, params: YearParams, response: { 401: errorResponses[401], 404: errorResponses[404] } } },
    async (request) => {
      const { year } = request.params;
      const published = await db.calendarYear.findUnique({ where: { year } });
      if (!published) throw httpError('NOT_FOUND');
      const days = await db.calendarDay.findMany({ where: { date: { gte: new Date(`${year}-01-01`), lt: new Date(`${year + 1}-01-01`) } }, orderBy: { date: 'asc' } });
      return { year, source: published.source, days: days.map((d) => ({ date: d.date.toISOString().slice(0, 10), kind: d.kind, name: d.name })) };
    },
  );

  app.put(
    '/api/calendar/years/:year',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['calendar'],
        security,
        params: YearParams,
        body: Type.Object({ source: Type.String({ minLength: 1, maxLength: 200 }), days: Type.Array(Day, { minItems: 1, maxItems: 366 }) }, { additionalProperties: false }),
        response: { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403] },
      },
    },
    async (request) => {
      requireRootAdmin(request.auth);
      const { year } = request.params;
      const { days, source } = request.body;
      const problems: string[] = [];
      const seen = new Set<string>();
      for (const d of days) {
        const parsed = new Date(`${d.date}T00:00:00Z`);
        if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== d.date) problems.push(`${d.date}: not a date`);
        else if (parsed.getUTCFullYear() !== year) problems.push(`${d.date}: not in ${year}`);
        else if (d.kind === 'workday' && ![0, 6].includes(dayOfWeek(d.date))) problems.push(`${d.date}: a make-up workday (调休) must fall on a weekend`);
        if (seen.has(d.date)) problems.push(`${d.date}: listed twice`);
        seen.add(d.date);
      }
      if (problems.length) throw httpError('VALIDATION_FAILED', problems.slice(0, 10).join('; '));
      await db.$transaction(async (tx) => {
        await tx.calendarDay.deleteMany({ where: { date: { gte: new Date(`${year}-01-01`), lt: new Date(`${year + 1}-01-01`) } } });
        await tx.calendarDay.createMany({ data: days.map((d) => ({ date: new Date(`${d.date}T00:00:00Z`), kind: d.kind, name: d.name })) });
        await tx.calendarYear.upsert({ where: { year }, create: { year, source }, update: { source, publishedAt: new Date() } });
      });
      request.log.info({ event: 'calendar.year.replaced', year, days: days.length, userId: request.auth.id }, 'calendar year replaced');
      return { year, days: days.length };
    },
  );
}
