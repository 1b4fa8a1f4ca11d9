/**
 * 村党组织书记选配 — village party secretary replacement (domain.md §1).
 *
 * Pure module: no I/O, no clock, no environment access; it is imported inside Temporal workflow
 * code. Dates are 'YYYY-MM-DD' strings, instants are China Standard Time (fixed UTC+08:00, no DST)
 * computed on epoch milliseconds, as in ./calendar.
 *
 * The negative list (负面清单) and the election thresholds are policy data: the defaults are here,
 * administrators override them in the policy table (validate with isNegativeList / isElectionPolicy).
 */
import {
  candidateSourceIds,
  declarationKeys,
  educationLevelIds,
  replacementReasonIds,
  type CandidateSourceId,
  type DeclarationKey,
  type EducationLevel,
  type ReplacementReasonId,
  type SecretaryCandidate,
} from '@dj/contracts';

// ---------------------------------------------------------------------------------------------
// Vocabulary

const reasonLabels: Record<ReplacementReasonId, string> = {
  vacancy: '缺职',
  incompetent: '不能胜任',
  'serious-problem': '出现重大问题',
};

export const replacementReasons: readonly { id: ReplacementReasonId; label: string }[] = replacementReasonIds.map((id) => ({ id, label: reasonLabels[id] }));

export type CandidateSource = { id: CandidateSourceId; label: string; appointment: boolean };

/** 三选三任 (seed 003 §二): the first three are chosen in the village and elected, the last three assigned and appointed (任命). */
const sourceInfo: Record<CandidateSourceId, Omit<CandidateSource, 'id'>> = {
  'members-masses': { label: '党员群众推选', appointment: false },
  returnee: { label: '回村参选', appointment: false },
  cultivated: { label: '重点培养择优选', appointment: false },
  'dispatched-official': { label: '县乡机关派任', appointment: true },
  'concurrent-secretary': { label: '优秀书记兼任', appointment: true },
  'neighbor-cadre': { label: '邻村干部跨任', appointment: true },
};

export const candidateSources: readonly CandidateSource[] = candidateSourceIds.map((id) => ({ id, ...sourceInfo[id] }));

/** True when a candidate from this source takes office by appointment rather than by election of the 党员大会. */
export function isAppointedSource(id: CandidateSourceId): boolean {
  return Object.hasOwn(sourceInfo, id) && sourceInfo[id].appointment;
}

const educationLabels: Record<EducationLevel, string> = {
  primary: '小学',
  'junior-high': '初中',
  'senior-high': '高中',
  vocational: '中专（职高、技校）',
  college: '大专',
  bachelor: '本科',
  postgraduate: '研究生',
};

/** Lowest to highest. 中专 ranks with and above 高中: the seed treats them alike ("高中（中专）以上学历"). */
export const educationLevels: readonly { id: EducationLevel; label: string }[] = educationLevelIds.map((id) => ({ id, label: educationLabels[id] }));

const educationRank = (level: EducationLevel): number => educationLevelIds.indexOf(level);

const declarationLabels: Record<DeclarationKey, string> = {
  criminalRecord: '受过刑事处罚',
  disciplinePeriod: '在党纪政务处分影响期内',
  underInvestigation: '正在接受纪律审查或监察调查',
  blackEvilForces: '涉黑涉恶',
  clanForces: '宗族宗派势力干扰',
  illegalReligion: '参与非法宗教活动',
};

/** What the proposer must declare for each candidate (the seed asks for a 负面清单 without listing its items; these are domain.md §1's). */
export const candidateDeclarations: readonly { key: DeclarationKey; label: string }[] = declarationKeys.map((key) => ({ key, label: declarationLabels[key] }));

// ---------------------------------------------------------------------------------------------
// Negative list (负面清单) — screening of candidates

export type NegativeListRule = { id: string; label: string } & (
  | { kind: 'declaration'; declaration: DeclarationKey }
  /** Hit when the age in whole years is greater than `years` (a 60-year-old passes a 60 limit). */
  | { kind: 'max-age'; years: number }
  /** Hit when the education ranks below `level` in educationLevelIds. */
  | { kind: 'min-education'; level: EducationLevel }
);

