/**
 * The public notice pages (issue 15): server-rendered HTML without scripts, for a villager's phone on
 * a weak connection. No login; only what a notice publishes is shown. Objections go through the same
 * validation, rate limit and storage as the JSON API (file-objection.ts); the status lookup needs the
 * receipt number and the phone number given, and a wrong pair looks exactly like an unknown receipt.
 */
import type { Client } from '@temporalio/client';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import QRCode from 'qrcode';
import { errorCatalogue } from '@dj/contracts';
import { personalData, Prisma, type Db } from '@dj/db';
import { clientAddress, codedError, PUBLIC_PAGES_CSP, securityHeaders, takeFixedWindow, throttleKey, type ThrottleDecision } from '@dj/service-kit';
import { fileObjection, isActive, takeObjectionQuota } from '../file-objection';
import { normalizeReceipt, objectionFieldErrors, phoneDigits, RECEIPT_PATTERN, type ObjectionInput } from '../objection-rules';
import { publicBaseUrlOf } from './base-url';
import { trusted, type Html } from './html';
import {
  homePage,
  messagePage,
  noticePage,
  objectionFormPage,
  orgPage,
  posterPage,
  receiptPage,
  statusFormPage,
  statusResultPage,
  type FormState,
  type PublicNotice,
  type StatusForm,
} from './pages';
import { PUBLIC_CSS } from './style';

/** Status lookups per client address and window: enough for a person, too few to guess receipts. */
export const STATUS_RATE_LIMIT = { max: 10, timeWindowMs: 10 * 60_000 };
/** A form body is a few KB (2000 characters percent-encoded are at most 18 KB). */
const FORM_BODY_LIMIT = 64 * 1024;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ORG_ID_RE = /^[A-Za-z0-9_.-]{1,64}$/;

export type PublicPagesOptions = { db: Db; temporal: Client; jwtSecret: string; publicBaseUrl: string | undefined };

type NoticeRow = { id: string; title: string; body: string; org_name: string; starts_at: Date; ends_at: Date; status: string };

