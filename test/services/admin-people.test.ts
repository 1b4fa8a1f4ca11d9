/**
 * The roster, transfers and committees over HTTP (issue 13), and `committeeMembers`, which collective
 * decisions will read for their quorum. Another county's administrator gets 404 and changes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { ROSTER_COLUMNS, committeeMembers, personPhone, personPhoneColumns } from '@dj/db';
import { demoOrgs } from '@dj/db/seed-demo';
import { buildIdentityApp } from '@dj/identity';
import { captureLogs } from '../src/log-capture';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

let f: Fixture;
let identity: FastifyInstance;
const logs = captureLogs();
const tokens: Record<string, string> = {};
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const P = randomUUID().slice(0, 6);
const OUTSIDER = `xihe.admin.${P}`;

const call = (user: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => identity.inject({ method, url, headers: bearer(tokens[user]!), ...(payload ? { payload } : {}) });

type Member = { roleId: string; personId: string; name: string; role: string; status: string };
type RosterItem = { id: string; name: string; phone: string | null; status: string; branchId: string };

async function dbState() {
  return {
    people: await f.db.person.findMany({ orderBy: { id: 'asc' } }),
    memberships: await f.db.partyMembership.findMany({ orderBy: { id: 'asc' } }),
    roles: await f.db.orgRole.findMany({ orderBy: { id: 'asc' } }),
    audit: await f.db.adminAuditLog.count(),
  };
}

beforeAll(async () => {
  f = await startServices();
  identity = await buildIdentityApp({ ...f.deps, logger: { level: 'info', stream: logs.stream } });
  for (const u of ['admin', 'donghu.admin', 'zhang.zhibu']) tokens[u] = await f.login(u);
  tokens[OUTSIDER] = await f.addUser(OUTSIDER, '西河县管理员', [{ orgId: 'county-b', role: 'admin' }]);
});
afterAll(async () => {
  await identity?.close();
  await f?.close();
});

/** Text as GB18030 bytes (Node decodes GB18030 but has no encoder): the two-byte table read back from the decoder. */
function gb18030(text: string): Buffer {
  const decoder = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  for (let a = 0x81; a <= 0xfe; a++) {
    for (let b = 0x40; b <= 0xfe; b++) {
      if (b === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(a, b));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [a, b]);
    }
  }
  return Buffer.from([...text].flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : table.get(ch) ?? [])));
}

async function addMember(user: string, fields: Record<string, unknown> = {}) {
  const res = await call(user, 'POST', '/api/admin/people', { name: `测试${P}`, gender: 'female', birthDate: '1990-01-01', joinedOn: '2015-07-01', fullOn: '2016-07-01', phone: '13912345678', branchId: 'branch-a1-1', startOn: '2015-07-01', ...fields });
  expect(res.statusCode, res.body).toBe(201);
  return body<{ id: string }>(res).id;
}

