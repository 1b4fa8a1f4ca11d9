import fp from 'fastify-plugin';
import jwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '@dj/contracts';
import type { Db } from '@dj/db';
import { supervisoryRoles } from '@dj/domain';
import { httpError } from './errors';

export type AuthMembership = { orgId: string; role: string; orgPath: string; orgType: string; orgName: string };
export type AuthUser = { id: string; username: string; displayName: string; memberships: AuthMembership[] };

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthUser;
  }
  interface FastifyInstance {
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
    issueToken(user: { id: string }): string;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string };
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

/** Bearer-token authentication; memberships are read fresh on every request so role changes apply at once. */
export const authPlugin = fp<{ db: Db; secret: string; ttlSeconds: number }>(async (app, { db, secret, ttlSeconds }) => {
  await app.register(jwt, { secret, sign: { expiresIn: ttlSeconds } });
  app.decorateRequest('auth', null as unknown as AuthUser);
  app.decorate('issueToken', (user: { id: string }) => app.jwt.sign({ sub: user.id }));
  app.decorate('authenticate', async (request: FastifyRequest) => {
    let sub: string;
    try {
      sub = (await request.jwtVerify<{ sub: string }>()).sub;
    } catch {
      throw httpError('UNAUTHENTICATED');
    }
    const user = await db.user.findUnique({ where: { id: sub }, include: { memberships: { include: { org: true } } } });
    if (!user || user.disabled) throw httpError('UNAUTHENTICATED');
    request.auth = {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      memberships: user.memberships.map((m) => ({ orgId: m.orgId, role: m.role, orgPath: m.org.path, orgType: m.org.type, orgName: m.org.name })),
    };
  });
});
