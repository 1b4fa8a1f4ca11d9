import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { Db, Prisma } from '@dj/db';
import { policyDefaults, policyDefinition } from '@dj/domain';
import { StringEnum, errorResponses, httpError, jsonSchemaErrors, type App } from '@dj/service-kit';
import { requireRootSecurityAdmin } from './admin-scope';

const security = [{ bearer: [] }];
const responses = { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404] };
const KeyParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-z0-9][a-z0-9.-]*$' }) });
const Reason = Type.String({ minLength: 2, maxLength: 500, pattern: '\\S' });

type PolicyRow = { key: string; value: Prisma.JsonValue; updatedAt: Date; updatedBy: string | null };

/** Every policy the system knows: the code's defaults plus rows administrators added, each with its definition. */
async function listPolicies(db: Db) {
  const rows = await db.policy.findMany();
  const byKey = new Map<string, PolicyRow | undefined>(Object.keys(policyDefaults).map((k) => [k, undefined]));
  for (const r of rows) byKey.set(r.key, r);
  const editors = await db.user.findMany({ where: { id: { in: rows.flatMap((r) => r.updatedBy ?? []) } }, select: { id: true, displayName: true } });
  const names = new Map(editors.map((u) => [u.id, u.displayName]));
  return [...byKey.entries()]
    .map(([key, row]) => {
      const def = policyDefinition(key);
      // A policy without a definition (a process that has not described it yet) is shown, not editable.
      return {
        key,
        name: def?.name ?? key,
        value: row ? row.value : policyDefaults[key],
        schema: def?.schema ?? null,
        editable: !!def,
        updatedAt: row?.updatedAt.toISOString() ?? null,
        updatedBy: row?.updatedBy ? (names.get(row.updatedBy) ?? null) : null,
        updatedById: row?.updatedBy ?? null,
      };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * Policies (step durations, escalation, the negative list, election rules): read and changed by a
 * root administrator. A change is validated against the policy's schema and rule, recorded with the
 * previous value and a reason, and applies to steps opened afterwards (activities read policies when
 * they open a step; open steps keep the due date they got).
 */
export function registerPolicyRoutes(app: App, db: Db) {
  app.get('/api/policies', { onRequest: app.authenticate, schema: { tags: ['policies'], security, response: responses } }, async (request) => {
    requireRootSecurityAdmin(request.auth);
    return { items: await listPolicies(db) };
  });

  app.put(
    '/api/policies/:key',
    {
      onRequest: app.authenticate,
      schema: { tags: ['policies'], security, params: KeyParams, body: Type.Object({ value: Type.Unknown(), reason: Reason }, { additionalProperties: false }), response: responses },
    },
    async (request) => {
      requireRootSecurityAdmin(request.auth);
      const { key } = request.params;
      const { value, reason } = request.body;
      if (!(key in policyDefaults || (await db.policy.findUnique({ where: { key } })))) throw httpError('NOT_FOUND');
      const def = policyDefinition(key);
      if (!def) throw httpError('INVALID_POLICY', `${key}: 该策略尚无取值规则，不能修改 / no schema is defined for this policy`);
      const errors = jsonSchemaErrors(def.schema, value);
      if (value === undefined) errors.push('/ value is required');
      if (!errors.length && !def.valid(value)) errors.push('/ 取值不符合规则 (value breaks the policy rule)');
      if (errors.length) throw httpError('INVALID_POLICY', errors.join('; '));
      await db.$transaction(async (tx) => {
        const [current] = await tx.$queryRaw<{ value: Prisma.JsonValue }[]>`SELECT value FROM policy WHERE key = ${key} FOR UPDATE`;
        const now = new Date();
        await tx.policy.upsert({
          where: { key },
          create: { key, value: value as Prisma.InputJsonValue, updatedAt: now, updatedBy: request.auth.id },
          update: { value: value as Prisma.InputJsonValue, updatedAt: now, updatedBy: request.auth.id },
        });
        await tx.policyChange.create({
          data: {
            id: randomUUID(),
            key,
            value: value as Prisma.InputJsonValue,
            previous: (current?.value ?? policyDefaults[key] ?? undefined) as Prisma.InputJsonValue | undefined,
            reason,
            changedBy: request.auth.id,
            changedAt: now,
          },
        });
      });
      request.log.info({ event: 'policy.changed', key, userId: request.auth.id }, 'policy changed');
      return (await listPolicies(db)).find((p) => p.key === key);
    },
  );

  app.get(
    '/api/policies/:key/history',
    { onRequest: app.authenticate, schema: { tags: ['policies'], security, params: KeyParams, response: responses } },
    async (request) => {
      requireRootSecurityAdmin(request.auth);
      const { key } = request.params;
      const changes = await db.policyChange.findMany({ where: { key }, orderBy: [{ changedAt: 'desc' }, { id: 'desc' }], take: 200 });
      const users = await db.user.findMany({ where: { id: { in: changes.map((c) => c.changedBy) } }, select: { id: true, displayName: true } });
      const names = new Map(users.map((u) => [u.id, u.displayName]));
      return {
        items: changes.map((c) => ({ value: c.value, previous: c.previous, reason: c.reason, changedBy: names.get(c.changedBy) ?? null, changedById: c.changedBy, changedAt: c.changedAt.toISOString() })),
      };
    },
  );

  registerCalendarDayRoute(app, db);
}

const DAY_NAMES = { holiday: '节假日', workday: '调休上班' } as const;

/** One day of the working-day calendar changed (an extra holiday, a make-up workday), with the reason recorded. */
function registerCalendarDayRoute(app: App, db: Db) {
  app.put(
    '/api/calendar/days/:date',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['calendar'],
        security,
        params: Type.Object({ date: Type.String({ format: 'date' }) }),
        body: Type.Object(
          { kind: StringEnum(['workday', 'holiday'] as const), name: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '\\S' })), reason: Reason },
          { additionalProperties: false },
        ),
        response: responses,
      },
    },
    async (request) => {
      requireRootSecurityAdmin(request.auth);
      const { date } = request.params;
      const { kind, reason } = request.body;
      const name = request.body.name ?? DAY_NAMES[kind];
      const day = new Date(`${date}T00:00:00Z`);
      const weekend = [0, 6].includes(day.getUTCDay());
      if (kind === 'workday' && !weekend) throw httpError('VALIDATION_FAILED', `${date}: 调休上班日须为周末 / a make-up workday must fall on a weekend`);
      if (kind === 'holiday' && weekend) throw httpError('VALIDATION_FAILED', `${date}: 周末本为休息日 / a weekend day is already a day off`);
      const result = await db.$transaction(async (tx) => {
        const previous = await tx.calendarDay.findUnique({ where: { date: day } });
        await tx.calendarDay.upsert({ where: { date: day }, create: { date: day, kind, name }, update: { kind, name } });
        await tx.calendarDayChange.create({
          data: { id: randomUUID(), date: day, kind, name, previousKind: previous?.kind ?? null, previousName: previous?.name ?? null, reason, changedBy: request.auth.id, changedAt: new Date() },
        });
        return { date, kind, name, previous: previous ? { kind: previous.kind, name: previous.name } : null };
      });
      request.log.info({ event: 'calendar.day.changed', date, kind, userId: request.auth.id }, 'calendar day changed');
      return result;
    },
  );
}
