// The public notice pages in Chromium at a phone viewport (390×844) with JavaScript switched off, as a
// villager on a weak connection would use them: open the organization's notices, read one, object
// (first with mistakes), get a receipt number and look up the status before and after the 核实.
// Screenshots go to test-results/screenshots/public-*.png.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, objectionPhoneContext, personalData, type Db } from '@dj/db';
import { createNoticeActivities } from '@dj/workflows';
import { useStack } from '../e2e/stack';
import { launchBrowser, SCREENSHOT_DIR } from './browser';

const PUBLIC_BASE_URL = 'https://gongshi.example.cn';
const stack = useStack({ databaseSuffix: '_browser_public', workingDaySeconds: 3600, env: () => ({ PUBLIC_BASE_URL }) });
let browser: Browser;
let db: Db;

beforeAll(async () => {
  browser = await launchBrowser();
  db = createDb(stack().databaseUrl, { max: 2 });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await db?.$disconnect();
});

async function phone(): Promise<{ context: BrowserContext; page: Page; violations: string[] }> {
  const context = await browser.newContext({
    baseURL: stack().baseUrl,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    javaScriptEnabled: false,
  });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (m) => {
    // A refused stylesheet or script (CSP) or any script error; the pages' own 400 / 404 answers are expected.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) violations.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 500) violations.push(`${r.status()} ${r.url()}`);
  });
  return { context, page, violations };
}

async function shot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `public-${name}.png`), fullPage: true });
}

/** A notice published the way a case publishes one (the workflow's activity), on the stack's database. */
async function publishNotice(title: string) {
  const org = await db.orgUnit.findUniqueOrThrow({ where: { id: 'branch-a1-1' } });
  const initiator = await db.user.findUniqueOrThrow({ where: { username: 'li.zuzhi' } });
  const caseId = randomUUID();
  await db.case.create({
    data: { id: caseId, type: 'secretary-replacement', workflowId: `browser-public:${caseId}`, orgId: org.id, orgPath: org.path, title: '东湖村第一党支部书记补选', status: 'open', stage: 'public-notice', initiatorId: initiator.id, input: {}, openedAt: new Date() },
  });
  const acts = createNoticeActivities({ db, workingDaySeconds: 3600 });
  const published = await acts.publishNotice({
    caseId,
    idemKey: `${caseId}:public-notice`,
    orgId: org.id,
    title,
    body: '王建华，男，汉族，1982年3月生，大专学历，2008年6月入党，现任东湖村村委会副主任。\n经东湖镇党委研究，拟推荐王建华同志为东湖村第一党支部书记人选，现予以公示。\n\n公示期间，党员群众如有意见，可实名向东湖镇党委组织办反映（电话 0571-86001234）。',
    policyKey: 'secretary-replacement.public-notice',
  });
  return { ...published, caseId, acts };
}

