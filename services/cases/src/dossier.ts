/**
 * 纪实表 (全程纪实): one printable document per case listing every step — when it opened, when it was
 * due, when and how it ended, who was responsible (including 转办), and the record event that proves
 * it (sequence number and hash of the hash-chained case_event) — plus the facts the process recorded
 * (votes, notices, dates). Built from the record and the tasks, never from the workflow.
 */
import type { Db, Prisma } from '@dj/db';
import { verifyCaseRecord } from '@dj/db';
import { caseTypeName } from '@dj/domain';
import { forms, recordEventNames } from '@dj/contracts';
import { stepHistories, type StepHistory, type StepMeeting } from './step-history';

const outcomeNames: Record<string, string> = {
  approve: '同意 / 已办理',
  reject: '驳回',
  return: '退回',
  forward: '上报',
  cancelled: '已取消',
  withdrawn: '已撤回',
  resolved: '已解决',
};
const statusNames: Record<string, string> = { open: '办理中', completed: '已办结', rejected: '未通过', withdrawn: '已撤回', cancelled: '已终止' };

/** Facts recorded by processes, in Chinese, for the record section. */
const factNames: Record<string, string> = {
  'case.opened': '立案',
  'case.stage': '进入阶段',
  'case.sent-back': '退回重办',
  'case.closed': '结案',
  'notice.published': '发布公示',
  'notice.closed': '公示期满',
  'notice.withdrawn': '公示撤回',
  'objection.verified': '异议核实',
  'vote.counted': '表决计票',
  'meeting.counted': '支部大会计票',
  'mass-recommendation.recorded': '群团组织推优',
  'talk.recorded': '谈话',
  'training.evaluated': '培养考察',
  'political-review.concluded': '政治审查结论',
  'training.concentrated': '集中培训',
  'probation.set': '预备期',
  'member.oath': '入党宣誓、编入党小组',
  'roster.enrolled': '登记入党员花名册',
  'roster.not-enrolled': '未能登记入党员花名册',
  'roster.full-member': '花名册登记转正',
  'roster.membership-ended': '花名册终止组织关系',
  'roster.not-updated': '花名册需管理员更新',
  'probation.assessed': '预备期考察',
  'probation.extended': '延长预备期',
  'approval.time-extended': '审批期限延长',
  'approval.due': '审批期限（自支部大会起）',
  'filing.returned': '备案退回补正',
  'assign-contacts.assigned': '确定培养联系人',
  'assign-introducers.assigned': '确定入党介绍人',
};

export type Dossier = {
  case: { id: string; type: string; typeName: string; title: string; status: string; stage: string; openedAt: string; closedAt: string | null; subject: Record<string, unknown> };
  steps: (Omit<StepHistory, 'openedAt' | 'dueAt' | 'closedAt'> & { openedAt: string; dueAt: string; closedAt: string | null; late: boolean })[];
  facts: { seq: number; at: string; type: string; name: string; actor: string | null; data: Prisma.JsonValue; hash: string }[];
  verification: Awaited<ReturnType<typeof verifyCaseRecord>>;
  generatedAt: string;
};

/** What the dossier shows of the case's input: the applicant's identity without anything sensitive. */
function subjectOf(input: Prisma.JsonValue): Record<string, unknown> {
  const i = (input ?? {}) as Record<string, unknown>;
  const applicant = i.applicant as Record<string, unknown> | undefined;
  if (!applicant) return Object.fromEntries(Object.entries(i).filter(([, v]) => typeof v === 'string' || typeof v === 'number'));
  return { name: applicant.name, gender: applicant.gender === 'female' ? '女' : '男', birthDate: applicant.birthDate, applicationDate: applicant.applicationDate, second: i.second ?? null };
}