const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, '\\$&')}%`;
const activeSql = (now: Date) => Prisma.sql`(n.status = 'active' AND n.starts_at <= ${now} AND n.ends_at >= ${now})`;

function toNotice(r: NoticeRow, now: Date): PublicNotice {
  return { id: r.id, title: r.title, body: r.body, orgName: r.org_name, startsAt: r.starts_at, endsAt: r.ends_at, status: r.status, active: isActive({ status: r.status, startsAt: r.starts_at, endsAt: r.ends_at }, now) };
}

/** The catalogue's Chinese message alone (the API's carry the English one too). */
const chinese = (code: keyof typeof errorCatalogue) => errorCatalogue[code].zh;

const send = (reply: FastifyReply, status: number, page: Html) => reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page.value);

/** One text field of a parsed form: a string (the last one if repeated), or '' when absent. */
function formField(body: unknown, name: string): string {
  if (typeof body !== 'object' || body === null) return '';
  const v = (body as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
}

export async function registerPublicPages(app: FastifyInstance, options: PublicPagesOptions): Promise<void> {
  const { db, temporal, jwtSecret } = options;
  const headers = securityHeaders(PUBLIC_PAGES_CSP);
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(headers);
  });
  // HTML forms post application/x-www-form-urlencoded; only these routes accept it.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  // Errors and unknown paths answer as pages, with the status the API would give.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, body } = codedError(error);
    if (status >= 500) request.log.error({ err: error }, 'public page failed');
    const title = status === 404 ? '页面不存在' : status === 429 ? '请求过于频繁' : status >= 500 ? '系统繁忙' : '请求有误';
    return send(reply, status, messagePage(title, status >= 500 ? '系统暂时无法处理，请稍后再试。' : chinese(body.code)));
  });
  app.setNotFoundHandler((_request, reply) => send(reply, 404, messagePage('页面不存在', '没有找到这个页面，公示可能已被删除或地址有误。')));

  const notFound = (reply: FastifyReply) => send(reply, 404, messagePage('未找到公示', '没有找到这项公示，请检查地址是否完整。'));

  async function loadNotice(id: string): Promise<PublicNotice | undefined> {
    if (!UUID_RE.test(id)) return undefined;
    const rows = await db.$queryRaw<NoticeRow[]>`
      SELECT n.id, n.title, n.body, o.name AS org_name, n.starts_at, n.ends_at, n.status
      FROM notice n JOIN org_unit o ON o.id = n.org_id WHERE n.id = ${id}::uuid`;
    return rows[0] ? toNotice(rows[0], new Date()) : undefined;
  }

  function refuseRateLimited(reply: FastifyReply, decision: ThrottleDecision, max: number): boolean {
    reply.header('x-ratelimit-limit', String(max));
    reply.header('x-ratelimit-remaining', String(decision.remaining));
    if (decision.allowed) return false;
    reply.header('retry-after', String(decision.retryAfterSeconds));
    const minutes = Math.max(1, Math.ceil(decision.retryAfterSeconds / 60));
    send(reply, 429, messagePage('请求过于频繁', `您提交得太频繁了，请${minutes}分钟后再试。您填写的内容没有保存。`));
    return true;
  }

  app.get('/assets/public.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(PUBLIC_CSS));

  app.get<{ Querystring: { q?: string } }>('/', async (request, reply) => {
    const q = (typeof request.query.q === 'string' ? request.query.q : '').trim().slice(0, 40);
    const now = new Date();
    const units = q
      ? await db.$queryRaw<{ id: string; name: string; active: number }[]>`
          SELECT o.id, o.name,
            (SELECT count(*)::int FROM notice n WHERE n.org_path LIKE o.path || '%' AND ${activeSql(now)}) AS active
          FROM org_unit o WHERE o.name LIKE ${`%${q.replace(/[\\%_]/g, '\\$&')}%`}
          ORDER BY o.path LIMIT 30`
      : await db.$queryRaw<{ id: string; name: string; active: number }[]>`
          SELECT o.id, o.name, count(*)::int AS active
          FROM notice n JOIN org_unit o ON o.id = n.org_id
          WHERE ${activeSql(now)}
          GROUP BY o.id, o.name, o.path ORDER BY o.path LIMIT 100`;
    return send(reply, 200, homePage({ q, units, searched: q !== '' }));
  });

  app.get<{ Params: { orgId: string } }>('/org/:orgId', async (request, reply) => {
    const { orgId } = request.params;
    const org = ORG_ID_RE.test(orgId) ? await db.orgUnit.findUnique({ where: { id: orgId }, select: { name: true, path: true } }) : null;
    if (!org) return send(reply, 404, messagePage('未找到组织', '没有找到这个组织，请返回重新查找。'));
    const now = new Date();
    const rows = await db.$queryRaw<NoticeRow[]>`
      SELECT n.id, n.title, n.body, o.name AS org_name, n.starts_at, n.ends_at, n.status
      FROM notice n JOIN org_unit o ON o.id = n.org_id
      WHERE n.org_path LIKE ${likePrefix(org.path)} AND ${activeSql(now)}
      ORDER BY n.starts_at DESC, n.id DESC LIMIT 100`;
    return send(reply, 200, orgPage(org, rows.map((r) => toNotice(r, now))));
  });

  app.get('/status', async (_request, reply) => send(reply, 200, statusFormPage({ receiptNo: '', phone: '', errors: {} })));

  // POST, so the phone number never appears in a URL (logs, history, referrers).
  app.post('/status', async (request, reply) => {
    const decision = await takeFixedWindow(db, throttleKey(jwtSecret, 'objection-status', clientAddress(request, jwtSecret)), { max: STATUS_RATE_LIMIT.max, windowMs: STATUS_RATE_LIMIT.timeWindowMs });
    if (refuseRateLimited(reply, decision, STATUS_RATE_LIMIT.max)) {
      request.log.warn({ event: 'objection-status.rate_limited' }, 'status lookup refused by the rate limit');
      return reply;
    }
    const form: StatusForm = { receiptNo: normalizeReceipt(formField(request.body, 'receiptNo')), phone: formField(request.body, 'phone').trim(), errors: {} };
    if (form.receiptNo === '') form.errors.receiptNo = '请填写回执号';
    else if (!RECEIPT_PATTERN.test(form.receiptNo)) form.errors.receiptNo = '回执号格式不对，应为 YY 加8位日期、短横线和6位字母数字，如 YY20261201-7K3QXM';
    if (form.phone === '') form.errors.phone = '请填写提交异议时的联系电话';
    else if (form.phone.length > 13) form.errors.phone = '电话号码太长';
    if (Object.keys(form.errors).length > 0) return send(reply, 400, statusFormPage(form));

    const o = await db.objection.findUnique({
      where: { receiptNo: form.receiptNo },
      select: { receiptNo: true, phoneHash: true, status: true, finding: true, createdAt: true, handledAt: true, notice: { select: { id: true, title: true } } },
    });
    // Unknown receipt and wrong phone: the same answer, so neither can be probed. The phone is compared by
    // its keyed hash over the digits (personal-data.ts), never decrypted.
    if (!o || !personalData().phoneMatches(o.phoneHash, phoneDigits(form.phone))) {
      request.log.info({ event: 'objection-status.not_found' }, 'status lookup without a match');
      return send(reply, 404, statusFormPage({ ...form, alert: '没有找到与该回执号和电话号码相符的异议。请核对回执号和提交时填写的电话号码。' }));
    }
    request.log.info({ event: 'objection-status.viewed', receiptNo: o.receiptNo }, 'objection status looked up');
    return send(reply, 200, statusResultPage({ receiptNo: o.receiptNo, noticeId: o.notice.id, noticeTitle: o.notice.title, receivedAt: o.createdAt, status: o.status, finding: o.finding, handledAt: o.handledAt }));
  });

  app.get<{ Params: { id: string } }>('/:id', async (request, reply) => {
    const n = await loadNotice(request.params.id);
    return n ? send(reply, 200, noticePage(n)) : notFound(reply);
  });

  app.get<{ Params: { id: string } }>('/:id/objection', async (request, reply) => {
    const n = await loadNotice(request.params.id);
    if (!n) return notFound(reply);
    if (!n.active) return send(reply, 409, messagePage('不在公示期内', '公示期外不受理异议。'));
    return send(reply, 200, objectionFormPage(n, { values: { name: '', phone: '', content: '' }, errors: {} }));
  });

  app.post<{ Params: { id: string } }>('/:id/objection', async (request, reply) => {
    // Counted before anything else, invalid requests included, in the API's bucket.
    const address = clientAddress(request, jwtSecret);
    const decision = await takeObjectionQuota(db, jwtSecret, address);
    if (refuseRateLimited(reply, decision, 5)) {
      request.log.warn({ event: 'objection.rate_limited', noticeId: request.params.id }, 'objection refused by the rate limit');
      return reply;
    }
    const n = await loadNotice(request.params.id);
    if (!n) return notFound(reply);
    const values: ObjectionInput = {
      name: formField(request.body, 'name').trim(),
      phone: formField(request.body, 'phone').trim(),
      content: formField(request.body, 'content').replace(/\r\n?/g, '\n'),
    };
    if (!n.active) return send(reply, 409, messagePage('不在公示期内', '公示期外不受理异议，您填写的内容没有保存。'));
    const errors = objectionFieldErrors(values);
    if (Object.keys(errors).length > 0) return send(reply, 400, objectionFormPage(n, { values, errors }));
    try {
      const { receiptNo } = await fileObjection({ db, temporal, jwtSecret, log: request.log }, { noticeId: n.id, ...values, clientAddress: address });
      return send(reply, 201, receiptPage(n, receiptNo));
    } catch (error) {
      const { status, body } = codedError(error);
      if (body.code === 'NOTICE_NOT_ACTIVE') return send(reply, 409, messagePage('不在公示期内', '公示期已结束，不再受理异议，您填写的内容没有保存。'));
      if (status >= 500) throw error;
      const state: FormState = { values, errors: {}, alert: chinese(body.code) };
      return send(reply, status, objectionFormPage(n, state));
    }
  });

  app.get<{ Params: { id: string } }>('/:id/poster', async (request, reply) => {
    const n = await loadNotice(request.params.id);
    if (!n) return notFound(reply);
    const pageUrl = `${publicBaseUrlOf(request, options.publicBaseUrl, jwtSecret)}/notices/${n.id}`;
    // The library's SVG: paths only, no scripts or styles; made from a URL this service built.
    const svg = await QRCode.toString(pageUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return send(reply, 200, posterPage(n, pageUrl, trusted(svg.replace('<svg ', '<svg role="img" aria-label="本公示页面的二维码" '))));
  });
}

