import fp from 'fastify-plugin';
import jwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '@dj/contracts';
import type { Db } from '@dj/db';
import { supervisoryRoles } from '@dj/domain';
import { httpError } from './errors';

export type AuthMembership = { orgId: string; role: string; orgPath: string; orgType: string; orgName: string };
export type AuthUser = {
  id: string;
  username: string;
  displayName: string;
  memberships: AuthMembership[];
  /** The session's login passed two-step verification (TOTP). */
  secondFactor?: boolean;
};

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthUser;
    /** The login session the request's token belongs to (set with `auth`). */
    sessionId: string;
  }
  interface FastifyInstance {
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
    issueToken(user: { id: string }, sessionId: string): string;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; sid: string };
  }
}

/** Holds a supervisory role in an organization at or above `orgPath`. */
export function supervises(user: AuthUser, orgPath: string): boolean {
  return user.memberships.some((m) => supervisoryRoles.has(m.role) && orgPath.startsWith(m.orgPath));
}

/** The authenticated user as the case workflow sees an actor. */
export function actorFor(user: AuthUser, caseOrgPath: string): Actor {
  return {
    userId: user.id,
    name: user.displayName,
    memberships: user.memberships.map((m) => ({ orgId: m.orgId, role: m.role })),
    supervisesCase: supervises(user, caseOrgPath),
  };
}

type SessionRow = { id: string; username: string; display_name: string; second_factor: boolean; must_change_password: boolean; two_step_enrol_required: boolean; memberships: AuthMembership[] };

/**
 * What a session holding an administrator's one-time password may do: read who it is, choose its own
 * password, log out. Everything else answers 403 PASSWORD_CHANGE_REQUIRED until the password is changed
 * (等保 2.0: a password set by someone else is changed at first login).
 */
const ROUTES_BEFORE_PASSWORD_CHANGE = new Set(['/api/me', '/api/auth/password', '/api/auth/logout']);

/**
 * What a session of an account whose two-step verification an administrator reset may do: set it up
 * again (and what it may do before the password is changed). Everything else answers 403
 * TWO_STEP_ENROLMENT_REQUIRED until a new authenticator is confirmed.
 */
const ROUTES_BEFORE_TWO_STEP_ENROLMENT = new Set([...ROUTES_BEFORE_PASSWORD_CHANGE, '/api/me/two-step/setup', '/api/me/two-step/confirm']);

/**
 * Bearer-token authentication. A token names its session (`sid`); one query per request reads the
 * session (by primary key: live, not revoked, not expired), the user (not disabled) and the
 * memberships, so a logout, a password change or an administrator's revocation applies at once, and
 * so do role changes.
 */
export const authPlugin = fp<{ db: Db; secret: string; ttlSeconds: number }>(async (app, { db, secret, ttlSeconds }) => {
  await app.register(jwt, { secret, sign: { expiresIn: ttlSeconds } });
  app.decorateRequest('auth', null as unknown as AuthUser);
  app.decorateRequest('sessionId', '');
  app.decorate('issueToken', (user: { id: string }, sessionId: string) => app.jwt.sign({ sub: user.id, sid: sessionId }));
  app.decorate('authenticate', async (request: FastifyRequest) => {
    let payload: { sub: string; sid: string };
    try {
      payload = await request.jwtVerify<{ sub: string; sid: string }>();
    } catch {
      throw httpError('UNAUTHENTICATED');
    }
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string' || !uuid.test(payload.sid) || !uuid.test(payload.sub)) throw httpError('UNAUTHENTICATED');
    const [row] = await db.$queryRaw<SessionRow[]>`
      SELECT u.id, u.username, u.display_name, s.second_factor, u.must_change_password, u.two_step_enrol_required,
        COALESCE(json_agg(json_build_object('orgId', m.org_id, 'role', m.role, 'orgPath', o.path, 'orgType', o.type, 'orgName', o.name) ORDER BY o.path, m.role)
          FILTER (WHERE m.org_id IS NOT NULL), '[]') AS memberships
      FROM user_session s
      JOIN app_user u ON u.id = s.user_id
      LEFT JOIN membership m ON m.user_id = u.id
      LEFT JOIN org_unit o ON o.id = m.org_id
      WHERE s.id = ${payload.sid}::uuid AND s.user_id = ${payload.sub}::uuid AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled
      GROUP BY u.id, s.second_factor`;
    if (!row) throw httpError('UNAUTHENTICATED');
    if (row.must_change_password && !ROUTES_BEFORE_PASSWORD_CHANGE.has(request.routeOptions.url ?? '')) {
      request.log.warn({ event: 'auth.password-change-required', userId: row.id }, 'refused until the one-time password is changed');
      throw httpError('PASSWORD_CHANGE_REQUIRED');
    }
    if (row.two_step_enrol_required && !ROUTES_BEFORE_TWO_STEP_ENROLMENT.has(request.routeOptions.url ?? '')) {
      request.log.warn({ event: 'auth.two-step-enrolment-required', userId: row.id }, 'refused until two-step verification is set up again');
      throw httpError('TWO_STEP_ENROLMENT_REQUIRED');
    }
    request.auth = { id: row.id, username: row.username, displayName: row.display_name, memberships: row.memberships, secondFactor: row.second_factor };
    request.sessionId = payload.sid;
  });
});
