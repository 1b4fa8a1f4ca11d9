// Browser helpers: playwright-core driving Debian's Chromium (see docs/environment.md; infra/test.sh
// installs it). Pages are addressed through the stack's single base URL, like a user would.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { repoRoot } from '@dj/infra/config';

export const SCREENSHOT_DIR = path.join(repoRoot, 'test-results', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Launches Chromium before the file's tests and closes it after them; the returned function gives it. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is not running (useBrowser starts it in beforeAll)');
    return browser;
  };
}

export async function newPage(browser: Browser, baseUrl: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  context.setDefaultTimeout(20_000);
  return context.newPage();
}

/**
 * Types a username and password into the login form and checks both took: right after 退出登录 the login
 * page has been seen to render again between the two, emptying the username already typed.
 */
export async function fillLogin(page: Page, username: string, password: string): Promise<void> {
  const user = page.getByPlaceholder('用户名');
  const pass = page.getByPlaceholder('密码');
  for (let attempt = 1; ; attempt++) {
    await user.fill(username);
    await pass.fill(password);
    if ((await user.inputValue()) === username && (await pass.inputValue()) === password) return;
    if (attempt === 3) throw new Error('the login form did not keep what was typed');
  }
}

/** Signs in through the login form and waits for the inbox (or the page the login was for). */
export async function signIn(page: Page, username: string, password = 'Dangjian@2026'): Promise<void> {
  if (!page.url().includes('/login')) await page.goto('/login');
  await fillLogin(page, username, password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('user-menu').waitFor();
}

/** Saves a full-page screenshot (a CI artifact; test-results/ is git-ignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * Picks `option` in the antd Select of a form item (typing `search` first, if given) and waits until the
 * item shows it. On a machine starved of CPU a click on an option has been seen to leave the Select empty
 * (once, in CI under three parallel workloads); a person would pick again, and so does this, up to three times.
 */
export async function chooseInItem(page: Page, item: Locator, option: string, search?: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await item.locator('.ant-select').first().click();
    if (search) await item.locator('input').first().fill(search);
    await page.locator('.ant-select-dropdown:visible').getByText(option, { exact: true }).click();
    const shown = await expect
      .poll(async () => (await item.textContent()) ?? '', { timeout: 5_000 })
      .toContain(option)
      .then(() => true, () => false);
    if (shown) return;
    if (attempt === 3) throw new Error(`the Select did not take "${option}"`);
    await page.keyboard.press('Escape');
  }
}
