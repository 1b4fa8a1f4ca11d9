import { Type } from '@sinclair/typebox';
import { Prisma, type Db } from '@dj/db';
import { toChinaDate } from '@dj/domain';
import { StringEnum, errorResponses, httpError, type App, type AuthUser } from '@dj/service-kit';
import type { Client } from '@temporalio/client';
import { calendarWatchScope, requireRootSecurityAdmin, withinScope } from './admin-scope';
import { countReschedulable, rescheduleInBackground } from './calendar-reschedule';

const security = [{ bearer: [] }];
const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Day = Type.Object({ date: DateString, kind: StringEnum(['holiday', 'workday'] as const), name: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false });
const YearParams = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });

function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** Open tasks are counted up to here per year; beyond it the warning says "more than". */
export const COVERAGE_COUNT_CAP = 1000;
/** Years looked at around today: a due date further out is not a deadline anyone computes from the calendar. */
const COVERAGE_YEARS_BACK = 1;
const COVERAGE_YEARS_AHEAD = 10;

/** The instant 00:00 China time (UTC+08:00, no DST) of 1 January of a year. */
const chinaYearStart = (year: number) => new Date(Date.UTC(year, 0, 1) - 8 * 3_600_000);

export type CalendarWarning = { year: number; openTasks: number; openTasksCapped: boolean; message: string };

/**
 * Years without the State Council's holiday arrangement that matter now, with the open tasks due in them
 * (within the user's monitoring scope). A year matters when open tasks fall due in it, when it is the
 * current year, or when it is next year from 1 November on: 国务院办公厅 publishes each year's
 * 部分节假日安排 in Oct–Dec of the year before (e.g. 国办发明电〔2024〕12号 of 12 Nov 2024 for 2025), and
 * deadlines of December already run into January.
 *
 * Cost: the bounds are the two ends of the index task(status, due_at, id); each unpublished year is a
 * range of that index, joined to its case for the scope and counted up to COVERAGE_COUNT_CAP — it grows
 * with the tasks due in unpublished years, not with all tasks.
 */
