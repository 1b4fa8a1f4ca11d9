/**
 * 发展党员 "双推双评三全程" — party-member development (domain.md §2).
 *
 * Pure module (imported inside workflow code): no I/O, no clock. Dates are 'YYYY-MM-DD' strings.
 * The vote thresholds are policy data (defaults here, overridden in the policy table; validate with
 * isVoteThreshold); the branch general meeting rules and the time limits are the national rules of
 * 《中国共产党发展党员工作细则》 (2014).
 */
import type { memberDualManagementKinds, memberMassOrganizations } from '@dj/contracts';
import { chinaEndOfDay } from '../../calendar';
import { monthsAfter } from '../../month-schedule';
import { ageOn, isCalendarDate } from '../secretary-replacement/rules';

// ---------------------------------------------------------------------------------------------
// Applicant

export const minimumApplicantAge = 18;
/** Under this age the mass-organization recommendation (推优) comes from the Communist Youth League. */
export const youthLeagueAgeLimit = 28;

export type MassOrganizationId = (typeof memberMassOrganizations)[number];
export const massOrganizationLabels: Record<MassOrganizationId, string> = {
  'youth-league': '共青团组织',
  'trade-union': '工会',
  'womens-federation': '妇联',
};

/** Errors (Chinese / English) for an application: an existing birth date, age ≥ 18 on the application date. */
export function applicationErrors(birthDate: string, applicationDate: string): string[] {
  if (!isCalendarDate(birthDate) || !isCalendarDate(applicationDate) || birthDate >= applicationDate) return ['出生日期无效 (invalid birth date)'];
  if (ageOn(birthDate, applicationDate) < minimumApplicantAge) return [`申请人须年满${minimumApplicantAge}周岁 (the applicant must be at least ${minimumApplicantAge})`];
  return [];
}

/** 群团组织推优: the Youth League for under-28s, the trade union or women's federation otherwise. */
export function massOrganizationErrors(organization: MassOrganizationId, birthDate: string, asOf: string): string[] {
  if (!isCalendarDate(birthDate) || !isCalendarDate(asOf) || birthDate > asOf) return ['出生日期无效 (invalid birth date)'];
  const young = ageOn(birthDate, asOf) < youthLeagueAgeLimit;
  if (young && organization !== 'youth-league') return [`${youthLeagueAgeLimit}周岁以下由共青团组织推优 (under ${youthLeagueAgeLimit} the Youth League recommends)`];
  if (!young && organization === 'youth-league') return [`${youthLeagueAgeLimit}周岁以上由工会、妇联等群团组织推优 (from ${youthLeagueAgeLimit} the union or women's federation recommends)`];
  return [];
}

// ---------------------------------------------------------------------------------------------
// 双推 / 双评 votes: a share of those present in favour

/** Passes when for/present ≥ numerator/denominator (or > with strict). */
export type VoteThreshold = { numerator: number; denominator: number; strict: boolean };

/** 双推: each recommendation ≥ 60 % of those present (domain.md §2, local rule given as the default). */
export const defaultRecommendationThreshold: VoteThreshold = { numerator: 3, denominator: 5, strict: false };
/** 双评: more than half in favour (domain.md §2). */
export const defaultEvaluationThreshold: VoteThreshold = { numerator: 1, denominator: 2, strict: true };

export function isVoteThreshold(v: unknown): v is VoteThreshold {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const p = v as Record<string, unknown>;
  if (Object.keys(p).length !== 3 || typeof p.strict !== 'boolean') return false;
  const n = p.numerator;
  const d = p.denominator;
  return Number.isInteger(n) && Number.isInteger(d) && (d as number) >= 1 && (d as number) <= 1000 && (n as number) >= 0 && (n as number) <= (d as number);
}

export type VoteCounts = { eligible: number; present: number; for: number; against: number; abstain: number };
export type VoteCheck = { consistent: boolean; errors: string[]; passed: boolean };

const MAX_COUNT = 1_000_000;

function countErrors<K extends string>(counts: Record<K, number>, names: Record<K, string>): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(names) as K[]) {
    const n = counts[key];
    if (!Number.isInteger(n) || n < 0 || n > MAX_COUNT) errors.push(`${names[key]}必须是非负整数 (${key} must be a non-negative integer)`);
  }
  return errors;
}

const voteNames: Record<keyof VoteCounts, string> = { eligible: '应参加人数', present: '实参加人数', for: '赞成票', against: '反对票', abstain: '弃权票' };

