import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { hashPassword, Prisma, verifyPassword } from '@dj/db';
import { DEMO_PASSWORD } from '@dj/db/seed-demo';
import {
  acceptTotp,
  buildService,
  recoveryCodeHash,
  decryptTotpSecret,
  clearThrottle,
  clientAddress,
  createSession,
  errorResponses,
  httpError,
  purgeExpiredSessions,
  purgeThrottles,
  recordSecurityEvent,
  revokeSession,
  revokeSessions,
  takeProgressive,
  throttleKey,
  type SecurityEvent,
  type ServiceDeps,
  type ServiceOptions,
} from '@dj/service-kit';
import { LOGIN_LIMITS, loginKeys, loginSucceeded, takeAccountLimit, takeAddressLimits, type Refusal } from './login-throttle';
import { pickerReach, subtreePattern } from './reach';
import { registerAdminAccountRoutes } from './admin-account-routes';
import { registerAdminAuditRoutes } from './admin-audit-routes';
import { registerAdminOrgRoutes } from './admin-org-routes';
import { registerAdminPeopleRoutes } from './admin-people-routes';
import { registerTotpRoutes } from './totp-routes';
import { ADMINISTRATOR_ROLES, SECURITY_ADMIN_ROLE } from './admin-scope';

/** New passwords: NIST SP 800-63B §3.1.1.2 — a minimum length and a blocklist, no composition rules. */
export const PASSWORD_MIN_LENGTH = 10;
const BLOCKED_PASSWORDS = [DEMO_PASSWORD];

const Membership = Type.Object({ orgId: Type.String(), orgName: Type.String(), orgType: Type.String(), role: Type.String() });
const UserView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  memberships: Type.Array(Membership),
  // Issue 13: an administrator created the account or reset its password; a new one must be chosen.
  mustChangePassword: Type.Boolean(),
  /** Two-step verification is on for the account; this session passed it; the account must turn it on (administrators). */
  twoStep: Type.Object({
    enabled: Type.Boolean(),
    thisSession: Type.Boolean(),
    required: Type.Boolean(),
    /** Unused recovery codes left. */
    recoveryCodesLeft: Type.Integer(),
    /** An administrator reset it: set it up again before anything else (403 TWO_STEP_ENROLMENT_REQUIRED). */
    enrolmentRequired: Type.Boolean(),
  }),
});
const security = [{ bearer: [] }];
const UUID = Type.String({ format: 'uuid' });

