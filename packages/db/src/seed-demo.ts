import { randomUUID } from 'node:crypto';
import { chineseDaysSeed, policyDefaults, type OrgType } from '@dj/domain';
import { createDb, type Db } from './client';
import { hashPassword } from './password';
import { personPhoneColumns } from './personal-data';
import { assertSeparated } from './accounts';

type SeedOrg = { id: string; name: string; type: OrgType; parentId: string | null };

export const demoOrgs: SeedOrg[] = [
  { id: 'city', name: '示范市委组织部', type: 'city_org_dept', parentId: null },
  { id: 'county-a', name: '东山县委', type: 'county', parentId: 'city' },
  { id: 'county-b', name: '西河县委', type: 'county', parentId: 'city' },
  { id: 'town-a1', name: '东湖镇党委', type: 'township', parentId: 'county-a' },
  { id: 'town-a2', name: '西山镇党委', type: 'township', parentId: 'county-a' },
  { id: 'town-b1', name: '河口镇党委', type: 'township', parentId: 'county-b' },
  { id: 'village-a1-1', name: '东湖村党总支', type: 'village', parentId: 'town-a1' },
  { id: 'branch-a1-1', name: '东湖村第一党支部', type: 'branch', parentId: 'village-a1-1' },
  { id: 'village-a2-1', name: '西山村党总支', type: 'village', parentId: 'town-a2' },
  { id: 'branch-a2-1', name: '西山村第一党支部', type: 'branch', parentId: 'village-a2-1' },
  { id: 'village-b1-1', name: '河口村党总支', type: 'village', parentId: 'town-b1' },
  { id: 'branch-b1-1', name: '河口村党支部', type: 'branch', parentId: 'village-b1-1' },
];

export const DEMO_PASSWORD = 'Dangjian@2026';

type SeedUser = { username: string; displayName: string; memberships: { orgId: string; role: string }[]; description: string };

export const demoUsers: SeedUser[] = [
  { username: 'zhang.zhibu', displayName: '张志斌', memberships: [{ orgId: 'branch-a1-1', role: 'branch_secretary' }], description: '东湖村第一党支部书记 — submits requests' },
  { username: 'li.zuzhi', displayName: '李晓梅', memberships: [{ orgId: 'town-a1', role: 'township_org_member' }], description: '东湖镇党委组织委员 — reviews requests' },
  { username: 'wang.shuji', displayName: '王建国', memberships: [{ orgId: 'town-a1', role: 'township_secretary' }], description: '东湖镇党委书记 — supervises the township' },
  { username: 'zhao.xianwei', displayName: '赵立新', memberships: [{ orgId: 'county-a', role: 'county_org_dept' }], description: '东山县委组织部 — decides forwarded requests, receives 督办' },
  { username: 'he.xianwei', displayName: '何振华', memberships: [{ orgId: 'county-a', role: 'county_secretary' }], description: '东山县委书记 — 督办 of cases past their deadline' },
  { username: 'qian.minzheng', displayName: '钱丽', memberships: [{ orgId: 'county-a', role: 'county_civil_affairs' }], description: '东山县民政局 — joint review (联审)' },
  { username: 'zheng.jiwei', displayName: '郑毅', memberships: [{ orgId: 'county-a', role: 'county_discipline' }], description: '东山县纪委监委 — joint review (联审)' },
  { username: 'feng.zhengfa', displayName: '冯涛', memberships: [{ orgId: 'county-a', role: 'county_political_legal' }], description: '东山县委政法委 — joint review (联审)' },
  { username: 'wu.sifa', displayName: '吴芳', memberships: [{ orgId: 'county-a', role: 'county_justice' }], description: '东山县司法局 — joint review (联审)' },
  { username: 'chen.shiwei', displayName: '陈静', memberships: [{ orgId: 'city', role: 'city_org_dept' }], description: '市委组织部 — top of the escalation ladder' },
  { username: 'sun.zhibu', displayName: '孙海涛', memberships: [{ orgId: 'branch-a2-1', role: 'branch_secretary' }], description: '西山村第一党支部书记 (another township)' },
  { username: 'liu.zuzhi', displayName: '刘洋', memberships: [{ orgId: 'town-a2', role: 'township_org_member' }], description: '西山镇党委组织委员 (another township)' },
  { username: 'zhou.zhibu', displayName: '周敏', memberships: [{ orgId: 'branch-b1-1', role: 'branch_secretary' }], description: '河口村党支部书记 (another county)' },
  { username: 'admin', displayName: '系统管理员', memberships: [{ orgId: 'city', role: 'admin' }], description: '系统管理员 of the whole tree — organizations, people, committees, accounts' },
  // 三权分立 (等保 2.0 level 3): the security and the audit administrator of the whole tree.
  { username: 'security', displayName: '安全管理员', memberships: [{ orgId: 'city', role: 'security_admin' }], description: '安全管理员 of the whole tree — roles, policies, the calendar, two-step resets' },
  { username: 'auditor', displayName: '审计管理员', memberships: [{ orgId: 'city', role: 'audit_admin' }], description: '审计管理员 of the whole tree — reads and exports the audit log, audits the record' },
  // 发展党员: party members of 东湖村第一党支部 named as 培养联系人 / 入党介绍人 (they get the evaluation tasks)
  { username: 'ma.dangyuan', displayName: '马建华', memberships: [{ orgId: 'branch-a1-1', role: 'party_member' }], description: '东湖村第一党支部党员 — 培养联系人 / 入党介绍人 in 发展党员' },
  { username: 'huang.dangyuan', displayName: '黄淑芬', memberships: [{ orgId: 'branch-a1-1', role: 'party_member' }], description: '东湖村第一党支部党员 — 培养联系人 / 入党介绍人 in 发展党员' },
  // 党建联席会议 (demo body 东湖镇党建联席会议, see demoJointMeeting)
  { username: 'donghu.admin', displayName: '东湖镇系统管理员', memberships: [{ orgId: 'town-a1', role: 'admin' }], description: '东湖镇 administrator — manages the joint meeting' },
  { username: 'gong.lianluo', displayName: '马晓东', memberships: [{ orgId: 'town-a1', role: 'joint_meeting_liaison' }], description: '东湖供电所 liaison (驻区单位)' },
  { username: 'wuye.lianluo', displayName: '林秀英', memberships: [{ orgId: 'town-a1', role: 'joint_meeting_liaison' }], description: '东湖物业 liaison (物业公司)' },
  { username: 'juwei.lianluo', displayName: '黄国强', memberships: [{ orgId: 'town-a1', role: 'joint_meeting_liaison' }], description: '东湖社区居委会 liaison (居委会)' },
  { username: 'gd.jingli', displayName: '郭建平', memberships: [], description: '东山供电公司 — superior of 东湖供电所 (missed agenda submissions)' },
];

