/**
 * Forms of 发展党员 (party-member development, domain.md §2). Votes are entered as counts; whether
 * they are consistent and whether they pass is decided by the rules of @dj/domain, not here.
 * No ID-card number is collected: the case needs the applicant's name, gender and birth date only.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Text } from './forms';
import { DateString } from './secretary-forms';

const Count = Type.Integer({ minimum: 0, maximum: 1_000_000 });
const Opinion = Type.Optional(Type.String({ maxLength: 2000 }));
const Uuid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });
const OneOf = <const T extends readonly string[]>(ids: T) => Type.Unsafe<T[number]>(Type.String({ enum: [...ids], pattern: `^(?:${ids.join('|')})$` }));

export const memberDualManagementKinds = ['floating', 'resettled', 'in-service'] as const;
export const memberMassOrganizations = ['youth-league', 'trade-union', 'womens-federation'] as const;

export const MemberApplicationForm = Type.Object(
  {
    name: Text(40),
    gender: OneOf(['male', 'female'] as const),
    birthDate: DateString,
    applicationDate: DateString,
    occupation: Type.Optional(Type.String({ maxLength: 100 })),
    /** 两地管理: the second organization (a branch) and why the applicant is managed in two places. */
    secondOrgId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    dualManagement: Type.Optional(OneOf(memberDualManagementKinds)),
  },
  { additionalProperties: false, title: '入党申请' },
);
export type MemberApplicationForm = Static<typeof MemberApplicationForm>;

/** A talk (谈话): the branch's talk with the applicant, or the superior committee's before approval. */
export const MemberTalkForm = Type.Object({ talkerName: Text(40), talkDate: DateString, summary: Text(5000) }, { additionalProperties: false, title: '谈话记录' });
export type MemberTalkForm = Static<typeof MemberTalkForm>;

/** 党员推荐 / 群众评议 / 党员评议: counts of one vote. */
export const MemberVoteForm = Type.Object(
  { meetingDate: DateString, eligible: Count, present: Count, for: Count, against: Count, abstain: Count },
  { additionalProperties: false, title: '推荐（评议）表决结果' },
);
export type MemberVoteForm = Static<typeof MemberVoteForm>;

/** 群团组织推优 */
export const MemberMassRecommendationForm = Type.Object(
  { organization: OneOf(memberMassOrganizations), recommended: Type.Boolean(), date: DateString, document: Text(200) },
  { additionalProperties: false, title: '群团组织推优' },
);
export type MemberMassRecommendationForm = Static<typeof MemberMassRecommendationForm>;

/** 支委会 decisions, filings and pre-review: approve or reject with an opinion. */
export const MemberDecisionForm = Type.Object({ opinion: Opinion }, { additionalProperties: false, title: '研究意见' });

/** 培养联系人 / 入党介绍人: two officials (users) named for the applicant. */
export const MemberPeopleForm = Type.Object({ userIds: Type.Array(Uuid, { minItems: 2, maxItems: 2 }) }, { additionalProperties: false, title: '确定人员' });
export type MemberPeopleForm = Static<typeof MemberPeopleForm>;

/** A written evaluation (培养考察 every 6 months, 预备期考察 at its end). */
export const MemberEvaluationForm = Type.Object({ evaluation: Text(10000) }, { additionalProperties: false, title: '考察意见' });
export type MemberEvaluationForm = Static<typeof MemberEvaluationForm>;

export const MemberPoliticalReviewForm = Type.Object({ passed: Type.Boolean(), summary: Text(5000) }, { additionalProperties: false, title: '政治审查' });
export type MemberPoliticalReviewForm = Static<typeof MemberPoliticalReviewForm>;

export const MemberTrainingForm = Type.Object(
  { from: DateString, to: DateString, days: Type.Integer({ minimum: 0, maximum: 365 }), hours: Type.Integer({ minimum: 0, maximum: 2000 }), institution: Text(100) },
  { additionalProperties: false, title: '集中培训' },
);
export type MemberTrainingForm = Static<typeof MemberTrainingForm>;

/** 入党志愿书 */
export const MemberVolunteerFormForm = Type.Object({ filledDate: DateString, formNumber: Text(50) }, { additionalProperties: false, title: '入党志愿书' });

/** 支部大会 on admission: counted against the voting members expected to attend; written opinions of absent members count. */
export const MemberBranchMeetingForm = Type.Object(
  { meetingDate: DateString, expected: Count, present: Count, written: Count, for: Count, against: Count, abstain: Count },
  { additionalProperties: false, title: '支部大会表决结果' },
);
export type MemberBranchMeetingForm = Static<typeof MemberBranchMeetingForm>;

/** 支部大会 on full membership: the proposal voted on and, for an extension, its length. */
export const MemberFullMeetingForm = Type.Object(
  {
    meetingDate: DateString,
    proposal: OneOf(['convert', 'extend', 'cancel'] as const),
    extensionMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 })),
    expected: Count,
    present: Count,
    written: Count,
    for: Count,
    against: Count,
    abstain: Count,
  },
  { additionalProperties: false, title: '支部大会讨论转正表决结果' },
);
export type MemberFullMeetingForm = Static<typeof MemberFullMeetingForm>;

/** 上级党委审批: approve (reject is the task action), or extend the time limit once (特殊情况). */
export const MemberApprovalForm = Type.Object({ decision: OneOf(['approve', 'extend-time'] as const), opinion: Opinion }, { additionalProperties: false, title: '上级党委审批' });
export type MemberApprovalForm = Static<typeof MemberApprovalForm>;

export const MemberArchiveForm = Type.Object({ archiveNumber: Text(100) }, { additionalProperties: false, title: '材料归档' });
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
  'member.archive': MemberArchiveForm,
} satisfies Record<string, TSchema>;
