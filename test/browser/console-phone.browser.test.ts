// The console on a phone (issue 15 item 2, layout and inbox only): at 390×844 the side menu gives way
// to a bottom tab bar and a drawer, the inbox is a list of cards with the view counts, an official
// selects two 待办 and approves them in bulk, opens a task and reads notifications.
// Screenshots go to test-results/screenshots/phone-*.png.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createHttpClient, expectStatus } from '../e2e/http-client';
import { useStack } from '../e2e/stack';
import { screenshot, signIn, useBrowser } from './browser';

const stack = useStack({ databaseSuffix: '_browser_phone', workingDaySeconds: 3600 });
const http = createHttpClient(() => stack().baseUrl);
const browser = useBrowser();

async function startRequest(title: string): Promise<void> {
  const r = await http.asUser('zhang.zhibu', 'POST', '/api/cases', { type: 'request-report', orgId: 'branch-a1-1', input: { title, body: '村党群服务中心屋顶漏雨，申请专项维修经费。' } });
  expectStatus(r, 201);
}

async function phonePage(): Promise<Page> {
  const context = await browser().newContext({ baseURL: stack().baseUrl, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  context.setDefaultTimeout(20_000);
  return context.newPage();
}

const card = (page: Page, title: string) => page.locator('[data-testid^="inbox-card-"]').filter({ hasText: title });

describe('console at a phone viewport', () => {
  it('an official clears 待办 from cards, approves two in bulk and finds the bottom tab bar and drawer', async () => {
    const stamp = Date.now();
    const titles = [`手机批量请示甲-${stamp}`, `手机批量请示乙-${stamp}`, `手机单办请示丙-${stamp}`];
    for (const t of titles) await startRequest(t);

    const page = await phonePage();
    await page.goto('/inbox');
    await signIn(page, 'li.zuzhi');
    await page.getByTestId('tab-bar').waitFor();
    expect(await page.locator('.ant-layout-sider').count()).toBe(0);
    expect(await page.getByRole('row').count()).toBe(0); // cards, not a table
    for (const t of titles) await card(page, t).waitFor();
    const lastTab = await page.getByTestId('tab-cc').boundingBox(); // all five views fit, none behind “…”
    expect(lastTab!.x + lastTab!.width).toBeLessThanOrEqual(390);
    expect(Number(await page.getByTestId('tab-todo').locator('.ant-badge').textContent())).toBeGreaterThanOrEqual(3);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await screenshot(page, 'phone-inbox');

    // 批量同意 of two cards.
    for (const t of titles.slice(0, 2)) await card(page, t).getByRole('checkbox').check();
    await page.getByRole('button', { name: /批量同意（2）/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: /^同\s*意$/ }).click();
    await page.getByText('已同意 2 项').waitFor();
    await expect.poll(() => card(page, titles[0]!).count()).toBe(0);
    await expect.poll(() => card(page, titles[1]!).count()).toBe(0);

    // One task opened from its card.
    await card(page, titles[2]!).getByRole('link').click();
    await expect.poll(() => page.getByTestId('task-title').textContent()).toContain('审核');
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await screenshot(page, 'phone-task');

    // 已办 lists the two approved ones.
    await page.getByTestId('tab-bar-inbox').click();
    await page.getByTestId('tab-done').click();
    for (const t of titles.slice(0, 2)) await card(page, t).waitFor();

    await page.getByTestId('tab-bar-notifications').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/notifications');
    await screenshot(page, 'phone-notifications');

    await page.getByTestId('tab-bar-more').click();
    await page.getByRole('menuitem', { name: '修改密码' }).waitFor();
    await page.waitForTimeout(500); // the drawer slides in
    await screenshot(page, 'phone-drawer');
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.getByPlaceholder('用户名').waitFor();
    await page.context().close();
  });

  it('an administrator reaches 监控管理 and 系统管理 through the drawer; a desktop keeps the side menu', async () => {
    const page = await phonePage();
    await page.goto('/login');
    await signIn(page, 'admin');
    await page.getByTestId('tab-bar-more').click();
    await page.getByRole('menuitem', { name: '超期看板' }).waitFor();
    await page.waitForTimeout(500);
    await screenshot(page, 'phone-drawer-admin');
    await page.getByRole('menuitem', { name: '超期看板' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/admin/board');
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);
    await screenshot(page, 'phone-board');
    await page.context().close();

    const desktop = await browser().newContext({ baseURL: stack().baseUrl, viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const wide = await desktop.newPage();
    await wide.goto('/login');
    await signIn(wide, 'admin');
    await wide.locator('.ant-layout-sider').waitFor();
    expect(await wide.getByTestId('tab-bar').count()).toBe(0);
    await desktop.close();
  });
});