/** The demo joint meeting: 东湖镇 (street level), convened by the county secretary, recorded by the township org member. */
export const demoJointMeeting = {
  id: '7a1e3c52-0000-4000-8000-000000000001',
  name: '东湖镇党建联席会议',
  orgId: 'town-a1',
  convener: 'he.xianwei',
  secretary: 'li.zuzhi',
  members: [
    { id: '7a1e3c52-0000-4000-8000-000000000011', name: '东湖供电所', kind: 'resident-unit', liaison: 'gong.lianluo', superior: 'gd.jingli' },
    { id: '7a1e3c52-0000-4000-8000-000000000012', name: '东湖物业', kind: 'property-company', liaison: 'wuye.lianluo', superior: null },
    { id: '7a1e3c52-0000-4000-8000-000000000013', name: '东湖社区居委会', kind: 'residents-committee', liaison: 'juwei.lianluo', superior: null },
  ],
};

/** Idempotent; its Temporal Schedule is created by the cases service at start-up (reconcile). */
async function seedJointMeeting(db: Db): Promise<void> {
  const jm = demoJointMeeting;
  if (await db.jointMeetingBody.findUnique({ where: { id: jm.id } })) return;
  const ids = new Map((await db.user.findMany({ select: { id: true, username: true } })).map((u) => [u.username, u.id]));
  const org = await db.orgUnit.findUniqueOrThrow({ where: { id: jm.orgId } });
  await db.jointMeetingBody.create({ data: { id: jm.id, name: jm.name, orgId: org.id, orgPath: org.path, convenerId: ids.get(jm.convener)!, secretaryId: ids.get(jm.secretary)!, status: 'active' } });
  await db.jointMeetingMember.createMany({ data: jm.members.map((m) => ({ id: m.id, bodyId: jm.id, name: m.name, kind: m.kind, liaisonId: ids.get(m.liaison)!, superiorUserId: m.superior ? ids.get(m.superior)! : null })) });
}

type SeedPerson = { n: number; name: string; gender: 'male' | 'female'; birth: string; joined: string; full: string | null; branch: string; username?: string; posts?: [string, 'secretary' | 'deputy_secretary' | 'member'][] };

/**
 * The demo roster (党员花名册): members of each demo branch, and the committees of every demo branch,
 * village-level 党总支 and township 党委 (elected at the 2024 换届). Township committee members belong
 * to a village branch of their township here (the demo has no 机关党支部). Phones are made up.
 */
