/**
 * 纪实表 (全程纪实): one printable document per case listing every step — when it opened, when it was
 * due, when and how it ended, who was responsible (including 转办), and the record event that proves
 * it (sequence number and hash of the hash-chained case_event) — plus the facts the process recorded
 * (votes, notices, dates). Built from the record and the tasks, never from the workflow.
 */
import type { Db, Prisma } from '@dj/db';
import { verifyCaseRecord } from '@dj/db';
import { caseTypeName } from '@dj/domain';
import { stepHistories, type StepHistory } from './step-history';

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
  'probation.assessed': '预备期考察',
  'probation.extended': '延长预备期',
  'approval.time-extended': '审批期限延长',
  'approval.due': '审批期限（自支部大会起）',
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
    facts: events.map((e) => ({ seq: e.seq, at: e.at.toISOString(), type: e.type, name: factNames[e.type] ?? e.type, actor: e.actorName, data: e.data, hash: e.hash })),
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
};

function formSummary(form: Prisma.JsonValue | null): string {
  if (!form || typeof form !== 'object' || Array.isArray(form)) return form === null || form === undefined ? '' : String(form);
  return Object.entries(form)
    .map(([k, v]) => `${fieldNames[k] ?? k}：${v !== null && typeof v === 'object' ? (Array.isArray(v) ? JSON.stringify(v) : `（${formSummary(v)}）`) : String(v)}`)
    .join('；');
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
  <td>${esc(s.status === 'open' ? '办理中' : outcomeNames[s.outcome ?? ''] ?? s.outcome)}${s.evidence?.comment ? `<div class="small">${esc(s.evidence.comment)}</div>` : ''}${s.evidence?.form ? `<div class="small">${esc(formSummary(s.evidence.form))}</div>` : ''}</td>
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
<p class="small">纪实记录链校验：${d.verification.valid ? '完整，未被篡改' : '校验失败'}（共 ${esc(d.verification.events)} 条）。生成时间：${esc(cst(d.generatedAt))}</p>
</body></html>`;
}
