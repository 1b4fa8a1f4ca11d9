/**
 * Collective decisions (民主集中制, domain.md "Bodies decide in meetings", issue 14 item 1). Where a rule
 * gives a decision to a body, the decision is its meeting; this module decides from the meeting record
 * whether the meeting was valid and whether the resolution carried. Sources:
 * - 党章 Art. 17 (as domain.md and issue 14 cite it): a body decides by majority in a meeting; no one decides
 *   major matters alone — so the step's outcome follows the vote, not the person entering it;
 * - 《中国共产党支部工作条例（试行）》第十二条: "党支部委员会会议须有半数以上委员到会方可进行" — a 支委会 is valid
 *   with more than half of its members present; domain.md applies the same quorum to a 党委会 / 党工委会;
 * - 同条例 第十一条: the 党员大会 "表决必须有半数以上有表决权的党员到会方可进行，赞成人数超过应到会有表决权的党员
 *   的半数为通过" — quorum and majority both counted against the voting (full) members expected
 *   (党章 Art. 7: probationary members have no vote);
 * - majority of a committee: the texts read here (domain.md, the seeds) give no separate rule; the one the
 *   条例 states (第十一条) counts "for" against those expected, as does the "双过半" rule of committees' 议事决策
 *   — so a committee's resolution carries when "for" exceeds half of its members expected, the stricter
 *   reading (it also exceeds half of those present).
 * "半数以上" is read as "more than half", as domain.md states it.
 *
 * An **election** in a meeting (a step given `election` thresholds: the 党员大会 electing a committee member
 * or a secretary, 书记选配) follows 《中国共产党基层组织选举工作条例》 instead: "有选举权的到会人数超过应到会人数的
 * 五分之四，会议有效" and "被选举人获得的赞成票超过实到会有选举权的人数的一半，始得当选" (the policy
 * `secretary.election`, these its defaults), by secret ballot (党章第十一条: 选举采用无记名投票的方式).
 */
import type { ErrorCode, MeetingBody, MeetingRecord, MeetingRosterMember } from '@dj/contracts';

export type { MeetingBody, MeetingRosterMember } from '@dj/contracts';

export const meetingBodyNames: Record<MeetingBody, string> = { committee: '委员会会议（支委会 / 党委会）', 'general-meeting': '党员大会' };

/** The Chinese name of the body deciding for an organization of this type. */
export function meetingBodyName(body: MeetingBody, orgType?: string): string {
  if (body === 'general-meeting') return '党员大会';
  if (orgType === 'branch') return '支委会';
  if (orgType === 'street') return '党工委会';
  return '党委会';
}

export type MeetingJudgement = {
  ok: true;
  expected: number;
  present: number;
  /** Roster ids of the expected members who did not attend. */
  absent: string[];
  carried: boolean;
  /** The rule applied, for the record. */
  rule: string;
};
export type MeetingRefusal = { ok: false; code: ErrorCode; message: string };

/**
 * The thresholds of an election (the same shape as the policy `secretary.election`): valid when
 * present × quorumDenominator > expected × quorumNumerator; elected when for × passDenominator >
 * present × passNumerator. Both strict ("超过").
 */
export type ElectionThresholds = { quorumNumerator: number; quorumDenominator: number; passNumerator: number; passDenominator: number };

const electionQuorumRule = (t: ElectionThresholds) => `有选举权的到会人数超过应到会人数的${fraction(t.quorumNumerator, t.quorumDenominator)}，会议有效（《中国共产党基层组织选举工作条例》）`;
const electionPassRule = (t: ElectionThresholds) => `赞成票超过实到会有选举权人数的${fraction(t.passNumerator, t.passDenominator)}，始得当选（同条例）；选举采用无记名投票（党章第十一条）`;
function fraction(n: number, d: number): string {
  if (n === 1 && d === 2) return '一半';
  const zh = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
  return n <= 10 && d <= 10 ? `${zh[d]}分之${zh[n]}` : `${n}/${d}`;
}

const QUORUM_RULE: Record<MeetingBody, string> = {
  committee: '须有半数以上委员到会方可进行（《中国共产党支部工作条例（试行）》第十二条）',
  'general-meeting': '表决必须有半数以上有表决权的党员到会方可进行（《中国共产党支部工作条例（试行）》第十一条）',
};
const MAJORITY_RULE: Record<MeetingBody, string> = {
  committee: '赞成票超过应到会委员的半数为通过（少数服从多数，党章第十七条；双过半）',
  'general-meeting': '赞成人数超过应到会有表决权的党员的半数为通过（《中国共产党支部工作条例（试行）》第十一条）',
};

/**
 * Judges a meeting of `body` whose expected members are `roster` (the committee at the meeting date, or
 * the full members of the branch for a 党员大会). Refused when an attendee is not on the roster, the
 * roster is empty, the quorum is missed or the counts exceed those present; otherwise valid, carried or not.
 */