export async function buildDossier(db: Db, caseId: string, now = new Date()): Promise<Dossier> {
  const c = await db.case.findUniqueOrThrow({ where: { id: caseId } });
  const tasks = await db.task.findMany({ where: { caseId, kind: 'step' }, include: { assignees: true }, orderBy: [{ openedAt: 'asc' }, { id: 'asc' }] });
  const steps = await stepHistories(db, tasks, now);
  const events = await db.caseEvent.findMany({ where: { caseId, taskId: null }, orderBy: { seq: 'asc' } });
  return {
    case: {
      id: c.id,
      type: c.type,
      typeName: caseTypeName(c.type),
      title: c.title,
      status: c.status,
      stage: c.stage,
      openedAt: c.openedAt.toISOString(),
      closedAt: c.closedAt?.toISOString() ?? null,
      subject: subjectOf(c.input),
    },
    steps: steps.map((s) => ({ ...s, openedAt: s.openedAt.toISOString(), dueAt: s.dueAt.toISOString(), closedAt: s.closedAt?.toISOString() ?? null, late: s.lateMs > 0 })),
    facts: events.map((e) => ({ seq: e.seq, at: e.at.toISOString(), type: e.type, name: factNames[e.type] ?? recordEventNames[e.type] ?? e.type, actor: e.actorName, data: e.data, hash: e.hash })),
    verification: await verifyCaseRecord(db, caseId),
    generatedAt: now.toISOString(),
  };
}

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** China time, minutes: 2026-11-22 17:05. */
function cst(iso: string | null): string {
  if (!iso) return '—';
  return new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

function lateness(ms: number): string {
  if (ms <= 0) return '按时';
  const hours = ms / 3_600_000;
  return hours >= 24 ? `超期 ${(hours / 24).toFixed(1)} 天` : hours >= 1 ? `超期 ${hours.toFixed(1)} 小时` : `超期 ${Math.ceil(ms / 1000)} 秒`;
}

/** Chinese labels of the fields processes record most; others are shown under their own name. */
const fieldNames: Record<string, string> = {
  opinion: '意见', summary: '摘要', talkerName: '谈话人', talkDate: '谈话日期', meetingDate: '会议日期', eligible: '应参加', present: '实参加',
  expected: '应到会', written: '书面意见', for: '赞成', against: '反对', abstain: '弃权', passed: '通过', quorumMet: '达到法定人数',
  votes: '票数', threshold: '通过标准', step: '环节', orgId: '组织', evaluation: '考察意见', start: '开始', end: '结束', months: '月数',
  organization: '推优组织', recommended: '推荐', document: '文件', date: '日期', proposal: '提议', extensionMonths: '延长月数',
  from: '起', to: '止', days: '天数', hours: '学时', institution: '培训机构', archiveNumber: '档案号', filledDate: '填写日期',
  formNumber: '志愿书编号', people: '人员', reason: '原因', stage: '阶段', title: '标题', type: '类型', comment: '说明',
  linked: '关联已有登记', numerator: '分子', denominator: '分母', strict: '须严格超过', name: '姓名', round: '轮次', asOf: '审查日', results: '结果', hits: '触及', label: '规则', detail: '情况',
  candidate: '人选', elected: '当选', early: '提前结束', workingDays: '工作日数', endsAt: '截止时间', startsAt: '开始时间', status: '状态', quorum: '法定人数', anchor: '起算', dueAt: '期限', recordedAt: '记录时间', meetingDateRecorded: '会议日期', period: '期次', userIds: '人员', opensAt: '开启时间',
};

/** A body's meeting in the 纪实表: date, place, who was expected, present and absent by name, the vote and ballot method, the resolution, the outcome. */
function meetingSummary(m: StepMeeting, form: Prisma.JsonValue | null): string {
  const f = (form ?? {}) as { place?: string; attendees?: string[]; ballotMethod?: string; for?: number; against?: number; abstain?: number; resolution?: string; opinion?: string };
  const name = (id: string) => m.expected.find((e) => e.id === id)?.name ?? id;
  const ballot = f.ballotMethod === 'secret-ballot' ? '无记名投票' : f.ballotMethod === 'show-of-hands' ? '举手表决' : (f.ballotMethod ?? '');
  return [
    `会议：${m.meetingDate}${f.place ? `，${f.place}` : ''}`,
    `应到会 ${m.expected.length} 人（${m.expected.map((e) => e.name).join('、')}），出席 ${m.present} 人（${(f.attendees ?? []).map(name).join('、')}）${m.absent.length ? `，缺席：${m.absent.map(name).join('、')}` : ''}`,
    `${ballot}：赞成 ${f.for ?? 0}，反对 ${f.against ?? 0}，弃权 ${f.abstain ?? 0}（${m.carried ? '通过' : '未通过'}）`,
    f.resolution ? `决议：${f.resolution}` : '',
    f.opinion ? `意见：${f.opinion}` : '',
  ]
    .filter(Boolean)
    .join('；');
}

/** Field titles and enum value names of every step form, from the schemas (the one place they are named). */
const schemaFieldNames: Record<string, string> = {};
const schemaValueNames: Record<string, string> = {};
function collectNames(schema: unknown): void {
  const s = schema as { properties?: Record<string, { title?: string }>; items?: unknown; enum?: unknown[]; 'x-enumNames'?: string[] };
  s.enum?.forEach((v, i) => {
    const name = s['x-enumNames']?.[i];
    if (name && !(String(v) in schemaValueNames)) schemaValueNames[String(v)] = name;
  });
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    if (p.title && !(k in schemaFieldNames)) schemaFieldNames[k] = p.title;
    collectNames(p);
  }
  if (s.items) collectNames(s.items);
}
Object.values(forms).forEach(collectNames);

