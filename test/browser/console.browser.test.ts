// The web console in a real browser (playwright-core + Debian's Chromium) against the stack that
// `infra/start.sh` runs: an official clears a task, an administrator follows an overdue case from the
// board to its record, and a user without an administrative role cannot reach the admin pages.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, expectCodedError, expectStatus } from '../e2e/http-client';
import { useStack } from '../e2e/stack';
import { fillLogin, launchBrowser, newPage, screenshot, signIn } from './browser';

// Two seconds per working day: the 5-working-day township review is overdue after ~10 s.
const stack = useStack({ databaseSuffix: '_browser', workingDaySeconds: 2 });
const http = createHttpClient(() => stack().baseUrl);
let browser: Browser;

async function startRequest(title: string): Promise<string> {
  const r = await http.asUser('zhang.zhibu', 'POST', '/api/cases', { type: 'request-report', orgId: 'branch-a1-1', input: { title, body: '村党群服务中心屋顶漏雨，申请专项维修经费。' } });
  expectStatus(r, 201);
  return r.body.caseId as string;
}

async function pageFor(username: string): Promise<Page> {
  const page = await newPage(browser, stack().baseUrl);
  await page.goto('/login');
  await signIn(page, username);
  return page;
}

let overdueCaseTitle: string;

/**
 * Lets the console's first request to `url` reach the service and take effect, then drops its answer on
 * the way back (the connection resets, as when a network drops); later requests pass. Returns the
 * Idempotency-Key of each request and whether the answer to each later one was a replay.
 */
async function loseFirstAnswer(page: Page, url: string): Promise<{ keys: string[]; bodies: string[]; replayed: (string | undefined)[] }> {
  const seen = { keys: [] as string[], bodies: [] as string[], replayed: [] as (string | undefined)[] };
  await page.route(url, async (route) => {
    seen.keys.push(route.request().headers()['idempotency-key'] ?? '(none)');
    seen.bodies.push(route.request().postData() ?? '');
    const response = await route.fetch();
    if (seen.keys.length === 1) return route.abort('connectionreset');
    seen.replayed.push(response.headers()['idempotent-replayed']);
    return route.fulfill({ response });
  });
  return seen;
}

