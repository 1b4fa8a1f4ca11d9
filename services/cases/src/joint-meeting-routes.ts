/**
 * 党建联席会议 bodies over HTTP: administrators of the owning committee create, edit, pause, resume,
 * backfill and delete bodies (each change recorded in joint_meeting_body_event, the body's Temporal
 * Schedule kept in step); convener, secretary and member liaisons read their bodies and the per-quarter
 * report; a liaison requests a 临时会议.
 */
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { JointBodyInput, JointMemberInput, Text, Uuid } from '@dj/contracts';
import type { Db, Prisma } from '@dj/db';
import { jointMeetingOrgTypes, quarterAt, quarterByLabel, quarterReportFigures, type DecisionStatus, type OrgType } from '@dj/domain';
import { awaitStableState, callWorkflow, errorResponses, httpError, idempotent, sendAnswer, IdempotencyKeyHeader, idFromKey, supervises, type AuthUser } from '@dj/service-kit';
import { snapshotQuery, stableStateUpdate, type JointExtraordinaryInput } from '@dj/process-api';
import { loadJointBodyInfo } from '@dj/process-api/joint-body-info';
import { backfillJointQuarter, syncJointSchedule } from '@dj/process-api/schedules';

export type JointMeetingsConfig = { taskQueue: string; quarterSeconds?: number | undefined };

const security = [{ bearer: [] }];
const BodyParams = Type.Object({ id: Uuid });
const responses = { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404], 409: errorResponses[409] };

type BodyRow = Prisma.JointMeetingBodyGetPayload<{ include: { members: true } }>;

/** Joint-meeting bodies are organizations: the 系统管理员 (admin) manages them, not the security or audit administrator (三权分立). */
const isAdminOver = (user: AuthUser, orgPath: string) => user.memberships.some((m) => m.role === 'admin' && orgPath.startsWith(m.orgPath));

function canView(user: AuthUser, body: BodyRow): boolean {
  return (
    isAdminOver(user, body.orgPath) ||
    supervises(user, body.orgPath) ||
    body.convenerId === user.id ||
    body.secretaryId === user.id ||
    body.members.some((m) => !m.removedAt && m.liaisonId === user.id)
  );
}

