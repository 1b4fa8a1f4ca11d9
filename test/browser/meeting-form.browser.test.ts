// The console submits a collective decision (issue 14): a 支委会 step shows the body and its roster as
// checkboxes; a meeting without a quorum is refused with the rule named; a valid one decides the step.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createHttpClient, expectStatus, type Json } from '../e2e/http-client';
import { useStack } from '../e2e/stack';
import { newPage, screenshot, signIn, useBrowser } from './browser';

// 30 s per working day: nothing falls due while the test runs.
const stack = useStack({ databaseSuffix: '_browser_meeting', workingDaySeconds: 30 });
const http = createHttpClient(() => stack().baseUrl);
const browser = useBrowser();

async function openTask(caseId: string, stepKey: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const r = await http.asUser('zhang.zhibu', 'GET', '/api/inbox?view=todo&limit=100');
    const item = (r.body.items as Json[]).find((t) => t.caseId === caseId && t.stepKey === stepKey && t.kind === 'step');
    if (item) return item.taskId as string;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`no open ${stepKey}`);
}

async function approve(caseId: string, stepKey: string, form: Json) {
  const r = await http.asUser('zhang.zhibu', 'POST', `/api/tasks/${await openTask(caseId, stepKey)}/actions?wait=next`, { action: 'approve', form });
  expectStatus(r, 200);
}

async function fillMeeting(page: Page, attendees: string[]) {
  await page.getByLabel('会议日期').click();
  await page.getByLabel('会议日期').fill('2026-11-20');
  await page.getByLabel('会议日期').press('Enter');
  await page.getByLabel('会议地点').fill('东湖村党群服务中心');
  for (const name of ['张志斌（书记）', '黄淑芬（副书记）', '马建华（委员）']) {
    const box = page.getByLabel(name);
    if (attendees.includes(name)) await box.check();
    else await box.uncheck();
  }
  await page.getByLabel('表决方式').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '无记名投票' }).click();
  await page.getByLabel('赞成', { exact: true }).fill(String(attendees.length));
  await page.getByLabel('反对', { exact: true }).fill('0');
  await page.getByLabel('弃权', { exact: true }).fill('0');
  await page.getByLabel('会议决议').fill('同意确定为入党积极分子。');
}

describe('the meeting form in the console', () => {
  it('the branch secretary records the 支委会 meeting: no quorum refused with the rule, a valid meeting decides the step', async () => {
    const opened = await http.asUser('zhang.zhibu', 'POST', '/api/cases', {
      type: 'member-development',
      orgId: 'branch-a1-1',
      input: { name: '吴小兰', gender: 'female', birthDate: '2000-02-02', applicationDate: '2026-11-01' },
    });
    expectStatus(opened, 201);
    const caseId = opened.body.caseId as string;
    await approve(caseId, 'talk', { talkerName: '张志斌', talkDate: '2026-11-10', summary: '谈话。' });
    await approve(caseId, 'members-recommendation', { meetingDate: '2026-11-20', eligible: 30, present: 25, for: 20, against: 3, abstain: 2 });
    await approve(caseId, 'mass-recommendation', { organization: 'youth-league', recommended: true, date: '2026-11-20', document: '推优表' });
    const taskId = await openTask(caseId, 'activist-committee');

    const page = await newPage(browser(), stack().baseUrl);
    await page.goto('/login');
    await signIn(page, 'zhang.zhibu');
    await page.goto(`/tasks/${taskId}`);
    await page.getByText(/支委会应到会 3 人/).waitFor();

    await fillMeeting(page, ['张志斌（书记）']);
    await page.getByRole('button', { name: /^同\s*意$/ }).click();
    await page.getByTestId('action-error').getByText(/第十二条/).waitFor().catch(async (e: unknown) => {
      await screenshot(page, 'meeting-no-quorum-failed');
      throw e;
    });
    await screenshot(page, 'meeting-no-quorum');
    expect((await http.asUser('zhang.zhibu', 'GET', `/api/tasks/${taskId}`)).body.task.status).toBe('open');

    await fillMeeting(page, ['张志斌（书记）', '黄淑芬（副书记）']);
    await page.getByRole('button', { name: /^同\s*意$/ }).click();
    await expect.poll(() => page.getByTestId('action-result').textContent(), { timeout: 20_000 }).toContain('已同意');
    await screenshot(page, 'meeting-recorded');
    const events = (await http.asUser('zhang.zhibu', 'GET', `/api/cases/${caseId}`)).body.record as Json[];
    const recorded = events.find((e) => e.data?.meeting);
    expect(recorded?.data).toMatchObject({ form: { ballotMethod: 'secret-ballot', meetingDate: '2026-11-20', place: '东湖村党群服务中心' }, meeting: { present: 2, carried: true } });
    await page.close();
  }, 120_000);
});
