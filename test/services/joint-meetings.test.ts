import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jointScheduleExists, jointScheduleId } from '@dj/process-api/schedules';
import { JOINT_QUARTER_SECONDS, bearer, body, startServices, type Fixture } from '../src/service-fixture';
import { until } from '../../workflows/test/harness';

let f: Fixture;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
const USERS = ['admin', 'donghu.admin', 'li.zuzhi', 'he.xianwei', 'wang.shuji', 'gong.lianluo', 'wuye.lianluo', 'juwei.lianluo', 'sun.zhibu', 'liu.zuzhi', 'gd.jingli'];
beforeAll(async () => {
  f = await startServices();
  for (const u of USERS) {
    tokens[u] = await f.login(u);
    ids[u] = (await f.db.user.findUniqueOrThrow({ where: { username: u } })).id;
  }
});
afterAll(async () => {
  await f?.close();
});

const validBody = () => ({
  name: '东湖镇第二联席会议',
  orgId: 'town-a1',
  convenerId: ids['he.xianwei']!,
  secretaryId: ids['li.zuzhi']!,
  members: [
    { name: '东湖供电所', kind: 'resident-unit', liaisonId: ids['gong.lianluo']!, superiorUserId: ids['gd.jingli']! },
    { name: '东湖物业', kind: 'property-company', liaisonId: ids['wuye.lianluo']! },
    { name: '东湖社区居委会', kind: 'residents-committee', liaisonId: ids['juwei.lianluo']! },
  ],
});
const create = (user: string, payload: unknown) => f.cases.inject({ method: 'POST', url: '/api/joint-meetings', headers: bearer(tokens[user]!), payload: payload as object });
const get = (user: string, url: string) => f.cases.inject({ method: 'GET', url, headers: bearer(tokens[user]!) });
const post = (user: string, url: string, payload?: object) => f.cases.inject({ method: 'POST', url, headers: bearer(tokens[user]!), ...(payload ? { payload } : {}) });
type BodyView = { id: string; status: string; members: { id: string; liaisonId: string }[] };