/** identity: login (throttled), sessions (logout, password change, revocation), the current user, the org tree, a user picker and administration. */
export async function buildIdentityApp(deps: ServiceDeps & Pick<ServiceOptions, 'logger'> & { adminSecondFactor?: 'required' | 'optional' }) {
  const app = await buildService({ ...deps, name: 'identity', title: 'Dangjian Flow identity' });
  const { db } = deps;
  // 等保 2.0 (level 3): administrators log in with two factors. The production entry requires it; the
  // local demo and the tests choose (ADMIN_SECOND_FACTOR, README Configuration).
  const secondFactorRequired = deps.adminSecondFactor === 'required';
  if (secondFactorRequired) {
    // After each route's authentication: an administrator's session must have passed the second step
    // to administer (organizations, people, accounts, roles, the audit log): any of the three
    // administrator roles (三权分立). Others get the routes' own 403.
    app.addHook('preHandler', async (request) => {
      if (!request.url.startsWith('/api/admin/') || !request.auth) return;
      if (request.auth.secondFactor || !request.auth.memberships.some((m) => ADMINISTRATOR_ROLES.includes(m.role))) return;
      request.log.warn({ event: 'admin.second-factor-missing', userId: request.auth.id }, 'administration refused without two-step verification');
      throw httpError('SECOND_FACTOR_REQUIRED');
    });
  }
  const ttlSeconds = deps.tokenTtlSeconds ?? 8 * 3600;
  // Checked when the account does not exist or is disabled, so every wrong login costs one scrypt
  // and unknown names answer as slowly as wrong passwords (no username enumeration by timing).
  const dummyHash = await hashPassword(randomBytes(16).toString('hex'));

  async function userView(userId: string, thisSession = false) {
    const user = await db.user.findUniqueOrThrow({ where: { id: userId }, include: { memberships: { include: { org: true } } } });
    const recoveryCodesLeft = user.totpEnabledAt ? await db.totpRecoveryCode.count({ where: { userId, usedAt: null } }) : 0;
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      mustChangePassword: user.mustChangePassword,
      twoStep: {
        enabled: user.totpEnabledAt !== null,
        thisSession,
        required: secondFactorRequired && user.memberships.some((m) => ADMINISTRATOR_ROLES.includes(m.role)),
        recoveryCodesLeft,
        enrolmentRequired: user.twoStepEnrolRequired,
      },
      memberships: user.memberships.map((m) => ({ orgId: m.orgId, orgName: m.org.name, orgType: m.org.type, role: m.role })),
    };
  }

  function throttled(refusal: Refusal, reply: { header(name: string, value: string): unknown }, log: { warn(o: object, m: string): void }, code: 'LOGIN_THROTTLED' | 'RATE_LIMITED' = 'LOGIN_THROTTLED') {
    reply.header('retry-after', String(refusal.retryAfterSeconds));
    log.warn({ event: 'login.throttled', scope: refusal.scope, retryAfterSeconds: refusal.retryAfterSeconds }, 'login refused by a throttle');
    return httpError(code);
  }

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['identity'],
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
            // The authenticator's code, for an account with two-step verification (else OTP_REQUIRED).
            otp: Type.Optional(Type.String({ minLength: 1, maxLength: 12 })),
            // Or, the authenticator lost, one of the account's recovery codes (each works once).
            recoveryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ token: Type.String(), expiresIn: Type.Integer(), user: UserView }), 400: errorResponses[400], 401: errorResponses[401], 429: Type.Ref('ErrorBody') },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const address = clientAddress(request, deps.jwtSecret);
      const keys = loginKeys(deps.jwtSecret, address, username);
      const event = (e: Omit<SecurityEvent, 'clientAddress'>) => recordSecurityEvent(db, request.log, { ...e, clientAddress: address });
      const refused = await takeAddressLimits(db, keys);
      if (refused) {
        await event({ event: 'login.throttled', detail: { scope: refused.scope, retryAfterSeconds: refused.retryAfterSeconds } });
        throw throttled(refused, reply, request.log);
      }
      const user = await db.user.findUnique({ where: { username } });
      const known = user ? (await db.loginKnownAddress.count({ where: { userId: user.id, addressKey: keys.address } })) > 0 : false;
      if (!known) {
        const refusedAccount = await takeAccountLimit(db, keys);
        if (refusedAccount) {
          await event({ event: 'login.throttled', userId: user?.id ?? null, detail: { scope: refusedAccount.scope, retryAfterSeconds: refusedAccount.retryAfterSeconds } });
          throw throttled(refusedAccount, reply, request.log);
        }
      }
      const usable = user !== null && !user.disabled;
      const matches = await verifyPassword(password, usable ? user.passwordHash : dummyHash);
      if (!usable || !matches) {
        request.log.warn({ event: 'login.failed', userId: user?.id ?? null }, 'login failed');
        // Never the username typed: it may be a password typed into the wrong field.
        await event({ event: 'login.failed', userId: user?.id ?? null, detail: { reason: 'password' } });
        throw httpError('INVALID_CREDENTIALS');
      }
      // Two-step verification: the password alone is not enough. A missing code says so; a wrong or
      // replayed one is a failed login like a wrong password (the throttles above counted it).
      let secondFactor = false;
      if (user.totpEnabledAt && user.totpSecret && request.body.recoveryCode !== undefined) {
        // Spent by a conditional update: two logins racing with one code cannot both pass.
        const spent = await db.totpRecoveryCode.updateMany({ where: { userId: user.id, codeHash: recoveryCodeHash(deps.jwtSecret, request.body.recoveryCode), usedAt: null }, data: { usedAt: new Date() } });
        if (spent.count !== 1) {
          request.log.warn({ event: 'login.failed', userId: user.id, reason: 'recovery code' }, 'login failed');
          await event({ event: 'login.failed', userId: user.id, detail: { reason: 'recovery code' } });
          throw httpError('RECOVERY_CODE_INVALID');
        }
        const left = await db.totpRecoveryCode.count({ where: { userId: user.id, usedAt: null } });
        request.log.warn({ event: 'login.recovery-code-used', userId: user.id, recoveryCodesLeft: left }, 'signed in with a recovery code');
        await event({ event: 'login.recovery-code-used', userId: user.id, detail: { recoveryCodesLeft: left } });
        secondFactor = true;
      } else if (user.totpEnabledAt && user.totpSecret) {
        if (!request.body.otp) throw httpError('OTP_REQUIRED');
        const step = acceptTotp(decryptTotpSecret(deps.jwtSecret, user.totpSecret), request.body.otp.trim(), user.totpLastStep);
        // Taken only if no concurrent login took this step or a later one first.
        const taken = step !== null && (await db.user.updateMany({ where: { id: user.id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] }, data: { totpLastStep: step } })).count === 1;
        if (!taken) {
          request.log.warn({ event: 'login.failed', userId: user.id, reason: 'one-time code' }, 'login failed');
          await event({ event: 'login.failed', userId: user.id, detail: { reason: 'one-time code' } });
          throw httpError('OTP_INVALID');
        }
        secondFactor = true;
      }
      await loginSucceeded(db, keys, !known);
      const now = new Date();
      await db.loginKnownAddress.upsert({ where: { userId_addressKey: { userId: user.id, addressKey: keys.address } }, create: { userId: user.id, addressKey: keys.address, lastSuccessAt: now }, update: { lastSuccessAt: now } });
      const session = await createSession(db, user.id, ttlSeconds, secondFactor);
      await Promise.all([purgeExpiredSessions(db, user.id), purgeThrottles(db)]);
      request.log.info({ event: 'login.succeeded', userId: user.id, sessionId: session.id, secondFactor }, 'login');
      await event({ event: 'login.succeeded', userId: user.id, detail: { secondFactor, newAddress: !known } });
      return { token: app.issueToken(user, session.id), expiresIn: ttlSeconds, user: await userView(user.id, secondFactor) };
    },
  );

  app.post(
    '/api/auth/logout',
    { onRequest: app.authenticate, schema: { tags: ['identity'], summary: 'Ends this session: its token answers 401 from now on', security, response: { 204: Type.Null(), 401: errorResponses[401] } } },
    async (request, reply) => {
      await revokeSession(db, request.sessionId, 'logout');
      request.log.info({ event: 'logout', userId: request.auth.id, sessionId: request.sessionId }, 'logout');
      await recordSecurityEvent(db, request.log, { event: 'logout', userId: request.auth.id, clientAddress: clientAddress(request, deps.jwtSecret) });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/password',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['identity'],
        summary: 'Changes the password of the signed-in user; every other session of the user ends',
        description: `The current password is required. The new one has at least ${PASSWORD_MIN_LENGTH} characters and is neither the initial (demo) password, nor the username, nor the current password.`,
        security,
        body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ endedSessions: Type.Integer() }), 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 429: Type.Ref('ErrorBody') },
      },
    },
    async (request) => {
      const { currentPassword, newPassword } = request.body;
      const me = request.auth;
      // A stolen token must not become an unlimited oracle for the password.
      const throttle = throttleKey(deps.jwtSecret, 'password-change', me.id);
      const decision = await takeProgressive(db, throttle, LOGIN_LIMITS.perAddressAccount);
      if (!decision.allowed) {
        request.log.warn({ event: 'password.throttled', userId: me.id }, 'password change refused by a throttle');
        throw httpError('LOGIN_THROTTLED');
      }
      const user = await db.user.findUniqueOrThrow({ where: { id: me.id } });
      if (!(await verifyPassword(currentPassword, user.passwordHash))) {
        request.log.warn({ event: 'password.change_refused', userId: me.id, reason: 'wrong current password' }, 'password change refused');
        await recordSecurityEvent(db, request.log, { event: 'password.change-refused', userId: me.id, clientAddress: clientAddress(request, deps.jwtSecret), detail: { reason: 'wrong current password' } });
        throw httpError('WRONG_PASSWORD');
      }
      await clearThrottle(db, throttle);
      const weak =
        [...newPassword].length < PASSWORD_MIN_LENGTH || BLOCKED_PASSWORDS.includes(newPassword) || newPassword.toLowerCase() === user.username.toLowerCase() || newPassword === currentPassword;
      if (weak) throw httpError('WEAK_PASSWORD');
      const passwordHash = await hashPassword(newPassword);
      const ended = await db.$transaction(async (t) => {
        await t.user.update({ where: { id: me.id }, data: { passwordHash, passwordChangedAt: new Date(), mustChangePassword: false } });
        return revokeSessions(t as unknown as typeof db, me.id, { reason: 'password_change', except: request.sessionId });
      });
      request.log.info({ event: 'password.changed', userId: me.id, endedSessions: ended }, 'password changed; other sessions ended');
      await recordSecurityEvent(db, request.log, { event: 'password.changed', userId: me.id, clientAddress: clientAddress(request, deps.jwtSecret), detail: { endedSessions: ended } });
      return { endedSessions: ended };
    },
  );

  app.get('/api/me', { onRequest: app.authenticate, schema: { tags: ['identity'], security, response: { 200: UserView } } }, async (request) => userView(request.auth.id, request.auth.secondFactor === true));

  registerTotpRoutes(app, { db, jwtSecret: deps.jwtSecret, passwordThrottle: (userId) => throttleKey(deps.jwtSecret, 'password-change', userId) });

  app.get(
    '/api/orgs',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['identity'],
        security,
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), type: Type.String(), parentId: Type.Union([Type.String(), Type.Null()]), path: Type.String() })) }) },
      },
    },
    async () => ({ items: await db.orgUnit.findMany({ orderBy: { path: 'asc' }, select: { id: true, name: true, type: true, parentId: true, path: true } }) }),
  );

  app.get(
    '/api/users',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['identity'],
        summary: 'User picker (转办 / 加签 / 抄送): users of the caller’s organizations, their subtrees and supervising chains',
        description:
          'With fullMemberOf=<branch id>: only full (not probationary) members of that branch today, by the roster (党员花名册), who have an account — whom a 发展党员 case may name as 培养联系人 / 入党介绍人 (《发展党员工作细则》第十条、第十三条).',
        security,
        querystring: Type.Object(
          { q: Type.Optional(Type.String({ maxLength: 64 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })), fullMemberOf: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), username: Type.String(), displayName: Type.String() })) }) },
      },
    },
    async (request) => {
      const q = request.query.q?.trim();
      const { fullMemberOf } = request.query;
      const { subtrees, chain } = pickerReach(request.auth);
      const like = q ? `%${q.replace(/[\\%_]/g, '\\$&')}%` : undefined;
      const items = await db.$queryRaw<{ id: string; username: string; displayName: string }[]>`
        SELECT u.id, u.username, u.display_name AS "displayName" FROM app_user u
        WHERE NOT u.disabled
          ${like ? Prisma.sql`AND (u.username LIKE ${like} OR u.display_name LIKE ${like})` : Prisma.empty}
          ${
            fullMemberOf
              ? Prisma.sql`AND EXISTS (
            SELECT 1 FROM person p JOIN party_membership pm ON pm.person_id = p.id
            WHERE p.user_id = u.id AND p.status = 'full' AND pm.branch_id = ${fullMemberOf}
              AND pm.start_on <= current_date AND (pm.end_on IS NULL OR pm.end_on > current_date))`
              : Prisma.empty
          }
          AND EXISTS (
            SELECT 1 FROM membership m JOIN org_unit o ON o.id = m.org_id
            WHERE m.user_id = u.id AND (o.path LIKE ANY (${subtrees}::text[]) OR o.id = ANY (${chain}::text[])))
        ORDER BY u.username
        LIMIT ${request.query.limit ?? 20}`;
      return { items };
    },
  );

  app.delete(
    '/api/users/:id/sessions',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['identity'],
        summary: 'Ends every session of a user (security administrator of an organization the user belongs to, or above it)',
        security,
        params: Type.Object({ id: UUID }),
        response: { 200: Type.Object({ endedSessions: Type.Integer() }), 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404] },
      },
    },
    async (request) => {
      // 三权分立: ending sessions is the security administrator's (安全管理员) duty.
      const adminPaths = request.auth.memberships.filter((m) => m.role === SECURITY_ADMIN_ROLE).map((m) => subtreePattern(m.orgPath));
      if (!adminPaths.length) throw httpError('FORBIDDEN', 'only security administrators end other users’ sessions');
      const [target] = await db.$queryRaw<{ id: string }[]>`
        SELECT u.id FROM app_user u
        WHERE u.id = ${request.params.id}::uuid
          AND EXISTS (SELECT 1 FROM membership m JOIN org_unit o ON o.id = m.org_id WHERE m.user_id = u.id AND o.path LIKE ANY (${adminPaths}::text[]))`;
      if (!target) throw httpError('NOT_FOUND');
      const ended = await revokeSessions(db, target.id, { reason: 'admin' });
      request.log.warn({ event: 'sessions.revoked', userId: request.auth.id, targetUserId: target.id, endedSessions: ended }, 'an administrator ended a user’s sessions');
      await recordSecurityEvent(db, request.log, { event: 'sessions.ended', userId: target.id, clientAddress: clientAddress(request, deps.jwtSecret), detail: { by: request.auth.id, endedSessions: ended } });
      return { endedSessions: ended };
    },
  );

  // Administration (issue 13): the organization tree, the roster and committees, accounts, the audit log.
  registerAdminOrgRoutes(app, db);
  registerAdminAuditRoutes(app, db);
  registerAdminPeopleRoutes(app, db);
  registerAdminAccountRoutes(app, db);
  return app;
}