describe('公示 pages on a phone', () => {
  it('a villager reads a notice, objects, gets a receipt and checks the finding', async () => {
    const title = '关于王建华同志任东湖村第一党支部书记的任前公示';
    const notice = await publishNotice(title);
    const { context, page, violations } = await phone();

    await page.goto('/notices');
    await shot(page, '1-home');
    await page.getByRole('link', { name: /东湖村第一党支部/ }).click();
    await page.getByRole('heading', { name: '东湖村第一党支部' }).waitFor();
    await shot(page, '2-org');
    await page.getByRole('link', { name: new RegExp(title) }).click();
    await page.getByRole('heading', { name: title }).waitFor();
    expect(await page.getByText('公示中').count()).toBe(1);
    await shot(page, '3-notice');
    // Text large enough to read on a phone, and the page no wider than the screen.
    expect(parseFloat(String(await page.evaluate("getComputedStyle(document.querySelector('.body p')).fontSize")))).toBeGreaterThanOrEqual(16);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);

    await page.getByRole('link', { name: '我要反映异议' }).click();
    await page.getByLabel(/真实姓名/).fill('张');
    await page.getByLabel(/联系电话/).fill('1381234');
    await page.getByLabel(/异议内容/).fill('王建华在宅基地审批中优亲厚友，给其亲属多批了两间房的宅基地。');
    await page.getByRole('button', { name: '提交异议' }).click();
    await page.getByText('有2处需要修改').waitFor();
    expect(await page.locator('#name-error').textContent()).toContain('姓名应为2至20个字');
    expect(await page.locator('#phone-error').textContent()).toContain('请填写11位手机号码');
    expect(await page.getByLabel(/异议内容/).inputValue()).toContain('多批了两间房');
    await shot(page, '4-form-errors');
    expect(await db.objection.count({ where: { noticeId: notice.noticeId } })).toBe(0);

    await page.getByLabel(/真实姓名/).fill('张桂兰');
    await page.getByLabel(/联系电话/).fill('13812345678');
    await page.getByRole('button', { name: '提交异议' }).click();
    await page.getByRole('heading', { name: '异议已受理' }).waitFor();
    const receiptNo = (await page.getByTestId('receipt').textContent())!.trim();
    expect(receiptNo).toMatch(/^YY\d{8}-[0-9A-Z]{6}$/);
    await shot(page, '5-receipt');
    const filed = await db.objection.findUniqueOrThrow({ where: { receiptNo } });
    // Stored encrypted (the stack runs with this run's PERSONAL_DATA_KEY), never in plaintext.
    expect(filed).toMatchObject({ name: '张桂兰', plainPhone: null, status: 'pending' });
    expect(personalData().decrypt(filed.phoneCipher!, objectionPhoneContext(filed.id))).toBe('13812345678');

    await page.getByRole('link', { name: '查询办理结果' }).click();
    await page.getByLabel(/回执号/).fill(receiptNo);
    await page.getByLabel(/联系电话/).fill('13812345670');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByText('没有找到与该回执号和电话号码相符的异议').waitFor();
    await shot(page, '6-status-not-found');
    await page.getByLabel(/联系电话/).fill('13812345678');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByTestId('status').getByText('核实中').waitFor();
    await shot(page, '7-status-pending');

    // The township's 核实, recorded by the workflow's activity.
    const objection = await db.objection.findUniqueOrThrow({ where: { receiptNo } });
    const official = await db.user.findUniqueOrThrow({ where: { username: 'li.zuzhi' } });
    await notice.acts.recordObjectionFinding({
      caseId: notice.caseId,
      objectionId: objection.id,
      taskId: randomUUID(),
      substantiated: false,
      finding: '经镇党委组织办调阅宅基地审批档案并走访相关农户，王建华同志亲属的宅基地审批符合“一户一宅”规定，面积未超标准，反映问题不属实。',
      handledBy: { userId: official.id, name: '李组织' },
    });
    await page.goto('/notices/status');
    await page.getByLabel(/回执号/).fill(receiptNo.toLowerCase());
    await page.getByLabel(/联系电话/).fill('13812345678');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByText('已核实：反映的问题不属实').waitFor();
    expect(await page.getByTestId('status').textContent()).toContain('一户一宅');
    expect(await page.content()).not.toContain('张桂兰');
    await shot(page, '8-status-verified');

    expect(violations).toEqual([]);
    await context.close();
  });

  it('prints an A4 poster whose QR code points at the notice on the public base URL', async () => {
    const notice = await publishNotice('关于拟发展刘晓梅同志为预备党员的公示');
    const { context, page, violations } = await phone();
    await page.goto(`/notices/${notice.noticeId}`);
    await page.getByRole('link', { name: /打印公示海报/ }).click();
    await page.getByRole('img', { name: '本公示页面的二维码' }).waitFor();
    expect(await page.locator('.url').textContent()).toBe(`${PUBLIC_BASE_URL}/notices/${notice.noticeId}`);
    await shot(page, '9-poster-phone');
    await context.close();

    // Printed (Chromium's print to PDF, A4): one sheet for the board.
    const desktop = await browser.newContext({ baseURL: stack().baseUrl, javaScriptEnabled: false });
    const print = await desktop.newPage();
    await print.goto(`/notices/${notice.noticeId}/poster`);
    await print.emulateMedia({ media: 'print' });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const pdf = path.join(SCREENSHOT_DIR, 'public-poster.pdf');
    await print.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true });
    const pages = readFileSync(pdf).toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
    expect(pages).toHaveLength(1);
    await desktop.close();
    expect(violations).toEqual([]);
  });
});
