/**
 * Step forms of 村党组织书记选配 (village party secretary replacement), and the id tuples the
 * process is keyed by. The ids live here because @dj/domain depends on @dj/contracts, not the
 * other way round; Chinese labels and rules for these ids are in @dj/domain.
 *
 * Pure and eval-free: the schemas are checked with `Value.Errors` inside workflow code.
 */
import { Type, type Static, type TBoolean, type TSchema, type TString, type TUnsafe } from '@sinclair/typebox';
import { Text } from './forms';
import { meetingFields } from './meeting-forms';

/** Why a township opens the case: 缺职, 不能胜任, 出现重大问题. */
export const replacementReasonIds = ['vacancy', 'incompetent', 'serious-problem'] as const;
export type ReplacementReasonId = (typeof replacementReasonIds)[number];

/** 三选三任: three ways of choosing in the village (elected), three of assigning from outside (appointed). */
export const candidateSourceIds = [
  'members-masses',
  'returnee',
  'cultivated',
  'dispatched-official',
  'concurrent-secretary',
  'neighbor-cadre',
] as const;
export type CandidateSourceId = (typeof candidateSourceIds)[number];

/** Lowest to highest; order matters to the minimum-education rule. */
export const educationLevelIds = ['primary', 'junior-high', 'senior-high', 'vocational', 'college', 'bachelor', 'postgraduate'] as const;
export type EducationLevel = (typeof educationLevelIds)[number];

/** Facts the proposer must state about each candidate (true = the fact applies). */
export const declarationKeys = ['criminalRecord', 'disciplinePeriod', 'underInvestigation', 'blackEvilForces', 'clanForces', 'illegalReligion'] as const;
export type DeclarationKey = (typeof declarationKeys)[number];

/** A copy of a shared schema with the Chinese name of the field it is used for (the console's label). */
export const titled = <S extends TSchema>(schema: S, title: string): S => ({ ...schema, title });

/** 'YYYY-MM-DD'. Shape only: whether the day exists is checked by the domain. */
export const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

/**
 * One of a fixed list of string ids. A string with an anchored pattern rather than a union of
 * literals, so `Value.Errors` says which values are allowed ("Expected string to match
 * '^(?:a|b)$'") instead of "Expected union value"; `enum` is there for JSON-Schema consumers.
 */
export function OneOf<const T extends readonly string[]>(ids: T, titles?: { readonly [K in T[number]]: string }, options: { title?: string } = {}): TUnsafe<T[number]> {
  for (const id of ids) {
    if (!/^[a-z0-9-]+$/i.test(id)) throw new Error(`OneOf: id '${id}' would need regex escaping`);
  }
  // 'x-enumNames': the Chinese name of each value, in the order of `enum` (the console shows these).
  const names = titles ? { 'x-enumNames': ids.map((id: T[number]) => titles[id]) } : {};
  const schema: TString = Type.String({ ...options, enum: [...ids], pattern: `^(?:${ids.join('|')})$`, ...names });
  return Type.Unsafe<T[number]>(schema);
}

const Count = (maximum: number, title: string) => Type.Integer({ minimum: 0, maximum, title });
const Opinion = Type.Optional(Type.String({ maxLength: 2000, title: '意见' }));
const DateOf = (title: string) => titled(DateString, title);

export const SecretaryOpenForm = Type.Object(
  {
    reason: OneOf(replacementReasonIds, { vacancy: '缺职', incompetent: '不能胜任', 'serious-problem': '出现重大问题' }, { title: '调整原因' }),
    description: titled(Text(2000), '情况说明'),
  },
  { additionalProperties: false, title: '启动书记选配' },
);
export type SecretaryOpenForm = Static<typeof SecretaryOpenForm>;

/** The Chinese name of each declaration (the negative-list rules name them the same way, in @dj/domain). */
export const declarationTitles: { readonly [K in DeclarationKey]: string } = {
  criminalRecord: '曾受刑事处罚',
  disciplinePeriod: '处于党纪政务处分影响期',
  underInvestigation: '正在接受审查调查',
  blackEvilForces: '涉黑涉恶',
  clanForces: '涉宗族宗教势力',
  illegalReligion: '参与非法宗教活动',
};
const declarationProperties = Object.fromEntries(declarationKeys.map((k) => [k, Type.Boolean({ title: declarationTitles[k] })])) as { [K in DeclarationKey]: TBoolean };

export const CandidateDeclarations = Type.Object(declarationProperties, { additionalProperties: false, title: '负面清单事项申报' });
export type CandidateDeclarations = Static<typeof CandidateDeclarations>;

export const SecretaryCandidate = Type.Object(
  {
    name: titled(Text(40), '姓名'),
    gender: OneOf(['male', 'female'] as const, { male: '男', female: '女' }, { title: '性别' }),
    birthDate: DateOf('出生日期'),
    education: OneOf(
      educationLevelIds,
      { primary: '小学', 'junior-high': '初中', 'senior-high': '高中', vocational: '中专/技校', college: '大专', bachelor: '本科', postgraduate: '研究生' },
      { title: '学历' },
    ),
    source: OneOf(
      candidateSourceIds,
      {
        'members-masses': '从本村党员群众中选',
        returnee: '从返乡人员中选',
        cultivated: '从后备力量中选',
        'dispatched-official': '选派机关干部',
        'concurrent-secretary': '跨村兼任',
        'neighbor-cadre': '从外村干部中选',
      },
      { title: '人选来源' },
    ),
    resume: titled(Text(5000), '简历'),
    declarations: CandidateDeclarations,
    /**
     * 入党日期 / 转正日期: a candidate must be a full member (正式党员) — 党章第七条, 《中国共产党基层组织选举工作条例》
     * 第五条 — and the party age (党龄) counts from 转正 (党章第七条). Optional in the schema so cases proposed before
     * these fields existed keep validating; the process requires them (rules.ts `candidateMembershipErrors`).
     */
    joinedOn: Type.Optional(DateOf('入党日期')),
    fullOn: Type.Optional(DateOf('转正日期（预备党员不填）')),
  },
  { additionalProperties: false, title: '书记人选' },
);
export type SecretaryCandidate = Static<typeof SecretaryCandidate>;