describe('党建联席会议 bodies over the cases API', () => {
  it('refuses invalid bodies with coded 4xx and stores nothing', async () => {
    const before = await f.db.jointMeetingBody.count();
    expect((await create('li.zuzhi', validBody())).statusCode).toBe(403); // not an administrator
    expect((await create('sun.zhibu', validBody())).statusCode).toBe(403);
    expect(body(await create('donghu.admin', { ...validBody(), orgId: 'branch-a1-1' }))).toMatchObject({ code: 'JOINT_ORG_NOT_ALLOWED' });
    expect(body(await create('donghu.admin', { ...validBody(), convenerId: ids['wang.shuji'] }))).toMatchObject({ code: 'JOINT_CONVENER_NOT_HIGHER' });
    expect(body(await create('donghu.admin', { ...validBody(), secretaryId: '00000000-0000-4000-8000-000000000000' }))).toMatchObject({ code: 'UNKNOWN_TARGET' });
    const dup = validBody();
    dup.members[1]!.liaisonId = ids['gong.lianluo']!;
    expect(body(await create('donghu.admin', dup))).toMatchObject({ code: 'JOINT_DUPLICATE_MEMBER' });
    const extra = await create('donghu.admin', { ...validBody(), color: 'red' });
    expect(extra.statusCode).toBe(400);
    expect(body(await create('donghu.admin', { ...validBody(), members: [] }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    const badKind = validBody();
    (badKind.members[0] as { kind: string }).kind = 'bank';
    expect((await create('donghu.admin', badKind)).statusCode).toBe(400);
    expect(await f.db.jointMeetingBody.count()).toBe(before);
  });

  it('creates a body with its Schedule, runs a backfilled quarter, and keeps another body’s liaison out', async () => {
    const res = await create('donghu.admin', validBody());
    expect(res.statusCode).toBe(201);
    const jm = body<BodyView>(res);
    expect(jm.members).toHaveLength(3);
    expect(await jointScheduleExists(f.deps.temporal, jm.id)).toBe(true);
    expect(await f.db.jointMeetingBodyEvent.count({ where: { bodyId: jm.id, type: 'body.created', actorId: ids['donghu.admin'] } })).toBe(1);

    // Another body in 西山镇 whose liaison is sun.zhibu.
    const other = await create('admin', { name: '西山镇联席会议', orgId: 'town-a2', convenerId: ids['he.xianwei'], secretaryId: ids['liu.zuzhi'], members: [{ name: '西山派出所', kind: 'police-station', liaisonId: ids['sun.zhibu'] }] });
    expect(other.statusCode).toBe(201);

    expect((await get('gong.lianluo', `/api/joint-meetings/${jm.id}`)).statusCode).toBe(200);
    expect((await get('he.xianwei', `/api/joint-meetings/${jm.id}`)).statusCode).toBe(200);
    expect((await get('sun.zhibu', `/api/joint-meetings/${jm.id}`)).statusCode).toBe(404);
    expect(body<{ items: { id: string }[] }>(await get('sun.zhibu', '/api/joint-meetings')).items.map((b) => b.id)).not.toContain(jm.id);

    // Backfill last quarter; the cycle opens one 议题征集 task per liaison.
    const quarter = `T${Math.floor(Date.now() / (JOINT_QUARTER_SECONDS * 1000)) - 1}`;
    expect(body(await post('donghu.admin', `/api/joint-meetings/${jm.id}/backfill`, { quarter: 'T99999999999' }))).toMatchObject({ code: 'JOINT_QUARTER_INVALID' });
    expect((await post('gong.lianluo', `/api/joint-meetings/${jm.id}/backfill`, { quarter })).statusCode).toBe(403);
    expect((await post('donghu.admin', `/api/joint-meetings/${jm.id}/backfill`, { quarter })).statusCode).toBe(202);
    const meeting = await until(() => f.db.jointMeeting.findFirst({ where: { bodyId: jm.id, quarter } }));
    const task = await until(() => f.db.task.findFirst({ where: { caseId: meeting.id, stepKey: 'collect', assignees: { some: { userId: ids['gong.lianluo'] } } } }));
    const cycle = f.deps.temporal.workflow.getHandle((await f.db.case.findUniqueOrThrow({ where: { id: meeting.id } })).workflowId);
    await until(async () => (await cycle.query<{ openTasks: { id: string }[] }>('snapshot')).openTasks.some((t) => t.id === task.id));
    expect((await f.inbox.inject({ method: 'GET', url: `/api/tasks/${task.id}`, headers: bearer(tokens['gong.lianluo']!) })).statusCode).toBe(200);
    expect((await f.inbox.inject({ method: 'GET', url: `/api/tasks/${task.id}`, headers: bearer(tokens['sun.zhibu']!) })).statusCode).toBe(404);
    const foreign = await f.inbox.inject({ method: 'POST', url: `/api/tasks/${task.id}/actions?wait=next`, headers: bearer(tokens['sun.zhibu']!), payload: { action: 'approve', form: { nothing: true, items: [] } } });
    expect(foreign.statusCode).toBe(404);
    expect((await f.cases.inject({ method: 'GET', url: `/api/cases/${meeting.id}`, headers: bearer(tokens['sun.zhibu']!) })).statusCode).toBe(404);
    expect((await post('sun.zhibu', `/api/joint-meetings/${jm.id}/extraordinary`, { reason: '要求召开临时会议' })).statusCode).toBe(404);
    const own = await f.inbox.inject({ method: 'POST', url: `/api/tasks/${task.id}/actions?wait=next`, headers: bearer(tokens['gong.lianluo']!), payload: { action: 'approve', form: { nothing: true, items: [] } } });
    expect(own.statusCode).toBe(200);

    const report = body<{ quarters: { quarter: string; held: boolean; decisions: number; carriedOver: unknown[] }[] }>(await get('he.xianwei', `/api/joint-meetings/${jm.id}/report`));
    expect(report.quarters).toEqual([expect.objectContaining({ quarter, held: false, decisions: 0, carriedOver: [] })]);
    expect((await get('sun.zhibu', `/api/joint-meetings/${jm.id}/report`)).statusCode).toBe(404);
  });

  it('a liaison requests a 临时会议 (the convener decides); others may not', async () => {
    const jm = body<BodyView>(await create('donghu.admin', { ...validBody(), name: '东湖镇第三联席会议' }));
    expect((await post('he.xianwei', `/api/joint-meetings/${jm.id}/extraordinary`, { reason: '汛期排涝' })).statusCode).toBe(403);
    expect((await post('wuye.lianluo', `/api/joint-meetings/${jm.id}/extraordinary`, {})).statusCode).toBe(400);
    const res = await post('wuye.lianluo', `/api/joint-meetings/${jm.id}/extraordinary`, { reason: '汛期排涝，需要各单位协同。' });
    expect(res.statusCode).toBe(201);
    expect(body(res)).toMatchObject({ status: 'open', stage: 'extraordinary-review' });
    const snapshot = body<{ caseId: string }>(res);
    const t = await f.db.task.findFirstOrThrow({ where: { caseId: snapshot.caseId, status: 'open' }, include: { assignees: true } });
    expect(t.assignees[0]!.userId).toBe(ids['he.xianwei']);
  });

  it('pause, resume and delete keep the Schedule in step; a deleted body is gone', async () => {
    const jm = body<BodyView>(await create('donghu.admin', { ...validBody(), name: '东湖镇第四联席会议' }));
    const schedule = f.deps.temporal.schedule.getHandle(jointScheduleId(jm.id));
    expect((await post('gong.lianluo', `/api/joint-meetings/${jm.id}/pause`)).statusCode).toBe(403);
    expect((await post('donghu.admin', `/api/joint-meetings/${jm.id}/pause`)).statusCode).toBe(200);
    expect((await schedule.describe()).state.paused).toBe(true);
    expect((await post('gong.lianluo', `/api/joint-meetings/${jm.id}/extraordinary`, { reason: '暂停期间申请' })).statusCode).toBe(409);
    expect((await post('donghu.admin', `/api/joint-meetings/${jm.id}/resume`)).statusCode).toBe(200);
    expect((await schedule.describe()).state.paused).toBe(false);
    expect((await f.cases.inject({ method: 'DELETE', url: `/api/joint-meetings/${jm.id}`, headers: bearer(tokens['donghu.admin']!) })).statusCode).toBe(200);
    expect(await jointScheduleExists(f.deps.temporal, jm.id)).toBe(false);
    expect((await get('donghu.admin', `/api/joint-meetings/${jm.id}`)).statusCode).toBe(404);
    expect((await f.db.jointMeetingBodyEvent.findMany({ where: { bodyId: jm.id }, orderBy: { at: 'asc' } })).map((e) => e.type)).toEqual(['body.created', 'body.paused', 'body.resumed', 'body.deleted']);
  });
});