/** A recommendation or evaluation vote: counts consistent, then the share of those present in favour against the threshold. */
export function checkVote(votes: VoteCounts, threshold: VoteThreshold): VoteCheck {
  const errors = countErrors(votes, voteNames);
  if (!isVoteThreshold(threshold)) errors.push('表决规则无效 (invalid vote threshold)');
  if (!errors.length) {
    if (votes.present > votes.eligible) errors.push('实参加人数超过应参加人数 (present exceeds eligible)');
    if (votes.present === 0) errors.push('实参加人数不能为0 (nobody present)');
    if (votes.for + votes.against + votes.abstain > votes.present) errors.push('赞成、反对、弃权票合计超过实参加人数 (for + against + abstain exceeds present)');
  }
  if (errors.length) return { consistent: false, errors, passed: false };
  const lhs = votes.for * threshold.denominator;
  const rhs = votes.present * threshold.numerator;
  return { consistent: true, errors, passed: threshold.strict ? lhs > rhs : lhs >= rhs };
}

// ---------------------------------------------------------------------------------------------
// 支部大会 (branch general meeting) on admission and on full membership

/**
 * Counts of a branch general meeting: `expected` voting members expected to attend, `present` voting
 * members present, `written` written opinions sent in by absent voting members; for/against/abstain
 * include the written opinions.
 */
export type MeetingCounts = { expected: number; present: number; written: number; for: number; against: number; abstain: number };
export type MeetingCheck = { consistent: boolean; errors: string[]; quorumMet: boolean; passed: boolean };

const meetingNames: Record<keyof MeetingCounts, string> = {
  expected: '应到会有表决权党员数',
  present: '实到会有表决权党员数',
  written: '书面意见数',
  for: '赞成票',
  against: '反对票',
  abstain: '弃权票',
};

/**
 * 《发展党员工作细则》 第二十八条: 到会有表决权的正式党员超过应到会有表决权的正式党员的半数; 赞成人数超过
 * 应到会有表决权的正式党员的半数，才能通过; 因故不能到会的有表决权的正式党员，在支部大会召开前正式向
 * 党支部提出书面意见的，应当统计在票数内.
 */
export function checkBranchMeeting(c: MeetingCounts): MeetingCheck {
  const errors = countErrors(c, meetingNames);
  if (!errors.length) {
    if (c.present > c.expected) errors.push('实到会人数超过应到会人数 (present exceeds expected)');
    else if (c.written > c.expected - c.present) errors.push('书面意见数超过未到会人数 (written opinions exceed the absent members)');
    if (c.for + c.against + c.abstain > c.present + c.written) errors.push('票数合计超过到会人数与书面意见数之和 (votes exceed present + written opinions)');
    if (c.expected === 0) errors.push('应到会人数不能为0 (nobody expected)');
  }
  if (errors.length) return { consistent: false, errors, quorumMet: false, passed: false };
  const quorumMet = c.present * 2 > c.expected;
  return { consistent: true, errors, quorumMet, passed: quorumMet && c.for * 2 > c.expected };
}

// ---------------------------------------------------------------------------------------------
// Time limits

export const talkWithinMonths = 1;
export const trainingEvaluationIntervalMonths = 6;
export const minimumTrainingMonths = 12;
export const trainingEvaluationsBeforeTarget = minimumTrainingMonths / trainingEvaluationIntervalMonths;
export const probationMonths = 12;
export const approvalWithinMonths = 3;
export const approvalMaxMonths = 6;
export const extensionMinMonths = 6;
export const extensionMaxMonths = 12;
/** Concentrated training: at least 3 days or 24 class hours. */
export const minimumTrainingDays = 3;
export const minimumTrainingHours = 24;