export const demoPeople: SeedPerson[] = [
  { n: 1, name: '张志斌', gender: 'male', birth: '1975-03-12', joined: '1998-07-01', full: '1999-07-01', branch: 'branch-a1-1', username: 'zhang.zhibu', posts: [['branch-a1-1', 'secretary'], ['village-a1-1', 'secretary']] },
  { n: 2, name: '马建华', gender: 'male', birth: '1968-09-02', joined: '1992-06-15', full: '1993-06-15', branch: 'branch-a1-1', username: 'ma.dangyuan', posts: [['branch-a1-1', 'member']] },
  { n: 3, name: '黄淑芬', gender: 'female', birth: '1980-11-20', joined: '2006-05-10', full: '2007-05-10', branch: 'branch-a1-1', username: 'huang.dangyuan', posts: [['branch-a1-1', 'deputy_secretary']] },
  { n: 4, name: '陈国栋', gender: 'male', birth: '1972-01-08', joined: '1996-10-01', full: '1997-10-01', branch: 'branch-a1-1', posts: [['village-a1-1', 'member']] },
  { n: 5, name: '周文', gender: 'male', birth: '1985-04-17', joined: '2010-07-01', full: '2011-07-01', branch: 'branch-a1-1', posts: [['village-a1-1', 'member']] },
  { n: 6, name: '王建国', gender: 'male', birth: '1970-08-30', joined: '1993-05-04', full: '1994-05-04', branch: 'branch-a1-1', username: 'wang.shuji', posts: [['town-a1', 'secretary']] },
  { n: 7, name: '李晓梅', gender: 'female', birth: '1983-02-14', joined: '2005-12-01', full: '2006-12-01', branch: 'branch-a1-1', username: 'li.zuzhi', posts: [['town-a1', 'member']] },
  { n: 8, name: '赵红', gender: 'female', birth: '1978-06-06', joined: '2001-07-01', full: '2002-07-01', branch: 'branch-a1-1', posts: [['town-a1', 'deputy_secretary']] },
  { n: 9, name: '刘桂兰', gender: 'female', birth: '1996-10-10', joined: '2026-06-20', full: null, branch: 'branch-a1-1' },
  { n: 10, name: '孙海涛', gender: 'male', birth: '1976-12-01', joined: '2000-07-01', full: '2001-07-01', branch: 'branch-a2-1', username: 'sun.zhibu', posts: [['branch-a2-1', 'secretary'], ['village-a2-1', 'secretary']] },
  { n: 11, name: '刘洋', gender: 'male', birth: '1986-03-03', joined: '2009-06-01', full: '2010-06-01', branch: 'branch-a2-1', username: 'liu.zuzhi', posts: [['town-a2', 'member']] },
  { n: 12, name: '吴强', gender: 'male', birth: '1974-07-21', joined: '1999-03-15', full: '2000-03-15', branch: 'branch-a2-1', posts: [['branch-a2-1', 'member'], ['village-a2-1', 'member']] },
  { n: 13, name: '郑丽', gender: 'female', birth: '1988-09-09', joined: '2012-07-01', full: '2013-07-01', branch: 'branch-a2-1', posts: [['branch-a2-1', 'member'], ['village-a2-1', 'member']] },
  { n: 14, name: '钱伟', gender: 'male', birth: '1971-05-05', joined: '1995-07-01', full: '1996-07-01', branch: 'branch-a2-1', posts: [['town-a2', 'secretary']] },
  { n: 15, name: '何平', gender: 'male', birth: '1998-01-30', joined: '2026-03-18', full: null, branch: 'branch-a2-1' },
  { n: 16, name: '周敏', gender: 'female', birth: '1979-10-25', joined: '2003-07-01', full: '2004-07-01', branch: 'branch-b1-1', username: 'zhou.zhibu', posts: [['branch-b1-1', 'secretary'], ['village-b1-1', 'secretary']] },
  { n: 17, name: '冯军', gender: 'male', birth: '1969-02-02', joined: '1994-07-01', full: '1995-07-01', branch: 'branch-b1-1', posts: [['branch-b1-1', 'member'], ['village-b1-1', 'member']] },
  { n: 18, name: '杨帆', gender: 'male', birth: '1984-08-08', joined: '2008-07-01', full: '2009-07-01', branch: 'branch-b1-1', posts: [['branch-b1-1', 'member'], ['town-b1', 'member']] },
  { n: 19, name: '朱琳', gender: 'female', birth: '1990-12-12', joined: '2015-07-01', full: '2016-07-01', branch: 'branch-b1-1' },
  { n: 20, name: '秦峰', gender: 'male', birth: '1973-04-04', joined: '1997-07-01', full: '1998-07-01', branch: 'branch-b1-1', posts: [['town-b1', 'secretary']] },
];

