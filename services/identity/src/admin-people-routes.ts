import { Type } from '@sinclair/typebox';
import { Prisma, RosterFileError, addPerson, importRoster, readRosterFile, rosterCsv, rosterTemplate, rosterXlsx, appointRole, committeeMembers, endRole, maskPhone, personPhone, recordAdminAction, subtreeLike, transferPerson, unitMembers, updatePerson, type Db } from '@dj/db';
import { orgRoleNames, rolesOf, toChinaDate, type OrgType } from '@dj/domain';
import { StringEnum, errorResponses, httpError, type App, type AuthUser } from '@dj/service-kit';
import type { FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { adminContext, adminScope, orgChange, unitInScope } from './admin-scope';

const security = [{ bearer: [] }];
const tags = ['admin: people'];
const Day = Type.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Reason = Type.String({ minLength: 2, maxLength: 500, pattern: '\\S' });
const OrgRef = Type.String({ minLength: 1, maxLength: 64 });
const Uuid = Type.String({ format: 'uuid' });
const Phone = Type.String({ pattern: '^1[3-9]\\d{9}$|^0\\d{2,3}-?\\d{7,8}$', description: 'mainland mobile or landline' });
const PersonFields = {
  name: Type.String({ minLength: 2, maxLength: 32, pattern: '^\\S(.*\\S)?$' }),
  gender: StringEnum(['male', 'female'] as const),
  birthDate: Day,
  joinedOn: Day,
  fullOn: Type.Union([Day, Type.Null()]),
  phone: Type.Union([Phone, Type.Null()]),
};
const responses = { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404], 409: errorResponses[409] };

const RosterItem = Type.Object({
  id: Type.String(),
  name: Type.String(),
  gender: Type.String(),
  birthDate: Type.String(),
  joinedOn: Type.String(),
  fullOn: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()], { description: 'masked (138******78)' }),
  branchId: Type.String(),
  branchName: Type.String(),
  groupId: Type.Union([Type.String(), Type.Null()]),
  groupName: Type.Union([Type.String(), Type.Null()]),
  hasAccount: Type.Boolean(),
});

type RosterRow = { id: string; name: string; gender: string; birthDate: Date; joinedOn: Date; fullOn: Date | null; status: string; phoneCipher: string | null; branchId: string; branchName: string; groupId: string | null; groupName: string | null; userId: string | null };
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);
const rosterView = (r: RosterRow) => ({ ...r, birthDate: day(r.birthDate)!, joinedOn: day(r.joinedOn)!, fullOn: day(r.fullOn), phone: maskPhone(personPhone(r)), phoneCipher: undefined, hasAccount: !!r.userId, userId: undefined });

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A file to download (the console names it in Chinese itself). */
const sendFile = (reply: FastifyReply, bytes: Buffer | string, type: string, filename: string) =>
  reply.header('content-type', type).header('content-disposition', `attachment; filename="${filename}"`).send(bytes);

const scopeSql = (scope: string[]) => Prisma.join(scope.map((p) => Prisma.sql`b.path LIKE ${subtreeLike(p)}`), ' OR ');

const rosterSelect = Prisma.sql`
  SELECT p.id, p.name, p.gender, p.birth_date AS "birthDate", p.joined_on AS "joinedOn", p.full_on AS "fullOn", p.status, p.phone_cipher AS "phoneCipher",
         m.branch_id AS "branchId", b.name AS "branchName", m.group_id AS "groupId", g.name AS "groupName", p.user_id AS "userId"
  FROM party_membership m
  JOIN person p ON p.id = m.person_id
  JOIN org_unit b ON b.id = m.branch_id
  LEFT JOIN org_unit g ON g.id = m.group_id`;

/** A member whose current branch lies in the administrator's scope; 404 otherwise. */
async function personInScope(db: Db, user: AuthUser, personId: string): Promise<RosterRow> {
  const scope = adminScope(user);
  const [row] = await db.$queryRaw<RosterRow[]>`${rosterSelect} WHERE p.id = ${personId}::uuid AND m.end_on IS NULL AND (${scopeSql(scope)})`;
  if (!row) throw httpError('NOT_FOUND');
  return row;
}

