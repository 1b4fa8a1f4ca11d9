// The public notice pages (issue 15): server-rendered HTML from the notice board, on the test database
// and the run's Temporal server. Hostile text is escaped, the objection form validates like the API and
// shares its rate limit, and the status lookup needs the receipt AND the phone (a wrong pair is the same
// not-found as an unknown receipt).
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import QRCode from 'qrcode';
import { buildGateway } from '@dj/gateway';
import { buildNoticeBoardApp, chinaDateTime, OBJECTION_RATE_LIMIT, STATUS_RATE_LIMIT } from '@dj/notice-board';
import { objectionPhoneContext, personalData } from '@dj/db';
import { PUBLIC_PAGES_CSP, signedClientAddress } from '@dj/service-kit';
import { createNoticeActivities } from '@dj/workflows';
import { startServices, type Fixture } from '../src/service-fixture';

const WDS = 60;
let f: Fixture;
let acts: ReturnType<typeof createNoticeActivities>;
let board: FastifyInstance;

beforeAll(async () => {
  f = await startServices();
  acts = createNoticeActivities({ db: f.db, workingDaySeconds: WDS });
  board = f.noticeBoard;
});
afterAll(async () => {
  await f?.close();
});

let ipCounter = 0;
/** Documentation addresses (RFC 5737), a new one per call: each test has its own rate-limit buckets. */
const nextIp = () => `198.51.${100 + Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`;

const HOSTILE = '<script>alert("x")</script>';

async function publish(opts: { orgId?: string; title?: string; body?: string } = {}) {
  const orgId = opts.orgId ?? 'branch-a1-1';
  const org = await f.db.orgUnit.findUniqueOrThrow({ where: { id: orgId } });
  const initiator = await f.db.user.findUniqueOrThrow({ where: { username: 'zhang.zhibu' } });
  const caseId = randomUUID();
  // A case row to record into; its workflow id names no running workflow (the signal is logged as lost).
  await f.db.case.create({
    data: { id: caseId, type: 'secretary-replacement', workflowId: `public-test:${caseId}`, orgId, orgPath: org.path, title: '书记补选', status: 'open', stage: 'public-notice', initiatorId: initiator.id, input: {}, openedAt: new Date() },
  });
  const published = await acts.publishNotice({
    caseId,
    idemKey: `${caseId}:public-notice`,
    orgId,
    title: opts.title ?? `关于王某某同志任党支部书记的公示 ${randomUUID().slice(0, 6)}`,
    body: opts.body ?? '王某某，男，1980年5月生，中共党员。\n\n公示期内，如有异议，请实名反映。',
    policyKey: 'secretary-replacement.public-notice',
  });
  return { ...published, caseId };
}