export const SecretaryCandidatesForm = Type.Object(
  { candidates: Type.Array(SecretaryCandidate, { minItems: 1, maxItems: 5, title: '人选' }) },
  { additionalProperties: false, title: '提出人选' },
);
export type SecretaryCandidatesForm = Static<typeof SecretaryCandidatesForm>;

/** One department's countersign (会签) opinion in the county joint review (联审). */
export const SecretaryJointReviewForm = Type.Object({ opinion: Opinion }, { additionalProperties: false, title: '联审意见' });
export type SecretaryJointReviewForm = Static<typeof SecretaryJointReviewForm>;

export const SecretaryInterviewForm = Type.Object(
  {
    /** The candidate the township recommends after the interviews. */
    candidateName: titled(Text(40), '推荐人选'),
    findings: titled(Text(10000), '考察情况'),
    interviewees: Type.Integer({ minimum: 1, maximum: 10000, title: '谈话人数' }),
  },
  { additionalProperties: false, title: '考察谈话' },
);
export type SecretaryInterviewForm = Static<typeof SecretaryInterviewForm>;

/** Township decision (乡镇党委研究决定) and county filing (县委组织部备案). */
export const SecretaryDecisionForm = Type.Object({ opinion: Opinion }, { additionalProperties: false, title: '审议意见' });
export type SecretaryDecisionForm = Static<typeof SecretaryDecisionForm>;

/** Result of the branch general meeting (党员大会); consistency and thresholds are checked by the domain. */
export const SecretaryElectionForm = Type.Object(
  {
    meetingDate: DateOf('会议日期'),
    eligible: Count(100000, '应到党员数'),
    present: Count(100000, '实到党员数'),
    for: Count(100000, '赞成票'),
    against: Count(100000, '反对票'),
    abstain: Count(100000, '弃权票'),
    effectiveDate: DateOf('任职生效日期'),
  },
  { additionalProperties: false, title: '党员大会选举结果' },
);
export type SecretaryElectionForm = Static<typeof SecretaryElectionForm>;

export const SecretaryAppointmentForm = Type.Object(
  {
    /** 任命文号 */
    orderNumber: titled(Text(100), '任命文号'),
    effectiveDate: DateOf('任职生效日期'),
  },
  { additionalProperties: false, title: '任命' },
);
export type SecretaryAppointmentForm = Static<typeof SecretaryAppointmentForm>;

/** 任命 as a 党委会 decision of the township (issue 14): the order and the committee's meeting that decided it. */
export const SecretaryAppointmentMeetingForm = Type.Object(
  {
    orderNumber: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', title: '任命文号' }),
    effectiveDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', title: '生效日期' }),
    ...meetingFields,
  },
  { additionalProperties: false, title: '任命（党委会决定）' },
);
export type SecretaryAppointmentMeetingForm = Static<typeof SecretaryAppointmentMeetingForm>;

/**
 * An election in a meeting (issue 14 point 3): the 党员大会 electing the candidate into the branch committee
 * (补选) or, in a branch without a committee, as its secretary; and the 支委会 electing the secretary from its
 * members. The roster is the body's at the meeting date (the branch's full members, or its committee);
 * the thresholds are the election rules' (rules.ts in @dj/domain), applied by the step.
 */
export const SecretaryMeetingElectionForm = Type.Object({ ...meetingFields }, { additionalProperties: false, title: '选举会议记录' });
export type SecretaryMeetingElectionForm = Static<typeof SecretaryMeetingElectionForm>;

/**
 * 上级党组织批准 (党章第三十条: 书记、副书记选举产生后，应报上级党组织批准): the township 党委会's meeting that
 * approves the election result, and the date the secretary takes office.
 */
export const SecretaryApprovalMeetingForm = Type.Object(
  {
    effectiveDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', title: '任职生效日期' }),
    ...meetingFields,
  },
  { additionalProperties: false, title: '批准选举结果（党委会决定）' },
);
export type SecretaryApprovalMeetingForm = Static<typeof SecretaryApprovalMeetingForm>;

/** 核实: the township committee's finding on an objection raised during the public notice (任前公示). */
export const ObjectionVerificationForm = Type.Object(
  {
    substantiated: Type.Boolean({ title: '异议属实' }),
    explanation: titled(Text(5000), '核实说明'),
  },
  { additionalProperties: false, title: '异议核实' },
);
export type ObjectionVerificationForm = Static<typeof ObjectionVerificationForm>;

export const secretaryForms = {
  'secretary.open': SecretaryOpenForm,
  'secretary.candidates': SecretaryCandidatesForm,
  'secretary.joint-review': SecretaryJointReviewForm,
  'secretary.interview': SecretaryInterviewForm,
  'secretary.decision': SecretaryDecisionForm,
  'secretary.election': SecretaryElectionForm,
  'secretary.appointment': SecretaryAppointmentForm,
  'secretary.appointment-meeting': SecretaryAppointmentMeetingForm,
  'secretary.general-meeting-election': SecretaryMeetingElectionForm,
  'secretary.committee-election': SecretaryMeetingElectionForm,
  'secretary.approval-meeting': SecretaryApprovalMeetingForm,
  'objection.verification': ObjectionVerificationForm,
} satisfies Record<string, TSchema>;
export type SecretaryFormId = keyof typeof secretaryForms;