function valueText(v: Prisma.JsonValue): string {
  if (v === null) return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (Array.isArray(v)) return v.map((x) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? `（${formSummary(x)}）` : valueText(x))).join('、');
  if (typeof v === 'object') return `（${formSummary(v)}）`;
  // Instants in China time (the record keeps UTC ISO strings); ids of values by their Chinese names.
  if (typeof v === 'string') return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) ? `${cst(v)}（北京时间）` : (schemaValueNames[v] ?? v);
  return String(v);
}

/** A form or a fact's data in Chinese: "谈话人：张志斌；谈话日期：2026-11-10" — never raw JSON or English keys. */
function formSummary(form: Prisma.JsonValue | null): string {
  if (!form || typeof form !== 'object' || Array.isArray(form)) return form === null || form === undefined ? '' : valueText(form);
  return Object.entries(form)
    // Codes of the engine (policy keys, stage and step codes, the case type) say nothing to a reader.
    .filter(([k]) => !/Ids?$/.test(k) && !['policy', 'type', 'from', 'stage', 'step', 'idemKey'].includes(k))
    .map(([k, v]) => `${fieldNames[k] ?? schemaFieldNames[k] ?? k}：${valueText(v ?? null)}`)
    .join('；');
}

/** Every signer's opinion of a step (会签: several), "李晓梅（同意）：同意上报". */
function opinionsHtml(s: Dossier['steps'][number]): string {
  const lines = s.opinions.map((o) => {
    const parts = [o.comment, o.form ? formSummary(o.form) : ''].filter((x): x is string => !!x);
    return `<div class="small">${esc(o.actor ?? '系统')}（${esc(outcomeNames[o.action] ?? o.action)}）${parts.length ? `：${esc(parts.join('；'))}` : ''}</div>`;
  });
  return lines.join('');
}

