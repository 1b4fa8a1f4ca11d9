import { Type } from '@sinclair/typebox';
import { verifyPassword } from '@dj/db';
import { buildService, httpError, type ServiceDeps } from '@dj/service-kit';

const LOCK_AFTER_FAILURES = 5;
const LOCK_MINUTES = 15;

const Membership = Type.Object({ orgId: Type.String(), orgName: Type.String(), orgType: Type.String(), role: Type.String() });
const UserView = Type.Object({ id: Type.String(), username: Type.String(), displayName: Type.String(), memberships: Type.Array(Membership) });

/** identity: login (with lockout), the current user, the org tree and a user picker. */
export async function buildIdentityApp(deps: ServiceDeps) {
  const app = await buildService({ ...deps, name: 'identity', title: 'Dangjian Flow identity' });
  const { db } = deps;

  async function userView(userId: string) {
    const user = await db.user.findUniqueOrThrow({ where: { id: userId }, include: { memberships: { include: { org: true } } } });
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      memberships: user.memberships.map((m) => ({ orgId: m.orgId, orgName: m.org.name, orgType: m.org.type, role: m.role })),
    };
  }

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['identity'],
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ token: Type.String(), expiresIn: Type.Integer(), user: UserView }) },
      },
    },
    async (request) => {
      const { username, password } = request.body;
      const user = await db.user.findUnique({ where: { username } });
      const now = new Date();
      if (user?.lockedUntil && user.lockedUntil > now) {
        request.log.warn({ event: 'login.locked', userId: user.id }, 'login refused: account locked');
        throw httpError('ACCOUNT_LOCKED');
      }
      const ok = user && !user.disabled && (await verifyPassword(password, user.passwordHash));
      if (!user || !ok) {
        if (user) {
          // Atomic increment: parallel wrong guesses all count.
          const [updated] = await db.$queryRaw<{ failed_logins: number }[]>`
            UPDATE app_user SET failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until <= now() THEN 1 ELSE failed_logins + 1 END,
                                locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= now() THEN NULL ELSE locked_until END
            WHERE id = ${user.id}::uuid RETURNING failed_logins`;
          if ((updated?.failed_logins ?? 0) >= LOCK_AFTER_FAILURES) {
            await db.user.update({ where: { id: user.id }, data: { lockedUntil: new Date(now.getTime() + LOCK_MINUTES * 60_000), failedLogins: 0 } });
            request.log.warn({ event: 'login.lockout', userId: user.id }, 'account locked after repeated failures');
            throw httpError('ACCOUNT_LOCKED');
          }
        }
        request.log.warn({ event: 'login.failed', userId: user?.id ?? null }, 'login failed');
        throw httpError('INVALID_CREDENTIALS');
      }
      await db.user.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: null } });
      request.log.info({ event: 'login.succeeded', userId: user.id }, 'login');
      return { token: app.issueToken(user), expiresIn: deps.tokenTtlSeconds ?? 8 * 3600, user: await userView(user.id) };
    },
  );

  app.get(
    '/api/me',
    { onRequest: app.authenticate, schema: { tags: ['identity'], security: [{ bearer: [] }], response: { 200: UserView } } },
    async (request) => userView(request.auth.id),
  );

  app.get(
    '/api/orgs',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['identity'],
        security: [{ bearer: [] }],
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
        security: [{ bearer: [] }],
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 64 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), username: Type.String(), displayName: Type.String() })) }) },
      },
    },
    async (request) => {
      const q = request.query.q?.trim();
      const items = await db.user.findMany({
        where: { disabled: false, ...(q ? { OR: [{ username: { contains: q } }, { displayName: { contains: q } }] } : {}) },
        select: { id: true, username: true, displayName: true },
        orderBy: { username: 'asc' },
        take: request.query.limit ?? 20,
      });
      return { items };
    },
  );
  return app;
}