/** 'YYYY-MM-DD' plus calendar months; a day past the month's end is clamped (29 Feb + 12 months = 28 Feb). */
export function addMonthsToDate(date: string, months: number): string {
  if (!isCalendarDate(date) || !Number.isInteger(months)) throw new RangeError(`invalid date or months: ${date} + ${months}`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const day = Math.min(d, new Date(Date.UTC(year, month + 1, 0)).getUTCDate());
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The probation (预备期) runs one year from the day the branch meeting admitted the applicant; it ends the day before the anniversary. */
export function probationPeriod(meetingDate: string, months = probationMonths): { start: string; end: string } {
  return { start: meetingDate, end: dayBefore(addMonthsToDate(meetingDate, months)) };
}

/** A probation extended by `months` from its current end. */
export function extendedProbationEnd(currentEnd: string, months: number): string {
  return dayBefore(addMonthsToDate(dayAfter(currentEnd), months));
}

function shiftDay(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10); // years ≥ 100 only (calendar dates of applicants)
}
const dayBefore = (date: string) => shiftDay(date, -1);
const dayAfter = (date: string) => shiftDay(date, 1);

/** 延长预备期: at least 6 months, at most one year, once only. */
export function extensionErrors(months: number, extensionsSoFar: number): string[] {
  if (extensionsSoFar >= 1) return ['预备期只能延长一次 (probation may be extended only once)'];
  if (!Number.isInteger(months) || months < extensionMinMonths || months > extensionMaxMonths) {
    return [`延长期限须为${extensionMinMonths}至${extensionMaxMonths}个月 (an extension lasts ${extensionMinMonths}–${extensionMaxMonths} months)`];
  }
  return [];
}

/** The superior committee approves within 3 months of the meeting; special cases once more, never beyond 6. */
export function approvalExtensionErrors(extendedBefore: boolean): string[] {
  return extendedBefore ? [`审批期限只能延长一次，最长不超过${approvalMaxMonths}个月 (the approval time may be extended once, never beyond ${approvalMaxMonths} months)`] : [];
}

/** The approval limit in months from the branch meeting: 3, or 6 after the one extension (never more). */
export function approvalLimitMonths(extended: boolean): number {
  return extended ? approvalMaxMonths : approvalWithinMonths;
}

/**
 * When the superior approval (of admission or of full membership) falls due: at the end of the China day
 * with the same date 3 months (after the extension 6 months) after the branch meeting, a day past the
 * month's end clamped (2026-11-30 + 3 months = 2027-02-28). With compressed time (`workingDaySeconds`)
 * a typed calendar date cannot be compressed, so the limit runs from the instant the meeting was recorded.
 */
export function approvalDueAt(input: { meetingDate: string; recordedAt: Date; extended: boolean; workingDaySeconds?: number | undefined }): Date {
  const months = approvalLimitMonths(input.extended);
  if (input.workingDaySeconds !== undefined) return monthsAfter(input.recordedAt, months, input.workingDaySeconds);
  return chinaEndOfDay(addMonthsToDate(input.meetingDate, months));
}

/**
 * When a probation period ends (issue 14 item 4): probation is one year from the 支部大会 that admitted
 * the applicant (党章 Art. 7 预备期一年; domain.md §2 "counted from the 支部大会"), not from the county filing,
 * and an extension runs on from the end of the first year (domain.md §2). `endDate` is the period's last
 * day (`probationPeriod` / `extendedProbationEnd`): the period ends with that China day. With compressed
 * time a typed date cannot be compressed, so the period runs `months` from `recordedFrom` (the instant the
 * meeting was recorded, or the end of the previous period).
 */
export function probationEndsAt(input: { endDate: string; recordedFrom: Date; months: number; workingDaySeconds?: number | undefined }): Date {
  if (input.workingDaySeconds !== undefined) return monthsAfter(input.recordedFrom, input.months, input.workingDaySeconds);
  return chinaEndOfDay(input.endDate);
}

/** 集中培训: at least 3 days or 24 class hours, dates in order. */
export function concentratedTrainingErrors(t: { from: string; to: string; days: number; hours: number }): string[] {
  if (!isCalendarDate(t.from) || !isCalendarDate(t.to) || t.to < t.from) return ['培训日期无效 (invalid training dates)'];
  if (t.days < minimumTrainingDays && t.hours < minimumTrainingHours) return [`集中培训不少于${minimumTrainingDays}天或${minimumTrainingHours}学时 (at least ${minimumTrainingDays} days or ${minimumTrainingHours} class hours)`];
  return [];
}

// ---------------------------------------------------------------------------------------------
// Stages and outcomes

export const memberStages = {
  application: '入党申请',
  activist: '入党积极分子',
  'development-target': '发展对象',
  admission: '接收预备党员',
  probation: '预备党员考察和转正',
} as const;
export type MemberStage = keyof typeof memberStages;

export const fullMembershipProposals = ['convert', 'extend', 'cancel'] as const;
export type FullMembershipProposal = (typeof fullMembershipProposals)[number];
export const fullMembershipProposalLabels: Record<FullMembershipProposal, string> = {
  convert: '按期转正',
  extend: '延长预备期',
  cancel: '取消预备党员资格',
};

export type DualManagementKind = (typeof memberDualManagementKinds)[number];
export const dualManagementLabels: Record<DualManagementKind, string> = {
  floating: '流动党员',
  resettled: '搬迁入住党员',
  'in-service': '在职党员',
};

/** Policy-table entries to merge into policyDefaults. */
export const memberPolicyDefaults = {
  'member.recommendation-threshold': defaultRecommendationThreshold,
  'member.evaluation-threshold': defaultEvaluationThreshold,
} satisfies Record<string, unknown>;

/**
 * The oath (入党宣誓, 党章第六条) is taken after the 支部大会 admitted the applicant and the superior
 * committee approved (domain.md §2 step 5): its date lies between the meeting and today (China dates).
 */
export function oathDateErrors(oathDate: string, meetingDate: string, today: string): string[] {
  if (oathDate < meetingDate) return [`/oathDate: 入党宣誓日期不能早于支部大会（${meetingDate}） (the oath follows the branch meeting of ${meetingDate})`];
  if (oathDate > today) return [`/oathDate: 入党宣誓日期不能晚于今天 (the oath date is in the future)`];
  return [];
}