const encodeCursor = (r: { name: string; id: string }) => Buffer.from(JSON.stringify([r.name, r.id])).toString('base64url');
function decodeCursor(c: string): { name: string; id: string } {
  try {
    const [name, id] = JSON.parse(Buffer.from(c, 'base64url').toString()) as unknown[];
    if (typeof name === 'string' && typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id)) return { name, id };
  } catch {
    /* fall through */
  }
  throw httpError('VALIDATION_FAILED', 'cursor');
}

/**
 * The roster (党员花名册), transfers (组织关系转接) and committee posts, for administrators of the
 * subtree. Phones are answered masked; the full number only through /phone, every read logged
 * (without the number). Every change is in the administrative audit log.
 */
export function registerAdminPeopleRoutes(app: App, db: Db) {
  app.get(
    '/api/admin/people',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'the roster of a unit’s subtree (or of the whole scope), by name, keyset-paged',
        querystring: Type.Object(
          {
            orgId: Type.Optional(OrgRef),
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            cursor: Type.Optional(Type.String({ maxLength: 300 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(RosterItem), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...responses },
      },
    },
    async (request) => {
      const { orgId, q, cursor } = request.query;
      const limit = request.query.limit ?? 50;
      let where: Prisma.Sql;
      if (orgId) {
        const unit = await unitInScope(db, request.auth, orgId);
        where = unit.type === 'group' ? Prisma.sql`m.group_id = ${unit.id}` : unit.type === 'branch' ? Prisma.sql`m.branch_id = ${unit.id}` : Prisma.sql`b.path LIKE ${subtreeLike(unit.path)}`;
      } else {
        where = Prisma.sql`(${scopeSql(adminScope(request.auth))})`;
      }
      const after = cursor ? decodeCursor(cursor) : undefined;
      const rows = await db.$queryRaw<RosterRow[]>`${rosterSelect}
        WHERE m.end_on IS NULL AND ${where}
          ${q ? Prisma.sql`AND p.name LIKE ${`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : Prisma.empty}
          ${after ? Prisma.sql`AND (p.name, p.id) > (${after.name}, ${after.id}::uuid)` : Prisma.empty}
        ORDER BY p.name, p.id LIMIT ${limit + 1}`;
      const page = rows.slice(0, limit);
      return { items: page.map(rosterView), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
    },
  );

  // The roster of a subtree in the import's columns, phones in full: every export is logged and audited.
  const exports = {
    csv: { summary: 'the current roster of a unit’s subtree as CSV (the import’s columns; phones in full, logged)', build: async (path: string) => {
      const { csv, rows } = await rosterCsv(db, path);
      return { body: csv, rows, type: 'text/csv; charset=utf-8' };
    } },
    xlsx: { summary: 'the current roster of a unit’s subtree as xlsx (the import’s columns, dates as Excel dates, phones in full as text; logged) with the 填写说明 sheet', build: async (path: string) => {
      const { xlsx, rows } = await rosterXlsx(db, path);
      return { body: xlsx, rows, type: XLSX_TYPE };
    } },
  } as const;
  for (const [format, { summary, build }] of Object.entries(exports)) {
    app.get(
      `/api/admin/people/export.${format}`,
      { onRequest: app.authenticate, schema: { tags, security, summary, querystring: Type.Object({ orgId: OrgRef }, { additionalProperties: false }), response: responses } },
      async (request, reply) => {
        const unit = await unitInScope(db, request.auth, request.query.orgId);
        const file = await build(unit.path);
        request.log.info({ event: 'personal-data.export', userId: request.auth.id, orgId: unit.id, rows: file.rows, format }, 'roster exported');
        await db.$transaction((tx) => recordAdminAction(tx, adminContext(request), { action: 'person.export', objectType: 'org_unit', objectId: unit.id, orgId: unit.id, after: { rows: file.rows, format } }));
        return sendFile(reply, file.body, file.type, `roster-${unit.id}.${format}`);
      },
    );
  }

  app.get(
    '/api/admin/people/template.xlsx',
    { onRequest: app.authenticate, schema: { tags, security, summary: 'the empty roster template: the 花名册 sheet’s header and a 填写说明 sheet explaining each column and its format', response: responses } },
    async (request, reply) => {
      adminScope(request.auth);
      return sendFile(reply, await rosterTemplate(), XLSX_TYPE, 'roster-template.xlsx');
    },
  );

  const ImportReport = Type.Object({
    dryRun: Type.Boolean(),
    applied: Type.Boolean(),
    rows: Type.Integer(),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    errors: Type.Array(Type.Object({ row: Type.Integer(), messages: Type.Array(Type.String()) })),
    warnings: Type.Array(Type.String()),
  });

  app.post(
    '/api/admin/people/import',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'import a roster CSV (as JSON text) into branches of the subtree (dryRun: the same checks, nothing written); all rows or none',
        body: Type.Object({ csv: Type.String({ minLength: 1, maxLength: 900_000 }), dryRun: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: ImportReport, ...responses },
      },
    },
    async (request) => {
      const scope = adminScope(request.auth);
      const report = await importRoster(db, adminContext(request), { csv: request.body.csv, scope, dryRun: request.body.dryRun });
      request.log.info({ event: 'admin.person.import', userId: request.auth.id, format: 'csv-json', dryRun: report.dryRun, applied: report.applied, rows: report.rows, created: report.created, updated: report.updated, errors: report.errors.length }, 'roster import');
      return report;
    },
  );

  // The file itself as the body (xlsx, or CSV in UTF-8 or GB18030), up to the services' 1 MiB body
  // limit: no base64 to inflate it, so a county of 10,000 members fits. The parsers are scoped to this
  // route: every other route still takes JSON only.
  void app.register(async (plugin) => {
    const scoped = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scoped.addContentTypeParser([XLSX_TYPE, 'text/csv', 'application/octet-stream'], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scoped.post(
      '/api/admin/people/import-file',
      {
        onRequest: app.authenticate,
        schema: {
          tags,
          security,
          summary: 'import a roster file (the body: xlsx, or CSV in UTF-8 or GB18030) into branches of the subtree (dryRun: the same checks, nothing written); all rows or none',
          consumes: [XLSX_TYPE, 'text/csv', 'application/octet-stream'],
          querystring: Type.Object({ dryRun: Type.Boolean() }, { additionalProperties: false }),
          response: { 200: ImportReport, ...responses },
        },
      },
      async (request) => {
        const scope = adminScope(request.auth);
        if (!Buffer.isBuffer(request.body)) throw httpError('UNSUPPORTED_MEDIA_TYPE', `${XLSX_TYPE}, text/csv or application/octet-stream`);
        let file;
        try {
          file = await readRosterFile(request.body);
        } catch (err) {
          if (err instanceof RosterFileError) throw httpError('ROSTER_FILE_INVALID', err.message);
          throw err;
        }
        const report = await importRoster(db, adminContext(request), { rows: file.rows, scope, dryRun: request.query.dryRun });
        request.log.info({ event: 'admin.person.import', userId: request.auth.id, format: file.format, bytes: request.body.length, dryRun: report.dryRun, applied: report.applied, rows: report.rows, created: report.created, updated: report.updated, errors: report.errors.length }, 'roster import');
        return report;
      },
    );
  });

  app.get(
    '/api/admin/people/:id',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'a member with the history of memberships and posts',
        params: Type.Object({ id: Uuid }),
        response: {
          200: Type.Object({
            person: RosterItem,
            memberships: Type.Array(Type.Object({ branchId: Type.String(), branchName: Type.String(), groupId: Type.Union([Type.String(), Type.Null()]), startOn: Type.String(), endOn: Type.Union([Type.String(), Type.Null()]), reason: Type.Union([Type.String(), Type.Null()]) })),
            posts: Type.Array(Type.Object({ id: Type.String(), orgId: Type.String(), orgName: Type.String(), role: Type.String(), roleName: Type.String(), startOn: Type.String(), endOn: Type.Union([Type.String(), Type.Null()]) })),
          }),
          ...responses,
        },
      },
    },
    async (request) => {
      const person = await personInScope(db, request.auth, request.params.id);
      const memberships = await db.$queryRaw<{ branchId: string; branchName: string; groupId: string | null; startOn: Date; endOn: Date | null; reason: string | null }[]>`
        SELECT m.branch_id AS "branchId", o.name AS "branchName", m.group_id AS "groupId", m.start_on AS "startOn", m.end_on AS "endOn", m.reason
        FROM party_membership m JOIN org_unit o ON o.id = m.branch_id WHERE m.person_id = ${person.id}::uuid ORDER BY m.start_on DESC`;
      const posts = await db.$queryRaw<{ id: string; orgId: string; orgName: string; role: keyof typeof orgRoleNames; startOn: Date; endOn: Date | null }[]>`
        SELECT r.id, r.org_id AS "orgId", o.name AS "orgName", r.role, r.start_on AS "startOn", r.end_on AS "endOn"
        FROM org_role r JOIN org_unit o ON o.id = r.org_id WHERE r.person_id = ${person.id}::uuid ORDER BY r.start_on DESC`;
      return {
        person: rosterView(person),
        memberships: memberships.map((m) => ({ ...m, startOn: day(m.startOn)!, endOn: day(m.endOn) })),
        posts: posts.map((p) => ({ ...p, roleName: orgRoleNames[p.role] ?? p.role, startOn: day(p.startOn)!, endOn: day(p.endOn) })),
      };
    },
  );

  app.get(
    '/api/admin/people/:id/phone',
    { onRequest: app.authenticate, schema: { tags, security, summary: 'the full phone number (every read logged)', params: Type.Object({ id: Uuid }), response: { 200: Type.Object({ phone: Type.Union([Type.String(), Type.Null()]) }), ...responses } } },
    async (request) => {
      const person = await personInScope(db, request.auth, request.params.id);
      // The number itself is never logged; that it was shown, to whom, is.
      request.log.info({ event: 'personal-data.view', userId: request.auth.id, personId: person.id, field: 'phone' }, 'full phone number shown');
      await db.$transaction((tx) => recordAdminAction(tx, adminContext(request), { action: 'person.view-phone', objectType: 'person', objectId: person.id, orgId: person.branchId }));
      return { phone: personPhone(person) };
    },
  );

  app.post(
    '/api/admin/people',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'add a member to the roster of a branch (and 党小组)',
        body: Type.Object({ ...PersonFields, fullOn: Type.Optional(PersonFields.fullOn), phone: Type.Optional(PersonFields.phone), branchId: OrgRef, groupId: Type.Optional(Type.Union([OrgRef, Type.Null()])), startOn: Day }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Type.String() }), ...responses },
      },
    },
    async (request, reply) => {
      const branch = await unitInScope(db, request.auth, request.body.branchId);
      const id = await orgChange(() => addPerson(db, adminContext(request), { ...request.body, branchId: branch.id }));
      request.log.info({ event: 'admin.person.create', userId: request.auth.id, personId: id, orgId: branch.id }, 'member added to the roster');
      return reply.code(201).send({ id });
    },
  );

  app.patch(
    '/api/admin/people/:id',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'correct a member’s particulars',
        params: Type.Object({ id: Uuid }),
        body: Type.Partial(Type.Object(PersonFields), { additionalProperties: false, minProperties: 1 }),
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...responses },
      },
    },
    async (request) => {
      const person = await personInScope(db, request.auth, request.params.id);
      await orgChange(() => updatePerson(db, adminContext(request), person.id, request.body));
      request.log.info({ event: 'admin.person.update', userId: request.auth.id, personId: person.id }, 'member particulars changed');
      return { ok: true };
    },
  );

  app.post(
    '/api/admin/people/:id/transfer',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: '组织关系转接: move a member to another branch (and 党小组) from a date; history kept',
        params: Type.Object({ id: Uuid }),
        body: Type.Object({ branchId: OrgRef, groupId: Type.Optional(Type.Union([OrgRef, Type.Null()])), on: Day, reason: Reason }, { additionalProperties: false }),
        response: { 200: Type.Object({}, { additionalProperties: true }), ...responses },
      },
    },
    async (request) => {
      const person = await personInScope(db, request.auth, request.params.id);
      const target = await unitInScope(db, request.auth, request.body.branchId);
      const result = await orgChange(() => transferPerson(db, adminContext(request), { personId: person.id, ...request.body, branchId: target.id }));
      request.log.info({ event: 'admin.person.transfer', userId: request.auth.id, personId: person.id, from: person.branchId, to: target.id }, 'member transferred');
      return result;
    },
  );

  const Member = Type.Object({ roleId: Type.String(), personId: Type.String(), name: Type.String(), role: Type.String(), roleName: Type.String(), startOn: Type.String(), endOn: Type.Union([Type.String(), Type.Null()]), status: Type.String(), userId: Type.Union([Type.String(), Type.Null()]) });

  app.get(
    '/api/admin/orgs/:id/committee',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'the composition of a unit’s committee (or a 党小组’s leader and members) on a date',
        params: Type.Object({ id: OrgRef }),
        querystring: Type.Object({ on: Type.Optional(Day) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            orgId: Type.String(),
            on: Type.String(),
            posts: Type.Array(Type.Object({ role: Type.String(), name: Type.String() })),
            committee: Type.Array(Member),
            members: Type.Array(Type.Object({ personId: Type.String(), name: Type.String(), status: Type.String(), startOn: Type.String() })),
          }),
          ...responses,
        },
      },
    },
    async (request) => {
      const unit = await unitInScope(db, request.auth, request.params.id);
      const on = request.query.on ?? toChinaDate(new Date());
      const committee = await committeeMembers(db, unit.id, on);
      const members = unit.type === 'branch' || unit.type === 'group' ? await unitMembers(db, unit.id, on) : [];
      return {
        orgId: unit.id,
        on,
        posts: rolesOf(unit.type as OrgType).map((role) => ({ role, name: orgRoleNames[role] })),
        committee: committee.map((m) => ({ ...m, roleName: orgRoleNames[m.role] })),
        members,
      };
    },
  );

  app.post(
    '/api/admin/orgs/:id/committee',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'appoint a member to a post of the unit from a date (after an election or appointment)',
        params: Type.Object({ id: OrgRef }),
        body: Type.Object({ personId: Uuid, role: StringEnum(['secretary', 'deputy_secretary', 'member', 'group_leader'] as const), startOn: Day, reason: Reason }, { additionalProperties: false }),
        response: { 201: Type.Object({ roleId: Type.String() }), ...responses },
      },
    },
    async (request, reply) => {
      const unit = await unitInScope(db, request.auth, request.params.id);
      const person = await personInScope(db, request.auth, request.body.personId);
      const roleId = await orgChange(() => appointRole(db, adminContext(request), { ...request.body, orgId: unit.id, personId: person.id }));
      request.log.info({ event: 'admin.role.appoint', userId: request.auth.id, orgId: unit.id, personId: person.id, role: request.body.role }, 'post appointed');
      return reply.code(201).send({ roleId });
    },
  );

  app.post(
    '/api/admin/orgs/:id/committee/:roleId/end',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'end a post on a date (the first day without it)',
        params: Type.Object({ id: OrgRef, roleId: Uuid }),
        body: Type.Object({ endOn: Day, reason: Reason }, { additionalProperties: false }),
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...responses },
      },
    },
    async (request) => {
      const unit = await unitInScope(db, request.auth, request.params.id);
      const role = await db.orgRole.findFirst({ where: { id: request.params.roleId, orgId: unit.id } });
      if (!role) throw httpError('NOT_FOUND');
      await orgChange(() => endRole(db, adminContext(request), { roleId: role.id, ...request.body }));
      request.log.info({ event: 'admin.role.end', userId: request.auth.id, orgId: unit.id, roleId: role.id }, 'post ended');
      return { ok: true };
    },
  );
}
