/**
 * Forms of 发展党员 (party-member development, domain.md §2). Votes are entered as counts; whether
 * they are consistent and whether they pass is decided by the rules of @dj/domain, not here.
 * No ID-card number is collected: the case needs the applicant's name, gender and birth date only.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Text } from './forms';
import { DateString, OneOf, titled } from './secretary-forms';
import { meetingFields } from './meeting-forms';

const Count = (title: string) => Type.Integer({ minimum: 0, maximum: 1_000_000, title });
const Opinion = Type.Optional(Type.String({ maxLength: 2000, title: '意见' }));
const DateOf = (title: string) => titled(DateString, title);
const Uuid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });

export const memberDualManagementKinds = ['floating', 'resettled', 'in-service'] as const;
export const memberMassOrganizations = ['youth-league', 'trade-union', 'womens-federation'] as const;

export const MemberApplicationForm = Type.Object(
  {
    name: titled(Text(40), '申请人姓名'),
    gender: OneOf(['male', 'female'] as const, { male: '男', female: '女' }, { title: '性别' }),
    birthDate: DateOf('出生日期'),
    applicationDate: DateOf('递交入党申请书日期'),
    occupation: Type.Optional(Type.String({ maxLength: 100, title: '职业' })),
    /** 两地管理: the second organization (a branch) and why the applicant is managed in two places. */
    // The console offers a picker of branches ('x-picker'); the server checks it is another branch.
    secondOrgId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, title: '两地管理的另一党支部', 'x-picker': 'branch' })),
    dualManagement: Type.Optional(
      OneOf(memberDualManagementKinds, { floating: '流动人员（流入地与流出地）', resettled: '异地安置人员', 'in-service': '在职人员（工作单位与居住地）' }, { title: '两地管理类型' }),
    ),
  },
  { additionalProperties: false, title: '入党申请' },
);
export type MemberApplicationForm = Static<typeof MemberApplicationForm>;

/** A talk (谈话): the branch's talk with the applicant, or the superior committee's before approval. */
export const MemberTalkForm = Type.Object({ talkerName: titled(Text(40), '谈话人'), talkDate: DateOf('谈话日期'), summary: titled(Text(5000), '谈话情况') }, { additionalProperties: false, title: '谈话记录' });
export type MemberTalkForm = Static<typeof MemberTalkForm>;

/** 党员推荐 / 群众评议 / 党员评议: counts of one vote. */
export const MemberVoteForm = Type.Object(
  { meetingDate: DateOf('会议日期'), eligible: Count('应到人数'), present: Count('实到人数'), for: Count('赞成票'), against: Count('反对票'), abstain: Count('弃权票') },
  { additionalProperties: false, title: '推荐（评议）表决结果' },
);
export type MemberVoteForm = Static<typeof MemberVoteForm>;

/** 群团组织推优 */
export const MemberMassRecommendationForm = Type.Object(
  {
    organization: OneOf(memberMassOrganizations, { 'youth-league': '共青团组织', 'trade-union': '工会', 'womens-federation': '妇联' }, { title: '推优组织' }),
    recommended: Type.Boolean({ title: '推荐为入党积极分子' }),
    date: DateOf('推优日期'),
    document: titled(Text(200), '推优材料（名称或文号）'),
  },
  { additionalProperties: false, title: '群团组织推优' },
);
export type MemberMassRecommendationForm = Static<typeof MemberMassRecommendationForm>;

/** 支委会 decisions, filings and pre-review: approve or reject with an opinion. */
export const MemberDecisionForm = Type.Object({ opinion: Opinion }, { additionalProperties: false, title: '研究意见' });

/**
 * 培养联系人 / 入党介绍人: full members of the applicant's branch who have an account (their evaluations
 * are tasks). 《中国共产党发展党员工作细则》第十条: 一至两名正式党员作培养联系人; 第十三条 and 党章第五条:
 * 两名正式党员作入党介绍人 — so the schema allows 1–2 and the inbox requires 2 for the introducers and
 * checks membership (services/inbox/src/people-check.ts). 'x-picker' makes the console offer a picker of
 * the branch's full members, showing names.
 */
export const MemberPeopleForm = Type.Object(
  { userIds: Type.Array(Uuid, { minItems: 1, maxItems: 2, title: '人选（本支部正式党员）', 'x-picker': 'branch-full-member' }) },
  { additionalProperties: false, title: '确定人员' },
);
export type MemberPeopleForm = Static<typeof MemberPeopleForm>;

/** A written evaluation (培养考察 every 6 months, 预备期考察 at its end). */
export const MemberEvaluationForm = Type.Object({ evaluation: titled(Text(10000), '考察意见') }, { additionalProperties: false, title: '考察意见' });
export type MemberEvaluationForm = Static<typeof MemberEvaluationForm>;

export const MemberPoliticalReviewForm = Type.Object({ passed: Type.Boolean({ title: '政审合格' }), summary: titled(Text(5000), '政审情况') }, { additionalProperties: false, title: '政治审查' });
export type MemberPoliticalReviewForm = Static<typeof MemberPoliticalReviewForm>;

