import { Type } from '@sinclair/typebox';
import { Prisma, changeMembership, createAccount, resetPassword, resetTwoStep, setAccountDisabled, subtreeLike, type Db } from '@dj/db';
import { Role, isAdministratorRole, roleNames } from '@dj/domain';
import { StringEnum, errorResponses, httpError, recordSecurityEvent, revokeSessions, type App, type AuthUser } from '@dj/service-kit';
import { Duty, adminContext, adminScope, orgChange, unitInScope } from './admin-scope';

const security = [{ bearer: [] }];
const tags = ['admin: accounts'];
const responses = { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404], 409: errorResponses[409] };
/** Roles an administrator grants: the process roles and 党员 (party_member). */
const accountRoles = [...Object.values(Role), 'party_member'] as const;
const accountRoleNames: Record<string, string> = { ...roleNames, party_member: '党员' };
const RoleName = StringEnum(accountRoles);
const OrgRef = Type.String({ minLength: 1, maxLength: 64 });
const Reason = Type.String({ minLength: 2, maxLength: 500, pattern: '\\S' });
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });

const Account = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  disabled: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
  /** Two-step verification is on (an administrator can reset it). */
  twoStep: Type.Boolean(),
  memberships: Type.Array(Type.Object({ orgId: Type.String(), orgName: Type.String(), role: Type.String(), roleName: Type.String() })),
});

type AccountRow = { id: string; username: string; displayName: string; disabled: boolean; mustChangePassword: boolean; twoStep: boolean };

/**
 * SQL predicate on user `u`: every membership of the account lies in the scope (and it has one).
 * An account that also serves elsewhere is not this administrator's to change.
 */
function accountInScope(scope: string[]): Prisma.Sql {
  const inScope = Prisma.join(scope.map((p) => Prisma.sql`o.path LIKE ${subtreeLike(p)}`), ' OR ');
  return Prisma.sql`EXISTS (SELECT 1 FROM membership m WHERE m.user_id = u.id)
    AND NOT EXISTS (SELECT 1 FROM membership m JOIN org_unit o ON o.id = m.org_id WHERE m.user_id = u.id AND NOT (${inScope}))`;
}

async function withMemberships(db: Db, rows: AccountRow[]) {
  const ms = await db.membership.findMany({ where: { userId: { in: rows.map((r) => r.id) } }, include: { org: { select: { name: true } } }, orderBy: [{ orgId: 'asc' }, { role: 'asc' }] });
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    displayName: r.displayName,
    disabled: r.disabled,
    mustChangePassword: r.mustChangePassword,
    twoStep: r.twoStep,
    memberships: ms.filter((m) => m.userId === r.id).map((m) => ({ orgId: m.orgId, orgName: m.org.name, role: m.role, roleName: accountRoleNames[m.role] ?? m.role })),
  }));
}

const select = Prisma.sql`SELECT u.id, u.username, u.display_name AS "displayName", u.disabled, u.must_change_password AS "mustChangePassword", u.totp_enabled_at IS NOT NULL AS "twoStep" FROM app_user u`;

/** The account if all of its memberships lie in the scope of the duty's administrators; 404 otherwise. */
async function accountFor(db: Db, user: AuthUser, id: string, duty: Duty) {
  const [row] = await db.$queryRaw<AccountRow[]>`${select} WHERE u.id = ${id}::uuid AND ${accountInScope(adminScope(user, duty))}`;
  if (!row) throw httpError('NOT_FOUND');
  const [account] = await withMemberships(db, [row]);
  return account!;
}

/** The organization an account's audit rows belong to: its first membership's (all are in scope). */
const auditOrgOf = (account: { memberships: { orgId: string }[] }) => account.memberships[0]!.orgId;

/**
 * Accounts for administrators (issue 13), the duties separated (三权分立): the 系统管理员 lists, creates
 * (for a roster member or not, with process roles only) with a one-time password, resets the password,
 * disables and re-enables; the 安全管理员 lists, grants and withdraws memberships (the administrator
 * roles too, never two of them to one person, never their own) and resets two-step verification. One-time
 * passwords are in the answer only, never in a log or the audit log.
 */
