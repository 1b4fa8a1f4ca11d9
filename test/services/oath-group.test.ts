// 入党宣誓、编入党小组 (form member.oath, domain.md §2 step 5): the 党小组 a new member joins is one of the
// step's branch's own current 党小组; a branch that has 党小组 must name one. Checked in the inbox before the
// action reaches the workflow, so the refusal names the rule and nothing changes.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, createOrg, dissolveOrg, type Db } from '@dj/db';
import { oathGroupErrors } from '../../services/inbox/src/people-check';

const P = randomUUID().slice(0, 6);
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const VILLAGE = `oath-v-${P}`;
const WITH_GROUPS = `oath-b1-${P}`;
const WITHOUT_GROUPS = `oath-b2-${P}`;
const GROUP = `oath-g1-${P}`;
const OTHER_GROUP = `oath-g2-${P}`;
const DISSOLVED_GROUP = `oath-g3-${P}`;
const form = (extra: Record<string, unknown> = {}) => ({ oathDate: today, administeredBy: '张志斌', ...extra });
let db: Db;

beforeAll(async () => {
  db = createDb(inject('databaseUrl'));
  const admin = await db.user.findUniqueOrThrow({ where: { username: 'admin' } });
  const ctx = { actorId: admin.id };
  const unit = (id: string, name: string, type: 'village' | 'branch' | 'group', parentId: string) => createOrg(db, ctx, { id, name, type, parentId, effectiveOn: today, reason: '测试' });
  await unit(VILLAGE, `宣誓测试村${P}`, 'village', 'town-a2'); // not 东湖镇: other tests list its subtree exactly
  await unit(WITH_GROUPS, `宣誓测试第一支部${P}`, 'branch', VILLAGE);
  await unit(WITHOUT_GROUPS, `宣誓测试第二支部${P}`, 'branch', VILLAGE);
  await unit(GROUP, '第一党小组', 'group', WITH_GROUPS);
  await unit(DISSOLVED_GROUP, '第三党小组', 'group', WITH_GROUPS);
  await unit(OTHER_GROUP, '第一党小组', 'group', WITHOUT_GROUPS);
  await dissolveOrg(db, ctx, { orgId: DISSOLVED_GROUP, effectiveOn: today, reason: '测试：撤销' });
  await dissolveOrg(db, ctx, { orgId: OTHER_GROUP, effectiveOn: today, reason: '测试：撤销' });
});
afterAll(async () => {
  await db?.$disconnect();
});

describe('入党宣誓、编入党小组: which 党小组', () => {
  const oathTask = (orgId: string) => ({ formId: 'member.oath', orgId });

  it('a branch with 党小组: one of its current ones passes, none named is refused naming the rule', async () => {
    expect(await oathGroupErrors(db, oathTask(WITH_GROUPS), form({ groupId: GROUP }))).toEqual([]);
    expect(await oathGroupErrors(db, oathTask(WITH_GROUPS), form())).toEqual([expect.stringContaining('本支部设有党小组，须选择编入的党小组')]);
  });

  it('a dissolved 党小组, another branch’s, or a unit that is no 党小组 is refused', async () => {
    for (const groupId of [DISSOLVED_GROUP, OTHER_GROUP, WITHOUT_GROUPS, 'branch-a1-1']) {
      expect(await oathGroupErrors(db, oathTask(WITH_GROUPS), form({ groupId })), groupId).toEqual([expect.stringContaining('所选不是本支部现有的党小组')]);
    }
  });

  it('a branch without 党小组 (its only one dissolved) needs none, and other forms are not this check’s business', async () => {
    expect(await oathGroupErrors(db, oathTask(WITHOUT_GROUPS), form())).toEqual([]);
    expect(await oathGroupErrors(db, { formId: 'member.talk', orgId: WITH_GROUPS }, { talkerName: 'x', talkDate: today, summary: 'y' })).toEqual([]);
  });
});