export type NegativeListHit = { ruleId: string; label: string; detail: string };

/**
 * Defaults. The seed (000 rural §4) only says "列出不适宜任职的负面清单" and
 * "优先从具有高中以上学历、年富力强的优秀党员中选拔村党支部书记"; it states no age limit.
 * - 60: the product's documented default age limit (none in the seeds); administrators adjust it.
 * - senior-high: from the seed's 高中以上学历, which the seed words as a preference (优先);
 *   administrators who treat it as a preference only can delete the rule.
 */
export const defaultMaxAgeYears = 60;
export const defaultMinEducation: EducationLevel = 'senior-high';

export const defaultNegativeList: NegativeListRule[] = [
  { id: 'criminal-record', label: declarationLabels.criminalRecord, kind: 'declaration', declaration: 'criminalRecord' },
  { id: 'discipline-period', label: declarationLabels.disciplinePeriod, kind: 'declaration', declaration: 'disciplinePeriod' },
  { id: 'under-investigation', label: declarationLabels.underInvestigation, kind: 'declaration', declaration: 'underInvestigation' },
  { id: 'black-evil-forces', label: declarationLabels.blackEvilForces, kind: 'declaration', declaration: 'blackEvilForces' },
  { id: 'clan-forces', label: declarationLabels.clanForces, kind: 'declaration', declaration: 'clanForces' },
  { id: 'illegal-religion', label: declarationLabels.illegalReligion, kind: 'declaration', declaration: 'illegalReligion' },
  { id: 'max-age', label: `年龄超过 ${defaultMaxAgeYears} 岁`, kind: 'max-age', years: defaultMaxAgeYears },
  { id: 'min-education', label: `学历低于${educationLabels[defaultMinEducation]}`, kind: 'min-education', level: defaultMinEducation },
];

const MAX_RULES = 100;
const RULE_ID_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const ruleKeys: Record<NegativeListRule['kind'], readonly string[]> = {
  declaration: ['id', 'label', 'kind', 'declaration'],
  'max-age': ['id', 'label', 'kind', 'years'],
  'min-education': ['id', 'label', 'kind', 'level'],
};

function isRule(v: unknown): v is NegativeListRule {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  if (typeof r.id !== 'string' || !RULE_ID_RE.test(r.id)) return false;
  if (typeof r.label !== 'string' || r.label.trim() === '' || r.label.length > 200) return false;
  if (typeof r.kind !== 'string' || !Object.hasOwn(ruleKeys, r.kind)) return false;
  const allowed = ruleKeys[r.kind as NegativeListRule['kind']];
  if (Object.keys(r).some((k) => !allowed.includes(k))) return false;
  switch (r.kind as NegativeListRule['kind']) {
    case 'declaration':
      return (declarationKeys as readonly unknown[]).includes(r.declaration);
    case 'max-age':
      return Number.isInteger(r.years) && (r.years as number) >= 18 && (r.years as number) <= 100;
    case 'min-education':
      return (educationLevelIds as readonly unknown[]).includes(r.level);
  }
}

/** Validates an administrator's negative list: known kinds only, no unknown fields, unique ids, at most 100 rules. */
export function isNegativeList(v: unknown): v is NegativeListRule[] {
  if (!Array.isArray(v) || v.length > MAX_RULES || !v.every(isRule)) return false;
  return new Set(v.map((r) => r.id)).size === v.length;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(date: string): { y: number; m: number; d: number } | undefined {
  const match = DATE_RE.exec(date);
  if (!match) return undefined;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(2000, m - 1, d));
  check.setUTCFullYear(y);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return undefined;
  return { y, m, d };
}

/** True for an existing calendar day written 'YYYY-MM-DD' (the forms check the shape only). */
export function isCalendarDate(date: string): boolean {
  return parseDate(date) !== undefined;
}

/**
 * Age in whole years (周岁) on `asOfDate`: one less while this year's birthday has not come.
 * Someone born on 29 February turns a year older on 1 March in common years.
 * Throws RangeError for a non-existent date or a birth date after `asOfDate`.
 */
