/**
 * Chinese labels for codes the API returns. Unknown codes fall back to what the API sent (a title or
 * the code itself), so a new process shows up without changes here; adding a line only makes it nicer.
 */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { actionNames as contractActionNames } from '@dj/contracts/src/tasks';
import { notificationKindNames as contractNotificationKindNames, recordEventNames } from '@dj/contracts/src/labels';
import { requestReportForms } from '@dj/contracts/src/forms';
import { secretaryForms } from '@dj/contracts/src/secretary-forms';
import { memberForms } from '@dj/contracts/src/member-forms';
import { jointMeetingForms } from '@dj/contracts/src/joint-meeting-forms';
import type { JsonSchema } from './types';

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

/** Record event types: named in one place, packages/contracts/src/labels.ts (checked by its test). */
export const eventNames: Record<string, string> = recordEventNames;

export const notificationKindNames: Record<string, string> = contractNotificationKindNames;

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
  // collective decisions (issue 14; the schemas carry these titles too)
  place: '会议地点',
  attendees: '出席人员',
  ballotMethod: '表决方式',
  resolution: '会议决议',
  applicant: '申请人',
  second: '两地管理',
  applicationDate: '递交入党申请书日期',
  occupation: '职业',
  orgName: '党组织',
  kind: '类型',
  branchName: '党支部',
  linked: '关联已有登记',
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
  // collective decisions (issue 14): ballot methods and the bodies that decide in meetings
  'show-of-hands': '举手表决',
  'secret-ballot': '无记名投票',
  committee: '委员会会议',
  'general-meeting': '党员大会',
  floating: '流动人员',
  resettled: '异地安置人员',
  'in-service': '在职人员',
};

/** Field titles and enum value names of every step form, from the schemas themselves (the one place they are named). */
function collectSchemaNames(schema: JsonSchema, fields: Record<string, string>, values: Record<string, string>): void {
  schema.enum?.forEach((v, i) => {
    const name = schema['x-enumNames']?.[i];
    if (name && !(String(v) in values)) values[String(v)] = name;
  });
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    if (s.title && !(key in fields)) fields[key] = s.title;
    collectSchemaNames(s, fields, values);
  }
  if (schema.items) collectSchemaNames(schema.items, fields, values);
}
for (const schema of Object.values({ ...requestReportForms, ...secretaryForms, ...memberForms, ...jointMeetingForms })) {
  collectSchemaNames(schema as unknown as JsonSchema, fieldNames, enumNames);
}

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
