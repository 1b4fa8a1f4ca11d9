/** The public pages' markup: a layout and one function per page, all text in Chinese. */
import type { ObjectionField, ObjectionInput } from '../objection-rules';
import { CONTENT_MAX } from '../objection-rules';
import { html, paragraphs, trusted, type Html } from './html';
import { PUBLIC_CSS_VERSION } from './style';

const CHINA_OFFSET_MS = 8 * 3_600_000;
const WEEKDAYS = '日一二三四五六';

/** An instant in China time (Asia/Shanghai, no daylight saving), e.g. 2026年12月8日（星期二）23:59. */
export function chinaDateTime(d: Date): string {
  const c = new Date(d.getTime() + CHINA_OFFSET_MS);
  const hh = String(c.getUTCHours()).padStart(2, '0');
  const mm = String(c.getUTCMinutes()).padStart(2, '0');
  return `${c.getUTCFullYear()}年${c.getUTCMonth() + 1}月${c.getUTCDate()}日（星期${WEEKDAYS[c.getUTCDay()]}）${hh}:${mm}`;
}

export type PublicNotice = { id: string; title: string; body: string; orgName: string; startsAt: Date; endsAt: Date; status: string; active: boolean };

function layout(title: string, content: Html, options: { bodyClass?: string } = {}): Html {
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="stylesheet" href="/notices/assets/public.css?v=${PUBLIC_CSS_VERSION}">
</head>
<body${options.bodyClass ? html` class="${options.bodyClass}"` : ''}>
<header class="top"><a href="/notices">公示公告</a></header>
<main>
${content}
</main>
<footer>本页面公开发布党组织公示事项。对公示对象有异议的，请在公示期内实名反映。</footer>
</body>
</html>
`;
}

function statusBadge(n: PublicNotice): Html {
  if (n.active) return html`<span class="badge on">公示中</span>`;
  if (n.status === 'withdrawn') return html`<span class="badge off">已撤回</span>`;
  if (n.status === 'active' && n.startsAt > new Date()) return html`<span class="badge off">尚未开始</span>`;
  return html`<span class="badge off">公示期已结束</span>`;
}

const period = (n: PublicNotice) => html`<span class="nw">${chinaDateTime(n.startsAt)}</span> 至 <span class="nw">${chinaDateTime(n.endsAt)}</span>`;

export function homePage(options: { q: string; units: { id: string; name: string; active: number }[]; searched: boolean }): Html {
  const { q, units, searched } = options;
  return layout(
    '公示公告',
    html`<h1>公示公告</h1>
<form class="card" method="get" action="/notices" role="search">
  <label for="q">查找组织<span class="hint">输入村、社区、乡镇或党支部名称</span></label>
  <div class="search"><input id="q" name="q" type="search" maxlength="40" value="${q}" autocomplete="off"><button type="submit">查找</button></div>
</form>
<h2>${searched ? html`“${q}”的查找结果` : '正在公示的组织'}</h2>
${units.length === 0
  ? html`<p class="card">${searched ? '没有找到名称相符的组织。' : '目前没有正在公示的事项。'}</p>`
  : html`<ul class="list">${units.map((u) => html`<li><a href="/notices/org/${u.id}"><strong>${u.name}</strong><span class="meta">${u.active > 0 ? `${u.active}项正在公示` : '目前没有公示'}</span></a></li>`)}</ul>`}
<div class="actions"><a class="button secondary" href="/notices/status">查询异议办理结果</a></div>`,
  );
}

export function orgPage(org: { name: string }, notices: PublicNotice[]): Html {
  return layout(
    `${org.name} 公示公告`,
    html`<h1>${org.name}</h1>
<p class="meta">本组织及下级组织正在公示的事项</p>
${notices.length === 0
  ? html`<p class="card">目前没有正在公示的事项。</p>`
  : html`<ul class="list">${notices.map(
      (n) => html`<li><a href="/notices/${n.id}"><strong>${n.title}</strong><span class="meta">${n.orgName} · 公示至 ${chinaDateTime(n.endsAt)}</span></a></li>`,
    )}</ul>`}
<div class="actions"><a class="button secondary" href="/notices">查看其他组织</a></div>`,
  );
}

export function noticePage(n: PublicNotice): Html {
  return layout(
    n.title,
    html`<article class="card">
<h1>${n.title}</h1>
<p class="meta">发布单位：${n.orgName} ${statusBadge(n)}</p>
<p class="period"><strong>公示期：</strong>${period(n)}（北京时间）</p>
<div class="body">${paragraphs(n.body)}</div>
</article>
<section class="card" aria-labelledby="how">
<h2 id="how">如何反映异议</h2>
${n.active
  ? html`<p>对公示对象有异议的，请在公示期内<strong>实名</strong>反映，写明具体事实。上级党组织将逐件核实，并可能通过您留下的电话与您联系。</p>
<p>提交后您会得到一个<strong>回执号</strong>，凭回执号和您填写的电话号码可以查询核实结果。</p>
<div class="actions"><a class="button" href="/notices/${n.id}/objection">我要反映异议</a><a class="button secondary" href="/notices/status">查询办理结果</a></div>`
  : html`<p>${n.status === 'withdrawn' ? '该公示已撤回，' : '当前不在公示期内，'}不再受理异议。已提交异议的，可凭回执号查询办理结果。</p>
<div class="actions"><a class="button secondary" href="/notices/status">查询办理结果</a></div>`}
</section>
<p><a href="/notices/${n.id}/poster">打印公示海报（含二维码）</a></p>`,
  );
}

export type FormState = { values: ObjectionInput; errors: Partial<Record<ObjectionField, string>>; alert?: string | undefined };

function field(id: ObjectionField, label: string, hint: string, state: FormState, control: (describedBy: string) => Html): Html {
  const error = state.errors[id];
  const describedBy = [`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${error ? ' invalid' : ''}">
<label for="${id}">${label}<span class="hint" id="${id}-hint">${hint}</span></label>
${control(describedBy)}
${error ? html`<p class="error" id="${id}-error">${error}</p>` : ''}
</div>`;
}

export function objectionFormPage(n: PublicNotice, state: FormState): Html {
  const invalid = (f: ObjectionField) => (state.errors[f] ? trusted(' aria-invalid="true"') : '');
  const count = Object.keys(state.errors).length;
  return layout(
    `反映异议：${n.title}`,
    html`<h1>反映异议</h1>
<p class="card">对“<a href="/notices/${n.id}">${n.title}</a>”<br><span class="meta">公示期：${period(n)}</span></p>
${state.alert ? html`<div class="alert" role="alert">${state.alert}</div>` : count > 0 ? html`<div class="alert" role="alert">有${count}处需要修改，请查看下方红色提示。</div>` : ''}
<form class="card" method="post" action="/notices/${n.id}/objection" novalidate>
${field('name', '真实姓名', '请填写身份证上的姓名，匿名反映不予受理', state, (d) => html`<input id="name" name="name" type="text" autocomplete="name" maxlength="20" required value="${state.values.name}" aria-describedby="${d}"${invalid('name')}>`)}
${field('phone', '联系电话', '手机号或带区号的固定电话，仅供核实时联系，不会公开', state, (d) => html`<input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" maxlength="13" required value="${state.values.phone}" aria-describedby="${d}"${invalid('phone')}>`)}
${field('content', '异议内容', `写明具体事实、时间、地点，10至${CONTENT_MAX}字`, state, (d) => html`<textarea id="content" name="content" rows="8" maxlength="${CONTENT_MAX}" required aria-describedby="${d}"${invalid('content')}>${state.values.content}</textarea>`)}
<div class="actions"><button type="submit">提交异议</button></div>
</form>`,
  );
}

export function receiptPage(n: PublicNotice, receiptNo: string): Html {
  return layout(
    '异议已受理',
    html`<div class="ok" role="status"><h1>异议已受理</h1><p>您对“${n.title}”的异议已提交，上级党组织将进行核实。</p></div>
<section class="card">
<p>您的回执号：</p>
<p class="receipt" data-testid="receipt">${receiptNo}</p>
<p>请<strong>抄下或截图保存</strong>回执号，它只显示这一次。凭回执号和您填写的电话号码，可以随时查询核实结果。</p>
</section>
<div class="actions"><a class="button" href="/notices/status">查询办理结果</a><a class="button secondary" href="/notices/${n.id}">返回公示</a></div>`,
  );
}

export type StatusForm = { receiptNo: string; phone: string; errors: Partial<Record<'receiptNo' | 'phone', string>>; alert?: string | undefined };

export function statusFormPage(state: StatusForm): Html {
  const err = (f: 'receiptNo' | 'phone') => state.errors[f];
  return layout(
    '查询异议办理结果',
    html`<h1>查询异议办理结果</h1>
${state.alert ? html`<div class="alert" role="alert">${state.alert}</div>` : ''}
<form class="card" method="post" action="/notices/status" novalidate>
<div class="field${err('receiptNo') ? ' invalid' : ''}">
<label for="receiptNo">回执号<span class="hint" id="receiptNo-hint">提交异议时得到的编号，如 <span class="nw">YY20261201-7K3QXM</span></span></label>
<input id="receiptNo" name="receiptNo" type="text" autocapitalize="characters" autocomplete="off" maxlength="30" required value="${state.receiptNo}" aria-describedby="receiptNo-hint${err('receiptNo') ? ' receiptNo-error' : ''}"${err('receiptNo') ? trusted(' aria-invalid="true"') : ''}>
${err('receiptNo') ? html`<p class="error" id="receiptNo-error">${err('receiptNo')}</p>` : ''}
</div>
<div class="field${err('phone') ? ' invalid' : ''}">
<label for="phone">联系电话<span class="hint" id="phone-hint">提交异议时填写的电话号码</span></label>
<input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" maxlength="13" required value="${state.phone}" aria-describedby="phone-hint${err('phone') ? ' phone-error' : ''}"${err('phone') ? trusted(' aria-invalid="true"') : ''}>
${err('phone') ? html`<p class="error" id="phone-error">${err('phone')}</p>` : ''}
</div>
<div class="actions"><button type="submit">查询</button></div>
</form>`,
  );
}

export type ObjectionStatus = { receiptNo: string; noticeId: string; noticeTitle: string; receivedAt: Date; status: string; finding: string | null; handledAt: Date | null };

export function statusResultPage(o: ObjectionStatus): Html {
  const verdict =
    o.status === 'pending'
      ? html`<span class="badge warn">核实中</span>`
      : o.status === 'substantiated'
        ? html`<span class="badge on">已核实：反映的问题属实</span>`
        : html`<span class="badge off">已核实：反映的问题不属实</span>`;
  return layout(
    '异议办理结果',
    html`<h1>异议办理结果</h1>
<section class="card" data-testid="status">
<dl>
<dt>回执号</dt><dd>${o.receiptNo}</dd>
<dt>所涉公示</dt><dd><a href="/notices/${o.noticeId}">${o.noticeTitle}</a></dd>
<dt>提交时间</dt><dd>${chinaDateTime(o.receivedAt)}</dd>
<dt>办理状态</dt><dd>${verdict}</dd>
${o.status === 'pending'
  ? html`<dd class="meta">上级党组织正在核实，请过几天再来查询。</dd>`
  : html`<dt>核实时间</dt><dd>${o.handledAt ? chinaDateTime(o.handledAt) : ''}</dd><dt>核实结论</dt><dd class="body">${paragraphs(o.finding ?? '')}</dd>`}
</dl>
</section>
<div class="actions"><a class="button secondary" href="/notices/status">查询其他回执</a></div>`,
  );
}

export function posterPage(n: PublicNotice, pageUrl: string, qrSvg: Html): Html {
  return layout(
    `公示海报：${n.title}`,
    html`<div class="poster">
<h1>${n.title}</h1>
<p class="org">${n.orgName}</p>
<p class="period"><strong>公示期：</strong>${period(n)}</p>
<div class="body">${paragraphs(n.body)}</div>
<div class="qr">${qrSvg}<div><p><strong>手机扫码查看公示</strong></p><p>如有异议，请在公示期内扫码实名反映</p><p class="url">${pageUrl}</p></div></div>
</div>
<p class="noprint">使用浏览器的“打印”功能，选择 A4 纸张打印后张贴。</p>`,
    { bodyClass: 'print' },
  );
}

export function messagePage(title: string, message: string): Html {
  return layout(title, html`<h1>${title}</h1><p class="card">${message}</p><div class="actions"><a class="button secondary" href="/notices">返回公示公告</a></div>`);
}