export function ageOn(birthDate: string, asOfDate: string): number {
  const b = parseDate(birthDate);
  const a = parseDate(asOfDate);
  if (!b) throw new RangeError(`Invalid birth date '${birthDate}'`);
  if (!a) throw new RangeError(`Invalid date '${asOfDate}'`);
  const age = a.y - b.y - (a.m < b.m || (a.m === b.m && a.d < b.d) ? 1 : 0);
  if (age < 0) throw new RangeError(`Birth date ${birthDate} is after ${asOfDate}`);
  return age;
}

export type ScreenedCandidate = Pick<SecretaryCandidate, 'birthDate' | 'education' | 'declarations'>;

/** ruleId of the hit screenCandidate reports for a birth date that does not exist or lies after the screening date. */
export const invalidBirthDateRuleId = 'birth-date';

/**
 * The negative-list rules a candidate hits on `asOfDate` ('YYYY-MM-DD', China date), in rule order;
 * empty = passes the automatic screen. The forms check the shape of dates only, and this runs in
 * workflow code where a throw would wedge the workflow: a birth date that does not exist or lies
 * after `asOfDate` is reported as a first hit (`invalidBirthDateRuleId`) and age rules are skipped.
 * Throws RangeError only for an invalid `asOfDate` (a caller bug).
 */
export function screenCandidate(candidate: ScreenedCandidate, rules: readonly NegativeListRule[], asOfDate: string): NegativeListHit[] {
  if (!isCalendarDate(asOfDate)) throw new RangeError(`Invalid date '${asOfDate}'`);
  const hits: NegativeListHit[] = [];
  const birthValid = isCalendarDate(candidate.birthDate) && candidate.birthDate <= asOfDate;
  if (!birthValid) {
    hits.push({ ruleId: invalidBirthDateRuleId, label: '出生日期无效', detail: `出生日期 ${candidate.birthDate} 不存在或晚于 ${asOfDate}` });
  }
  const age = birthValid ? ageOn(candidate.birthDate, asOfDate) : undefined;
  for (const rule of rules) {
    const hit = (detail: string) => hits.push({ ruleId: rule.id, label: rule.label, detail });
    switch (rule.kind) {
      case 'declaration':
        if (candidate.declarations[rule.declaration]) hit(`申报：${declarationLabels[rule.declaration]}`);
        break;
      case 'max-age':
        if (age !== undefined && age > rule.years) hit(`年龄 ${age} 岁，超过 ${rule.years} 岁上限`);
        break;
      case 'min-education':
        if (educationRank(candidate.education) < educationRank(rule.level)) {
          hit(`学历${educationLabels[candidate.education]}，低于${educationLabels[rule.level]}要求`);
        }
        break;
    }
  }
  return hits;
}

// ---------------------------------------------------------------------------------------------
// Election by the branch general meeting (党员大会)

/**
 * Both thresholds are strict ("超过"): the meeting is valid when present * quorumDenominator >
 * eligible * quorumNumerator; a candidate is elected when for * passDenominator > present * passNumerator.
 */
export type ElectionPolicy = { quorumNumerator: number; quorumDenominator: number; passNumerator: number; passDenominator: number };

/**
 * 《中国共产党基层组织选举工作条例》: "有选举权的到会人数超过应到会人数的五分之四，会议有效" and
 * "被选举人获得的赞成票超过实到会有选举权的人数的一半，始得当选". (National rule; the seeds do not state it.)
 */
export const defaultElectionPolicy: ElectionPolicy = { quorumNumerator: 4, quorumDenominator: 5, passNumerator: 1, passDenominator: 2 };

export function isElectionPolicy(v: unknown): v is ElectionPolicy {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const p = v as Record<string, unknown>;
  const keys = ['quorumNumerator', 'quorumDenominator', 'passNumerator', 'passDenominator'];
  if (Object.keys(p).length !== keys.length || !keys.every((k) => Number.isInteger(p[k]))) return false;
  const fraction = (n: number, d: number) => d >= 1 && d <= 1000 && n >= 0 && n < d;
  return fraction(p.quorumNumerator as number, p.quorumDenominator as number) && fraction(p.passNumerator as number, p.passDenominator as number);
}

