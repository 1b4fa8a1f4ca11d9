// 发展党员 walked from the application to full membership in the console alone (issue 16 point 9): every
// step's form filled in by the official who holds it, as they would, on a compressed clock (a working day
// lasts 0.2 s: a month 4.2 s, the training and probation years under a minute each). At the end the new
// member is on the 党员花名册 with the 转正日期 (issue 14), and the 纪实表 names every step in Chinese.
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpClient, expectStatus } from '../e2e/http-client';
import { useStack } from '../e2e/stack';
import { chooseInItem, newPage, screenshot, signIn, useBrowser } from './browser';

const stack = useStack({ databaseSuffix: '_browser_member_walk', workingDaySeconds: 0.2 });
const http = createHttpClient(() => stack().baseUrl);
const browser = useBrowser();
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const APPLICANT = '宋晓雨';
const SCREENSHOTS = new Set(['political-review', 'concentrated-training', 'volunteer-form', 'admission-meeting', 'admission-approval', 'oath', 'full-meeting', 'archive']);

const pages = new Map<string, Page>();
async function pageFor(username: string): Promise<Page> {
  const open = pages.get(username);
  if (open) return open;
  const page = await newPage(browser(), stack().baseUrl);
  await page.goto('/login', { timeout: 60_000 });
  await signIn(page, username);
  pages.set(username, page);
  return page;
}
afterAll(async () => {
  for (const p of pages.values()) await p.close().catch(() => undefined);
});

type OpenTask = { id: string; stepKey: string; kind: string };

/** The open step task `stepKey` of the case, once it is open (some steps open at their dates). */
async function openTask(caseId: string, stepKey: string): Promise<string> {
  let id: string | undefined;
  await expect
    .poll(
      async () => {
        const r = await http.asUser('zhang.zhibu', 'GET', `/api/cases/${caseId}`);
        id = (r.body.openTasks as OpenTask[] | undefined)?.find((t) => t.stepKey === stepKey && t.kind === 'step')?.id;
        return id;
      },
      { timeout: 90_000, interval: 500 },
    )
    .toBeTruthy();
  return id!;
}

const item = (page: Page, label: string) => page.locator('.ant-form-item').filter({ has: page.locator('.ant-form-item-label').getByText(label, { exact: true }) }).first();
async function date(page: Page, label: string, value: string) {
  const input = page.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(value);
  await input.press('Enter');
}
const text = (page: Page, label: string, value: string) => page.getByLabel(label, { exact: true }).fill(value);
const choose = (page: Page, label: string, option: string, search?: string) => chooseInItem(page, item(page, label), option, search);

/** A committee's meeting: everyone on the roster present, a show of hands, all for. */
async function meeting(page: Page, resolution: string) {
  await date(page, '会议日期', today);
  await text(page, '会议地点', '党群服务中心');
  const boxes = item(page, '出席人员').locator('input[type=checkbox]');
  const total = await boxes.count();
  expect(total).toBeGreaterThan(0);
  for (let i = 0; i < total; i++) await boxes.nth(i).check();
  await choose(page, '表决方式', '举手表决');
  await text(page, '赞成', String(total));
  await text(page, '反对', '0');
  await text(page, '弃权', '0');
  await text(page, '会议决议', resolution);
}

async function vote(page: Page) {
  await date(page, '会议日期', today);
  await text(page, '应到人数', '30');
  await text(page, '实到人数', '25');
  await text(page, '赞成票', '22');
  await text(page, '反对票', '2');
  await text(page, '弃权票', '1');
}

async function branchMeeting(page: Page) {
  await date(page, '会议日期', today);
  await text(page, '应到有表决权的党员', '30');
  await text(page, '实到有表决权的党员', '26');
  await text(page, '书面表达意见的党员', '2');
  await text(page, '赞成票', '25');
  await text(page, '反对票', '2');
  await text(page, '弃权票', '1');
}

async function pickPeople(page: Page, ...names: string[]) {
  const picker = page.getByLabel('人选（本支部正式党员）');
  for (const name of names) {
    await picker.click();
    await picker.fill(name.slice(0, 1));
    await page.locator('.ant-select-dropdown:visible').getByText(new RegExp(`^${name}（`)).click();
  }
  await page.keyboard.press('Escape');
}

