/**
 * What an action led to in the process, in words (issue 16 point 4): the findings the process recorded
 * right after the action — a vote counted against its threshold, an election against its quorum, the
 * negative-list screen, a send-back — so the console does not show a green "已同意" when the step
 * comes back. Pure: the caller passes the record events that followed the action.
 */
export type OutcomeTone = 'success' | 'warning' | 'error' | 'info';
export type Outcome = { tone: OutcomeTone; text: string };
export type FollowingEvent = { type: string; data: Record<string, unknown> };

type Votes = { eligible?: number; expected?: number; present: number; for: number };
type Hit = { label: string; detail: string };

/** The Chinese half of a "中文 / English" reason. */
const zh = (s: unknown) => (typeof s === 'string' ? s.split(' / ')[0]! : '');

export function describeOutcome(events: FollowingEvent[]): Outcome | null {
  const sentBack = events.find((e) => e.type === 'case.sent-back');
  const screened = events.find((e) => e.type === 'candidates.screened');
  if (screened) {
    const results = (screened.data.results ?? []) as { name: string; hits: Hit[] }[];
    const hits = results.filter((r) => r.hits.length).map((r) => `${r.name}（${r.hits.map((h) => `${h.label}：${h.detail}`).join('；')}）`);
    // 负面清单 (domain.md §1; rules in @dj/domain screenCandidate): nobody eligible sends the proposal back.
    if (sentBack?.data.from === 'negative-list') return { tone: 'error', text: `不符合负面清单，退回提出人选：${hits.join('；')}` };
    if (hits.length) return { tone: 'warning', text: `已提交；负面清单审查：${hits.join('；')}，其余人选进入联审` };
    return { tone: 'success', text: '已提交，所有人选通过负面清单审查，进入联审' };
  }
  const election = events.find((e) => e.type === 'election.counted');
  if (election) {
    const v = election.data.votes as Votes;
    // 《中国共产党基层组织选举工作条例》: 到会超过应到会人数的五分之四会议有效; 赞成票超过实到会人数的一半始得当选 (the policy's defaults).
    if (!election.data.quorumMet) return { tone: 'warning', text: `未通过，重新选举：到会 ${v.present} 人，未达应到 ${v.eligible} 人的法定人数，选举无效` };
    // The 支委会 electing the secretary (issue 14): its meeting rule, more than half of the members (支部工作条例 第十二条; collective-decision.ts).
    if (!election.data.elected && election.data.step === 'committee-election') return { tone: 'error', text: `未当选：赞成 ${v.for} 票，未超过应到委员的半数${sentBack ? '，退回重新提出人选' : ''}` };
    if (!election.data.elected) return { tone: 'error', text: `未当选：赞成 ${v.for} 票，未超过实到 ${v.present} 人的半数${sentBack ? '，退回重新提出人选' : ''}` };
    return { tone: 'success', text: `通过：${String(election.data.candidate ?? '')}当选（赞成 ${v.for} 票，实到 ${v.present} 人）` };
  }
  const vote = events.find((e) => e.type === 'vote.counted' || e.type === 'meeting.counted');
  if (vote) {
    const v = vote.data.votes as Votes;
    const t = vote.data.threshold as { numerator: number; denominator: number; strict: boolean } | undefined;
    const rule = t ? `赞成票须${t.strict ? '超过' : '不少于'}实到人数的 ${t.numerator}/${t.denominator}` : '到会须过半数，赞成须超过应到会党员的半数';
    if (vote.type === 'meeting.counted' && !vote.data.quorumMet) return { tone: 'warning', text: `未通过，重新召开：到会 ${v.present} 人，未超过应到 ${v.expected} 人的半数` };
    if (!vote.data.passed) return { tone: 'warning', text: `未通过（赞成 ${v.for}，实到 ${v.present}；${rule}），重新表决` };
    return { tone: 'success', text: `通过（赞成 ${v.for}，实到 ${v.present}；${rule}）` };
  }
  if (sentBack) return { tone: 'warning', text: `退回重办：${zh(sentBack.data.reason) || '未说明理由'}` };
  return null;
}
