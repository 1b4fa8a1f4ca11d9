/**
 * The Chinese names of what a person reads in the record (全程纪实) and in notifications: every record
 * event type and every notification kind, in one place for the console, the 纪实表 and any other
 * reader. Form fields and enum values are named in the schemas themselves (`title`, `x-enumNames`).
 * packages/contracts/test/labels.test.ts fails when a type written anywhere in the code has no name here.
 */
import { actionNames, taskActions } from './tasks';

export const recordEventNames: Record<string, string> = {
  'case.opened': '发起',
  'case.closed': '办结',
  'case.stage': '进入环节',
  'case.resubmitted': '重新提交',
  'case.deadline': '设定办理期限',
  'case.deadline-warning': '期限预警',
  'case.deadline-passed': '超过办理期限',
  'case.sent-back': '退回重办',
  'case.cancel': '终止',
  'case.withdraw': '撤回',
  'task.opened': '待办生成',
  'task.closed': '环节完成',
  'task.reminded': '到期提醒',
  'task.escalated': '超期督办',
  'task.rescheduled': '办理期限重算',
  'task.overdue': '超期',
  ...Object.fromEntries(taskActions.map((a) => [`task.${a}`, actionNames[a]])),
  'notice.published': '发布公示',
  'notice.closed': '公示结束',
  'notice.withdrawn': '撤回公示',
  'notice.objection': '收到异议',
  'objection.verified': '异议核实',
  // 村党组织书记选配
  'candidates.screened': '负面清单资格审查',
  'election.counted': '选举计票',
  'election.path': '确定选举程序',
  'candidate.membership-checked': '人选党员身份核对',
  'committee.member-added': '补选为支部委员',
  'election.approval-pending': '选举结果报上级党组织批准',
  'branch.secretary-updated': '更新支部书记',
  'branch.first-secretary': '选派第一书记',
  // 发展党员
  'talk.recorded': '谈话记录',
  'vote.counted': '推荐（评议）计票',
  'mass-recommendation.recorded': '群团组织推优',
  'assign-contacts.assigned': '确定培养联系人',
  'assign-contacts.invalid': '培养联系人无效',
  'assign-introducers.assigned': '确定入党介绍人',
  'assign-introducers.invalid': '入党介绍人无效',
  'step.scheduled': '步骤定期开启',
  'training.evaluated': '培养考察',
  'political-review.concluded': '政治审查结论',
  'training.concentrated': '集中培训',
  'meeting.counted': '支部大会计票',
  'approval.due': '审批时限',
  'approval.time-extended': '延长审批时间',
  'probation.set': '确定预备期',
  'member.oath': '入党宣誓、编入党小组',
  'probation.assessed': '预备期考察',
  'probation.extended': '延长预备期',
  'filing.returned': '备案退回补正',
  // 党建联席会议
  'agenda.proposed': '议题汇总',
  'agenda.missing': '未报送议题',
  'agenda.approved': '议题审定',
  'meeting.notified': '会议通知',
  'meeting.recorded': '会议记录',
  'decisions.published': '通报议定事项',
  'decision.dropped': '议定事项不再督办',
  'quarter.no-meeting': '本季度不召开会议',
};

export const notificationKindNames: Record<string, string> = {
  'task.new': '新待办',
  'task.reminder': '到期提醒',
  'task.overdue': '已超期',
  supervision: '督办',
  'case.closed': '事项办结',
  'case.deadline-warning': '期限预警',
  'joint.decisions': '议定事项通报',
  'joint.meeting-notice': '会议通知',
  ...Object.fromEntries(taskActions.map((a) => [`task.${a}`, actionNames[a]])),
};