const demoUuid = (kind: number, n: number) => `7a1e3c52-0000-4000-8${kind}00-${String(n).padStart(12, '0')}`;
const demoDate = (s: string) => new Date(`${s}T00:00:00Z`);

/** Idempotent: fixed ids, existing rows kept. */
async function seedRoster(db: Db): Promise<void> {
  const ids = new Map((await db.user.findMany({ select: { id: true, username: true } })).map((u) => [u.username, u.id]));
  await db.person.createMany({
    skipDuplicates: true,
    data: demoPeople.map((p) => ({
      id: demoUuid(1, p.n),
      name: p.name,
      gender: p.gender,
      birthDate: demoDate(p.birth),
      joinedOn: demoDate(p.joined),
      fullOn: p.full ? demoDate(p.full) : null,
      status: p.full ? 'full' : 'probationary',
      // Encrypted like every phone (personal-data.ts): the seed writes no plaintext.
      ...personPhoneColumns(demoUuid(1, p.n), `139${String(10000000 + p.n * 7919).slice(0, 8)}`),
      userId: p.username ? (ids.get(p.username) ?? null) : null,
    })),
  });
  await db.partyMembership.createMany({
    skipDuplicates: true,
    data: demoPeople.map((p) => ({ id: demoUuid(2, p.n), personId: demoUuid(1, p.n), branchId: p.branch, startOn: demoDate(p.joined), reason: '示范数据' })),
  });
  await db.orgRole.createMany({
    skipDuplicates: true,
    data: demoPeople.flatMap((p) => (p.posts ?? []).map(([orgId, role], i) => ({ id: demoUuid(3, p.n * 10 + i), orgId, personId: demoUuid(1, p.n), role, startOn: demoDate('2024-01-15'), reason: '2024年换届选举' }))),
  });
}

function orgPath(id: string, byId: Map<string, SeedOrg>): string {
  const parts: string[] = [];
  for (let o = byId.get(id); o; o = o.parentId ? byId.get(o.parentId) : undefined) parts.unshift(o.id);
  return `/${parts.join('/')}/`;
}

export async function seedReferenceData(db: Db): Promise<void> {
  const { days, publishedYears } = chineseDaysSeed();
  await db.calendarDay.createMany({
    data: days.map((d) => ({ date: new Date(`${d.date}T00:00:00Z`), kind: d.kind, name: d.name })),
    skipDuplicates: true,
  });
  await db.calendarYear.createMany({ data: publishedYears.map((year) => ({ year, source: 'chinese-days@1.5.7' })), skipDuplicates: true });
  await db.policy.createMany({
    data: Object.entries(policyDefaults).map(([key, value]) => ({ key, value: value as object })),
    skipDuplicates: true,
  });
}

/** Idempotent: existing rows (and passwords changed since) are kept. */
export async function seedDemo(db: Db): Promise<{ logins: { username: string; password: string; description: string }[] }> {
  await seedReferenceData(db);
  const byId = new Map(demoOrgs.map((o) => [o.id, o]));
  for (const o of demoOrgs) {
    const path = orgPath(o.id, byId);
    await db.orgUnit.upsert({
      where: { id: o.id },
      create: { ...o, path, depth: path.split('/').length - 3 },
      update: {},
    });
  }
  for (const u of demoUsers) {
    const existing = await db.user.findUnique({ where: { username: u.username }, include: { memberships: { select: { role: true } } } });
    // 三权分立: the seed grants no one two of the administrator roles either (nor adds one to a database's account).
    assertSeparated(existing?.memberships.map((m) => m.role) ?? [], u.memberships.map((m) => m.role));
  }
  for (const u of demoUsers) {
    const existing = await db.user.findUnique({ where: { username: u.username } });
    const userId = existing?.id ?? randomUUID();
    if (!existing) {
      await db.user.create({
        data: { id: userId, username: u.username, displayName: u.displayName, passwordHash: await hashPassword(DEMO_PASSWORD) },
      });
    }
    await db.membership.createMany({ data: u.memberships.map((m) => ({ userId, ...m })), skipDuplicates: true });
  }
  await seedJointMeeting(db);
  await seedRoster(db);
  return { logins: demoUsers.map((u) => ({ username: u.username, password: DEMO_PASSWORD, description: u.description })) };
}

export async function seedDemoData(databaseUrl: string) {
  const db = createDb(databaseUrl, { max: 2 });
  try {
    return await seedDemo(db);
  } finally {
    await db.$disconnect();
  }
}
