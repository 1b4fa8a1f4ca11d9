import { Type } from '@sinclair/typebox';
import { Prisma, createOrg, dissolveOrg, moveOrg, renameOrg, subtreeLike, type Db } from '@dj/db';
import { chainOrgTypes } from '@dj/domain';
import { StringEnum, errorResponses, type App } from '@dj/service-kit';
import { Duty, adminContext, adminScope, orgChange, unitInScope } from './admin-scope';

const security = [{ bearer: [] }];
const tags = ['admin: organizations'];
const OrgId = Type.String({ minLength: 2, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$', description: 'stable code of the unit (lower-case letters, digits, -)' });
const Name = Type.String({ minLength: 2, maxLength: 64, pattern: '\\S' });
const Reason = Type.String({ minLength: 2, maxLength: 500, pattern: '\\S', description: '依据 (decision, document number)' });
const EffectiveOn = Type.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'China date the change takes effect, as decided (not in the future)' });
const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const Unit = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  path: Type.String(),
  status: Type.String(),
  establishedOn: Type.Union([Type.String(), Type.Null()]),
  dissolvedOn: Type.Union([Type.String(), Type.Null()]),
  mergedIntoId: Type.Union([Type.String(), Type.Null()]),
  childCount: Type.Integer(),
});
const HistoryItem = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  effectiveOn: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  reason: Type.String(),
  actorName: Type.Union([Type.String(), Type.Null()]),
  at: Type.String(),
});
const Change = Type.Object({}, { additionalProperties: true });

type UnitRow = { id: string; name: string; type: string; parentId: string | null; path: string; status: string; establishedOn: Date | null; dissolvedOn: Date | null; mergedIntoId: string | null; childCount: number };
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);
const unitView = (u: UnitRow) => ({ ...u, establishedOn: day(u.establishedOn), dissolvedOn: day(u.dissolvedOn) });

async function units(db: Db, where: { parentId: string } | { ids: string[] }) {
  const rows = await db.$queryRaw<UnitRow[]>`
    SELECT o.id, o.name, o.type::text AS type, o.parent_id AS "parentId", o.path, o.status, o.established_on AS "establishedOn",
           o.dissolved_on AS "dissolvedOn", o.merged_into_id AS "mergedIntoId",
           (SELECT count(*)::int FROM org_unit c WHERE c.parent_id = o.id) AS "childCount"
    FROM org_unit o
    WHERE ${'parentId' in where ? Prisma.sql`o.parent_id = ${where.parentId}` : Prisma.sql`o.id = ANY(${where.ids}::text[])`}
    ORDER BY o.status, o.type, o.name, o.id`;
  return rows.map(unitView);
}

/**
 * The organization tree for administrators (issue 13): read their subtree level by level, create,
 * rename, move and dissolve units with the date each change takes effect and its reason. An
 * administrator acts only within the subtree where they hold the admin role; any other unit is a
 * 404 and nothing changes. All three administrators read the tree (to choose units); only the
 * 系统管理员 (admin) changes it. Every change is in the unit's history and the administrative audit log.
 */