beforeAll(async () => {
  browser = await launchBrowser();
  // Opened first so that it is overdue by the time the administrator looks for it.
  overdueCaseTitle = `超期测试请示-${Date.now()}`;
  await startRequest(overdueCaseTitle);
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('web console', () => {
  it('an official logs in, clears a task from the inbox and sees it move to 已办', async () => {
    const title = `关于修缮村党群服务中心的请示-${Date.now()}`;
    await startRequest(title);

    const page = await newPage(browser, stack().baseUrl);
    await page.goto('/inbox'); // not signed in: the login page, then back to the inbox
    await page.getByPlaceholder('用户名').waitFor();
    await screenshot(page, 'login');
    await signIn(page, 'li.zuzhi');
    expect(new URL(page.url()).pathname).toBe('/inbox');

    const row = page.getByRole('row').filter({ hasText: title });
    await row.waitFor();
    await screenshot(page, 'inbox');
    await row.getByRole('link', { name: title }).click();

    await expect.poll(() => page.getByTestId('task-title').textContent()).toContain('审核');
    await page.getByLabel('意见').fill('同意，请抓紧实施。');
    await screenshot(page, 'task');
    await page.getByRole('button', { name: /^同\s*意$/ }).click();
    await expect.poll(() => page.getByTestId('action-result').textContent()).toContain('已同意');
    // The record shows the decision with the person responsible at once.
    await page.getByTestId('record').getByText('同意，请抓紧实施。').waitFor();

    await page.getByRole('button', { name: '返回待办' }).click();
    await page.getByTestId('tab-todo').waitFor();
    await expect.poll(() => page.getByRole('row').filter({ hasText: title }).count()).toBe(0);
    await page.getByTestId('tab-done').click();
    await page.getByRole('row').filter({ hasText: title }).waitFor();
    await page.close();
  });

  it('an administrator finds an overdue case on the board and opens its record', async () => {
    const { token } = await http.login('admin');
    // Wait until the workflow has marked the township review overdue (compressed working days).
    await expect
      .poll(async () => {
        const r = await http.call('GET', '/api/admin/board', { token });
        return (r.body.items as { id: string; overdue: number }[] | undefined)?.find((i) => i.id === 'town-a1')?.overdue ?? 0;
      }, { timeout: 60_000, interval: 1_000 })
      .toBeGreaterThan(0);

    const page = await pageFor('admin');
    await page.getByRole('menuitem', { name: '超期看板' }).click();
    const overdue = page.getByTestId('board-overdue-town-a1');
    await overdue.waitFor();
    // Villages and branches load when a township is opened.
    await page.locator('tr[data-row-key="town-a1"] .ant-table-row-expand-icon').click();
    await page.getByTestId('board-org-village-a1-1').waitFor();
    // The legend says what the colours mean, the due-soon window from the policy; an overdue unit is red.
    await expect.poll(() => page.getByTestId('board-legend').textContent()).toMatch(/绿：无临期\/超期.*黄：有临期事项（\d+个工作日内到期）.*红：有超期事项/);
    await expect.poll(() => page.getByTestId('board-status-town-a1').textContent()).toBe('超期');
    await screenshot(page, 'board');
    await overdue.click();

    const row = page.getByRole('row').filter({ hasText: overdueCaseTitle });
    await row.waitFor();
    await expect.poll(() => row.getByText('当前超期').count()).toBeGreaterThan(0);
    await screenshot(page, 'case-search');

    // The stage is picked by name, grouped by process; never shown as a code.
    const stagePicker = page.locator('.ant-select').filter({ hasText: '所处阶段' });
    await stagePicker.click();
    const dropdown = page.locator('.ant-select-dropdown:visible');
    await dropdown.locator('.ant-select-item-group').filter({ hasText: '请示报告审批' }).waitFor();
    const shown = await dropdown.locator('.ant-select-item-option-content, .ant-select-item-group').allInnerTexts();
    expect(shown).toContain('乡镇党委审核');
    expect(shown.join(' ')).not.toMatch(/[a-z]-[a-z]|township|review/);
    await dropdown.getByText('乡镇党委审核', { exact: true }).click();
    await expect.poll(() => page.locator('.ant-select').filter({ hasText: '请示报告审批·乡镇党委审核' }).count()).toBe(1);
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await row.waitFor();
    // Another process chosen: the stage goes, and only that process's stages are offered.
    await page.locator('.ant-select').filter({ hasText: '流程类型' }).click();
    await page.locator('.ant-select-dropdown:visible').getByText('发展党员', { exact: true }).click();
    await expect.poll(() => page.locator('.ant-select').filter({ hasText: '所处阶段' }).count()).toBe(1);
    await page.locator('.ant-select').filter({ hasText: '所处阶段' }).click();
    const memberStages = page.locator('.ant-select-dropdown:visible');
    await memberStages.getByText('入党积极分子', { exact: true }).waitFor();
    expect(await memberStages.getByText('乡镇党委审核', { exact: true }).count()).toBe(0);
    await screenshot(page, 'case-search-stage-picker');
    await page.keyboard.press('Escape');
    await row.waitFor(); // the results change only with 查询
    await row.getByRole('link', { name: overdueCaseTitle }).click();

    await expect.poll(() => page.getByTestId('case-title').textContent()).toBe(overdueCaseTitle);
    await expect.poll(() => page.getByTestId('verification').textContent()).toContain('校验通过');
    await expect.poll(() => page.getByTestId('workflow-id').textContent()).toMatch(/\S+/);
    await page.getByTestId('record').getByText('超期督办').first().waitFor();
    await screenshot(page, 'case');

    await page.getByRole('menuitem', { name: '统计分析' }).click();
    await page.getByTestId('chart-stage').waitFor();
    await screenshot(page, 'stats');
    // 三权分立: 时限与日历 is the security administrator's, not on the system administrator's menu.
    expect(await page.getByRole('menuitem', { name: '时限与日历' }).count()).toBe(0);
    const security = await pageFor('security');
    await security.getByRole('menuitem', { name: '时限与日历' }).click();
    await security.getByRole('row').filter({ hasText: 'duration.request-report.township-review' }).waitFor();
    await screenshot(security, 'policies');

    // Years whose holidays are not entered: the API's warnings on the policies page and the board, with the way to enter them.
    const coverage = (await http.call('GET', '/api/calendar/coverage', { token })).body as { publishedYears: number[]; warnings: { year: number; message: string }[] };
    const china = new Date(Date.now() + 8 * 3_600_000);
    // The seeded calendar (chinese-days) ends with 2026: from then on this year or, from November, next year lacks its holidays.
    if (china.getUTCFullYear() > 2026 || china.getUTCMonth() >= 10) expect(coverage.warnings.length).toBeGreaterThan(0);
    for (const w of coverage.warnings) {
      expect(w.message).toContain(`${w.year}年节假日安排尚未录入：`);
      await security.getByTestId(`calendar-warning-${w.year}`).getByText(w.message).waitFor();
    }
    const nextYear = china.getUTCFullYear() + 1;
    expect(coverage.publishedYears).not.toContain(nextYear);
    await page.getByRole('menuitem', { name: '超期看板' }).click();
    for (const w of coverage.warnings) await page.getByTestId(`calendar-warning-${w.year}`).getByText(w.message).waitFor();
    const warned = coverage.warnings.at(-1);
    if (warned) {
      await screenshot(page, 'board-calendar-warning');
      // The system administrator is told; entering the year is the security administrator's (no link here).
      expect(await page.getByRole('link', { name: `去录入${warned.year}年节假日` }).count()).toBe(0);
      await security.goto(`/admin/policies?tab=calendar&year=${warned.year}`);
      await expect.poll(() => security.getByTestId('calendar-year-status').textContent()).toBe(`${warned.year}年节假日安排未录入：按周末推算`);
      await security.getByRole('button', { name: `确认${warned.year}年节假日已录入` }).waitFor();
      await screenshot(security, 'calendar-unpublished-year');
    }
    await security.close();
    await page.close();
  });

  it('a user without an administrative role cannot reach the admin pages (UI and API)', async () => {
    const page = await pageFor('zhang.zhibu');
    await page.getByRole('menuitem', { name: '我的待办' }).waitFor();
    expect(await page.getByRole('menuitem', { name: '超期看板' }).count()).toBe(0);
    expect(await page.getByText('监控管理').count()).toBe(0);

    for (const path of ['/admin/board', '/admin/cases', '/admin/policies']) {
      await page.goto(path);
      await page.getByText('无权访问').waitFor();
    }
    const { token } = await http.login('zhang.zhibu');
    for (const path of ['/api/admin/board', '/api/admin/cases', '/api/admin/stats', '/api/policies']) {
      expectCodedError(await http.call('GET', path, { token }), 403, 'FORBIDDEN');
    }

    // An expired or revoked session: back to the login page with a message, then to the page asked for.
    await page.evaluate("localStorage.setItem('dj.token', 'expired.token.value')");
    await page.goto('/inbox?view=done');
    await page.getByText('登录已过期，请重新登录').waitFor();
    await signIn(page, 'zhang.zhibu');
    expect(new URL(page.url()).search).toBe('?view=done');
    await page.close();
  });

  it('批量同意 and 撤回 send one Idempotency-Key per click: after an answer lost on the way the retry gets the original result', async () => {
    const stamp = Date.now();
    const titles = [`幂等批量请示甲-${stamp}`, `幂等批量请示乙-${stamp}`];
    const approved = [await startRequest(titles[0]!), await startRequest(titles[1]!)];
    const withdrawn = await startRequest(`幂等撤回请示-${stamp}`);

    const page = await pageFor('li.zuzhi');
    const bulk = await loseFirstAnswer(page, '**/api/tasks/bulk-actions');
    for (const t of titles) await page.getByRole('row').filter({ hasText: t }).getByRole('checkbox').check();
    await page.getByRole('button', { name: /批量同意（2）/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: /^同\s*意$/ }).click();
    // Not "0 项已同意，2 项未成功 任务已办结": the retry is answered with what the first request did.
    await page.getByText('已同意 2 项').waitFor();
    expect(bulk.keys).toHaveLength(2);
    expect(bulk.keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(bulk.keys[1]).toBe(bulk.keys[0]);
    expect(bulk.replayed).toEqual(['true']);
    for (const id of approved) {
      const c = await http.asUser('li.zuzhi', 'GET', `/api/cases/${id}`);
      expect((c.body.record as { type: string }[]).filter((e) => e.type === 'task.approve')).toHaveLength(1);
    }
    // The same request under that key, from any client of that user, answers the original result
    // (both approved) and approves nothing again; another request under it is refused.
    const { token: liToken } = await http.login('li.zuzhi');
    const sent = JSON.parse(bulk.bodies[0]!) as { taskIds: string[] };
    const again = await http.call('POST', '/api/tasks/bulk-actions', { token: liToken, headers: { 'idempotency-key': bulk.keys[0]! }, rawBody: bulk.bodies[0]! });
    expectStatus(again, 200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((again.body.results as { ok: boolean }[]).map((r) => r.ok)).toEqual([true, true]);
    const other = await http.call('POST', '/api/tasks/bulk-actions', { token: liToken, headers: { 'idempotency-key': bulk.keys[0]! }, body: { taskIds: sent.taskIds.slice(0, 1), action: 'approve' } });
    expectCodedError(other, 422, 'IDEMPOTENCY_KEY_REUSED');
    await page.close();

    const owner = await pageFor('zhang.zhibu');
    const withdraw = await loseFirstAnswer(owner, `**/api/cases/${withdrawn}/withdraw`);
    await owner.goto(`/cases/${withdrawn}`);
    await owner.getByRole('button', { name: /^撤\s*回$/ }).click();
    await owner.locator('.ant-popconfirm').getByRole('button', { name: /^撤\s*回$/ }).click();
    // Not 409 事项已结束: the retry is answered as the first withdrawal was.
    await owner.getByText('已撤回', { exact: true }).first().waitFor(); // the case's status tag, or the message saying so
    expect(withdraw.keys).toHaveLength(2);
    expect(withdraw.keys[1]).toBe(withdraw.keys[0]);
    expect(withdraw.replayed).toEqual(['true']);
    const { token: zhangToken } = await http.login('zhang.zhibu');
    const replay = await http.call('POST', `/api/cases/${withdrawn}/withdraw`, { token: zhangToken, headers: { 'idempotency-key': withdraw.keys[0]! }, body: {} });
    expectStatus(replay, 200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const fresh = await http.call('POST', `/api/cases/${withdrawn}/withdraw`, { token: zhangToken, body: {} });
    expect(fresh.status).toBe(409); // without the key a repeat is a new request, refused: the case has ended
    await owner.close();
  });

  it('works under its Content-Security-Policy, and 退出登录 ends the session: the token the console kept answers 401', async () => {
    const page = await newPage(browser, stack().baseUrl);
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) violations.push(message.text());
    });
    await page.goto('/login');
    await signIn(page, 'admin');
    for (const [path, ready] of [['/inbox', 'tab-todo'], ['/admin/board', undefined], ['/admin/stats', undefined]] as const) {
      await page.goto(path);
      if (ready) await page.getByTestId(ready).waitFor();
      else await page.getByTestId('user-menu').waitFor();
    }
    await page.waitForLoadState('networkidle');
    expect(violations).toEqual([]);

    // 修改密码 is offered in the same menu; a wrong current password is refused with the service's message.
    await page.getByTestId('user-menu').hover();
    await page.getByRole('menuitem', { name: '修改密码' }).click();
    await page.getByLabel('当前密码').fill('not-the-password');
    await page.getByLabel('新密码', { exact: true }).fill('a-sound-new-passphrase');
    await page.getByLabel('确认新密码').fill('a-sound-new-passphrase');
    await page.getByRole('button', { name: /确\s*定/ }).click();
    await expect.poll(() => page.getByTestId('password-error').textContent()).toContain('当前密码不正确');
    await page.getByRole('button', { name: /取\s*消/ }).click();

    const token = (await page.evaluate("localStorage.getItem('dj.token')")) as string;
    expectStatus(await http.call('GET', '/api/me', { token }), 200);
    // A request still in flight at 退出登录 (held here for 2 s) comes back 401 for the ended session: that says
    // nothing about the session of whoever uses the console next, so no "登录已过期" and no second logout.
    await page.goto('/inbox');
    await page.getByTestId('tab-todo').waitFor();
    let held = 0;
    await page.route('**/api/inbox**', async (route) => {
      held += 1;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await route.continue();
    });
    await page.getByTestId('tab-done').click();
    await expect.poll(() => held).toBeGreaterThan(0);
    await page.getByTestId('user-menu').hover();
    await page.getByText('退出登录').click();
    await page.getByPlaceholder('用户名').waitFor();
    expect(await page.evaluate("localStorage.getItem('dj.token')")).toBeNull();
    await expect.poll(async () => (await http.call('GET', '/api/me', { token })).status).toBe(401);
    expectCodedError(await http.call('GET', '/api/me', { token }), 401, 'UNAUTHENTICATED');
    await page.waitForTimeout(2_500); // the held request has answered 401 by now
    await page.unroute('**/api/inbox**');
    expect(await page.getByText('登录已过期').count()).toBe(0);
    await fillLogin(page, 'zhang.zhibu', 'Dangjian@2026');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('user-menu').waitFor();
    await page.close();
  });
});