export function registerAdminAccountRoutes(app: App, db: Db) {
  app.get(
    '/api/admin/accounts',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'accounts whose memberships all lie in the administrator’s subtree (or a unit’s), by username, keyset-paged',
        querystring: Type.Object(
          {
            orgId: Type.Optional(OrgRef),
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
            after: Type.Optional(Type.String({ maxLength: 64, description: 'the last username of the previous page' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Account), nextAfter: Type.Union([Type.String(), Type.Null()]) }), ...responses },
      },
    },
    async (request) => {
      const { orgId, q, after } = request.query;
      const limit = request.query.limit ?? 50;
      const scope = adminScope(request.auth, Duty.readAccounts);
      const unit = orgId ? await unitInScope(db, request.auth, orgId, { duty: Duty.readAccounts }) : undefined;
      const rows = await db.$queryRaw<AccountRow[]>`${select}
        WHERE ${accountInScope(scope)}
          ${unit ? Prisma.sql`AND EXISTS (SELECT 1 FROM membership m JOIN org_unit o ON o.id = m.org_id WHERE m.user_id = u.id AND o.path LIKE ${subtreeLike(unit.path)})` : Prisma.empty}
          ${q ? Prisma.sql`AND (u.username LIKE ${`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} OR u.display_name LIKE ${`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`})` : Prisma.empty}
          ${after ? Prisma.sql`AND u.username > ${after}` : Prisma.empty}
        ORDER BY u.username LIMIT ${limit + 1}`;
      const page = rows.slice(0, limit);
      return { items: await withMemberships(db, page), nextAfter: rows.length > limit ? page[page.length - 1]!.username : null };
    },
  );

  app.post(
    '/api/admin/accounts',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'create an account (optionally for a roster member) with a one-time password to change at first login',
        body: Type.Object(
          {
            username: Type.String({ minLength: 3, maxLength: 64, pattern: '^[a-z][a-z0-9._-]*$' }),
            displayName: Type.Optional(Type.String({ minLength: 2, maxLength: 32, pattern: '^\\S(.*\\S)?$' })),
            personId: Type.Optional(Type.String({ format: 'uuid' })),
            memberships: Type.Array(Type.Object({ orgId: OrgRef, role: RoleName }, { additionalProperties: false }), { minItems: 1, maxItems: 10 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String(), username: Type.String(), oneTimePassword: Type.String() }), ...responses },
      },
    },
    async (request, reply) => {
      const { username, memberships, personId } = request.body;
      adminScope(request.auth, Duty.system);
      for (const m of memberships) await unitInScope(db, request.auth, m.orgId);
      // 三权分立: the administrator roles are granted by a security administrator, never with a new account.
      if (memberships.some((m) => isAdministratorRole(m.role))) throw httpError('FORBIDDEN', '管理员职责由安全管理员授予 / administrator roles are granted by a security administrator');
      let displayName = request.body.displayName;
      if (personId) {
        // A roster member of the administrator's subtree (the account gets the member's name).
        const [person] = await db.$queryRaw<{ name: string }[]>`
          SELECT p.name FROM person p JOIN party_membership pm ON pm.person_id = p.id AND pm.end_on IS NULL JOIN org_unit b ON b.id = pm.branch_id
          WHERE p.id = ${personId}::uuid AND (${Prisma.join(adminScope(request.auth).map((s) => Prisma.sql`b.path LIKE ${subtreeLike(s)}`), ' OR ')})`;
        if (!person) throw httpError('NOT_FOUND');
        displayName ??= person.name;
      }
      if (!displayName) throw httpError('VALIDATION_FAILED', 'displayName is required without personId');
      const created = await orgChange(() => createAccount(db, adminContext(request), { username, displayName, memberships, personId, auditOrgId: memberships[0]!.orgId }));
      request.log.info({ event: 'admin.account.create', userId: request.auth.id, accountId: created.id }, 'account created');
      return reply.code(201).send({ id: created.id, username, oneTimePassword: created.password });
    },
  );

  app.get(
    '/api/admin/accounts/:id',
    { onRequest: app.authenticate, schema: { tags, security, params: Id, response: { 200: Account, ...responses } } },
    async (request) => accountFor(db, request.auth, request.params.id, Duty.readAccounts),
  );

  app.post(
    '/api/admin/accounts/:id/reset-password',
    {
      onRequest: app.authenticate,
      schema: { tags, security, summary: 'a new one-time password (to change at the next login); lifts a lockout', params: Id, body: Type.Object({ reason: Reason }, { additionalProperties: false }), response: { 200: Type.Object({ oneTimePassword: Type.String() }), ...responses } },
    },
    async (request) => {
      const account = await accountFor(db, request.auth, request.params.id, Duty.system);
      const { password } = await resetPassword(db, adminContext(request), { userId: account.id, auditOrgId: auditOrgOf(account), reason: request.body.reason });
      await revokeSessions(db, account.id, { reason: 'admin' });
      request.log.warn({ event: 'admin.account.reset-password', userId: request.auth.id, accountId: account.id }, 'password reset by an administrator');
      return { oneTimePassword: password };
    },
  );

  app.post(
    '/api/admin/accounts/:id/reset-two-step',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'resets two-step verification (authenticator lost): secret and recovery codes removed, sessions ended, the account sets it up again at its next login',
        params: Id,
        body: Type.Object({ reason: Reason }, { additionalProperties: false }),
        response: { 200: Type.Object({ account: Account, endedSessions: Type.Integer() }), ...responses },
      },
    },
    async (request) => {
      const account = await accountFor(db, request.auth, request.params.id, Duty.security);
      // Not one's own: that is the owner's 关闭 with password and code, or another administrator's reset.
      if (account.id === request.auth.id) throw httpError('ACCOUNT_SELF', '不能重置自己的两步验证 / you cannot reset your own two-step verification');
      await orgChange(() => resetTwoStep(db, adminContext(request), { userId: account.id, auditOrgId: auditOrgOf(account), reason: request.body.reason }));
      const endedSessions = await revokeSessions(db, account.id, { reason: 'admin' });
      request.log.warn({ event: 'admin.account.reset-two-step', userId: request.auth.id, accountId: account.id, endedSessions }, 'two-step verification reset by an administrator');
      await recordSecurityEvent(db, request.log, { event: 'two-step.reset', userId: account.id, clientAddress: adminContext(request).clientAddress, detail: { by: request.auth.id, endedSessions } });
      return { account: await accountFor(db, request.auth, account.id, Duty.security), endedSessions };
    },
  );

  for (const disabled of [true, false]) {
    app.post(
      `/api/admin/accounts/:id/${disabled ? 'disable' : 'enable'}`,
      {
        onRequest: app.authenticate,
        schema: { tags, security, summary: disabled ? 'disable an account (its tokens stop working at once)' : 're-enable an account', params: Id, body: Type.Object({ reason: Reason }, { additionalProperties: false }), response: { 200: Account, ...responses } },
      },
      async (request) => {
        const account = await accountFor(db, request.auth, request.params.id, Duty.system);
        if (account.id === request.auth.id) throw httpError('ACCOUNT_SELF');
        await orgChange(() => setAccountDisabled(db, adminContext(request), { userId: account.id, disabled, auditOrgId: auditOrgOf(account), reason: request.body.reason }));
        if (disabled) await revokeSessions(db, account.id, { reason: 'disabled' });
        request.log.warn({ event: disabled ? 'admin.account.disable' : 'admin.account.enable', userId: request.auth.id, accountId: account.id }, disabled ? 'account disabled' : 'account re-enabled');
        return accountFor(db, request.auth, account.id, Duty.system);
      },
    );
  }

  for (const grant of [true, false]) {
    app.post(
      `/api/admin/accounts/:id/memberships/${grant ? 'grant' : 'revoke'}`,
      {
        onRequest: app.authenticate,
        schema: {
          tags,
          security,
          summary: grant ? 'grant a role in a unit of the subtree' : 'withdraw a role',
          params: Id,
          body: Type.Object({ orgId: OrgRef, role: RoleName, reason: Reason }, { additionalProperties: false }),
          response: { 200: Account, ...responses },
        },
      },
      async (request) => {
        const account = await accountFor(db, request.auth, request.params.id, Duty.security);
        const unit = await unitInScope(db, request.auth, request.body.orgId, { duty: Duty.security });
        // 三权分立: no one grants or withdraws their own roles (an administrator role above all).
        if (account.id === request.auth.id) throw httpError('ACCOUNT_SELF', '不能授予或撤销自己的职责 / you cannot grant or withdraw your own roles');
        if (!grant && account.memberships.length === 1) throw httpError('ACCOUNT_STATE', '账号至少保留一项职责，停用请用“停用” / an account keeps at least one role; disable it instead');
        await orgChange(() => changeMembership(db, adminContext(request), { userId: account.id, orgId: unit.id, role: request.body.role, grant, reason: request.body.reason }));
        request.log.info({ event: grant ? 'admin.account.grant' : 'admin.account.revoke', userId: request.auth.id, accountId: account.id, orgId: unit.id, role: request.body.role }, 'membership changed');
        return accountFor(db, request.auth, account.id, Duty.security);
      },
    );
  }
}
