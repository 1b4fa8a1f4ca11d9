/**
 * Chinese names of process types, stages and steps for monitoring, policies and the console. Types,
 * stages and steps are codes in the projections; a process added later shows its codes (or, for a
 * step, the task title's lead before "：") until it is named here.
 */
import { caseTypes } from './case-types';

/** Case types that are not started through POST /api/cases (joint meetings run from Schedules). */
const scheduledProcessNames: Record<string, string> = {
  'joint-meeting': '党建联席会议（季度）',
  'joint-meeting-extraordinary': '党建联席会议（临时会议）',
  'joint-meeting-decision': '联席会议议定事项督办',
};

export function caseTypeName(type: string): string {
  return caseTypes[type]?.name ?? scheduledProcessNames[type] ?? type;
}

/** Every process type with its name, startable or not (filters of the monitoring pages). */
export function processTypes(): { type: string; name: string }[] {
  return [...Object.values(caseTypes).map((d) => ({ type: d.type, name: d.name })), ...Object.entries(scheduledProcessNames).map(([type, name]) => ({ type, name }))];
}

/** Names by `<caseType>.<stage or step key or policy step>`. */
const names: Record<string, string> = {
  'request-report.revise': '修改后重新提交',
  'request-report.township-review': '乡镇党委审核',
  'request-report.county-decision': '县委组织部审批',
  'secretary-replacement.propose': '提出人选',
  'secretary-replacement.propose-candidates': '提出人选',
  'secretary-replacement.joint-review': '县级联审',
  'secretary-replacement.interview': '考察谈话',
  'secretary-replacement.township-decision': '乡镇党委研究决定',
  'secretary-replacement.county-filing': '县委组织部备案',
  'secretary-replacement.public-notice': '任前公示期',
  'secretary-replacement.verify-objection': '异议核实',
  'secretary-replacement.election': '选举',
  'secretary-replacement.appointment': '任命',
  // 发展党员: stages, then steps and policy keys
  'member-development.application': '入党申请',
  'member-development.activist': '入党积极分子',
  'member-development.development-target': '发展对象',
  'member-development.admission': '接收预备党员',
  'member-development.probation': '预备党员考察和转正',
  'member-development.talk': '派人谈话',
  'member-development.recommendation': '推荐与评议',
  'member-development.mass-recommendation': '群团组织推优',
  'member-development.committee': '支委会研究',
  'member-development.public-notice': '公示',
  'member-development.verify-objection': '核实公示异议',
  'member-development.filing': '上级党委备案',
  'member-development.assign': '确定培养联系人 / 入党介绍人',
  'member-development.evaluation': '群众评议 / 党员评议',
  'member-development.training-evaluation': '培养联系人考察',
  'member-development.political-review': '政治审查',
  'member-development.concentrated-training': '集中培训',
  'member-development.application-form': '填写入党志愿书',
  'member-development.volunteer-form': '填写入党志愿书',
  'member-development.branch-meeting': '支部大会',
  'member-development.admission-meeting': '支部大会讨论接收预备党员',
  'member-development.superior-talk': '上级党委派人谈话',
  'member-development.superior-approval': '上级党委审批',
  'member-development.superior-approval-extension': '上级党委审批（延长）',
  'member-development.admission-filing': '报县委组织部备案',
  'member-development.probation-assessment': '预备期考察及转正申请',
  'member-development.full-meeting': '支部大会讨论转正',
  'member-development.archive': '材料归档',
  // 党建联席会议
  'joint-meeting.collect': '议题征集',
  'joint-meeting.review': '议题审定',
  'joint-meeting.notify': '会议通知',
  'joint-meeting.record': '会议记录',
  'joint-meeting.publish': '通报',
  'joint-meeting.no-meeting': '未召开会议督办',
  'joint-meeting.missing-submission': '未报议题督办',
  'joint-meeting.extraordinary-review': '临时会议审定',
  'joint-meeting.decision-report': '议定事项办结报告',
  'joint-meeting.decision-confirm': '议定事项确认',
  'joint-meeting.public-notice': '通报公示',
  'joint-meeting-extraordinary.extraordinary-review': '临时会议审定',
  'joint-meeting-extraordinary.notify': '会议通知',
  'joint-meeting-extraordinary.record': '会议记录',
  'joint-meeting-extraordinary.publish': '通报',
  'joint-meeting-decision.report': '办结报告',
  'joint-meeting-decision.confirm': '秘书确认',
};

/** A stage's or step's name; `title` (a task title such as "政治审查：张三") names steps not listed. */
export function stepName(caseType: string, key: string, title?: string): string {
  const listed = names[`${caseType}.${key}`];
  if (listed) return listed;
  const lead = title?.split('：')[0]?.trim();
  return lead || key;
}
