// 两步验证 in a real browser against a stack that requires it of administrators (ADMIN_SECOND_FACTOR=
// required, as deployed): a new administrator is told why administration is refused, turns it on from
// the account menu by scanning (here: reading) the secret and typing a code, administers, and from then
// on signs in with password and code, or with one of the recovery codes shown once when it was turned
// on; resets another account's two-step verification from 账号管理, and that account must set it up
// again at its next login before any page shows.
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
/** A branch secretary of the administrator's county who turned two-step verification on (over the API). */
const OFFICIAL = `xihe.zhibu.${randomUUID().slice(0, 6)}`;
/** The administrator's recovery codes, as the console showed them. */
let recoveryCodes: string[] = [];

async function post(path: string, body: object, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${stack().baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

beforeAll(async () => {
  browser = await launchBrowser();
  const db = createDb(stack().databaseUrl, { max: 1 });
  try {
    const id = randomUUID();
    await db.user.create({ data: { id, username: USERNAME, displayName: '西河县系统管理员', passwordHash: await hashPassword(DEMO_PASSWORD) } });
    await db.membership.create({ data: { userId: id, orgId: 'county-b', role: 'security_admin' } }); // 安全管理员: resets two-step verification
    const newcomer = randomUUID();
    await db.user.create({ data: { id: newcomer, username: NEWCOMER, displayName: '新任支部书记', passwordHash: await hashPassword(ONE_TIME), mustChangePassword: true } });
    await db.membership.create({ data: { userId: newcomer, orgId: 'branch-b1-1', role: 'branch_secretary' } });
    const official = randomUUID();
    await db.user.create({ data: { id: official, username: OFFICIAL, displayName: '西河支部书记', passwordHash: await hashPassword(DEMO_PASSWORD) } });
    await db.membership.create({ data: { userId: official, orgId: 'branch-b1-1', role: 'branch_secretary' } });
  } finally {
    await db.$disconnect();
  }
  const { token } = (await post('/api/auth/login', { username: OFFICIAL, password: DEMO_PASSWORD })) as { token: string };
  const { secret } = (await post('/api/me/two-step/setup', { currentPassword: DEMO_PASSWORD }, token)) as { secret: string };
  await post('/api/me/two-step/confirm', { code: totpCode(secret) }, token);
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
    // The ten recovery codes, shown this once, with copy and download; the dialog stays until saved.
    await page.getByTestId('recovery-codes').waitFor();
    recoveryCodes = (await page.getByTestId('recovery-code-item').allTextContents()).map((c) => c.trim());
    expect(recoveryCodes).toHaveLength(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    await dialog.getByRole('button', { name: '下载为文本文件' }).waitFor();
    await screenshot(page, 'two-step-recovery-codes');
    await dialog.getByRole('button', { name: '我已保存' }).click();
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

    // The authenticator lost: a recovery code signs in once, and the menu shows how many are left.
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.waitForURL(/\/login/);
    await fillLogin(page, USERNAME, DEMO_PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('toggle-recovery').click();
    await page.getByTestId('recovery-code').fill('aaaa-bbbb-cccc-dddd');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('恢复码错误或已使用过');
    await page.getByTestId('recovery-code').fill(recoveryCodes[0]!);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('user-menu').waitFor();
    expect(await page.getByTestId('two-step-required').count()).toBe(0);
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: /两步验证/ }).click();
    await expect.poll(() => page.getByTestId('recovery-codes-left').textContent()).toBe('9');
  });

  it('an administrator resets another account’s two-step verification; at its next login it must set it up again first', async () => {
    const admin = await newPage(browser, stack().baseUrl);
    await admin.goto('/login');
    await fillLogin(admin, USERNAME, DEMO_PASSWORD);
    await admin.getByRole('button', { name: /登\s*录/ }).click();
    await admin.getByTestId('toggle-recovery').click();
    await admin.getByTestId('recovery-code').fill(recoveryCodes[1]!);
    await admin.getByRole('button', { name: /登\s*录/ }).click();
    await admin.getByTestId('user-menu').waitFor();
    await admin.goto('/admin/accounts');
    await admin.getByPlaceholder('用户名或姓名').fill(OFFICIAL);
    await admin.getByPlaceholder('用户名或姓名').press('Enter');
    const row = admin.getByRole('row').filter({ hasText: OFFICIAL });
    await row.getByText('两步验证', { exact: true }).waitFor();
    await admin.getByTestId(`reset-two-step-${OFFICIAL}`).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByText('对方下次登录须先重新启用两步验证').waitFor();
    await dialog.getByLabel('原因').fill('手机丢失，已电话核实本人身份');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await admin.getByText('已重置两步验证').waitFor();
    await expect.poll(() => admin.getByTestId(`reset-two-step-${OFFICIAL}`).count()).toBe(0);
    await admin.close();

    // The official: the password alone signs in, and only the set-up shows, which cannot be dismissed.
    const page = await newPage(browser, stack().baseUrl);
    await signIn(page, OFFICIAL);
    await page.getByTestId('two-step-enrolment-required').waitFor();
    const setup = page.getByRole('dialog');
    await page.keyboard.press('Escape');
    expect(await setup.isVisible()).toBe(true);
    expect(await page.getByTestId('tab-todo').count()).toBe(0);
    await setup.getByLabel('当前密码').fill(DEMO_PASSWORD);
    await setup.getByRole('button', { name: '下一步' }).click();
    const secret = (await page.getByTestId('two-step-secret').textContent())!.trim();
    await page.getByTestId('two-step-code').fill(totpCode(secret));
    await setup.getByRole('button', { name: /^启\s*用$/ }).click();
    await page.getByTestId('recovery-codes').waitFor();
    await setup.getByRole('button', { name: '我已保存' }).click();
    await page.getByTestId('tab-todo').waitFor();
    await page.close();
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
