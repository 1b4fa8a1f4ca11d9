/**
 * Step forms of 村党组织书记选配 (village party secretary replacement), and the id tuples the
 * process is keyed by. The ids live here because @dj/domain depends on @dj/contracts, not the
 * other way round; Chinese labels and rules for these ids are in @dj/domain.
 *
 * Pure and eval-free: the schemas are checked with `Value.Errors` inside workflow code.
 */
import { Type, type Static, type TBoolean, type TSchema, type TString, type TUnsafe } from '@sinclair/typebox';
import { Text } from './forms';

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

/** 'YYYY-MM-DD'. Shape only: whether the day exists is checked by the domain. */
export const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

/**
 * One of a fixed list of string ids. A string with an anchored pattern rather than a union of
 * literals, so `Value.Errors` says which values are allowed ("Expected string to match
 * '^(?:a|b)$'") instead of "Expected union value"; `enum` is there for JSON-Schema consumers.
 */
export function OneOf<const T extends readonly string[]>(ids: T): TUnsafe<T[number]> {
  for (const id of ids) {
    if (!/^[a-z0-9-]+$/i.test(id)) throw new Error(`OneOf: id '${id}' would need regex escaping`);
  }
  const schema: TString = Type.String({ enum: [...ids], pattern: `^(?:${ids.join('|')})$` });
  return Type.Unsafe<T[number]>(schema);
}

const Count = (maximum: number) => Type.Integer({ minimum: 0, maximum });
const Opinion = Type.Optional(Type.String({ maxLength: 2000 }));

export const SecretaryOpenForm = Type.Object(
  {
    reason: OneOf(replacementReasonIds),
    description: Text(2000),
  },
  { additionalProperties: false, title: '启动书记选配' },
);
export type SecretaryOpenForm = Static<typeof SecretaryOpenForm>;

const declarationProperties = Object.fromEntries(declarationKeys.map((k) => [k, Type.Boolean()])) as { [K in DeclarationKey]: TBoolean };

export const CandidateDeclarations = Type.Object(declarationProperties, { additionalProperties: false, title: '负面清单事项申报' });
export type CandidateDeclarations = Static<typeof CandidateDeclarations>;

export const SecretaryCandidate = Type.Object(
  {
    name: Text(40),
    gender: OneOf(['male', 'female'] as const),
    birthDate: DateString,
    education: OneOf(educationLevelIds),
    source: OneOf(candidateSourceIds),
    resume: Text(5000),
    declarations: CandidateDeclarations,
  },
  { additionalProperties: false, title: '书记人选' },
);
export type SecretaryCandidate = Static<typeof SecretaryCandidate>;

export const SecretaryCandidatesForm = Type.Object(
  { candidates: Type.Array(SecretaryCandidate, { minItems: 1, maxItems: 5 }) },
  { additionalProperties: false, title: '提出人选' },
);
export type SecretaryCandidatesForm = Static<typeof SecretaryCandidatesForm>;

/** One department's countersign (会签) opinion in the county joint review (联审). */
export const SecretaryJointReviewForm = Type.Object({ opinion: Opinion }, { additionalProperties: false, title: '联审意见' });
export type SecretaryJointReviewForm = Static<typeof SecretaryJointReviewForm>;

export const SecretaryInterviewForm = Type.Object(
  {
    /** The candidate the township recommends after the interviews. */
    candidateName: Text(40),
    findings: Text(10000),
    interviewees: Type.Integer({ minimum: 1, maximum: 10000 }),
  },
  { additionalProperties: false, title: '考察谈话' },
);
export type SecretaryInterviewForm = Static<typeof SecretaryInterviewForm>;

/** Township decision (乡镇党委研究决定) and county filing (县委组织部备案). */
export const SecretaryDecisionForm = Type.Object({ opinion: Opinion }, { additionalProperties: false, title: '研究决定意见' });
export type SecretaryDecisionForm = Static<typeof SecretaryDecisionForm>;

/** Result of the branch general meeting (党员大会); consistency and thresholds are checked by the domain. */
export const SecretaryElectionForm = Type.Object(
  {
    meetingDate: DateString,
    eligible: Count(100000),
    present: Count(100000),
    for: Count(100000),
    against: Count(100000),
    abstain: Count(100000),
    effectiveDate: DateString,
  },
  { additionalProperties: false, title: '党员大会选举结果' },
);
export type SecretaryElectionForm = Static<typeof SecretaryElectionForm>;

export const SecretaryAppointmentForm = Type.Object(
  {
    /** 任命文号 */
    orderNumber: Text(100),
    effectiveDate: DateString,
  },
  { additionalProperties: false, title: '任命' },
);
export type SecretaryAppointmentForm = Static<typeof SecretaryAppointmentForm>;

/** 核实: the township committee's finding on an objection raised during the public notice (任前公示). */
export const ObjectionVerificationForm = Type.Object(
  {
    substantiated: Type.Boolean(),
    explanation: Text(5000),
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
  'objection.verification': ObjectionVerificationForm,
} satisfies Record<string, TSchema>;
export type SecretaryFormId = keyof typeof secretaryForms;