export function registerAdminOrgRoutes(app: App, db: Db) {
  app.get(
    '/api/admin/orgs',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'children of a unit in the administrator’s subtree, or the roots of the subtree',
        querystring: Type.Object({ parentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(Unit) }), 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404] },
      },
    },
    async (request) => {
      const { parentId } = request.query;
      if (!parentId) {
        const scope = adminScope(request.auth, Duty.readTree);
        const roots = await db.orgUnit.findMany({ where: { path: { in: scope } }, select: { id: true } });
        return { items: await units(db, { ids: roots.map((r) => r.id) }) };
      }
      const parent = await unitInScope(db, request.auth, parentId, { duty: Duty.readTree });
      return { items: await units(db, { parentId: parent.id }) };
    },
  );

  app.get(
    '/api/admin/orgs/:id',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'a unit with its history, what is under way in it and what became of it',
        params: Params,
        response: {
          200: Type.Object({
            unit: Unit,
            parentName: Type.Union([Type.String(), Type.Null()]),
            mergedIntoName: Type.Union([Type.String(), Type.Null()]),
            openCases: Type.Integer(),
            activeChildren: Type.Integer(),
            history: Type.Array(HistoryItem),
          }),
          401: errorResponses[401],
          403: errorResponses[403],
          404: errorResponses[404],
        },
      },
    },
    async (request) => {
      const scoped = await unitInScope(db, request.auth, request.params.id, { duty: Duty.readTree });
      const [unit] = await units(db, { ids: [scoped.id] });
      const related = await db.orgUnit.findMany({ where: { id: { in: [unit!.parentId, unit!.mergedIntoId].filter((x): x is string => !!x) } }, select: { id: true, name: true } });
      const nameOf = (id: string | null) => related.find((r) => r.id === id)?.name ?? null;
      const [counts] = await db.$queryRaw<{ openCases: number; activeChildren: number }[]>`
        SELECT (SELECT count(*)::int FROM "case" WHERE org_path LIKE ${subtreeLike(scoped.path)} AND status = 'open') AS "openCases",
               (SELECT count(*)::int FROM org_unit WHERE parent_id = ${scoped.id} AND status = 'active') AS "activeChildren"`;
      const rows = await db.orgUnitHistory.findMany({ where: { orgId: scoped.id }, orderBy: [{ at: 'desc' }, { id: 'desc' }], take: 100 });
      const actors = await db.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.actorId))] } }, select: { id: true, displayName: true } });
      return {
        unit: unit!,
        parentName: nameOf(unit!.parentId),
        mergedIntoName: nameOf(unit!.mergedIntoId),
        openCases: counts?.openCases ?? 0,
        activeChildren: counts?.activeChildren ?? 0,
        history: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          effectiveOn: day(r.effectiveOn)!,
          before: r.before,
          after: r.after,
          reason: r.reason,
          actorName: actors.find((a) => a.id === r.actorId)?.displayName ?? null,
          at: r.at.toISOString(),
        })),
      };
    },
  );

  const changeResponses = { 200: Change, 201: Change, 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404], 409: errorResponses[409] };

  app.post(
    '/api/admin/orgs',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'set up a unit under a unit of the administrator’s subtree',
        body: Type.Object({ id: OrgId, name: Name, type: StringEnum(chainOrgTypes), parentId: Type.String({ minLength: 1, maxLength: 64 }), effectiveOn: EffectiveOn, reason: Reason }, { additionalProperties: false }),
        response: changeResponses,
      },
    },
    async (request, reply) => {
      const parent = await unitInScope(db, request.auth, request.body.parentId);
      const unit = await orgChange(() => createOrg(db, adminContext(request), { ...request.body, name: request.body.name.trim(), parentId: parent.id }));
      request.log.info({ event: 'admin.org.create', userId: request.auth.id, orgId: request.body.id }, 'organization created');
      return reply.code(201).send(unit);
    },
  );

  app.post(
    '/api/admin/orgs/:id/rename',
    {
      onRequest: app.authenticate,
      schema: { tags, security, summary: 'rename a unit', params: Params, body: Type.Object({ name: Name, effectiveOn: EffectiveOn, reason: Reason }, { additionalProperties: false }), response: changeResponses },
    },
    async (request) => {
      const unit = await unitInScope(db, request.auth, request.params.id);
      const after = await orgChange(() => renameOrg(db, adminContext(request), { orgId: unit.id, name: request.body.name.trim(), effectiveOn: request.body.effectiveOn, reason: request.body.reason }));
      request.log.info({ event: 'admin.org.rename', userId: request.auth.id, orgId: unit.id }, 'organization renamed');
      return after;
    },
  );

  app.post(
    '/api/admin/orgs/:id/move',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'move a unit with its subtree under another parent (cases keep their unit; paths, boards and inboxes follow)',
        params: Params,
        body: Type.Object({ parentId: Type.String({ minLength: 1, maxLength: 64 }), effectiveOn: EffectiveOn, reason: Reason }, { additionalProperties: false }),
        response: changeResponses,
      },
    },
    async (request) => {
      const unit = await unitInScope(db, request.auth, request.params.id, { below: true });
      const parent = await unitInScope(db, request.auth, request.body.parentId);
      const after = await orgChange(() => moveOrg(db, adminContext(request), { orgId: unit.id, parentId: parent.id, effectiveOn: request.body.effectiveOn, reason: request.body.reason }));
      request.log.info({ event: 'admin.org.move', userId: request.auth.id, orgId: unit.id, parentId: parent.id }, 'organization moved');
      return after;
    },
  );

  app.post(
    '/api/admin/orgs/:id/dissolve',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'dissolve (撤销) a unit, optionally merged into another of its level (合村并组)',
        params: Params,
        body: Type.Object({ mergedIntoId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), effectiveOn: EffectiveOn, reason: Reason }, { additionalProperties: false }),
        response: changeResponses,
      },
    },
    async (request) => {
      const unit = await unitInScope(db, request.auth, request.params.id, { below: true });
      const target = request.body.mergedIntoId ? await unitInScope(db, request.auth, request.body.mergedIntoId) : undefined;
      const after = await orgChange(() => dissolveOrg(db, adminContext(request), { orgId: unit.id, mergedIntoId: target?.id, effectiveOn: request.body.effectiveOn, reason: request.body.reason }));
      request.log.info({ event: 'admin.org.dissolve', userId: request.auth.id, orgId: unit.id }, 'organization dissolved');
      return after;
    },
  );
}
