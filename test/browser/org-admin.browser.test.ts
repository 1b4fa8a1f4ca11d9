// 组织机构 in a real browser against the started stack (issue 13): a township administrator sees only
// the township, sets up a village, renames it, reads its history and the township's committee, and
// finds both changes in 审计日志; a branch secretary has no 系统管理 menu and the API refuses them.
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createDb } from '@dj/db';
import { createHttpClient, expectCodedError } from '../e2e/http-client';
import { useStack } from '../e2e/stack';
import { newPage, screenshot, signIn, useBrowser } from './browser';

const stack = useStack({ databaseSuffix: '_browser_orgs', workingDaySeconds: 3600 });
const http = createHttpClient(() => stack().baseUrl);
const browser = useBrowser();

const ok = (page: Page) => page.getByRole('dialog').getByRole('button', { name: /^确\s*定$/ }).click();
const node = (page: Page, id: string) => page.getByTestId(`org-node-${id}`);

describe('组织机构 (organization administration)', () => {
  it('a township administrator sets up and renames a village within the township, with history, committee and audit', async () => {
    const page = await newPage(browser(), stack().baseUrl);
    await page.goto('/admin/orgs');
    await signIn(page, 'donghu.admin');
    await page.getByRole('menuitem', { name: '组织机构' }).click();
    // Only the township it administers is a root of the tree.
    await node(page, 'town-a1').waitFor();
    expect(await page.locator('[data-testid^="org-node-"]').count()).toBe(1);
    await expect.poll(() => page.getByTestId('org-title').textContent()).toBe('东湖镇党委');
    // The township's committee (demo 换届 of 2024).
    await page.getByRole('row').filter({ hasText: '王建国' }).filter({ hasText: '书记' }).waitFor();

    const id = `bv-${Date.now().toString(36)}`;
    await page.getByRole('button', { name: '新建下级组织' }).click();
    await page.getByLabel('组织名称').fill('浏览器测试村党支部');
    await page.getByLabel('类别').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '村党组织' }).click();
    await page.getByLabel('组织编码').fill(id);
    await page.getByLabel(/依据/).fill('东湖镇党委批复〔2026〕9号');
    await screenshot(page, 'org-create');
    await ok(page);
    await page.getByText('新建下级组织已生效').waitFor();

    // The new village under the township, opened from the tree.
    await page.locator('.ant-tree-treenode').filter({ has: node(page, 'town-a1') }).locator('.ant-tree-switcher').click();
    await node(page, id).click();
    await expect.poll(() => page.getByTestId('org-title').textContent()).toBe('浏览器测试村党支部');

    await page.getByRole('button', { name: /^更\s*名$/ }).click();
    await page.getByLabel('新名称').fill('浏览器测试社区党支部');
    await page.getByLabel(/依据/).fill('村改社区');
    await ok(page);
    await expect.poll(() => page.getByTestId('org-title').textContent()).toBe('浏览器测试社区党支部');
    const history = page.getByRole('row').filter({ hasText: '村改社区' });
    await history.waitFor();
    expect(await history.textContent()).toContain('浏览器测试村党支部 → 浏览器测试社区党支部');
    await screenshot(page, 'org-admin');

    // A refused change shows the service's Chinese message and changes nothing.
    await page.getByRole('button', { name: '新建下级组织' }).click();
    await page.getByLabel('组织名称').fill('重复编码的支部');
    await page.getByLabel('类别').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '党支部' }).click();
    await page.getByLabel('组织编码').fill('branch-a1-1');
    await page.getByLabel(/依据/).fill('测试');
    await ok(page);
    await page.getByTestId('org-action-error').getByText(/组织编码已被使用/).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: /^取\s*消$/ }).click();

    // 三权分立: the audit log is the audit administrator's, not on the system administrator's menu.
    expect(await page.getByRole('menuitem', { name: '审计日志' }).count()).toBe(0);
    const auditor = await newPage(browser(), stack().baseUrl);
    await auditor.goto('/login');
    await signIn(auditor, 'auditor');
    await auditor.getByRole('menuitem', { name: '审计日志' }).click();
    await auditor.getByRole('row').filter({ hasText: '组织更名' }).filter({ hasText: id }).waitFor();
    await auditor.getByRole('row').filter({ hasText: '设立组织' }).filter({ hasText: id }).waitFor();
    await screenshot(auditor, 'audit-log');
    // 导出: the last 30 days as CSV, with both changes; the export is itself in the log.
    const [csv] = await Promise.all([auditor.waitForEvent('download'), auditor.getByRole('button', { name: '导出 CSV' }).click()]);
    expect(csv.suggestedFilename()).toMatch(/^审计日志-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile(await csv.path(), 'utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFF时间,操作人,操作人ID,操作,对象类型,对象ID,组织,组织ID,变更前,变更后,原因,来源地址');
    expect(text).toContain(`org.rename,org_unit,${id}`);
    await auditor.getByRole('row').filter({ hasText: '导出审计日志' }).first().waitFor();
    await screenshot(auditor, 'audit-export');
    await auditor.close();

    // The API agrees: the unit exists under the township with both history rows.
    const { token } = await http.login('donghu.admin');
    const detail = await http.call('GET', `/api/admin/orgs/${id}`, { token });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ unit: { name: '浏览器测试社区党支部', parentId: 'town-a1' }, parentName: '东湖镇党委' });
    await page.close();
  }, 120_000);

  it('a township administrator imports an xlsx roster: the template, a file with a bad row refused in Chinese, then a good file', async () => {
    const page = await newPage(browser(), stack().baseUrl);
    await page.goto('/admin/people');
    await signIn(page, 'donghu.admin');
    await page.getByRole('menuitem', { name: '党员花名册' }).click();
    await page.getByRole('button', { name: '导入花名册' }).click();
    const dialog = page.getByRole('dialog');

    // 下载模板: the template with its 填写说明 sheet.
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: '下载模板' }).click()]);
    expect(download.suggestedFilename()).toBe('党员花名册模板.xlsx');
    const template = new ExcelJS.Workbook();
    await template.xlsx.load((await readFile(await download.path())) as unknown as ArrayBuffer);
    expect(template.worksheets.map((w) => w.name)).toEqual(['花名册', '填写说明']);

    const tag = Date.now().toString(36).slice(-5);
    const xlsx = async (rows: unknown[][]) => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('花名册');
      sheet.addRow(['名字', '性别', '出生年月', '入党时间', '转正时间', '所在党支部', '手机号码']);
      for (const r of rows) sheet.addRow(r);
      return Buffer.from(await workbook.xlsx.writeBuffer());
    };
    const day = (d: string) => new Date(`${d}T00:00:00Z`);
    const good = [`浏览甲${tag}`, '女', day('1992-04-05'), '2016/7/1', '2017年7月1日', 'branch-a1-1', 13912348888];
    const file = dialog.locator('input[type=file]');
    await file.setInputFiles({ name: '东湖村花名册.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await xlsx([good, [`浏览乙${tag}`, 'M', day('1990-01-01'), '2015-07-01', null, 'branch-a1-1', null]]) });
    await expect.poll(() => page.getByTestId('import-file-name').textContent()).toBe('东湖村花名册.xlsx');
    await dialog.getByRole('button', { name: /^预\s*检$/ }).click();
    await dialog.getByText('共 2 行，1 行有误，未导入任何数据').waitFor();
    const bad = dialog.getByRole('row').filter({ hasText: '性别须为“男”或“女”' });
    await bad.waitFor();
    expect(await bad.getByRole('cell').first().textContent()).toBe('3');
    expect(await dialog.getByRole('button', { name: /^导\s*入$/ }).isDisabled()).toBe(true);
    await screenshot(page, 'roster-import-errors');

    await file.setInputFiles({ name: '东湖村花名册.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await xlsx([good]) });
    await dialog.getByRole('button', { name: /^预\s*检$/ }).click();
    await dialog.getByText('预检通过：共 1 行，新增 1 人，更新 0 人，未变 0 人').waitFor();
    await dialog.getByRole('button', { name: /^导\s*入$/ }).click();
    await dialog.getByText('已导入：共 1 行，新增 1 人，更新 0 人，未变 0 人').waitFor();

    // The API agrees: the member is on 东湖村第一党支部's roster with the phone Excel had made a number.
    const { token } = await http.login('donghu.admin');
    const found = await http.call('GET', `/api/admin/people?q=${encodeURIComponent(`浏览甲${tag}`)}`, { token });
    expect(found.body).toMatchObject({ items: [{ name: `浏览甲${tag}`, branchId: 'branch-a1-1', birthDate: '1992-04-05', joinedOn: '2016-07-01', fullOn: '2017-07-01', phone: '139******88' }] });

    // The roster shows the phone masked; 显示完整号码 asks the identity service, which decrypts it and audits the view.
    const personId = (found.body as { items: { id: string }[] }).items[0]!.id;
    await dialog.getByRole('button', { name: /关\s*闭|Close/ }).first().click();
    await page.getByPlaceholder('按姓名查找').fill(`浏览甲${tag}`);
    await page.getByPlaceholder('按姓名查找').press('Enter');
    const row = page.getByRole('row').filter({ hasText: `浏览甲${tag}` });
    await row.getByText('139******88').waitFor();
    await row.getByRole('button', { name: '显示完整号码' }).click();
    await row.getByText('13912348888').waitFor();
    await screenshot(page, 'roster-full-phone');
    // The audit row and the stored phone, read from the database: the view recorded without the number; no plaintext.
    const db = createDb(stack().databaseUrl, { max: 1 });
    try {
      const views = await db.adminAuditLog.findMany({ where: { objectId: personId, action: 'person.view-phone' } });
      expect(views).toHaveLength(1);
      expect(JSON.stringify(views)).not.toContain('13912348888');
      const [stored] = await db.$queryRaw<{ phone: string | null; cipher: string | null }[]>`SELECT phone, phone_cipher AS cipher FROM person WHERE id = ${personId}::uuid`;
      expect(stored).toMatchObject({ phone: null, cipher: expect.stringMatching(/^pd1:/) });
    } finally {
      await db.$disconnect();
    }
    await page.close();
  });

  it('三权分立: each administrator sees only their menu; the security administrator grants roles, never two administrator roles to one person', async () => {
    const menus = async (username: string) => {
      const page = await newPage(browser(), stack().baseUrl);
      await page.goto('/login');
      await signIn(page, username);
      await page.getByRole('menuitem', { name: '我的待办' }).waitFor();
      const labels = await page.locator('.ant-menu-item-group-title').allTextContents();
      return { page, labels };
    };
    const system = await menus('admin');
    expect(system.labels).toEqual(expect.arrayContaining(['监控管理', '系统管理']));
    expect(system.labels).not.toContain('安全管理');
    expect(system.labels).not.toContain('审计');
    await system.page.close();
    const audit = await menus('auditor');
    expect(audit.labels).toEqual(expect.arrayContaining(['监控管理', '审计']));
    expect(audit.labels).not.toContain('系统管理');
    expect(audit.labels).not.toContain('安全管理');
    await screenshot(audit.page, 'menu-auditor');
    await audit.page.goto('/admin/accounts');
    await audit.page.getByText('无权访问').waitFor();
    await audit.page.close();

    const { page, labels } = await menus('security');
    expect(labels).toEqual(['安全管理']);
    await screenshot(page, 'menu-security');
    await page.getByRole('menuitem', { name: '账号与职责' }).click();
    await page.getByPlaceholder('用户名或姓名').fill('donghu.admin');
    await page.getByPlaceholder('用户名或姓名').press('Enter');
    await page.getByRole('row').filter({ hasText: '东湖镇系统管理员' }).waitFor();
    // The security administrator neither creates accounts nor resets passwords (the system administrator's).
    expect(await page.getByRole('button', { name: '新建账号' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '重置密码' }).count()).toBe(0);
    await page.getByTestId('grant-donghu.admin').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('组织').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '示范市委组织部' }).click();
    await dialog.getByLabel('职责').click();
    // The role picker offers the three administrator roles by their Chinese names.
    for (const name of ['系统管理员', '安全管理员', '审计管理员']) await page.locator('.ant-select-item-option').filter({ hasText: name }).first().waitFor();
    await screenshot(page, 'grant-role-picker');
    await page.locator('.ant-select-item-option').filter({ hasText: '审计管理员' }).click();
    await dialog.getByLabel('原因').fill('兼任审计管理员');
    await dialog.getByRole('button', { name: /^确\s*定$/ }).click();
    await dialog.getByText(/三权分立：同一人不得兼任/).waitFor();
    await screenshot(page, 'grant-separation-refused');
    await page.close();
    const { token } = await http.login('admin');
    const found = await http.call('GET', '/api/admin/accounts?q=donghu.admin', { token });
    expect((found.body as { items: { memberships: { role: string }[] }[] }).items[0]!.memberships.map((m) => m.role)).toEqual(['admin']);
  }, 120_000);

  it('a branch secretary has no 系统管理 menu, is refused the page and gets 403 from the API', async () => {
    const page = await newPage(browser(), stack().baseUrl);
    await page.goto('/login');
    await signIn(page, 'zhang.zhibu');
    expect(await page.getByRole('menuitem', { name: '组织机构' }).count()).toBe(0);
    await page.goto('/admin/orgs');
    await page.getByText('无权访问').waitFor();
    const { token } = await http.login('zhang.zhibu');
    expectCodedError(await http.call('GET', '/api/admin/orgs', { token }), 403, 'FORBIDDEN');
    await page.close();
  });
});
