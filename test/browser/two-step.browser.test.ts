// 两步验证 in a real browser against a stack that requires it of administrators (ADMIN_SECOND_FACTOR=
// required, as deployed): a new administrator is told why administration is refused, turns it on from
// the account menu by scanning (here: reading) the secret and typing a code, administers, and from then
// on signs in with password and code.
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, hashPassword } from '@dj/db';
import { DEMO_PASSWORD } from '@dj/db/seed-demo';
import { totpCode } from '@dj/service-kit';
import { useStack } from '../e2e/stack';
import { fillLogin, launchBrowser, newPage, screenshot, signIn } from './browser';

const stack = useStack({ databaseSuffix: '_browser_2fa', workingDaySeconds: 3600, env: () => ({ ADMIN_SECOND_FACTOR: 'required' }) });
let browser: Browser;
const USERNAME = `xihe.admin.${randomUUID().slice(0, 6)}`;
/** An official whose account holds an administrator's one-time password. */
const NEWCOMER = `xihe.xinren.${randomUUID().slice(0, 6)}`;
const ONE_TIME = 'Linshi#2026mima';

beforeAll(async () => {
  browser = await launchBrowser();
  const db = createDb(stack().databaseUrl, { max: 1 });
  try {
    const id = randomUUID();
    await db.user.create({ data: { id, username: USERNAME, displayName: '西河县系统管理员', passwordHash: await hashPassword(DEMO_PASSWORD) } });
    await db.membership.create({ data: { userId: id, orgId: 'county-b', role: 'admin' } });
    const newcomer = randomUUID();
    await db.user.create({ data: { id: newcomer, username: NEWCOMER, displayName: '新任支部书记', passwordHash: await hashPassword(ONE_TIME), mustChangePassword: true } });
    await db.membership.create({ data: { userId: newcomer, orgId: 'branch-b1-1', role: 'branch_secretary' } });
  } finally {
    await db.$disconnect();
  }
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe('两步验证 (two-step verification)', () => {
  it('an administrator turns it on from the account menu, administers, and signs in with a code from then on', async () => {
    const page = await newPage(browser, stack().baseUrl);
    await signIn(page, USERNAME);
    const banner = page.getByTestId('two-step-required');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('管理员须启用两步验证');
    await screenshot(page, 'two-step-required');

    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '两步验证' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('当前密码').fill(DEMO_PASSWORD);
    await dialog.getByRole('button', { name: '下一步' }).click();
    const secret = (await page.getByTestId('two-step-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await expect.poll(() => dialog.locator('canvas, svg').count()).toBeGreaterThan(0); // the QR code
    await screenshot(page, 'two-step-setup');
    // A wrong code is refused with the reason, in Chinese.
    await page.getByTestId('two-step-code').fill('000000');
    await dialog.getByRole('button', { name: /^启\s*用$/ }).click();
    await expect.poll(() => page.getByTestId('two-step-error').textContent()).toContain('动态验证码错误');
    const confirmedAt = Date.now();
    await page.getByTestId('two-step-code').fill(totpCode(secret, confirmedAt));
    await dialog.getByRole('button', { name: /^启\s*用$/ }).click();
    await page.getByText('两步验证已启用').waitFor();
    await banner.waitFor({ state: 'detached' });

    // This session passed the second step: administration opens.
    await page.goto('/admin/accounts');
    await page.getByRole('heading', { name: '账号管理' }).waitFor();

    // Signing out and in again: the password is not enough any more.
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.waitForURL(/\/login/);
    await fillLogin(page, USERNAME, DEMO_PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    const code = page.getByTestId('otp');
    await code.waitFor();
    await screenshot(page, 'two-step-login');
    await code.fill(totpCode(secret, confirmedAt + 30_000));
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('user-menu').waitFor();
    expect(await page.getByTestId('two-step-required').count()).toBe(0);
  });

  it('a one-time password must be changed first: the dialog cannot be dismissed and no page shows until it is', async () => {
    const page = await newPage(browser, stack().baseUrl);
    await signIn(page, NEWCOMER, ONE_TIME);
    const dialog = page.getByRole('dialog', { name: '请先修改临时密码' });
    await dialog.waitFor();
    expect(await dialog.getByRole('button', { name: /取\s*消/ }).isVisible()).toBe(false);
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(true);
    expect(await page.getByTestId('tab-todo').count()).toBe(0);
    await screenshot(page, 'first-login-password');
    await dialog.getByLabel('当前密码').fill(ONE_TIME);
    await dialog.getByLabel('新密码', { exact: true }).fill('Wode-xin-mima-2026');
    await dialog.getByLabel('确认新密码').fill('Wode-xin-mima-2026');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('tab-todo').waitFor();
    expect(await page.getByTestId('must-change-password').count()).toBe(0);
  });
});