export function judgeMeeting(
  body: MeetingBody,
  roster: readonly MeetingRosterMember[],
  record: Pick<MeetingRecord, 'attendees' | 'for' | 'against' | 'abstain'> & { ballotMethod?: MeetingRecord['ballotMethod'] },
  election?: ElectionThresholds,
): MeetingJudgement | MeetingRefusal {
  const expected = roster.length;
  if (!expected) return { ok: false, code: 'MEETING_ROSTER_EMPTY', message: '会议日期没有应到会人员' };
  const onRoster = new Set(roster.map((m) => m.id));
  const strangers = record.attendees.filter((a) => !onRoster.has(a));
  if (strangers.length) return { ok: false, code: 'MEETING_ATTENDEE_NOT_ON_ROSTER', message: `${strangers.length} 名出席人员不在应到会名单中` };
  const attended = new Set(record.attendees);
  const present = attended.size;
  if (election) return judgeElection(roster, record, present, attended, election);
  // 支部工作条例 第十一条 / 第十二条: more than half of those expected present.
  if (present * 2 <= expected) return { ok: false, code: 'MEETING_NO_QUORUM', message: `应到会 ${expected} 人，实到 ${present} 人：${QUORUM_RULE[body]}` };
  return counted(roster, record, attended, record.for * 2 > expected, `${QUORUM_RULE[body]}；${MAJORITY_RULE[body]}`);
}

/** A quorate meeting's judgement: the votes cast may not exceed those present; who was absent; carried or not by the body's rule. */
function counted(
  roster: readonly MeetingRosterMember[],
  record: Pick<MeetingRecord, 'for' | 'against' | 'abstain'>,
  attended: Set<string>,
  carried: boolean,
  rule: string,
): MeetingJudgement | MeetingRefusal {
  const present = attended.size;
  const cast = record.for + record.against + record.abstain;
  if (cast > present) return { ok: false, code: 'MEETING_VOTES_INCONSISTENT', message: `票数合计 ${cast}，到会 ${present} 人` };
  return { ok: true, expected: roster.length, present, absent: roster.filter((m) => !attended.has(m.id)).map((m) => m.id), carried, rule };
}

/** An election: the 选举工作条例's quorum counted against those expected, the majority against those present. */
function judgeElection(
  roster: readonly MeetingRosterMember[],
  record: Pick<MeetingRecord, 'for' | 'against' | 'abstain'> & { ballotMethod?: MeetingRecord['ballotMethod'] },
  present: number,
  attended: Set<string>,
  t: ElectionThresholds,
): MeetingJudgement | MeetingRefusal {
  const expected = roster.length;
  // 党章第十一条: 选举采用无记名投票的方式.
  if (record.ballotMethod !== 'secret-ballot') return { ok: false, code: 'ELECTION_BALLOT_NOT_SECRET', message: '表决方式须为无记名投票' };
  if (present * t.quorumDenominator <= expected * t.quorumNumerator) {
    return { ok: false, code: 'ELECTION_NO_QUORUM', message: `应到会 ${expected} 人，实到 ${present} 人：${electionQuorumRule(t)}` };
  }
  return counted(roster, record, attended, record.for * t.passDenominator > present * t.passNumerator, `${electionQuorumRule(t)}；${electionPassRule(t)}`);
}

/**
 * Why a meeting cannot decide the step as submitted, or undefined: the meeting must be valid, and its vote
 * must match the action — 同意 when the proposal carried, 驳回 when it did not (the outcome follows the vote).
 */
export function meetingRefusal(
  body: MeetingBody,
  roster: readonly MeetingRosterMember[],
  record: Pick<MeetingRecord, 'attendees' | 'for' | 'against' | 'abstain'> & { ballotMethod?: MeetingRecord['ballotMethod'] },
  outcome: 'carried' | 'not-carried' = 'carried',
  election?: ElectionThresholds,
): MeetingRefusal | undefined {
  const j = judgeMeeting(body, roster, record, election);
  if (!j.ok) return j;
  if (election) {
    if (outcome === 'carried' && !j.carried) return { ok: false, code: 'ELECTION_NOT_ELECTED', message: `实到会 ${j.present} 人，赞成 ${record.for} 票` };
    if (outcome === 'not-carried' && j.carried) return { ok: false, code: 'ELECTION_ELECTED', message: `实到会 ${j.present} 人，赞成 ${record.for} 票` };
    return undefined;
  }
  if (outcome === 'carried' && !j.carried) return { ok: false, code: 'MEETING_NOT_CARRIED', message: `应到会 ${j.expected} 人，赞成 ${record.for} 票：${MAJORITY_RULE[body]}` };
  if (outcome === 'not-carried' && j.carried) return { ok: false, code: 'MEETING_CARRIED', message: `应到会 ${j.expected} 人，赞成 ${record.for} 票，已超过半数：${MAJORITY_RULE[body]}` };
  return undefined;
}

/** What the record (case event) keeps of a meeting beside the form: the body, the roster expected at its date, who was absent, the outcome and the rule. */
export function meetingEventData(meeting: { body: MeetingBody; orgId: string; on: string; roster: MeetingRosterMember[] }, record: MeetingRecord, election?: ElectionThresholds) {
  const j = judgeMeeting(meeting.body, meeting.roster, record, election);
  return {
    body: meeting.body,
    orgId: meeting.orgId,
    meetingDate: meeting.on,
    expected: meeting.roster,
    present: j.ok ? j.present : record.attendees.length,
    absent: j.ok ? j.absent : [],
    carried: j.ok && j.carried,
    rule: j.ok ? j.rule : null,
    ...(election ? { election: true } : {}),
  };
}
