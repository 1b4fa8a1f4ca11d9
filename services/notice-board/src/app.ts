import { Type } from '@sinclair/typebox';
import type { Client } from '@temporalio/client';
import type { FastifyServerOptions } from 'fastify';
import { objectionPhoneContext, personalData, Prisma } from '@dj/db';
import { assigneeHeldBy, buildService, clientAddress, errorResponses, httpError, type ServiceDeps } from '@dj/service-kit';
import { OBJECTION_RATE_LIMIT, fileObjection, isActive, takeObjectionQuota } from './file-objection';
import { CONTENT_MIN, ObjectionBody } from './objection-rules';
import { registerPublicPages } from './public/public-routes';

export { OBJECTION_RATE_LIMIT };
export { STATUS_RATE_LIMIT } from './public/public-routes';
export { chinaDateTime } from './public/pages';

const security = [{ bearer: [] }];
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const NoticeView = Type.Object({
  id: Type.String(),
  title: Type.String(),
  body: Type.String(),
  org: Type.Object({ id: Type.String(), name: Type.String() }),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  /** active | closed (ran its course) | withdrawn (the case went back) */
  status: Type.String(),
  /** Open for objections now: status active and now within [startsAt, endsAt]. */
  active: Type.Boolean(),
});
const ObjectionView = Type.Object({
  id: Type.String(),
  receiptNo: Type.String(),
  notice: Type.Object({ id: Type.String(), title: Type.String(), caseId: Type.Union([Type.String(), Type.Null()]) }),
  name: Type.String(),
  phone: Type.String(),
  content: Type.String(),
  status: Type.String(),
  finding: Type.Union([Type.String(), Type.Null()]),
  taskId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  handledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

type NoticeRow = { id: string; title: string; body: string; org_id: string; org_name: string; starts_at: Date; ends_at: Date; status: string };
type Cursor = { startsAt: string; id: string };

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(raw: string): Cursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString()) as Cursor;
    if (typeof c.id !== 'string' || !/^[0-9a-f-]{36}$/.test(c.id) || typeof c.startsAt !== 'string' || Number.isNaN(Date.parse(c.startsAt))) return undefined;
    return c;
  } catch {
    return undefined;
  }
}

