/**
 * Chinese labels for codes the API returns. Unknown codes fall back to what the API sent (a title or
 * the code itself), so a new process shows up without changes here; adding a line only makes it nicer.
 */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { actionNames as contractActionNames } from '@dj/contracts/src/tasks';

/** Filled from GET /api/process-types when the console opens (useProcessTypeNames). */
export const caseTypeNames: Record<string, string> = {};

export const caseStatusNames: Record<string, { text: string; color: string }> = {
  open: { text: '办理中', color: 'processing' },
  completed: { text: '已办结', color: 'success' },
  rejected: { text: '已驳回', color: 'error' },
  withdrawn: { text: '已撤回', color: 'default' },
  cancelled: { text: '已终止', color: 'default' },
};

/** 同意 / 驳回 / 退回 / … as the contracts name them (a pure module, safe to bundle). */
export const actionNames: Record<string, string> = contractActionNames;

export const eventNames: Record<string, string> = {
  'case.opened': '发起',
  'case.closed': '办结',
  'case.stage': '进入环节',
  'case.resubmitted': '重新提交',
  'case.deadline': '设定办理期限',
  'case.deadline-warning': '期限预警',
  'case.deadline-passed': '超过办理期限',
  'case.cancel': '终止',
  'case.withdraw': '撤回',
  'task.opened': '待办生成',
  'task.closed': '环节完成',
  'task.reminded': '到期提醒',
  'task.escalated': '超期督办',
  'task.overdue': '超期',
  'notice.published': '发布公示',
  'notice.closed': '公示结束',
  'notice.objection': '收到异议',
  ...Object.fromEntries(Object.entries(actionNames).map(([k, v]) => [`task.${k}`, v])),
};

export const notificationKindNames: Record<string, string> = {
  task_assigned: '新待办',
  reminder: '到期提醒',
  escalation: '超期督办',
  supervision: '督办',
  decision_published: '结果公布',
};

export const orgTypeNames: Record<string, string> = {
  city: '市委',
  city_org_dept: '市委组织部',
  county: '县委',
  township: '乡镇党委',
  village: '村党组织',
  branch: '党支部',
};

/** Field names of the forms in packages/contracts (a schema `title` wins over these). */
export const fieldNames: Record<string, string> = {
  title: '标题',
  body: '正文',
  opinion: '意见',
  reason: '原因',
  description: '情况说明',
  candidates: '人选',
  name: '姓名',
  gender: '性别',
  birthDate: '出生日期',
  education: '学历',
  source: '人选来源',
  resume: '简历',
  declarations: '负面清单事项申报',
  criminalRecord: '曾受刑事处罚',
  disciplinePeriod: '处于党纪政务处分影响期',
  underInvestigation: '正在接受审查调查',
  blackEvilForces: '涉黑涉恶',
  clanForces: '涉宗族宗教势力',
  illegalReligion: '参与非法宗教活动',
  candidateName: '推荐人选',
  findings: '考察情况',
  interviewees: '谈话人数',
  meetingDate: '会议日期',
  eligible: '应到党员数',
  present: '实到党员数',
  for: '赞成票',
  against: '反对票',
  abstain: '弃权票',
  effectiveDate: '生效日期',
  orderNumber: '任命文号',
  substantiated: '异议属实',
  explanation: '核实说明',
};

export const enumNames: Record<string, string> = {
  vacancy: '缺职',
  incompetent: '不能胜任',
  'serious-problem': '出现重大问题',
  male: '男',
  female: '女',
  primary: '小学',
  'junior-high': '初中',
  'senior-high': '高中',
  vocational: '中专/技校',
  college: '大专',
  bachelor: '本科',
  postgraduate: '研究生',
  'members-masses': '从本村党员群众中选',
  returnee: '从返乡人员中选',
  cultivated: '从后备力量中选',
  'dispatched-official': '选派机关干部',
  'concurrent-secretary': '跨村兼任',
  'neighbor-cadre': '从外村干部中选',
};

export const label = (dict: Record<string, string>, code: string | null | undefined, fallback?: string | null): string =>
  (code && dict[code]) || fallback || code || '';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Times are shown in China time whatever the browser's zone: deadlines are China working days ending at 24:00 Beijing time. */
export const formatTime = (iso: string | null | undefined): string => (iso ? dayjs(iso).tz('Asia/Shanghai').format('YYYY-MM-DD HH:mm') : '—');

/** "超期 3 天" / "超期 5 小时" from seconds late. */
export function lateText(seconds: number): string {
  if (seconds >= 86_400) return `超期 ${Math.floor(seconds / 86_400)} 天`;
  if (seconds >= 3_600) return `超期 ${Math.floor(seconds / 3_600)} 小时`;
  return `超期 ${Math.max(1, Math.floor(seconds / 60))} 分钟`;
}

/** "剩 2 天" for open tasks not yet due. */
export function remainingText(dueAt: string): string {
  const seconds = (new Date(dueAt).getTime() - Date.now()) / 1000;
  if (seconds <= 0) return lateText(-seconds);
  if (seconds >= 86_400) return `剩 ${Math.floor(seconds / 86_400)} 天`;
  if (seconds >= 3_600) return `剩 ${Math.floor(seconds / 3_600)} 小时`;
  return `剩 ${Math.max(1, Math.floor(seconds / 60))} 分钟`;
}