export type ElectionVotes = { eligible: number; present: number; for: number; against: number; abstain: number };

export type ElectionCheck = {
  consistent: boolean;
  /** Chinese, then English in parentheses. */
  errors: string[];
  /** False whenever the counts are inconsistent. */
  quorumMet: boolean;
  /** False whenever the counts are inconsistent or the quorum is not met. */
  elected: boolean;
};

/** Upper bound for a count, keeping the cross-multiplications below exact-integer range. */
const MAX_COUNT = 1_000_000_000;

const countNames: Record<keyof ElectionVotes, string> = {
  eligible: '应到会人数',
  present: '实到会人数',
  for: '赞成票',
  against: '反对票',
  abstain: '弃权票',
};

export function checkElection(votes: ElectionVotes, policy: ElectionPolicy = defaultElectionPolicy): ElectionCheck {
  const errors: string[] = [];
  if (!isElectionPolicy(policy)) errors.push('选举规则无效 (invalid election policy)');
  let countsValid = true;
  for (const key of Object.keys(countNames) as (keyof ElectionVotes)[]) {
    const n = votes[key];
    if (!Number.isInteger(n) || n < 0 || n > MAX_COUNT) {
      countsValid = false;
      errors.push(`${countNames[key]}必须是非负整数 (${key} must be a non-negative integer up to ${MAX_COUNT})`);
    }
  }
  if (countsValid) {
    if (votes.present > votes.eligible) errors.push('实到会人数超过应到会人数 (present exceeds eligible)');
    if (votes.for + votes.against + votes.abstain > votes.present) {
      errors.push('赞成、反对、弃权票合计超过实到会人数 (for + against + abstain exceeds present)');
    }
  }
  if (errors.length > 0) return { consistent: false, errors, quorumMet: false, elected: false };
  const quorumMet = votes.present * policy.quorumDenominator > votes.eligible * policy.quorumNumerator;
  const elected = quorumMet && votes.for * policy.passDenominator > votes.present * policy.passNumerator;
  return { consistent: true, errors, quorumMet, elected };
}

// ---------------------------------------------------------------------------------------------
// Case deadline: 3 calendar months ("3个月内选配调整到位", seed 000 rural §4), warning at 2

export const caseDeadlineMonths = 3;
export const caseWarningMonths = 2;

const CST_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const MAX_MONTHS = 1200;

/**
 * The same China-time clock time `months` calendar months later (or earlier, if negative); a day
 * past the end of the target month is clamped to its last day (30 Nov + 3 months = 28/29 Feb).
 */
export function addCalendarMonths(from: Date, months: number): Date {
  const t = from instanceof Date ? from.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new RangeError('Invalid from date');
  if (!Number.isInteger(months) || Math.abs(months) > MAX_MONTHS) {
    throw new RangeError(`months must be an integer between -${MAX_MONTHS} and ${MAX_MONTHS}, got ${String(months)}`);
  }
  const local = t + CST_OFFSET_MS;
  const timeOfDay = ((local % DAY_MS) + DAY_MS) % DAY_MS;
  const day = new Date(local - timeOfDay);
  const total = day.getUTCFullYear() * 12 + day.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const target = new Date(0);
  target.setUTCFullYear(year, month + 1, 0); // day 0 of the next month = last day of `month`
  target.setUTCDate(Math.min(day.getUTCDate(), target.getUTCDate()));
  return new Date(target.getTime() + timeOfDay - CST_OFFSET_MS);
}

/** When the case deadline warning fires and when the case falls due, from the moment it was opened. */
export function secretaryCaseTimers(openedAt: Date): { warningAt: Date; dueAt: Date } {
  return { warningAt: addCalendarMonths(openedAt, caseWarningMonths), dueAt: addCalendarMonths(openedAt, caseDeadlineMonths) };
}

/** Policy-table entries to merge into policyDefaults. */
export const secretaryPolicyDefaults = {
  'secretary.negative-list': defaultNegativeList,
  'secretary.election': defaultElectionPolicy,
} satisfies Record<string, unknown>;