const activeSql = (now: Date) => Prisma.sql`(n.status = 'active' AND n.starts_at <= ${now} AND n.ends_at >= ${now})`;
const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, '\\$&')}%`;

function noticeView(r: NoticeRow, now: Date) {
  return {
    id: r.id,
    title: r.title,
    body: r.body,
    org: { id: r.org_id, name: r.org_name },
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    status: r.status,
    active: isActive({ status: r.status, startsAt: r.starts_at, endsAt: r.ends_at }, now),
  };
}

/**
 * notice-board (公示): public notices any case publishes through an activity, read without login; the
 * public files objections (异议) against an active notice; the officials verifying one read it in full.
 */
export async function buildNoticeBoardApp(
  deps: ServiceDeps & {
    temporal: Client;
    logger?: FastifyServerOptions['logger'];
    /** PUBLIC_BASE_URL: where the public reaches the pages (the posters' QR codes); unset = from each request. */
    publicBaseUrl?: string | undefined;
  },
) {
  const app = await buildService({ ...deps, name: 'notice-board', title: 'Dangjian Flow notice board (公示)' });
  const { db, temporal } = deps;

  app.get(
    '/api/notices',
    {
      schema: {
        tags: ['notices'],
        summary: 'Notices of an organization and the organizations below it, newest first (public)',
        querystring: Type.Object(
          {
            orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            active: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(NoticeView), nextCursor: Type.Union([Type.String(), Type.Null()]) }), 400: errorResponses[400], 404: errorResponses[404] },
      },
    },
    async (request) => {
      const { orgId, active, limit = 20, cursor } = request.query;
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      if (cursor !== undefined && !after) throw httpError('VALIDATION_FAILED', 'cursor');
      let subtree = Prisma.empty;
      if (orgId !== undefined) {
        const org = await db.orgUnit.findUnique({ where: { id: orgId }, select: { path: true } });
        if (!org) throw httpError('NOT_FOUND');
        subtree = Prisma.sql`AND n.org_path LIKE ${likePrefix(org.path)}`;
      }
      const now = new Date();
      const activeFilter = active === undefined ? Prisma.empty : active ? Prisma.sql`AND ${activeSql(now)}` : Prisma.sql`AND NOT ${activeSql(now)}`;
      const page = after ? Prisma.sql`AND (n.starts_at, n.id) < (${new Date(after.startsAt)}, ${after.id}::uuid)` : Prisma.empty;
      const rows = await db.$queryRaw<NoticeRow[]>`
        SELECT n.id, n.title, n.body, n.org_id, o.name AS org_name, n.starts_at, n.ends_at, n.status
        FROM notice n JOIN org_unit o ON o.id = n.org_id
        WHERE TRUE ${subtree} ${activeFilter} ${page}
        ORDER BY n.starts_at DESC, n.id DESC
        LIMIT ${limit + 1}`;
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        items: items.map((r) => noticeView(r, now)),
        nextCursor: rows.length > limit && last ? encodeCursor({ startsAt: last.starts_at.toISOString(), id: last.id }) : null,
      };
    },
  );

  app.get(
    '/api/notices/:id',
    { schema: { tags: ['notices'], summary: 'One notice (public)', params: IdParams, response: { 200: NoticeView, 404: errorResponses[404] } } },
    async (request) => {
      const rows = await db.$queryRaw<NoticeRow[]>`
        SELECT n.id, n.title, n.body, n.org_id, o.name AS org_name, n.starts_at, n.ends_at, n.status
        FROM notice n JOIN org_unit o ON o.id = n.org_id WHERE n.id = ${request.params.id}::uuid`;
      const row = rows[0];
      if (!row) throw httpError('NOT_FOUND');
      return noticeView(row, new Date());
    },
  );

  app.post(
    '/api/notices/:id/objections',
    {
      // The limit is counted in PostgreSQL (shared by every instance), per client address as the
      // gateway signed it, or the connection's peer for a request reaching this port directly; every
      // request counts, invalid ones included (before validation).
      onRequest: async (request, reply) => {
        const decision = await takeObjectionQuota(db, deps.jwtSecret, clientAddress(request, deps.jwtSecret));
        reply.header('x-ratelimit-limit', String(OBJECTION_RATE_LIMIT.max));
        reply.header('x-ratelimit-remaining', String(decision.remaining));
        if (!decision.allowed) {
          reply.header('retry-after', String(decision.retryAfterSeconds));
          request.log.warn({ event: 'objection.rate_limited', noticeId: (request.params as { id: string }).id }, 'objection refused by the rate limit');
          throw httpError('RATE_LIMITED');
        }
      },
      schema: {
        tags: ['notices'],
        summary: 'File an objection (异议) to an active notice (public, rate-limited per client)',
        description: `Real name, a phone number for the verification and the objection (${CONTENT_MIN}–2000 characters). Stored before the answer, which carries the receipt number. ${OBJECTION_RATE_LIMIT.max} requests per client address per ${OBJECTION_RATE_LIMIT.timeWindowMs / 60_000} minutes.`,
        params: IdParams,
        body: ObjectionBody,
        response: {
          201: Type.Object({ receiptNo: Type.String(), noticeId: Type.String(), status: Type.Literal('received') }),
          400: errorResponses[400],
          404: errorResponses[404],
          409: errorResponses[409],
          429: Type.Ref('ErrorBody'),
        },
      },
    },
    async (request, reply) => {
      const noticeId = request.params.id;
      const { name, phone, content } = request.body;
      if (content.trim().length < CONTENT_MIN) throw httpError('VALIDATION_FAILED', `/content must have at least ${CONTENT_MIN} characters besides spaces`);
      const { receiptNo } = await fileObjection({ db, temporal, jwtSecret: deps.jwtSecret, log: request.log }, { noticeId, name, phone, content, clientAddress: clientAddress(request, deps.jwtSecret) });
      return reply.status(201).send({ receiptNo, noticeId, status: 'received' as const });
    },
  );

  app.get(
    '/api/notice-board/objections/:id',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['objections'],
        summary: 'An objection in full, for the officials verifying it (holders of its 核实 task)',
        security,
        params: IdParams,
        response: { 200: ObjectionView, 401: errorResponses[401], 404: errorResponses[404] },
      },
    },
    async (request) => {
      const user = request.auth;
      // Only a pending or acted slot of the objection's verification task: not supervisors, not
      // officials who transferred it away, not signers not yet reached.
      const handles = await db.$queryRaw<{ id: string }[]>`
        SELECT o.id FROM objection o
        WHERE o.id = ${request.params.id}::uuid
          AND EXISTS (
            SELECT 1 FROM task t JOIN task_assignee a ON a.task_id = t.id
            WHERE t.subject_type = 'objection' AND t.subject_id = o.id::text
              AND a.status IN ('pending', 'approved', 'rejected')
              AND ${assigneeHeldBy(user)})`;
      if (handles.length === 0) throw httpError('NOT_FOUND');
      const o = await db.objection.findUniqueOrThrow({ where: { id: request.params.id }, include: { notice: { select: { id: true, title: true, caseId: true } } } });
      request.log.info({ event: 'objection.viewed', objectionId: o.id, userId: user.id }, 'objection read by a handling official');
      return {
        id: o.id,
        receiptNo: o.receiptNo,
        notice: o.notice,
        name: o.name,
        // Decrypted for the officials verifying it (personal-data.ts); the objection was read, logged above.
        phone: o.phoneCipher ? personalData().decrypt(o.phoneCipher, objectionPhoneContext(o.id)) : '',
        content: o.content,
        status: o.status,
        finding: o.finding,
        taskId: o.taskId,
        createdAt: o.createdAt.toISOString(),
        handledAt: o.handledAt?.toISOString() ?? null,
      };
    },
  );

  await app.register(registerPublicPages, { prefix: '/notices', db, temporal, jwtSecret: deps.jwtSecret, publicBaseUrl: deps.publicBaseUrl });
  return app;
}