export const MemberTrainingForm = Type.Object(
  {
    from: DateOf('培训开始日期'),
    to: DateOf('培训结束日期'),
    days: Type.Integer({ minimum: 0, maximum: 365, title: '培训天数' }),
    hours: Type.Integer({ minimum: 0, maximum: 2000, title: '培训学时' }),
    institution: titled(Text(100), '培训机构'),
  },
  { additionalProperties: false, title: '集中培训' },
);
export type MemberTrainingForm = Static<typeof MemberTrainingForm>;

/** 入党志愿书 */
export const MemberVolunteerFormForm = Type.Object({ filledDate: DateOf('填写日期'), formNumber: titled(Text(50), '志愿书编号') }, { additionalProperties: false, title: '入党志愿书' });

/** 支部大会 on admission: counted against the voting members expected to attend; written opinions of absent members count. */
export const MemberBranchMeetingForm = Type.Object(
  {
    meetingDate: DateOf('会议日期'),
    expected: Count('应到有表决权的党员'),
    present: Count('实到有表决权的党员'),
    written: Count('书面表达意见的党员'),
    for: Count('赞成票'),
    against: Count('反对票'),
    abstain: Count('弃权票'),
  },
  { additionalProperties: false, title: '支部大会表决结果' },
);
export type MemberBranchMeetingForm = Static<typeof MemberBranchMeetingForm>;

/** 支部大会 on full membership: the proposal voted on and, for an extension, its length. */
export const MemberFullMeetingForm = Type.Object(
  {
    meetingDate: DateOf('会议日期'),
    proposal: OneOf(['convert', 'extend', 'cancel'] as const, { convert: '按期转为正式党员', extend: '延长预备期', cancel: '取消预备党员资格' }, { title: '表决事项' }),
    extensionMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 24, title: '延长预备期（月）' })),
    expected: Count('应到有表决权的党员'),
    present: Count('实到有表决权的党员'),
    written: Count('书面表达意见的党员'),
    for: Count('赞成票'),
    against: Count('反对票'),
    abstain: Count('弃权票'),
  },
  { additionalProperties: false, title: '支部大会讨论转正表决结果' },
);
export type MemberFullMeetingForm = Static<typeof MemberFullMeetingForm>;

/** 上级党委审批: approve (reject is the task action), or extend the time limit once (特殊情况). */
export const MemberApprovalForm = Type.Object({ decision: OneOf(['approve', 'extend-time'] as const, { approve: '批准', 'extend-time': '特殊情况延长审批时间' }, { title: '审批决定' }), opinion: Opinion }, { additionalProperties: false, title: '上级党委审批' });
export type MemberApprovalForm = Static<typeof MemberApprovalForm>;

/**
 * 上级党委审批 as a 党委会 decision (党章 Art. 17, issue 14): the decision (approve, or extend the time
 * limit once) is the resolution of the committee's meeting, recorded with it.
 */
export const MemberApprovalMeetingForm = Type.Object(
  {
    decision: OneOf(['approve', 'extend-time'] as const, { approve: '批准', 'extend-time': '特殊情况延长审批时间' }, { title: '审批决定' }),
    ...meetingFields,
    opinion: Opinion,
  },
  { additionalProperties: false, title: '上级党委审批（党委会）' },
);
export type MemberApprovalMeetingForm = Static<typeof MemberApprovalMeetingForm>;

/**
 * 入党宣誓 and 编入党支部和党小组 after the superior committee's approval (domain.md §2 step 5; 党章第六条:
 * 预备党员必须面向党旗进行入党宣誓). The 党小组 is one of the branch's own (the console offers a picker of
 * them; the server checks it, and asks for one when the branch has 党小组).
 */
export const MemberOathForm = Type.Object(
  {
    oathDate: DateOf('入党宣誓日期'),
    administeredBy: titled(Text(40), '领誓人'),
    place: Type.Optional(Type.String({ maxLength: 100, title: '宣誓地点' })),
    groupId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, title: '编入党小组', 'x-picker': 'branch-group' })),
  },
  { additionalProperties: false, title: '入党宣誓及编入党小组' },
);
export type MemberOathForm = Static<typeof MemberOathForm>;

export const MemberArchiveForm = Type.Object({ archiveNumber: titled(Text(100), '档案编号') }, { additionalProperties: false, title: '材料归档' });
export type MemberArchiveForm = Static<typeof MemberArchiveForm>;

export const memberForms = {
  'member.application': MemberApplicationForm,
  'member.talk': MemberTalkForm,
  'member.vote': MemberVoteForm,
  'member.mass-recommendation': MemberMassRecommendationForm,
  'member.decision': MemberDecisionForm,
  'member.people': MemberPeopleForm,
  'member.evaluation': MemberEvaluationForm,
  'member.political-review': MemberPoliticalReviewForm,
  'member.training': MemberTrainingForm,
  'member.volunteer-form': MemberVolunteerFormForm,
  'member.branch-meeting': MemberBranchMeetingForm,
  'member.full-meeting': MemberFullMeetingForm,
  'member.approval': MemberApprovalForm,
  'member.approval-meeting': MemberApprovalMeetingForm,
  'member.oath': MemberOathForm,
  'member.archive': MemberArchiveForm,
} satisfies Record<string, TSchema>;