export function registerJointMeetingRoutes(appIn: FastifyInstance, deps: { db: Db; temporal: Client; config: JointMeetingsConfig }) {
  const app = appIn.withTypeProvider<TypeBoxTypeProvider>();
  const { db, temporal, config } = deps;

  /** The body if the user may see it (404 otherwise, not revealing that it exists). */
  async function visibleBody(user: AuthUser, id: string): Promise<BodyRow> {
    const body = await db.jointMeetingBody.findUnique({ where: { id }, include: { members: true } });
    if (!body || body.status === 'deleted' || !canView(user, body)) throw httpError('NOT_FOUND');
    return body;
  }
  async function managedBody(user: AuthUser, id: string): Promise<BodyRow> {
    const body = await visibleBody(user, id);
    if (!isAdminOver(user, body.orgPath)) throw httpError('FORBIDDEN');
    return body;
  }
  async function checkUsers(ids: string[]) {
    const found = await db.user.count({ where: { id: { in: [...new Set(ids)] }, disabled: false } });
    if (found !== new Set(ids).size) throw httpError('UNKNOWN_TARGET');
  }
  async function checkConvener(orgId: string, convenerId: string) {
    const org = await db.orgUnit.findUniqueOrThrow({ where: { id: orgId } });
    if (!org.parentId || !(await db.membership.findFirst({ where: { userId: convenerId, orgId: org.parentId } }))) throw httpError('JOINT_CONVENER_NOT_HIGHER');
  }
  function checkMembers(members: { name: string; liaisonId: string }[]) {
    if (new Set(members.map((m) => m.name)).size !== members.length || new Set(members.map((m) => m.liaisonId)).size !== members.length) throw httpError('JOINT_DUPLICATE_MEMBER');
  }
  async function recordChange(t: Prisma.TransactionClient, bodyId: string, type: string, user: AuthUser, data: Record<string, unknown>) {
    await t.jointMeetingBodyEvent.create({ data: { bodyId, type, actorId: user.id, data: data as Prisma.InputJsonValue, at: new Date() } });
  }
  /** The row is the truth; a failed schedule change is answered 503 and repaired by the next sync (or reconcile at start-up). */
  async function sync(body: { id: string; status: string }) {
    try {
      await syncJointSchedule(temporal, body, config);
    } catch (e) {
      app.log.error({ event: 'joint.schedule-sync-failed', bodyId: body.id, err: e }, 'schedule sync failed');
      throw httpError('UNAVAILABLE', 'schedule not updated yet; it will be reconciled');
    }
  }
  function view(body: BodyRow) {
    return {
      id: body.id,
      name: body.name,
      orgId: body.orgId,
      convenerId: body.convenerId,
      secretaryId: body.secretaryId,
      status: body.status,
      flagged: body.flagged,
      flaggedNote: body.flaggedNote,
      members: body.members.filter((m) => !m.removedAt).map((m) => ({ id: m.id, name: m.name, kind: m.kind, liaisonId: m.liaisonId, superiorUserId: m.superiorUserId })),
    };
  }
  const reload = (id: string) => db.jointMeetingBody.findUniqueOrThrow({ where: { id }, include: { members: true } });

  app.post('/api/joint-meetings', { onRequest: app.authenticate, schema: { tags: ['joint-meetings'], security, body: JointBodyInput, response: { 201: Type.Unknown(), ...responses } } }, async (request, reply) => {
    const input = request.body;
    const org = await db.orgUnit.findUnique({ where: { id: input.orgId } });
    if (!org) throw httpError('NOT_FOUND');
    if (!isAdminOver(request.auth, org.path)) throw httpError('FORBIDDEN');
    if (!jointMeetingOrgTypes.includes(org.type as OrgType)) throw httpError('JOINT_ORG_NOT_ALLOWED');
    checkMembers(input.members);
    await checkUsers([input.convenerId, input.secretaryId, ...input.members.flatMap((m) => [m.liaisonId, ...(m.superiorUserId ? [m.superiorUserId] : [])])]);
    await checkConvener(org.id, input.convenerId);
    const id = randomUUID();
    await db.$transaction(async (t) => {
      await t.jointMeetingBody.create({ data: { id, name: input.name, orgId: org.id, orgPath: org.path, convenerId: input.convenerId, secretaryId: input.secretaryId, status: 'active' } });
      await t.jointMeetingMember.createMany({ data: input.members.map((m) => ({ id: randomUUID(), bodyId: id, name: m.name, kind: m.kind, liaisonId: m.liaisonId, superiorUserId: m.superiorUserId ?? null })) });
      await recordChange(t, id, 'body.created', request.auth, { ...input });
    });
    await sync({ id, status: 'active' });
    request.log.info({ event: 'joint.body-created', bodyId: id, userId: request.auth.id }, 'joint meeting created');
    return reply.status(201).send(view(await reload(id)));
  });

  app.get('/api/joint-meetings', { onRequest: app.authenticate, schema: { tags: ['joint-meetings'], security } }, async (request) => {
    const bodies = await db.jointMeetingBody.findMany({ where: { status: { not: 'deleted' } }, include: { members: true }, orderBy: { createdAt: 'asc' } });
    return { items: bodies.filter((b) => canView(request.auth, b)).map(view) };
  });

  app.get('/api/joint-meetings/:id', { onRequest: app.authenticate, schema: { tags: ['joint-meetings'], security, params: BodyParams, response: { 401: errorResponses[401], 404: errorResponses[404] } } }, async (request) => {
    const body = await visibleBody(request.auth, request.params.id);
    const meetings = await db.jointMeeting.findMany({ where: { bodyId: body.id }, orderBy: { createdAt: 'asc' } });
    const cases = await db.case.findMany({ where: { id: { in: meetings.map((m) => m.id) } }, select: { id: true, status: true, stage: true } });
    return {
      ...view(body),
      meetings: meetings.map((m) => ({ id: m.id, caseId: m.id, kind: m.kind, quarter: m.quarter, status: m.status, meetingDate: m.meetingDate, place: m.place, items: m.items, carriedOver: m.carriedOver, missingFrom: m.missingFrom, case: cases.find((c) => c.id === m.id) ?? null })),
    };
  });

  app.patch(
    '/api/joint-meetings/:id',
    { onRequest: app.authenticate, schema: { tags: ['joint-meetings'], security, params: BodyParams, body: Type.Object({ name: Type.Optional(Text(100)), convenerId: Type.Optional(Uuid), secretaryId: Type.Optional(Uuid) }, { additionalProperties: false, minProperties: 1 }), response: responses } },
    async (request) => {
      const body = await managedBody(request.auth, request.params.id);
      const input = request.body;
      await checkUsers([input.convenerId, input.secretaryId].filter((x): x is string => !!x));
      if (input.convenerId) await checkConvener(body.orgId, input.convenerId);
      await db.$transaction(async (t) => {
        await t.jointMeetingBody.update({ where: { id: body.id }, data: input });
        await recordChange(t, body.id, 'body.updated', request.auth, { ...input });
      });
      return view(await reload(body.id));
    },
  );

  app.post('/api/joint-meetings/:id/members', { onRequest: app.authenticate, schema: { tags: ['joint-meetings'], security, params: BodyParams, body: JointMemberInput, response: { 201: Type.Unknown(), ...responses } } }, async (request, reply) => {
    const body = await managedBody(request.auth, request.params.id);
    const input = request.body;
    checkMembers([...body.members.filter((m) => !m.removedAt), input]);
    await checkUsers([input.liaisonId, ...(input.superiorUserId ? [input.superiorUserId] : [])]);
    await db.$transaction(async (t) => {
      await t.jointMeetingMember.create({ data: { id: randomUUID(), bodyId: body.id, name: input.name, kind: input.kind, liaisonId: input.liaisonId, superiorUserId: input.superiorUserId ?? null } });
      await recordChange(t, body.id, 'member.added', request.auth, { ...input });
    });
    return reply.status(201).send(view(await reload(body.id)));
  });

  app.delete('/api/joint-meetings/:id/members/:memberId', { onRequest: app.authenticate, schema: { tags: ['joint-meetings'], security, params: Type.Object({ id: Uuid, memberId: Uuid }), response: responses } }, async (request) => {
    const body = await managedBody(request.auth, request.params.id);
    const member = body.members.find((m) => m.id === request.params.memberId && !m.removedAt);
    if (!member) throw httpError('NOT_FOUND');
    if (body.members.filter((m) => !m.removedAt).length === 1) throw httpError('VALIDATION_FAILED', 'a joint meeting keeps at least one member unit');
    await db.$transaction(async (t) => {
      await t.jointMeetingMember.update({ where: { id: member.id }, data: { removedAt: new Date() } });
      await recordChange(t, body.id, 'member.removed', request.auth, { memberId: member.id, name: member.name });
    });
    return view(await reload(body.id));
  });

  const setStatus = (status: 'active' | 'paused' | 'deleted', event: string) => async (request: { auth: AuthUser; params: { id: string } }) => {
    const body = await managedBody(request.auth, request.params.id);
    await db.$transaction(async (t) => {
      await t.jointMeetingBody.update({ where: { id: body.id }, data: { status, ...(status === 'deleted' ? { deletedAt: new Date() } : {}) } });
      await recordChange(t, body.id, event, request.auth, {});
    });
    await sync({ id: body.id, status });
    app.log.info({ event: `joint.${event}`, bodyId: body.id, userId: request.auth.id }, 'joint meeting changed');
    return { id: body.id, status };
  };
  const statusRoute = { onRequest: app.authenticate, schema: { tags: ['joint-meetings'], security, params: BodyParams, response: responses } };
  app.post('/api/joint-meetings/:id/pause', statusRoute, setStatus('paused', 'body.paused'));
  app.post('/api/joint-meetings/:id/resume', statusRoute, setStatus('active', 'body.resumed'));
  app.delete('/api/joint-meetings/:id', statusRoute, setStatus('deleted', 'body.deleted'));

  app.post(
    '/api/joint-meetings/:id/backfill',
    { onRequest: app.authenticate, schema: { tags: ['joint-meetings'], security, params: BodyParams, body: Type.Object({ quarter: Type.String({ minLength: 1, maxLength: 20 }) }, { additionalProperties: false }), response: { 202: Type.Unknown(), ...responses } } },
    async (request, reply) => {
      const body = await managedBody(request.auth, request.params.id);
      const quarter = quarterByLabel(request.body.quarter, config.quarterSeconds);
      if (!quarter || quarter.startsAt > Date.now()) throw httpError('JOINT_QUARTER_INVALID');
      await callWorkflow(() => backfillJointQuarter(temporal, body.id, quarter));
      await db.$transaction((t) => recordChange(t, body.id, 'body.backfilled', request.auth, { quarter: quarter.label }));
      return reply.status(202).send({ id: body.id, quarter: quarter.label });
    },
  );

  app.post(
    '/api/joint-meetings/:id/extraordinary',
    {
      onRequest: app.authenticate,
      schema: { tags: ['joint-meetings'], security, params: BodyParams, headers: IdempotencyKeyHeader, body: Type.Object({ reason: Text(2000) }, { additionalProperties: false }), response: { 201: Type.Unknown(), ...responses } },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const answer = await idempotent(db, { userId: request.auth.id, key, scope: `POST /api/joint-meetings/${request.params.id}/extraordinary`, request: request.body }, async () => {
        const body = await visibleBody(request.auth, request.params.id);
        const member = body.members.find((m) => !m.removedAt && m.liaisonId === request.auth.id);
        if (!member) throw httpError('FORBIDDEN');
        if (body.status !== 'active') throw httpError('JOINT_BODY_NOT_ACTIVE');
        const info = (await loadJointBodyInfo(db, body.id))!;
        // With a key the case (and workflow) id follows from it, so a retry lands on the same case.
        const caseId = key ? idFromKey(request.auth.id, key, 'joint-extraordinary') : randomUUID();
        const workflowId = `joint-meeting-extraordinary:${caseId}`;
        const args: JointExtraordinaryInput = { caseId, body: info, quarter: quarterAt(Date.now(), config.quarterSeconds).label, requestedBy: { userId: request.auth.id, name: request.auth.displayName }, memberId: member.id, reason: request.body.reason };
        const handle = await callWorkflow(async () => {
          try {
            return await temporal.workflow.start('jointMeetingExtraordinary', {
              taskQueue: config.taskQueue,
              workflowId,
              args: [args],
              workflowIdConflictPolicy: key ? 'USE_EXISTING' : 'FAIL',
              workflowIdReusePolicy: 'REJECT_DUPLICATE',
            });
          } catch (error) {
            if (key && error instanceof WorkflowExecutionAlreadyStartedError) return temporal.workflow.getHandle(workflowId);
            throw error;
          }
        }, 'CASE_NOT_OPEN');
        const snapshot = await awaitStableState(handle, { stable: stableStateUpdate, snapshot: snapshotQuery });
        request.log.info({ event: 'joint.extraordinary-requested', bodyId: body.id, caseId, userId: request.auth.id }, 'extraordinary meeting requested');
        return { statusCode: 201, body: snapshot };
      });
      return sendAnswer(reply, answer);
    },
  );

  app.get(
    '/api/joint-meetings/:id/report',
    { onRequest: app.authenticate, schema: { tags: ['joint-meetings'], security, params: BodyParams, querystring: Type.Object({ quarter: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })) }, { additionalProperties: false }), response: responses } },
    async (request) => {
      const body = await visibleBody(request.auth, request.params.id);
      const meetings = await db.jointMeeting.findMany({ where: { bodyId: body.id, ...(request.query.quarter ? { quarter: request.query.quarter } : {}) }, orderBy: { createdAt: 'asc' } });
      const decisions = await db.jointMeetingDecision.findMany({ where: { bodyId: body.id }, orderBy: { createdAt: 'asc' } });
      const quarters = [...new Set(meetings.map((m) => m.quarter))];
      const now = Date.now();
      return {
        bodyId: body.id,
        flagged: body.flagged,
        quarters: quarters.map((quarter) => {
          const qMeetings = meetings.filter((m) => m.quarter === quarter);
          const qDecisions = decisions.filter((d) => d.quarter === quarter);
          const carried = decisions.filter((d) => d.carriedInto.includes(quarter));
          return {
            quarter,
            meetings: qMeetings.map((m) => ({ id: m.id, kind: m.kind, status: m.status, missingFrom: m.missingFrom })),
            ...quarterReportFigures({
              meetings: qMeetings.map((m) => ({ held: m.status === 'held', attendance: m.attendance as { present: boolean }[] })),
              decisions: qDecisions.map((d) => ({ status: d.status as DecisionStatus, dueAt: d.dueAt.getTime(), doneAt: d.doneAt?.getTime() ?? null, reportedAt: d.reportedAt?.getTime() ?? null })),
              now,
            }),
            carriedOver: carried.map((d) => ({ id: d.id, title: d.title, fromQuarter: d.quarter, status: d.status, dueAt: d.dueAt.toISOString() })),
          };
        }),
      };
    },
  );
}

/** At start-up: every body's Schedule made to match its row (repairs a failure between the two). */
export async function reconcileJointSchedules(db: Db, temporal: Client, config: JointMeetingsConfig): Promise<number> {
  const bodies = await db.jointMeetingBody.findMany({ select: { id: true, status: true } });
  for (const b of bodies) await syncJointSchedule(temporal, b, config);
  return bodies.length;
}