export function renderDossierHtml(d: Dossier): string {
  const subject = Object.entries(d.case.subject)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `<span><b>${esc({ name: '姓名', gender: '性别', birthDate: '出生日期', applicationDate: '申请日期', second: '第二管理组织' }[k] ?? k)}</b>：${esc(typeof v === 'object' ? (v as { orgName?: string }).orgName ?? JSON.stringify(v) : v)}</span>`)
    .join(' ');
  const rows = d.steps
    .map(
      (s, i) => `<tr class="${s.late ? 'late' : ''}">
  <td>${i + 1}</td><td>${esc(s.title)}${s.round > 1 ? `（第${s.round}轮）` : ''}</td>
  <td>${esc(cst(s.openedAt))}</td><td>${esc(cst(s.dueAt))}</td><td>${esc(cst(s.closedAt))}</td>
  <td>${esc(s.responsibleAtDue.join('、'))}${s.transfers.length ? `<div class="small">转办：${s.transfers.map((t) => `${esc(t.by)} → ${esc(t.to)}（${esc(cst(t.at))}${t.reason ? `，${esc(t.reason)}` : ''}）`).join('；')}</div>` : ''}</td>
  <td>${esc(s.closedBy ?? (s.responsibleNow.join('、') || '—'))}</td>
  <td>${esc(s.status === 'open' ? '办理中' : outcomeNames[s.outcome ?? ''] ?? s.outcome)}${s.evidence?.meeting ? `<div class="small">${esc(meetingSummary(s.evidence.meeting, s.evidence.form))}</div>` : opinionsHtml(s)}</td>
  <td>${esc(lateness(s.lateMs))}</td>
  <td class="mono">${s.evidence ? `#${s.evidence.seq} ${esc(s.evidence.hash.slice(0, 12))}` : '—'}</td>
</tr>`,
    )
    .join('\n');
  const facts = d.facts
    .map((f) => `<tr><td class="mono">#${f.seq}</td><td>${esc(cst(f.at))}</td><td>${esc(f.name)}</td><td>${esc(f.actor ?? '系统')}</td><td class="small">${esc(formSummary(f.data))}</td><td class="mono">${esc(f.hash.slice(0, 12))}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(d.case.typeName)}纪实表 — ${esc(d.case.title)}</title>
<style>
body{font-family:"Songti SC","SimSun","Noto Serif CJK SC",serif;margin:24px;color:#000}
h1{text-align:center;font-size:22px;margin:0 0 8px}
.meta{margin:8px 0 16px;line-height:1.8}.meta span{margin-right:18px}
table{border-collapse:collapse;width:100%;font-size:12px;margin-bottom:18px}
th,td{border:1px solid #333;padding:4px 6px;vertical-align:top}th{background:#eee}
tr.late td{background:#fdecea}.small{font-size:11px;color:#333}.mono{font-family:monospace;font-size:11px}
@media print{body{margin:0}th{background:#eee!important;-webkit-print-color-adjust:exact;print-color-adjust:exact}tr{page-break-inside:avoid}@page{size:A4 landscape;margin:12mm}}
</style></head><body>
<h1>${esc(d.case.typeName)}全程纪实表</h1>
<div class="meta"><span><b>事项</b>：${esc(d.case.title)}</span><span><b>状态</b>：${esc(statusNames[d.case.status] ?? d.case.status)}</span>
<span><b>立案</b>：${esc(cst(d.case.openedAt))}</span><span><b>结案</b>：${esc(cst(d.case.closedAt))}</span><br>${subject}</div>
<table><thead><tr><th>序号</th><th>环节</th><th>开始</th><th>时限</th><th>完成</th><th>责任人（到期时）</th><th>办理人</th><th>结果</th><th>时效</th><th>凭证（纪实记录）</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2 style="font-size:16px">纪实记录</h2>
<table><thead><tr><th>序号</th><th>时间</th><th>事项</th><th>经办</th><th>内容</th><th>校验值</th></tr></thead><tbody>
${facts}
</tbody></table>
<p class="small">纪实记录链校验：${d.verification.valid ? '完整，未被篡改' : d.verification.problem === 'truncated' ? `校验失败：记录被截断（已封存 ${esc(d.verification.anchored)} 条）` : `校验失败：第 ${esc(d.verification.brokenAtSeq)} 条起被篡改`}（共 ${esc(d.verification.events)} 条，已封存 ${esc(d.verification.anchored)} 条）。生成时间：${esc(cst(d.generatedAt))}</p>
</body></html>`;
}