/** Opens the step in the console as `username`, fills its form, presses 同意 and waits for the answer. */
async function step(caseId: string, stepKey: string, username: string, fill: (page: Page) => Promise<void>) {
  const taskId = await openTask(caseId, stepKey);
  const page = await pageFor(username);
  await page.goto(`/tasks/${taskId}`, { timeout: 60_000 });
  try {
    await expect.poll(() => page.getByTestId('task-title').textContent(), { timeout: 20_000 }).toContain(APPLICANT);
    await fill(page);
    await page.getByRole('button', { name: /^同\s*意$/ }).click();
    const result = page.getByTestId('action-result');
    const error = page.getByTestId('action-error');
    await expect.poll(async () => ((await result.count()) ? 'done' : (await error.count()) ? `refused: ${await error.textContent()}` : ''), { timeout: 30_000 }).toBe('done');
  } catch (e) {
    await screenshot(page, `member-walk-${stepKey}-failed`);
    throw e;
  }
  // Full-page screenshots of pages this long are slow: the steps whose forms are the walk's own.
  if (SCREENSHOTS.has(stepKey)) await screenshot(page, `member-walk-${stepKey}`);
  // Nothing an official reads is a code or an id.
  const body = (await page.locator('body').innerText()).replace(/\s+/g, ' ');
  expect(body).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  expect(body).not.toContain('[object Object]');
  // An idle tab stops polling (six officials' tabs on a compressed clock starve the 2-core machine); the session stays.
  await page.goto('about:blank');
}