describe('roster and committees', () => {
  it('seeds a committee with a secretary for every demo branch, village and township', async () => {
    for (const org of demoOrgs.filter((o) => ['branch', 'village', 'township'].includes(o.type))) {
      const members = await committeeMembers(f.db, org.id);
      expect(members.filter((m) => m.role === 'secretary'), org.id).toHaveLength(1);
      expect(members.every((m) => m.status === 'full'), org.id).toBe(true);
    }
    const town = await committeeMembers(f.db, 'town-a1');
    expect(town.map((m) => [m.name, m.role])).toEqual([
      ['王建国', 'secretary'],
      ['赵红', 'deputy_secretary'],
      ['李晓梅', 'member'],
    ]);
    // Before the 2024 换届 the committee did not exist yet.
    expect(await committeeMembers(f.db, 'town-a1', '2023-12-31')).toEqual([]);
  });

  it('lists a branch’s roster by name with masked phones, keyset-paged and searchable', async () => {
    const all = body<{ items: RosterItem[] }>(await call('donghu.admin', 'GET', '/api/admin/people?orgId=branch-a1-1&limit=200')).items;
    expect(all.length).toBeGreaterThanOrEqual(9);
    for (const p of all) expect(p.phone).toMatch(/^1\d{2}\*+\d{2}$/);
    expect(all.find((p) => p.name === '刘桂兰')).toMatchObject({ status: 'probationary' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: RosterItem[]; nextCursor: string | null } = body(await call('donghu.admin', 'GET', `/api/admin/people?orgId=branch-a1-1&limit=4${cursor ? `&cursor=${cursor}` : ''}`));
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((p) => p.id));
    const found = body<{ items: RosterItem[] }>(await call('donghu.admin', 'GET', `/api/admin/people?q=${encodeURIComponent('晓梅')}`)).items;
    expect(found.map((p) => p.name)).toEqual(['李晓梅']);
    // 东湖镇's administrator does not see 西山镇's branch.
    expect((await call('donghu.admin', 'GET', '/api/admin/people?orgId=branch-a2-1')).statusCode).toBe(404);
    expect((await call('zhang.zhibu', 'GET', '/api/admin/people')).statusCode).toBe(403);
  });

  it('refuses invalid particulars and posts with coded 400s and changes nothing', async () => {
    const probationary = await addMember('donghu.admin', { name: `预备${P}`, joinedOn: '2026-01-10', fullOn: null, startOn: '2026-01-10' });
    const before = await dbState();
    const bad: [string, string, object, string][] = [
      ['POST', '/api/admin/people', { name: '某人', gender: 'female', birthDate: '2000-01-01', joinedOn: '1999-01-01', branchId: 'branch-a1-1', startOn: '2020-01-01' }, 'PERSON_INVALID'],
      ['POST', '/api/admin/people', { name: '某人', gender: 'female', birthDate: '1990-01-01', joinedOn: '2015-01-01', fullOn: '2014-01-01', branchId: 'branch-a1-1', startOn: '2020-01-01' }, 'PERSON_INVALID'],
      // 党章第一条: joined the day before the 18th birthday (the import refuses the same row).
      ['POST', '/api/admin/people', { name: '某人', gender: 'female', birthDate: '2000-03-15', joinedOn: '2018-03-14', branchId: 'branch-a1-1', startOn: '2020-01-01' }, 'PERSON_INVALID'],
      ['PATCH', `/api/admin/people/${probationary}`, { birthDate: '2010-01-01' }, 'PERSON_INVALID'],
      ['POST', '/api/admin/people', { name: '某人', gender: 'female', birthDate: '1990-01-01', joinedOn: '2015-01-01', phone: '12345', branchId: 'branch-a1-1', startOn: '2020-01-01' }, 'VALIDATION_FAILED'],
      ['POST', '/api/admin/people', { name: '某人', gender: 'x', birthDate: '1990-01-01', joinedOn: '2015-01-01', branchId: 'branch-a1-1', startOn: '2020-01-01' }, 'VALIDATION_FAILED'],
      ['POST', '/api/admin/people', { name: '某人', gender: 'male', birthDate: '1990-01-01', joinedOn: '2015-01-01', branchId: 'village-a1-1', startOn: '2020-01-01' }, 'PERSON_INVALID'],
      ['POST', '/api/admin/orgs/branch-a1-1/committee', { personId: probationary, role: 'member', startOn: today, reason: '补选' }, 'ROLE_INVALID'],
      ['POST', '/api/admin/orgs/branch-a1-1/committee', { personId: (await f.db.person.findFirstOrThrow({ where: { name: '陈国栋' } })).id, role: 'secretary', startOn: today, reason: '第二个书记' }, 'ROLE_INVALID'],
      ['POST', '/api/admin/orgs/branch-a1-1/committee', { personId: (await f.db.person.findFirstOrThrow({ where: { name: '马建华' } })).id, role: 'member', startOn: today, reason: '重复任职' }, 'ROLE_INVALID'],
      ['POST', '/api/admin/orgs/branch-a1-1/committee', { personId: (await f.db.person.findFirstOrThrow({ where: { name: '陈国栋' } })).id, role: 'group_leader', startOn: today, reason: '支部无组长' }, 'ROLE_INVALID'],
      ['PATCH', `/api/admin/people/${probationary}`, { fullOn: '2999-01-01' }, 'PERSON_INVALID'],
      ['PATCH', `/api/admin/people/${probationary}`, {}, 'VALIDATION_FAILED'],
    ];
    for (const [method, url, payload, code] of bad) {
      const res = await call('donghu.admin', method as 'POST', url, payload);
      expect(res.statusCode, `${url} ${JSON.stringify(payload)}`).toBe(400);
      expect(body(res)).toMatchObject({ code, message: expect.stringContaining(' / ') });
    }
    expect(await dbState()).toEqual(before);
  });

  it('appoints and ends posts with dates: the committee on each date is who held the post that day', async () => {
    const id = await addMember('donghu.admin', { name: `委员${P}` });
    const res = await call('donghu.admin', 'POST', '/api/admin/orgs/branch-a1-1/committee', { personId: id, role: 'member', startOn: '2025-03-01', reason: '支部党员大会补选' });
    expect(res.statusCode, res.body).toBe(201);
    const { roleId } = body<{ roleId: string }>(res);
    const on = async (date: string) => body<{ committee: Member[] }>(await call('donghu.admin', 'GET', `/api/admin/orgs/branch-a1-1/committee?on=${date}`)).committee.map((m) => m.name);
    expect(await on('2025-02-28')).not.toContain(`委员${P}`);
    expect(await on(today)).toContain(`委员${P}`);
    // Secretary first, then deputies, then members by the date they took office.
    expect((await committeeMembers(f.db, 'branch-a1-1')).map((m) => m.name)).toEqual(['张志斌', '黄淑芬', '马建华', `委员${P}`]);
    const ended = await call('donghu.admin', 'POST', `/api/admin/orgs/branch-a1-1/committee/${roleId}/end`, { endOn: '2025-09-01', reason: '辞去委员职务' });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(await on('2025-08-31')).toContain(`委员${P}`);
    expect(await on('2025-09-01')).not.toContain(`委员${P}`);
    const audit = await f.db.adminAuditLog.findMany({ where: { objectId: roleId }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['role.appoint', 'role.end']);
  });

  it('transfers a member to another branch (组织关系转接) keeping the history; posts in the old branch end', async () => {
    const id = await addMember('admin', { name: `转出${P}` });
    // A post from a date after the meetings other test files record for this branch (2026-11-20), so
    // their rosters stay the demo committee.
    expect((await call('admin', 'POST', '/api/admin/orgs/branch-a1-1/committee', { personId: id, role: 'member', startOn: '2026-11-25', reason: '补选' })).statusCode).toBe(201);
    // 东湖镇's administrator cannot send a member into 西山镇.
    expect((await call('donghu.admin', 'POST', `/api/admin/people/${id}/transfer`, { branchId: 'branch-a2-1', on: today, reason: '工作调动' })).statusCode).toBe(404);
    const res = await call('admin', 'POST', `/api/admin/people/${id}/transfer`, { branchId: 'branch-a2-1', on: today, reason: '工作调动' });
    expect(res.statusCode, res.body).toBe(200);
    expect(body(res)).toMatchObject({ branchId: 'branch-a2-1', endedRoles: [{ orgId: 'branch-a1-1', role: 'member' }] });
    const detail = body<{ person: RosterItem; memberships: { branchId: string; endOn: string | null }[]; posts: { orgId: string; endOn: string | null }[] }>(await call('admin', 'GET', `/api/admin/people/${id}`));
    expect(detail.person.branchId).toBe('branch-a2-1');
    expect(detail.memberships).toEqual([expect.objectContaining({ branchId: 'branch-a2-1', endOn: null }), expect.objectContaining({ branchId: 'branch-a1-1', endOn: today })]);
    expect(detail.posts).toEqual([expect.objectContaining({ orgId: 'branch-a1-1', endOn: today })]);
    expect((await committeeMembers(f.db, 'branch-a1-1')).map((m) => m.personId)).not.toContain(id);
    // Now 西山镇's member: 东湖镇's administrator no longer sees the person.
    expect((await call('donghu.admin', 'GET', `/api/admin/people/${id}`)).statusCode).toBe(404);
  });

  it('shows the full phone number only on request, logged without the number', async () => {
    const id = await addMember('donghu.admin', { name: `电话${P}`, phone: '13987654321' });
    const masked = body<{ person: RosterItem }>(await call('donghu.admin', 'GET', `/api/admin/people/${id}`));
    expect(masked.person.phone).toBe('139******21');
    const from = logs.lines.length;
    const full = await call('donghu.admin', 'GET', `/api/admin/people/${id}/phone`);
    expect(body(full)).toEqual({ phone: '13987654321' });
    expect(logs.entries(from).some((l) => l.event === 'personal-data.view' && l.personId === id)).toBe(true);
    expect(logs.lines.join('\n')).not.toContain('13987654321');
    expect(await f.db.adminAuditLog.count({ where: { objectId: id, action: 'person.view-phone' } })).toBe(1);
    const created = await f.db.adminAuditLog.findFirstOrThrow({ where: { objectId: id, action: 'person.create' } });
    expect(JSON.stringify(created.after)).not.toContain('13987654321');
    const view = await f.db.adminAuditLog.findFirstOrThrow({ where: { objectId: id, action: 'person.view-phone' } });
    expect(view).toMatchObject({ orgId: 'branch-a1-1', before: null, after: null });

    // At rest: only the cipher (under the key outside the database) and the keyed hash, never the number.
    const stored = async () => (await f.db.$queryRaw<{ phone: string | null; cipher: string | null; hash: string | null }[]>`SELECT phone, phone_cipher AS cipher, phone_hash AS hash FROM person WHERE id = ${id}::uuid`)[0]!;
    const first = await stored();
    expect(first.phone).toBeNull();
    expect(first.cipher).toMatch(/^pd1:[0-9a-f]{8}:/);
    expect(`${first.cipher}${first.hash}`).not.toContain('13987654321');
    // A correction re-encrypts; the full view shows the new number, masked elsewhere.
    expect((await call('donghu.admin', 'PATCH', `/api/admin/people/${id}`, { phone: '0571-88889999' })).statusCode).toBe(200);
    const second = await stored();
    expect(second.phone).toBeNull();
    expect(second.cipher).not.toBe(first.cipher);
    expect(second.hash).not.toBe(first.hash);
    expect(body(await call('donghu.admin', 'GET', `/api/admin/people/${id}/phone`))).toEqual({ phone: '0571-88889999' });
    const corrected = await f.db.adminAuditLog.findFirstOrThrow({ where: { objectId: id, action: 'person.update' } });
    expect(JSON.stringify(corrected)).not.toMatch(/13987654321|88889999/);

    // Another county's administrator: 404, and no view recorded.
    expect((await call(OUTSIDER, 'GET', `/api/admin/people/${id}/phone`)).statusCode).toBe(404);
    expect(await f.db.adminAuditLog.count({ where: { objectId: id, action: 'person.view-phone' } })).toBe(2);
  });

  it('gives another county’s administrator 404 on every roster endpoint and changes nothing', async () => {
    const person = await f.db.person.findFirstOrThrow({ where: { name: '马建华' } });
    const role = await f.db.orgRole.findFirstOrThrow({ where: { orgId: 'branch-a1-1', personId: person.id } });
    const before = await dbState();
    const attempts: ['GET' | 'POST' | 'PATCH', string, object?][] = [
      ['GET', '/api/admin/people?orgId=branch-a1-1'],
      ['GET', `/api/admin/people/${person.id}`],
      ['GET', `/api/admin/people/${person.id}/phone`],
      ['GET', '/api/admin/orgs/branch-a1-1/committee'],
      ['PATCH', `/api/admin/people/${person.id}`, { name: '被改名' }],
      ['POST', `/api/admin/people/${person.id}/transfer`, { branchId: 'branch-b1-1', on: today, reason: '越权' }],
      ['POST', '/api/admin/people', { name: '渗透者', gender: 'male', birthDate: '1990-01-01', joinedOn: '2015-01-01', branchId: 'branch-a1-1', startOn: '2020-01-01' }],
      ['POST', '/api/admin/orgs/branch-a1-1/committee', { personId: person.id, role: 'deputy_secretary', startOn: today, reason: '越权' }],
      ['POST', `/api/admin/orgs/branch-a1-1/committee/${role.id}/end`, { endOn: today, reason: '越权' }],
      // Its own branch's committee, with a member of this county: still 404.
      ['POST', '/api/admin/orgs/branch-b1-1/committee', { personId: person.id, role: 'member', startOn: today, reason: '越权' }],
    ];
    for (const [method, url, payload] of attempts) {
      const res = await call(OUTSIDER, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    // Its own roster shows only 西河县.
    const own = body<{ items: RosterItem[] }>(await call(OUTSIDER, 'GET', '/api/admin/people?limit=200')).items;
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((p) => p.branchId === 'branch-b1-1')).toBe(true);
    expect(await dbState()).toEqual(before);
  });

  describe('CSV import and export', () => {
    const header = '姓名,性别,出生日期,入党日期,转正日期,党支部编码,党小组编码,联系电话';
    const imp = (user: string, csv: string, dryRun: boolean) => call(user, 'POST', '/api/admin/people/import', { csv, dryRun });
    type Report = { dryRun: boolean; applied: boolean; rows: number; created: number; updated: number; unchanged: number; errors: { row: number; messages: string[] }[] };

    it('exports a branch’s roster with the import’s columns (recorded) and imports it back unchanged', async () => {
      const res = await call('donghu.admin', 'GET', '/api/admin/people/export.csv?orgId=branch-a1-1');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]).toBe(header);
      expect(lines.find((l) => l.startsWith('张志斌,'))).toMatch(/^张志斌,男,1975-03-12,1998-07-01,1999-07-01,branch-a1-1,,139\d{8}$/);
      expect(await f.db.adminAuditLog.count({ where: { action: 'person.export', objectId: 'branch-a1-1' } })).toBeGreaterThanOrEqual(1);
      const before = await dbState();
      const back = body<Report>(await imp('donghu.admin', res.body, false));
      expect(back).toMatchObject({ applied: true, created: 0, updated: 0, unchanged: lines.length - 1, errors: [] });
      expect({ ...(await dbState()), audit: before.audit }).toEqual(before);
    });

    it('a dry run reports what an import would do and writes nothing; the import does it; the same file again changes nothing', async () => {
      const csv = [header, `导入甲${P},男,1991-02-03,2016-07-01,2017-07-01,branch-a1-1,,13800001111`, `导入乙${P},女,1992-04-05,2026-05-01,,branch-a1-1,,`, '张志斌,男,1975-03-12,1998-07-01,1999-07-01,branch-a1-1,,'].join('\n');
      const before = await dbState();
      const dry = body<Report>(await imp('donghu.admin', csv, true));
      expect(dry).toMatchObject({ dryRun: true, applied: false, rows: 3, created: 2, updated: 1, unchanged: 0, errors: [] });
      expect(await dbState()).toEqual(before);
      const done = body<Report>(await imp('donghu.admin', csv, false));
      expect(done).toMatchObject({ applied: true, created: 2, updated: 1, errors: [] });
      expect(await f.db.person.findFirstOrThrow({ where: { name: `导入乙${P}` } })).toMatchObject({ status: 'probationary', phoneCipher: null, phoneHash: null, plainPhone: null });
      // The imported phone at rest: cipher and keyed hash, the plaintext column empty in the whole table.
      const [imported] = await f.db.$queryRaw<{ id: string; phone: string | null; cipher: string; hash: string }[]>`SELECT id, phone, phone_cipher AS cipher, phone_hash AS hash FROM person WHERE name = ${`导入甲${P}`}`;
      expect(imported!.phone).toBeNull();
      expect(`${imported!.cipher}${imported!.hash}`).not.toContain('13800001111');
      expect(personPhone({ id: imported!.id, phoneCipher: imported!.cipher })).toBe('13800001111');
      expect(await f.db.$queryRaw`SELECT count(*)::int AS n FROM person WHERE phone IS NOT NULL OR (phone_cipher IS NULL) <> (phone_hash IS NULL)`).toEqual([{ n: 0 }]);
      const after = await dbState();
      const again = body<Report>(await imp('donghu.admin', csv, false));
      expect(again).toMatchObject({ applied: true, created: 0, updated: 0, unchanged: 3 });
      expect({ ...(await dbState()), audit: after.audit }).toEqual(after);
      // (张志斌's phone was cleared by the file, which had none: put it back for the other tests.)
      const zhang = before.people.find((p) => p.name === '张志斌')!;
      await f.db.person.update({ where: { id: zhang.id }, data: personPhoneColumns(zhang.id, personPhone(zhang)) });
    });

    it('reports every row’s errors in Chinese and imports nothing, even rows that were fine', async () => {
      const csv = [
        header,
        `正常行${P},男,1990-01-01,2015-07-01,2016-07-01,branch-a1-1,,`,
        `性别错${P},M,1990-01-01,2015-07-01,,branch-a1-1,,`,
        `日期错${P},女,1990-13-01,2015-07-01,,branch-a1-1,,123`,
        `越权${P},男,1990-01-01,2015-07-01,,branch-b1-1,,`,
        `正常行${P},男,1990-01-01,2015-07-01,2016-07-01,branch-a1-1,,`,
        '黄淑芬,女,1980-11-20,2006-05-10,2007-05-10,branch-a2-1,,',
      ].join('\r\n');
      const before = await dbState();
      const report = body<Report>(await imp('donghu.admin', csv, false));
      expect(report.applied).toBe(false);
      expect(report.errors.map((e) => e.row)).toEqual([3, 4, 5, 6, 7]);
      const text = (row: number) => report.errors.find((e) => e.row === row)!.messages.join('；');
      expect(text(3)).toContain('性别须为“男”或“女”');
      expect(text(4)).toContain('出生日期“1990-13-01”不是日期（可写作 2024-05-01、2024/5/1 或 2024年5月1日）');
      expect(text(4)).toContain('联系电话“123”须为 11 位手机号或固定电话');
      expect(text(5)).toContain('党支部编码“branch-b1-1”不存在或不在您管理的范围内');
      expect(text(6)).toContain('与第 2 行是同一人');
      expect(text(7)).toContain('党支部编码“branch-a2-1”不存在或不在您管理的范围内');
      expect(await dbState()).toEqual(before);
      const badHeader = body<Report>(await imp('donghu.admin', '名字,性别\n张三,男', false));
      expect(badHeader.errors).toEqual([{ row: 1, messages: ['缺少必填列：“出生日期”、“入党日期”、“转正日期”、“党支部编码”（第一行须为表头，列名见模板的“填写说明”）'] }]);
    });

    it('fails as a whole when a row fails after earlier rows were written, leaving the database as it was', async () => {
      // Row 2 is valid and written inside the transaction; row 3 is refused by the database checks.
      const csv = [header, `半途甲${P},男,1990-01-01,2015-07-01,2016-07-01,branch-a1-1,,`, `半途乙${P},男,1990-01-01,2015-07-01,2016-07-01,branch-a1-1,no-such-group,`].join('\n');
      const before = await dbState();
      const report = body<Report>(await imp('donghu.admin', csv, false));
      expect(report).toMatchObject({ applied: false, errors: [{ row: 3 }] });
      expect(await f.db.person.count({ where: { name: `半途甲${P}` } })).toBe(0);
      expect(await dbState()).toEqual(before);
    });

    it('another county’s administrator can neither export nor import into this county', async () => {
      expect((await call(OUTSIDER, 'GET', '/api/admin/people/export.csv?orgId=branch-a1-1')).statusCode).toBe(404);
      const before = await dbState();
      const report = body<Report>(await imp(OUTSIDER, [header, `外县${P},男,1990-01-01,2015-07-01,,branch-a1-1,,`].join('\n'), false));
      expect(report.applied).toBe(false);
      expect(report.errors[0]!.messages[0]).toContain('不在您管理的范围内');
      expect(await dbState()).toEqual(before);
    });
  });
  describe('xlsx: template, export, column mapping, file upload', () => {
    const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    type Report = { dryRun: boolean; applied: boolean; rows: number; created: number; updated: number; unchanged: number; errors: { row: number; messages: string[] }[]; warnings: string[] };
    const upload = (user: string, bytes: Buffer, dryRun: boolean, contentType = XLSX) =>
      identity.inject({ method: 'POST', url: `/api/admin/people/import-file?dryRun=${dryRun}`, headers: { ...bearer(tokens[user]!), 'content-type': contentType }, payload: bytes });
    const load = async (bytes: Buffer) => {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
      return workbook;
    };
    const sheetOf = async (header: unknown[], rows: unknown[][]) => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Sheet1');
      sheet.addRow(header);
      for (const r of rows) sheet.addRow(r);
      return Buffer.from(await workbook.xlsx.writeBuffer());
    };
    const utc = (d: string) => new Date(`${d}T00:00:00Z`);

    it('gives administrators the template: the header and a 填写说明 sheet explaining every column', async () => {
      const res = await call('donghu.admin', 'GET', '/api/admin/people/template.xlsx');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe(XLSX);
      const workbook = await load(res.rawPayload);
      expect(workbook.worksheets.map((w) => w.name)).toEqual(['花名册', '填写说明']);
      expect((workbook.getWorksheet('花名册')!.getRow(1).values as unknown[]).slice(1)).toEqual(ROSTER_COLUMNS);
      expect(workbook.getWorksheet('花名册')!.rowCount).toBe(1);
      const guide = workbook.getWorksheet('填写说明')!;
      const described = ROSTER_COLUMNS.map((c) => guide.getColumn(1).values.indexOf(c));
      expect(described.every((i) => i > 1)).toBe(true);
      expect(String(guide.getRow(described[2]!).getCell(3).value)).toContain('1975/3/12');
      expect(String(guide.getRow(described[7]!).getCell(5).value)).toContain('手机号码');
      // The empty template imported as it is: nothing to import, said so.
      const empty = body<Report>(await upload('donghu.admin', res.rawPayload, true));
      expect(empty.errors).toEqual([{ row: 2, messages: ['文件中没有党员数据'] }]);
      expect((await call('zhang.zhibu', 'GET', '/api/admin/people/template.xlsx')).statusCode).toBe(403);
    });

    it('exports a branch as xlsx (dates as Excel dates, phones as text; recorded) and the export imports back unchanged', async () => {
      const auditBefore = await f.db.adminAuditLog.count({ where: { action: 'person.export', objectId: 'branch-a1-1' } });
      const res = await call('donghu.admin', 'GET', '/api/admin/people/export.xlsx?orgId=branch-a1-1');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename="roster-branch-a1-1.xlsx"');
      expect(await f.db.adminAuditLog.count({ where: { action: 'person.export', objectId: 'branch-a1-1' } })).toBe(auditBefore + 1);
      const sheet = (await load(res.rawPayload)).getWorksheet('花名册')!;
      const zhang = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(1).value === '张志斌')!;
      expect(zhang.getCell(3).value).toEqual(utc('1975-03-12'));
      expect(zhang.getCell(6).value).toBe('branch-a1-1');
      expect(zhang.getCell(8).value).toMatch(/^139\d{8}$/);
      const before = await dbState();
      const back = body<Report>(await upload('donghu.admin', res.rawPayload, false));
      expect(back).toMatchObject({ applied: true, created: 0, updated: 0, unchanged: sheet.rowCount - 1, errors: [], warnings: [] });
      expect({ ...(await dbState()), audit: before.audit }).toEqual(before);
    });

    it('maps columns by name in any order with synonyms and spaces, reads Excel dates, text dates and numeric phones', async () => {
      const bytes = await sheetOf(
        [' 名字 ', '所在党支部', '出生年月', '性别', '入党时间', '转正时间', '手机号码', '籍贯'],
        [
          [`映射甲${P}`, 'branch-a1-1', utc('1988-02-03'), '男', '2012/7/1', '2013年7月1日', 13912340001, '浙江'],
          [`映射乙${P}`, 'branch-a1-1', '1990年1月2日', '女', 45413, null, '+86 139 1234 0002', null],
          [`映射丙${P}`, 'branch-a1-1', 19850506, '女', utc('2010-10-10'), '2011.10.10', null, null],
        ],
      );
      const before = await dbState();
      const dry = body<Report>(await upload('donghu.admin', bytes, true));
      expect(dry).toMatchObject({ dryRun: true, applied: false, rows: 3, created: 3, errors: [] });
      expect(dry.warnings).toEqual(['以下列不是花名册的列，已忽略：“籍贯”（H 列）', '文件没有“党小组编码”列：新党员不编入党小组，已有党员的党小组保持不变']);
      expect(await dbState()).toEqual(before);
      expect(body<Report>(await upload('donghu.admin', bytes, false))).toMatchObject({ applied: true, created: 3 });
      const people = await f.db.person.findMany({ where: { name: { in: [`映射甲${P}`, `映射乙${P}`, `映射丙${P}`] } }, orderBy: { name: 'asc' } });
      const view = people.map((p) => [p.name, p.birthDate.toISOString().slice(0, 10), p.joinedOn.toISOString().slice(0, 10), p.fullOn?.toISOString().slice(0, 10) ?? null, p.status, personPhone(p)]);
      expect(view).toEqual(
        expect.arrayContaining([
          [`映射甲${P}`, '1988-02-03', '2012-07-01', '2013-07-01', 'full', '13912340001'],
          // 45413 is the Excel serial of 2024-05-01 in a cell not formatted as a date.
          [`映射乙${P}`, '1990-01-02', '2024-05-01', null, 'probationary', '13912340002'],
          [`映射丙${P}`, '1985-05-06', '2010-10-10', '2011-10-10', 'full', null],
        ]),
      );
      // A file without the phone column leaves the phones as they are.
      const again = await sheetOf(['姓名', '性别', '出生日期', '入党日期', '转正日期', '党支部编码'], [[`映射甲${P}`, '男', '1988-02-03', '2012-07-01', '2013-07-01', 'branch-a1-1']]);
      const kept = body<Report>(await upload('donghu.admin', again, false));
      expect(kept).toMatchObject({ applied: true, unchanged: 1, updated: 0 });
      expect(kept.warnings).toContain('文件没有“联系电话”列：已有党员的联系电话保持不变');
      expect(personPhone(await f.db.person.findFirstOrThrow({ where: { name: `映射甲${P}` } }))).toBe('13912340001');
    });

    it('reports every row’s errors in Chinese for an xlsx and imports nothing', async () => {
      const bytes = await sheetOf(
        ['姓名', '性别', '出生日期', '入党日期', '转正日期', '党支部编码', '联系电话'],
        [
          [`好行${P}`, '男', utc('1990-01-01'), utc('2015-07-01'), utc('2016-07-01'), 'branch-a1-1', 13800138000],
          [`年月${P}`, '女', '1990.05', utc('2015-07-01'), null, 'branch-a1-1', 1380013],
          [`未满${P}`, '男', utc('2000-03-01'), utc('2017-07-01'), null, 'branch-a1-1', null],
          [`缺支部${P}`, '男', utc('1990-01-01'), '2015-02-30', null, null, null],
        ],
      );
      const before = await dbState();
      const report = body<Report>(await upload('donghu.admin', bytes, false));
      expect(report.applied).toBe(false);
      expect(report.errors).toEqual([
        { row: 3, messages: ['出生日期“1990.05”只有年月，请写到日（如 1990-05-01）', '联系电话“1380013”须为 11 位手机号或固定电话（如 0571-88889999）'] },
        { row: 4, messages: ['入党时须年满十八岁（《中国共产党章程》第一条）'] },
        { row: 5, messages: ['入党日期“2015-02-30”不是日期（可写作 2024-05-01、2024/5/1 或 2024年5月1日）', '党支部编码不能为空'] },
      ]);
      expect(await dbState()).toEqual(before);
      const missing = body<Report>(await upload('donghu.admin', await sheetOf(['姓名', '性别', '出生日期', '转正日期', '党支部编码', '姓名'], []), true));
      expect(missing.errors).toEqual([{ row: 1, messages: ['“姓名”列出现了两次（A 列和 F 列），请只保留一列', '缺少必填列：“入党日期”（第一行须为表头，列名见模板的“填写说明”）'] }]);
    });

    it('reads a CSV saved by Excel on Chinese Windows (GB18030) and refuses files it cannot read with a coded 400', async () => {
      const csv = `${ROSTER_COLUMNS.join(',')}\r\n编码${P},女,1991-03-04,2016-07-01,2017-07-01,branch-a1-1,,13912340003\r\n`;
      const bytes = gb18030(csv);
      expect(bytes.includes(Buffer.from('姓名'))).toBe(false);
      const dry = body<Report>(await upload('donghu.admin', bytes, true, 'text/csv'));
      expect(dry).toMatchObject({ rows: 1, created: 1, errors: [] });
      const before = await dbState();
      for (const [payload, message] of [
        [Buffer.from('not a spreadsheet at all, but PK-less binary \u0000\u0001'), '文件不是 .xlsx 或 CSV 文本文件'],
        [Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]), '不支持旧版 Excel 97-2003（.xls）文件'],
        [Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100)]), '文件不是有效的 .xlsx 文件'],
      ] as const) {
        const res = await upload('donghu.admin', payload, false, 'application/octet-stream');
        expect(res.statusCode).toBe(400);
        expect(body(res)).toMatchObject({ code: 'ROSTER_FILE_INVALID', message: expect.stringContaining(message) });
      }
      const json = await identity.inject({ method: 'POST', url: '/api/admin/people/import-file?dryRun=true', headers: bearer(tokens['donghu.admin']!), payload: { csv: 'x' } });
      expect(json.statusCode).toBe(415);
      expect(body(json)).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect((await upload('zhang.zhibu', bytes, true, 'text/csv')).statusCode).toBe(403);
      // Past the services' body limit of 1 MiB: a coded 413.
      const big = await upload('donghu.admin', Buffer.alloc(1024 * 1024 + 1, 0x41), true, 'text/csv');
      expect(big.statusCode).toBe(413);
      expect(body(big)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      const doc = body<{ paths: Record<string, unknown> }>(await identity.inject({ method: 'GET', url: '/api/identity/openapi.json' }));
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/admin/people/import-file', '/api/admin/people/export.xlsx', '/api/admin/people/template.xlsx']));
      expect(await dbState()).toEqual(before);
    });

    it('another county’s administrator can neither export nor import an xlsx into this county', async () => {
      expect((await call(OUTSIDER, 'GET', '/api/admin/people/export.xlsx?orgId=branch-a1-1')).statusCode).toBe(404);
      const before = await dbState();
      const bytes = await sheetOf(ROSTER_COLUMNS, [[`外县${P}`, '男', utc('1990-01-01'), utc('2015-07-01'), null, 'branch-a1-1', null, null]]);
      const report = body<Report>(await upload(OUTSIDER, bytes, false));
      expect(report).toMatchObject({ applied: false, errors: [{ row: 2, messages: ['党支部编码“branch-a1-1”不存在或不在您管理的范围内'] }] });
      expect(await dbState()).toEqual(before);
    });
  });
});
