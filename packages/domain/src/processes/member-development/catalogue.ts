import { defineProcess } from '../catalogue';
import { memberPolicyDefaults, memberStages } from './rules';

/**
 * 发展党员 (domain.md §2, 《中国共产党发展党员工作细则》2014). Limits in months are national (细则 §7 谈话
 * 一个月内, §16 每半年考察, §29 三个月内审批, 党章 §7 预备期一年); limits in working days are local policy.
 */
export const memberDevelopmentCatalogue = defineProcess({
  type: 'member-development',
  name: '发展党员',
  workflowType: 'memberDevelopment',
  start: { roles: ['branch_secretary'], orgTypes: ['branch'], form: 'member.application' },
  stages: memberStages,
  steps: {
    talk: { name: '派人谈话', duration: { months: 1 }, form: 'member.talk', source: '细则 §7' },
    recommendation: { name: '推荐与评议', duration: { workingDays: 20 }, form: 'member.vote' },
    committee: { name: '支委会研究', duration: { workingDays: 10 }, form: 'meeting.committee-decision', source: '支部工作条例 第十二条（支委会会议决定）' },
    'public-notice': { name: '公示', duration: { workingDays: 5 } },
    'verify-objection': { name: '核实公示异议', duration: { workingDays: 5 }, form: 'objection.verification' },
    filing: { name: '上级党委备案', duration: { workingDays: 10 }, form: 'member.decision', source: 'domain.md §2（备案：同意备案或退回补正，不否决）' },
    assign: { name: '确定培养联系人 / 入党介绍人', duration: { workingDays: 10 }, form: 'member.people' },
    evaluation: { name: '群众评议 / 党员评议', duration: { workingDays: 20 }, form: 'member.vote' },
    'training-evaluation': { name: '培养联系人考察', duration: { months: 6 }, form: 'member.evaluation', source: '细则 §16' },
    // A 6-monthly evaluation opens when its half-year is up and is then due within this window (local policy).
    'training-evaluation-window': { name: '培养联系人考察（半年期满后填写期限）', duration: { workingDays: 10 }, form: 'member.evaluation', source: 'domain.md §2（每6个月考察一次）；填写期限为本地政策' },
    'political-review': { name: '政治审查', duration: { workingDays: 20 }, form: 'member.political-review' },
    'concentrated-training': { name: '集中培训', duration: { workingDays: 60 }, form: 'member.training' },
    'application-form': { name: '填写入党志愿书', duration: { workingDays: 10 }, form: 'member.volunteer-form' },
    'branch-meeting': { name: '支部大会', duration: { workingDays: 20 }, form: 'member.branch-meeting' },
    'superior-talk': { name: '上级党委派人谈话', duration: { workingDays: 10 }, form: 'member.talk' },
    'superior-approval': { name: '上级党委审批', duration: { months: 3 }, form: 'member.approval-meeting', source: '细则 §29（党委会集体讨论决定）' },
    'superior-approval-extension': { name: '上级党委审批（延长）', duration: { months: 3 }, form: 'member.approval-meeting', source: '细则 §29' },
    // 细则 asks for it promptly after approval; the month is local policy.
    oath: { name: '入党宣誓、编入党小组', duration: { months: 1 }, form: 'member.oath', source: '党章第六条（面向党旗进行入党宣誓）；domain.md §2（编入党支部和党小组）' },
    probation: { name: '预备党员考察和转正', duration: { months: 12 }, form: 'member.evaluation', source: '党章 §7' },
    // The 转正 assessment opens when the probation ends and is due within this window: the branch discusses 转正 promptly when probation ends (domain.md §2).
    'probation-window': { name: '预备期满考察及转正申请（期满后办理期限）', duration: { workingDays: 10 }, form: 'member.evaluation', source: 'domain.md §2（预备期满及时讨论）；办理期限为本地政策' },
    archive: { name: '材料归档', duration: { workingDays: 10 }, form: 'member.archive' },
  },
  stepNames: {
    'mass-recommendation': '群团组织推优',
    'volunteer-form': '填写入党志愿书',
    'admission-meeting': '支部大会讨论接收预备党员',
    'admission-filing': '报县委组织部备案',
    'probation-assessment': '预备期考察及转正申请',
    'full-meeting': '支部大会讨论转正',
    'activist-filing-correction': '补正后重新报备（入党积极分子）',
    'target-filing-correction': '补正后重新报备（发展对象）',
  },
  policies: memberPolicyDefaults,
});