describe('发展党员 from the application to full membership, in the console', () => {
  it('every step by its official; the member ends on the roster, converted, and the 纪实表 tells it', async () => {
    // The branch has a 党小组 for the new member to join (set up by the township's administrator).
    expectStatus(await http.asUser('donghu.admin', 'POST', '/api/admin/orgs', { id: 'walk-group-1', name: '第一党小组', type: 'group', parentId: 'branch-a1-1', effectiveOn: today, reason: '设立党小组' }), 201);

    const zhang = await pageFor('zhang.zhibu');
    await zhang.goto('/start');
    await choose(zhang, '流程类型', '发展党员');
    await text(zhang, '申请人姓名', APPLICANT);
    await choose(zhang, '性别', '女');
    await date(zhang, '出生日期', '1999-04-12');
    await date(zhang, '递交入党申请书日期', today);
    await text(zhang, '职业', '村卫生室医生');
    await zhang.getByRole('button', { name: /提\s*交/ }).click();
    await zhang.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    const caseId = zhang.url().split('/').at(-1)!;

    // 入党申请人 → 入党积极分子
    await step(caseId, 'talk', 'zhang.zhibu', async (p) => {
      await text(p, '谈话人', '张志斌');
      await date(p, '谈话日期', today);
      await text(p, '谈话情况', '了解入党动机，动机端正。');
    });
    await step(caseId, 'members-recommendation', 'zhang.zhibu', vote);
    await step(caseId, 'mass-recommendation', 'zhang.zhibu', async (p) => {
      await choose(p, '推优组织', '共青团组织');
      await date(p, '推优日期', today);
      await text(p, '推优材料（名称或文号）', '东湖村团支部推优表');
      await p.getByLabel('推荐为入党积极分子').check();
    });
    await step(caseId, 'activist-committee', 'zhang.zhibu', (p) => meeting(p, '同意确定为入党积极分子。'));
    await step(caseId, 'activist-filing', 'li.zuzhi', (p) => text(p, '意见', '同意备案。'));
    await step(caseId, 'assign-contacts', 'zhang.zhibu', (p) => pickPeople(p, '马建华', '黄淑芬'));

    // 培养教育考察: each contact every 6 months, at least a year (two rounds).
    for (let round = 1; round <= 2; round++) {
      for (const [user, evaluation] of [['ma.dangyuan', '学习认真，表现良好。'], ['huang.dangyuan', '积极参加组织生活。']] as const) {
        await step(caseId, 'training-evaluation', user, (p) => text(p, '考察意见', evaluation));
      }
    }

    // 入党积极分子 → 发展对象
    await step(caseId, 'masses-evaluation', 'zhang.zhibu', vote);
    await step(caseId, 'members-evaluation', 'zhang.zhibu', vote);
    await step(caseId, 'target-committee', 'zhang.zhibu', (p) => meeting(p, '同意列为发展对象。'));
    await step(caseId, 'target-filing', 'li.zuzhi', (p) => text(p, '意见', '同意备案。'));
    await step(caseId, 'assign-introducers', 'zhang.zhibu', (p) => pickPeople(p, '马建华', '黄淑芬'));
    await step(caseId, 'political-review', 'li.zuzhi', async (p) => {
      await p.getByLabel('政审合格').check();
      await text(p, '政审情况', '本人及直系亲属政治历史清楚，政审合格。');
    });
    await step(caseId, 'concentrated-training', 'li.zuzhi', async (p) => {
      await date(p, '培训开始日期', today);
      await date(p, '培训结束日期', today);
      await text(p, '培训天数', '3');
      await text(p, '培训学时', '24');
      await text(p, '培训机构', '县委党校');
    });

    // 发展对象 → 预备党员
    await step(caseId, 'admission-committee', 'zhang.zhibu', (p) => meeting(p, '同意提交支部大会讨论。'));
    await step(caseId, 'pre-review', 'li.zuzhi', (p) => text(p, '意见', '预审合格。'));
    await step(caseId, 'volunteer-form', 'zhang.zhibu', async (p) => {
      await date(p, '填写日期', today);
      await text(p, '志愿书编号', 'DH-2026-031');
    });
    await step(caseId, 'admission-meeting', 'zhang.zhibu', branchMeeting);
    await step(caseId, 'superior-talk', 'li.zuzhi', async (p) => {
      await text(p, '谈话人', '李晓梅');
      await date(p, '谈话日期', today);
      await text(p, '谈话情况', '入党动机端正，对党的认识清楚。');
    });
    await step(caseId, 'admission-approval', 'wang.shuji', async (p) => {
      await choose(p, '审批决定', '批准');
      await meeting(p, `批准${APPLICANT}为中共预备党员。`);
    });
    await step(caseId, 'admission-filing', 'zhao.xianwei', (p) => text(p, '意见', '已备案。'));
    await step(caseId, 'oath', 'zhang.zhibu', async (p) => {
      await date(p, '入党宣誓日期', today);
      await text(p, '领誓人', '张志斌');
      await text(p, '宣誓地点', '东湖村党群服务中心');
      await choose(p, '编入党小组', '第一党小组');
    });

    // On the roster now, probationary, in the 党小组.
    const admin = await pageFor('donghu.admin');
    await admin.goto('/admin/people');
    await admin.getByText(APPLICANT).first().waitFor({ timeout: 20_000 });
    await screenshot(admin, 'member-walk-roster-probationary');

    // 预备党员 → 正式党员
    for (const [user, evaluation] of [['ma.dangyuan', '预备期表现良好，本人已提交转正申请。'], ['huang.dangyuan', '同意按期转正。']] as const) {
      await step(caseId, 'probation-assessment', user, (p) => text(p, '考察意见', evaluation));
    }
    await step(caseId, 'full-committee', 'zhang.zhibu', (p) => meeting(p, '同意提交支部大会讨论转正。'));
    await step(caseId, 'full-meeting', 'zhang.zhibu', async (p) => {
      await choose(p, '表决事项', '按期转为正式党员');
      await branchMeeting(p);
    });
    await step(caseId, 'full-approval', 'wang.shuji', async (p) => {
      await choose(p, '审批决定', '批准');
      await meeting(p, `批准${APPLICANT}按期转为中共正式党员。`);
    });
    await step(caseId, 'archive', 'zhang.zhibu', (p) => text(p, '档案编号', 'DH-DA-2026-031'));

    await expect.poll(async () => (await http.asUser('zhang.zhibu', 'GET', `/api/cases/${caseId}`)).body.case.status, { timeout: 30_000 }).toBe('completed');
    await zhang.goto(`/cases/${caseId}`);
    const record = zhang.getByTestId('record');
    for (const event of ['登记入党员花名册', '花名册登记转正', '入党宣誓、编入党小组']) await record.getByText(event).first().waitFor();
    await screenshot(zhang, 'member-walk-case');
    const [dossier] = await Promise.all([zhang.context().waitForEvent('page'), zhang.getByTestId('open-dossier').click()]);
    await dossier.getByText('发展党员全程纪实表').waitFor();
    const printed = await dossier.locator('body').innerText();
    for (const words of ['入党宣誓', '支部大会', '材料归档', '花名册登记转正']) expect(printed).toContain(words);
    await screenshot(dossier, 'member-walk-dossier');
    await dossier.close();

    // The roster: 转正日期 recorded, in 第一党小组.
    const roster = await http.asUser('donghu.admin', 'GET', `/api/admin/people?orgId=branch-a1-1&q=${encodeURIComponent(APPLICANT)}`);
    expectStatus(roster, 200);
    expect(roster.body.items).toEqual([expect.objectContaining({ name: APPLICANT, fullOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) })]);
  }, 900_000);
});
