/**
 * 村党组织书记选配, steps 7 and 8 (domain.md §1; issue 14 point 3): who may be elected, by which body, and
 * when the result takes effect. Pure (imported by workflow code). Sources, cited where applied:
 * - 党章第七条: "预备党员的权利，除了没有表决权、选举权和被选举权以外，也同正式党员一样" and "党员的党龄，从预备期满
 *   转为正式党员之日算起";
 * - 《中国共产党基层组织选举工作条例》第五条: "正式党员有表决权、选举权、被选举权 … 预备党员没有表决权、选举权和被选举权";
 * - 《中国共产党支部工作条例（试行）》第六章（党支部委员会建设）: "有正式党员7人以上的党支部，应当设立党支部委员会"; "正式党员
 *   不足7人的党支部，设1名书记"; "党支部委员会由党员大会选举产生，党支部书记、副书记一般由党支部委员会会议选举产生，不设委员会的
 *   党支部书记、副书记由党支部党员大会选举产生。选出的党支部委员，报上级党组织备案；党支部书记、副书记，报上级党组织批准";
 *   "党支部书记、副书记、委员出现空缺，应当及时进行补选";
 * - 党章第三十条: "基层委员会、总支部委员会、支部委员会的书记、副书记选举产生后，应报上级党组织批准".
 * The quorum and majority of the elections themselves are in collective-decision.ts (选举工作条例, policy secretary.election).
 */
import type { SecretaryCandidate } from '@dj/contracts';
import { isCalendarDate } from './rules';

/** 支部工作条例 第六章: a branch with this many full members or more has a committee (支委会). */
export const committeeMinFullMembers = 7;

/**
 * How the branch elects its secretary (支部工作条例 第六章): with a committee, the 党员大会 elects the candidate into
 * the committee (补选) and the 支委会 elects the secretary; without one (fewer than 7 full members), the
 * 党员大会 elects the secretary directly.
 */
export type ElectionPath = 'committee' | 'direct';

export function electionPathOf(fullMembers: number): ElectionPath {
  return fullMembers >= committeeMinFullMembers ? 'committee' : 'direct';
}

export const electionPathRule: Record<ElectionPath, string> = {
  committee: '有正式党员7人以上的党支部设立支部委员会：党员大会补选支部委员，支部委员会会议选举书记（《中国共产党支部工作条例（试行）》第六章）',
  direct: '正式党员不足7人的党支部不设委员会：党员大会直接选举书记（《中国共产党支部工作条例（试行）》第六章）',
};

export const fullMemberRule = '人选须为正式党员：预备党员没有被选举权（党章第七条；《中国共产党基层组织选举工作条例》第五条）';

/** 党龄 in whole years on `on`: counted from the day of 转正 (党章第七条). Undefined for a probationary member or an invalid date. */
export function partyAgeOn(fullOn: string | null | undefined, on: string): number | undefined {
  if (!fullOn || !isCalendarDate(fullOn) || !isCalendarDate(on) || fullOn > on) return undefined;
  const [fy, fm, fd] = fullOn.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - fy - (m < fm || (m === fm && d < fd) ? 1 : 0);
}

/**
 * The proposal's membership particulars of each candidate (at the proposal, 提出人选): 入党日期 and 转正日期 given,
 * in order and not in the future, the candidate a full member on `today` (党章第七条; 选举工作条例第五条).
 * Errors as `/candidates/<i>/<field>: 中文 / English` for the form.
 */
export function candidateMembershipErrors(candidates: readonly Pick<SecretaryCandidate, 'joinedOn' | 'fullOn'>[], today: string): string[] {
  const errors: string[] = [];
  candidates.forEach((c, i) => {
    if (!c.joinedOn || !isCalendarDate(c.joinedOn) || c.joinedOn > today) {
      errors.push(`/candidates/${i}/joinedOn: 须填写入党日期（不晚于今天） / the date of joining is required`);
      return;
    }
    if (!c.fullOn) {
      errors.push(`/candidates/${i}/fullOn: ${fullMemberRule} / a candidate must be a full member (date of full membership required)`);
      return;
    }
    if (!isCalendarDate(c.fullOn) || c.fullOn <= c.joinedOn || c.fullOn > today) errors.push(`/candidates/${i}/fullOn: 转正日期须晚于入党日期且不晚于今天 / invalid date of full membership`);
  });
  return errors;
}

/** A member of the branch's roster matching a candidate (by name and birth date). */
export type RosterMatch = { personId: string; name: string; birthDate: string; joinedOn: string; fullOn: string | null };

export type CandidateEligibility =
  | { eligible: true; personId: string; fullOn: string; partyAgeYears: number; rule: string }
  | { eligible: false; reason: string; rule: string };

/**
 * Before an election (at the latest, domain.md §1 step 7): the candidate must be on the branch's roster — a
 * branch elects its own members — and a full member on `on`; the party age is what the roster says.
 */
export function electionEligibility(candidate: Pick<SecretaryCandidate, 'name'>, match: RosterMatch | undefined, on: string): CandidateEligibility {
  if (!match) return { eligible: false, reason: `${candidate.name}不在本支部党员花名册中（姓名、出生日期），不能由本支部选举 / not a member of this branch`, rule: fullMemberRule };
  const age = partyAgeOn(match.fullOn, on);
  if (age === undefined) return { eligible: false, reason: `${candidate.name}是预备党员，没有被选举权 / a probationary member cannot be elected`, rule: fullMemberRule };
  return { eligible: true, personId: match.personId, fullOn: match.fullOn!, partyAgeYears: age, rule: fullMemberRule };
}

/** The steps of the election, in order, for a path (the candidate already on the committee skips the 补选). */
export function electionSteps(path: ElectionPath, onCommittee: boolean): ('by-election' | 'committee-election' | 'general-meeting-election')[] {
  if (path === 'direct') return ['general-meeting-election'];
  return onCommittee ? ['committee-election'] : ['by-election', 'committee-election'];
}