export async function calendarWarnings(db: Db, user: AuthUser, published: ReadonlySet<number>, now = new Date()): Promise<CalendarWarning[]> {
  const scope = calendarWatchScope(user);
  if (!scope.length) return [];
  const today = toChinaDate(now);
  const currentYear = Number(today.slice(0, 4));
  const [bounds] = await db.$queryRaw<{ lo: Date | null; hi: Date | null }[]>`
    SELECT min(due_at) AS lo, max(due_at) AS hi FROM task WHERE status = 'open'`;
  const yearOf = (d: Date) => Number(toChinaDate(d).slice(0, 4));
  const from = Math.max(currentYear - COVERAGE_YEARS_BACK, Math.min(currentYear, bounds?.lo ? yearOf(bounds.lo) : currentYear));
  const to = Math.min(currentYear + COVERAGE_YEARS_AHEAD, Math.max(currentYear + 1, bounds?.hi ? yearOf(bounds.hi) : currentYear));
  const warnings: CalendarWarning[] = [];
  for (let year = from; year <= to; year++) {
    if (published.has(year)) continue;
    const [row] = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM (
        SELECT 1 FROM task t JOIN "case" c ON c.id = t.case_id
        WHERE t.status = 'open' AND t.due_at >= ${chinaYearStart(year)} AND t.due_at < ${chinaYearStart(year + 1)} AND ${withinScope(Prisma.sql`c.org_path`, scope)}
        LIMIT ${COVERAGE_COUNT_CAP + 1}) s`;
    const n = row?.n ?? 0;
    const soon = year === currentYear || (year === currentYear + 1 && today.slice(5) >= '11-01');
    if (n === 0 && !soon) continue;
    const count = n > COVERAGE_COUNT_CAP ? `超过${COVERAGE_COUNT_CAP}项` : `${n}项`;
    const tasks = n > 0 ? `已有${count}待办的办理期限落在${year}年，` : '';
    warnings.push({
      year,
      openTasks: Math.min(n, COVERAGE_COUNT_CAP),
      openTasksCapped: n > COVERAGE_COUNT_CAP,
      message: `${year}年节假日安排尚未录入：${tasks}期限按周末推算，元旦、春节、清明等可能被算作工作日。请在「时限与日历」按国务院办公厅发布的${year}年部分节假日安排录入。`,
    });
  }
  return warnings;
}

/** The working-day calendar: read by anyone signed in; a year replaced by an administrator when the State Council publishes it. */
export function registerCalendarRoutes(app: App, db: Db, temporal: Client) {
  app.get(
    '/api/calendar/years',
    { onRequest: app.authenticate, schema: { tags: ['calendar'], security, response: { 401: errorResponses[401] } } },
    async () => {
      const years = await db.calendarYear.findMany({ orderBy: { year: 'asc' } });
      return { items: years.map((y) => ({ year: y.year, source: y.source, publishedAt: y.publishedAt.toISOString() })) };
    },
  );

  app.get(
    '/api/calendar/coverage',
    { onRequest: app.authenticate, schema: { tags: ['calendar'], security, response: { 401: errorResponses[401] } } },
    async (request) => {
      const years = await db.calendarYear.findMany({ select: { year: true }, orderBy: { year: 'asc' } });
      const published = new Set(years.map((y) => y.year));
      // The warnings (with task counts) are for administrators and supervisors, over their own subtrees.
      const warnings = await calendarWarnings(db, request.auth, published);
      return { publishedYears: [...published], warnings };
    },
  );

  app.get(
    '/api/calendar/years/:year',
    { onRequest: app.authenticate, schema: { tags: ['calendar'], security, params: YearParams, response: { 401: errorResponses[401] } } },
    async (request) => {
      // A year not published yet answers with the days entered so far (entered one by one in the console, then confirmed).
      const { year } = request.params;
      const published = await db.calendarYear.findUnique({ where: { year } });
      const days = await db.calendarDay.findMany({ where: { date: { gte: new Date(`${year}-01-01`), lt: new Date(`${year + 1}-01-01`) } }, orderBy: { date: 'asc' } });
      return { year, published: !!published, source: published?.source ?? null, days: days.map((d) => ({ date: d.date.toISOString().slice(0, 10), kind: d.kind, name: d.name })) };
    },
  );

  // A year entered day by day in the console (PUT /api/calendar/days/:date) is confirmed as published here,
  // naming the State Council's notice it follows; its deadlines stop being provisional from then on.
  app.put(
    '/api/calendar/years/:year/published',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['calendar'],
        security,
        params: YearParams,
        body: Type.Object({ source: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }) }, { additionalProperties: false }),
        response: { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403] },
      },
    },
    async (request) => {
      requireRootSecurityAdmin(request.auth);
      const { year } = request.params;
      const source = request.body.source.trim();
      const holidays = await db.calendarDay.count({ where: { kind: 'holiday', date: { gte: new Date(`${year}-01-01`), lt: new Date(`${year + 1}-01-01`) } } });
      if (!holidays) throw httpError('CALENDAR_YEAR_EMPTY', `${year}年：请先在日历上录入元旦、春节等节假日 / enter the holidays of ${year} first`);
      await db.calendarYear.upsert({ where: { year }, create: { year, source }, update: { source, publishedAt: new Date() } });
      // Open steps whose due dates were computed across this year without its holidays are rescheduled by their cases (issue 16).
      const rescheduled = await countReschedulable(db);
      request.log.info({ event: 'calendar.year.published', year, holidays, rescheduled, userId: request.auth.id }, 'calendar year confirmed as published');
      rescheduleInBackground(db, temporal, year, request.log);
      return { year, source, holidays, rescheduled };
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
      requireRootSecurityAdmin(request.auth);
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
      const rescheduled = await countReschedulable(db);
      request.log.info({ event: 'calendar.year.replaced', year, days: days.length, rescheduled, userId: request.auth.id }, 'calendar year replaced');
      rescheduleInBackground(db, temporal, year, request.log);
      return { year, days: days.length, rescheduled };
    },
  );
}