const page = (url: string, ip = nextIp()) => board.inject({ method: 'GET', url, headers: signedClientAddress(ip, f.deps.jwtSecret) });
function postForm(url: string, fields: Record<string, string>, ip = nextIp()) {
  return board.inject({ method: 'POST', url, headers: { ...signedClientAddress(ip, f.deps.jwtSecret), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
}
const postApi = (noticeId: string, payload: Record<string, unknown>, ip = nextIp()) =>
  board.inject({ method: 'POST', url: `/api/notices/${noticeId}/objections`, headers: signedClientAddress(ip, f.deps.jwtSecret), payload });

const valid = { name: '李四', phone: '13912345678', content: '该同志在低保评定中优亲厚友，请组织核实。' };
const objectionCount = (noticeId: string) => f.db.objection.count({ where: { noticeId } });
const receiptOf = (res: LightMyRequestResponse) => /data-testid="receipt">([^<]+)</.exec(res.body)?.[1];

function expectHtmlPage(res: LightMyRequestResponse, status: number) {
  expect(res.statusCode, res.body.slice(0, 500)).toBe(status);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.headers['content-security-policy']).toBe(PUBLIC_PAGES_CSP);
  expect(res.body).toContain('<html lang="zh-CN">');
  expect(res.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  // No scripts and no inline styles anywhere (the CSP would refuse them).
  expect(res.body).not.toMatch(/<script|style=|<style/i);
}

describe('public notice pages', () => {
  it('lists the active notices of an organization and its subtree, escaping hostile text', async () => {
    const n = await publish({ title: `公示${HOSTILE}`, body: `情况说明 ${HOSTILE} & 其他` });
    const other = await publish({ orgId: 'branch-b1-1' });

    const town = await page('/notices/org/town-a1');
    expectHtmlPage(town, 200);
    expect(town.body).toContain(`/notices/${n.noticeId}`);
    expect(town.body).toContain('公示&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(town.body).not.toContain(other.noticeId);

    const root = await page('/notices');
    expectHtmlPage(root, 200);
    expect(root.body).toContain('href="/notices/org/branch-a1-1"');
    const search = await page(`/notices?q=${encodeURIComponent('东湖')}`);
    expectHtmlPage(search, 200);
    expect(search.body).toContain('href="/notices/org/town-a1"');
    const hostileSearch = await page(`/notices?q=${encodeURIComponent(HOSTILE)}`);
    expectHtmlPage(hostileSearch, 200);
    expect(hostileSearch.body).toContain('没有找到名称相符的组织');

    expectHtmlPage(await page('/notices/org/no-such-org'), 404);
    expectHtmlPage(await page('/notices/org/%3Cscript%3E'), 404);
    const css = await page('/notices/assets/public.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('@page{size:A4');
  });

  it('shows a notice: what, who publishes it, the period in China time, how to object; nothing internal', async () => {
    const n = await publish({ body: `王某某，男。${HOSTILE}\n第二行` });
    const res = await page(`/notices/${n.noticeId}`);
    expectHtmlPage(res, 200);
    expect(res.body).toContain('东湖村第一党支部');
    expect(res.body).toContain(`<span class="nw">${chinaDateTime(new Date(n.startsAt))}</span> 至 <span class="nw">${chinaDateTime(new Date(n.endsAt))}</span>`);
    expect(chinaDateTime(new Date('2026-12-08T15:59:00Z'))).toBe('2026年12月8日（星期二）23:59');
    expect(res.body).toContain('王某某，男。&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>第二行');
    expect(res.body).toContain(`href="/notices/${n.noticeId}/objection"`);
    expect(res.body).toContain('公示中');
    expect(res.body).not.toContain(n.caseId);
    expect(res.body).not.toContain('branch-a1-1');

    expectHtmlPage(await page(`/notices/${randomUUID()}`), 404);
    expectHtmlPage(await page('/notices/not-a-uuid'), 404);
    expectHtmlPage(await page('/notices/a/b/c'), 404);
    // The JSON API keeps working beside the pages.
    const api = await page(`/api/notices/${n.noticeId}`);
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ id: n.noticeId, active: true });
  });

  it('a closed notice takes no objection: the page says so, the form answers 409 and nothing is stored', async () => {
    const n = await publish();
    await acts.closeNotice({ caseId: n.caseId, noticeId: n.noticeId, status: 'withdrawn' });
    const res = await page(`/notices/${n.noticeId}`);
    expectHtmlPage(res, 200);
    expect(res.body).toContain('已撤回');
    expect(res.body).not.toContain(`/notices/${n.noticeId}/objection"`);
    expectHtmlPage(await page(`/notices/${n.noticeId}/objection`), 409);
    const post = await postForm(`/notices/${n.noticeId}/objection`, valid);
    expectHtmlPage(post, 409);
    expect(post.body).toContain('公示期外不受理异议');
    expect(await objectionCount(n.noticeId)).toBe(0);
  });

  it('re-renders the form with Chinese messages next to the fields, keeping what was typed; nothing stored', async () => {
    const n = await publish();
    const form = await page(`/notices/${n.noticeId}/objection`);
    expectHtmlPage(form, 200);
    for (const [id, label] of [['name', '真实姓名'], ['phone', '联系电话'], ['content', '异议内容']]) {
      expect(form.body).toMatch(new RegExp(`<label for="${id}">${label}`));
      expect(form.body).toContain(`id="${id}" name="${id}"`);
    }

    const typed = { name: '李四1', phone: '12345', content: `太短${HOSTILE}`.slice(0, 9) };
    const res = await postForm(`/notices/${n.noticeId}/objection`, { ...typed, content: `<b>短</b>` });
    expectHtmlPage(res, 400);
    expect(res.body).toContain('有3处需要修改');
    expect(res.body).toMatch(/<p class="error" id="name-error">姓名只能由汉字或字母组成/);
    expect(res.body).toMatch(/<p class="error" id="phone-error">请填写11位手机号码/);
    expect(res.body).toMatch(/<p class="error" id="content-error">请写明具体情况，异议内容至少10个字/);
    expect(res.body).toContain('value="李四1"');
    expect(res.body).toContain('value="12345"');
    expect(res.body).toContain('&lt;b&gt;短&lt;/b&gt;</textarea>');
    expect(res.body).toContain('aria-invalid="true"');

    const hostileValue = await postForm(`/notices/${n.noticeId}/objection`, { ...valid, name: `"><script>x</script>` });
    expectHtmlPage(hostileValue, 400);
    expect(hostileValue.body).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(hostileValue.body).toContain(valid.content); // the valid fields are kept too

    const empty = await postForm(`/notices/${n.noticeId}/objection`, {});
    expectHtmlPage(empty, 400);
    expect(empty.body).toContain('请填写真实姓名');
    expect(empty.body).toContain('请填写联系电话');
    expect(empty.body).toContain('请填写异议内容');
    const nul = await postForm(`/notices/${n.noticeId}/objection`, { ...valid, content: `${valid.content}\u0000` });
    expectHtmlPage(nul, 400);
    expect(await objectionCount(n.noticeId)).toBe(0);
  });

  it('refuses exactly what the JSON API refuses', async () => {
    const n = await publish();
    const cases: Record<string, string>[] = [
      { ...valid, name: '李' },
      { ...valid, name: '李四四四四四四四四四四四四四四四四四四四四' },
      { ...valid, name: '李 四2' },
      { ...valid, name: '阿卜杜拉··艾力' },
      { ...valid, phone: '12912345678' },
      { ...valid, phone: '+8613912345678' },
      { ...valid, phone: '0571-08888888' },
      { ...valid, content: '          短短短短短' },
      { ...valid, content: '字'.repeat(2001) },
    ];
    for (const c of cases) {
      const api = await postApi(n.noticeId, c);
      const form = await postForm(`/notices/${n.noticeId}/objection`, c);
      expect([api.statusCode, form.statusCode], JSON.stringify(c).slice(0, 80)).toEqual([400, 400]);
    }
    for (const ok of [{ ...valid, name: '阿卜杜拉·艾力' }, { ...valid, name: 'Mary Ann' }, { ...valid, phone: '0571-88888888' }, { ...valid, phone: '057188888888' }]) {
      expect((await postApi(n.noticeId, ok)).statusCode).toBe(201);
      expect((await postForm(`/notices/${n.noticeId}/objection`, ok)).statusCode).toBe(201);
    }
    expect(await objectionCount(n.noticeId)).toBe(8);
  });

  it('files an objection from the form and shows the receipt number; the stored objection is as typed', async () => {
    const n = await publish();
    const res = await postForm(`/notices/${n.noticeId}/objection`, { name: ' 王五 ', phone: '13800001111', content: '第一行情况说明，\r\n第二行补充说明。' });
    expectHtmlPage(res, 201);
    const receiptNo = receiptOf(res);
    expect(receiptNo).toMatch(/^YY\d{8}-[0-9A-Z]{6}$/);
    expect(res.body).toContain('异议已受理');
    expect(res.body).not.toContain('13800001111');
    const stored = await f.db.objection.findUniqueOrThrow({ where: { receiptNo: receiptNo! } });
    expect(stored).toMatchObject({ noticeId: n.noticeId, name: '王五', plainPhone: null, content: '第一行情况说明，\n第二行补充说明。', status: 'pending' });
    // Stored encrypted with its keyed hash; the table holds no objection phone in plaintext.
    const [raw] = await f.db.$queryRaw<{ phone: string | null; cipher: string }[]>`SELECT phone, phone_cipher AS cipher FROM objection WHERE id = ${stored.id}::uuid`;
    expect(raw).toMatchObject({ phone: null, cipher: expect.stringMatching(/^pd1:/) });
    expect(personalData().decrypt(raw!.cipher, objectionPhoneContext(stored.id))).toBe('13800001111');
    expect(await f.db.objection.count({ where: { plainPhone: { not: null } } })).toBe(0);
  });

  it('shares the API’s rate limit per client address: the 6th objection either way is refused and not stored', async () => {
    const n = await publish();
    const ip = nextIp();
    for (let i = 0; i < 3; i++) expect((await postApi(n.noticeId, valid, ip)).statusCode).toBe(201);
    expect((await postForm(`/notices/${n.noticeId}/objection`, { ...valid, phone: 'bad' }, ip)).statusCode).toBe(400); // invalid ones count too
    expect((await postForm(`/notices/${n.noticeId}/objection`, valid, ip)).statusCode).toBe(201);
    expect(OBJECTION_RATE_LIMIT.max).toBe(5);
    const refused = await postForm(`/notices/${n.noticeId}/objection`, valid, ip);
    expectHtmlPage(refused, 429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.body).toContain('请求过于频繁');
    expect((await postApi(n.noticeId, valid, ip)).statusCode).toBe(429);
    expect(await objectionCount(n.noticeId)).toBe(4);
    // Another address is not affected.
    expect((await postForm(`/notices/${n.noticeId}/objection`, valid)).statusCode).toBe(201);
  });

  it('shows the objector the status with receipt AND phone; a wrong pair is the same not-found; nothing of others', async () => {
    const n = await publish();
    const mine = receiptOf(await postForm(`/notices/${n.noticeId}/objection`, { name: '赵六', phone: '0571-88881234', content: '我反映的第一件事情需要核实清楚。' }))!;
    const theirs = receiptOf(await postForm(`/notices/${n.noticeId}/objection`, { name: '钱七', phone: '13700002222', content: '另一位群众反映的另外一件事情。' }))!;
    expect(mine).toBeTruthy();
    expect(theirs).toBeTruthy();

    expectHtmlPage(await page('/notices/status'), 200);
    const pending = await postForm('/notices/status', { receiptNo: ` ${mine.toLowerCase()} `, phone: '057188881234' });
    expectHtmlPage(pending, 200);
    expect(pending.body).toContain('核实中');
    expect(pending.body).toContain(mine);

    const before = await f.db.objection.findMany({ where: { noticeId: n.noticeId }, orderBy: { receiptNo: 'asc' } });
    const wrongPhone = await postForm('/notices/status', { receiptNo: mine, phone: '13700002222' });
    const otherReceipt = await postForm('/notices/status', { receiptNo: theirs, phone: '0571-88881234' });
    const unknown = await postForm('/notices/status', { receiptNo: 'YY20260101-ABCDEF', phone: '0571-88881234' });
    for (const res of [wrongPhone, otherReceipt, unknown]) {
      expectHtmlPage(res, 404);
      expect(res.body).toContain('没有找到与该回执号和电话号码相符的异议');
      expect(res.body).not.toContain(n.noticeId);
      expect(res.body).not.toContain('核实中');
    }
    // Same page apart from the echoed input.
    const strip = (s: string) => s.replace(/value="[^"]*"/g, '');
    expect(strip(wrongPhone.body)).toBe(strip(unknown.body));
    const malformed = await postForm('/notices/status', { receiptNo: 'abc', phone: '' });
    expectHtmlPage(malformed, 400);
    expect(malformed.body).toContain('回执号格式不对');
    expect(malformed.body).toContain('请填写提交异议时的联系电话');
    expect(await f.db.objection.findMany({ where: { noticeId: n.noticeId }, orderBy: { receiptNo: 'asc' } })).toEqual(before);

    // The township verifies it (the workflow's activity records the finding).
    const task = await f.db.task.findFirst({ select: { id: true } });
    const official = await f.db.user.findUniqueOrThrow({ where: { username: 'li.zuzhi' } });
    const objection = await f.db.objection.findUniqueOrThrow({ where: { receiptNo: mine } });
    await acts.recordObjectionFinding({ caseId: n.caseId, objectionId: objection.id, taskId: task?.id ?? randomUUID(), substantiated: false, finding: `经走访核实，反映情况不属实。${HOSTILE}`, handledBy: { userId: official.id, name: '李组织' } });
    const verified = await postForm('/notices/status', { receiptNo: mine, phone: '0571-88881234' });
    expectHtmlPage(verified, 200);
    expect(verified.body).toContain('已核实：反映的问题不属实');
    expect(verified.body).toContain('经走访核实，反映情况不属实。&lt;script&gt;');
    // Nothing personal: not the name, not the words, not another objector's receipt.
    for (const secret of ['赵六', '我反映的第一件事情', theirs, '钱七', '13700002222', official.id, objection.id]) expect(verified.body).not.toContain(secret);
  });

  it('rate-limits status lookups per client address, right or wrong', async () => {
    const ip = nextIp();
    for (let i = 0; i < STATUS_RATE_LIMIT.max; i++) expect((await postForm('/notices/status', { receiptNo: `YY20260101-ABCDE${i}`, phone: '13912345678' }, ip)).statusCode).toBe(404);
    const refused = await postForm('/notices/status', { receiptNo: 'YY20260101-ABCDEF', phone: '13912345678' }, ip);
    expectHtmlPage(refused, 429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('prints a poster with a QR code of the notice’s page, from PUBLIC_BASE_URL or the host asked for', async () => {
    const n = await publish({ title: `海报${HOSTILE}` });
    const configured = await buildNoticeBoardApp({ ...f.deps, logLevel: 'silent', publicBaseUrl: 'https://gongshi.example.cn/dj' });
    try {
      const res = await configured.inject({ method: 'GET', url: `/notices/${n.noticeId}/poster` });
      expectHtmlPage(res, 200);
      const url = `https://gongshi.example.cn/dj/notices/${n.noticeId}`;
      expect(res.body).toContain(`<p class="url">${url}</p>`);
      expect(res.body).toContain('海报&lt;script&gt;');
      // The library's own encoding of that URL is what the page carries.
      const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      const path = (s: string) => /<path stroke="#000000" d="([^"]+)"/.exec(s)?.[1];
      expect(path(svg)).toBeTruthy();
      expect(path(res.body)).toBe(path(svg));
    } finally {
      await configured.close();
    }
    const byHost = await board.inject({ method: 'GET', url: `/notices/${n.noticeId}/poster`, headers: { host: 'cun.example.cn:8080' } });
    expect(byHost.body).toContain(`<p class="url">http://cun.example.cn:8080/notices/${n.noticeId}</p>`);
    const badHost = await board.inject({ method: 'GET', url: `/notices/${n.noticeId}/poster`, headers: { host: 'evil"><x' } });
    expect(badHost.body).toContain(`<p class="url">http://localhost/notices/${n.noticeId}</p>`);
  });

  it('the gateway routes /notices to the board with the pages’ CSP and the browser’s host for the QR code', async () => {
    const n = await publish();
    const boardApp = await buildNoticeBoardApp({ ...f.deps, logLevel: 'silent' });
    const boardUrl = await boardApp.listen({ host: '127.0.0.1', port: 0 });
    const gateway = await buildGateway({ identity: boardUrl, inbox: boardUrl, cases: boardUrl, noticeBoard: boardUrl, console: 'http://127.0.0.1:9' }, { logLevel: 'silent', jwtSecret: f.deps.jwtSecret });
    try {
      const gatewayUrl = await gateway.listen({ host: '127.0.0.1', port: 0 });
      const res = await fetch(`${gatewayUrl}/notices/${n.noticeId}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(PUBLIC_PAGES_CSP);
      expect(await res.text()).toContain(`/notices/${n.noticeId}/objection`);
      const poster = await (await fetch(`${gatewayUrl}/notices/${n.noticeId}/poster`, { headers: { 'x-forwarded-host': 'forged.example' } })).text();
      expect(poster).toContain(`<p class="url">${gatewayUrl}/notices/${n.noticeId}</p>`);
      // Directly on the board's port a forged X-Forwarded-Host is not believed.
      const direct = await (await fetch(`${boardUrl}/notices/${n.noticeId}/poster`, { headers: { 'x-forwarded-host': 'forged.example' } })).text();
      expect(direct).not.toContain('forged.example');
      expect((await fetch(`${gatewayUrl}/api/notices/${n.noticeId}`)).status).toBe(200);
    } finally {
      await gateway.close();
      await boardApp.close();
    }
  });

  it('logs neither the name, the phone nor the words of an objector, from the form or the status lookup', async () => {
    const n = await publish();
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logged = await buildNoticeBoardApp({ ...f.deps, logger: { level: 'trace', stream } });
    try {
      const form = (fields: Record<string, string>) =>
        logged.inject({ method: 'POST', url: `/notices/${n.noticeId}/objection`, headers: { ...signedClientAddress(nextIp(), f.deps.jwtSecret), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
      const filed = await form({ name: '孙八', phone: '13655554444', content: '记录日志时不应出现的异议内容文字。' });
      expect(filed.statusCode).toBe(201);
      expect((await form({ name: '孙八', phone: '1365555', content: '记录日志时不应出现的异议内容文字。' })).statusCode).toBe(400);
      const lookup = await logged.inject({ method: 'POST', url: '/notices/status', headers: { ...signedClientAddress(nextIp(), f.deps.jwtSecret), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ receiptNo: receiptOf(filed)!, phone: '13655554444' }).toString() });
      expect(lookup.statusCode).toBe(200);
    } finally {
      await logged.close();
    }
    const log = lines.join('');
    expect(log).toContain('objection.received');
    expect(log).toContain('objection-status.viewed');
    for (const secret of ['孙八', '13655554444', '1365555', '记录日志时不应出现']) expect(log).not.toContain(secret);
  });
});
