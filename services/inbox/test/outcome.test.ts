import { describe, expect, it } from 'vitest';
import { describeOutcome } from '../src/outcome';

describe('describeOutcome: what an action led to', () => {
  it('an election without quorum is not shown as approved: 未通过，重新选举', () => {
    const o = describeOutcome([{ type: 'election.counted', data: { candidate: '王建设', votes: { eligible: 50, present: 38, for: 30 }, quorumMet: false, elected: false } }]);
    expect(o).toEqual({ tone: 'warning', text: '未通过，重新选举：到会 38 人，未达应到 50 人的法定人数，选举无效' });
  });

  it('an election with quorum and a majority: 通过 and who was elected', () => {
    expect(describeOutcome([{ type: 'election.counted', data: { candidate: '王建设', votes: { eligible: 50, present: 45, for: 40 }, quorumMet: true, elected: true } }])).toMatchObject({ tone: 'success', text: expect.stringContaining('王建设当选') });
  });

  it('an election that did not elect goes back to 提出人选; the 支委会 is judged against its members (issue 14)', () => {
    const back = { type: 'case.sent-back', data: { from: 'general-meeting-election', reason: 'x' } };
    expect(describeOutcome([{ type: 'election.counted', data: { step: 'general-meeting-election', candidate: '王建设', votes: { present: 5, for: 2 }, quorumMet: true, elected: false } }, back])).toEqual({ tone: 'error', text: '未当选：赞成 2 票，未超过实到 5 人的半数，退回重新提出人选' });
    expect(describeOutcome([{ type: 'election.counted', data: { step: 'committee-election', candidate: '王建设', votes: { present: 3, for: 2 }, quorumMet: true, elected: false } }, back])).toEqual({ tone: 'error', text: '未当选：赞成 2 票，未超过应到委员的半数，退回重新提出人选' });
  });

  it('every candidate on the negative list: 不符合负面清单，退回提出人选 with the rule', () => {
    const o = describeOutcome([
      { type: 'candidates.screened', data: { results: [{ name: '赵有为', hits: [{ label: '受过刑事处罚', detail: '申报：曾受刑事处罚' }] }] } },
      { type: 'case.sent-back', data: { from: 'negative-list', reason: '所有人选均触及负面清单 / every candidate hit the negative list' } },
    ]);
    expect(o?.tone).toBe('error');
    expect(o?.text).toBe('不符合负面清单，退回提出人选：赵有为（受过刑事处罚：申报：曾受刑事处罚）');
  });

  it('a failed recommendation vote names the threshold applied', () => {
    const o = describeOutcome([{ type: 'vote.counted', data: { votes: { eligible: 30, present: 25, for: 14 }, threshold: { numerator: 3, denominator: 5, strict: false }, passed: false } }]);
    expect(o).toEqual({ tone: 'warning', text: '未通过（赞成 14，实到 25；赞成票须不少于实到人数的 3/5），重新表决' });
  });

  it('a send-back shows its Chinese reason; nothing recorded means nothing to add', () => {
    expect(describeOutcome([{ type: 'case.sent-back', data: { from: 'public-notice', reason: '公示异议经核实属实 / an objection to the notice was substantiated' } }])).toEqual({ tone: 'warning', text: '退回重办：公示异议经核实属实' });
    expect(describeOutcome([])).toBeNull();
  });
});
