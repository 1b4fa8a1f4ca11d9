/**
 * 书记选配 as the election rules have it (issue 14 point 3), rule by article: who may be elected, by which
 * body, the election's thresholds and secret ballot, and what an election step accepts.
 */
import { describe, expect, it } from 'vitest';
import type { Actor, MeetingRecord, MeetingRosterMember, TaskActionRequest } from '@dj/contracts';
import {
  ActionRejected,
  candidateMembershipErrors,
  committeeMinFullMembers,
  defaultElectionPolicy,
  electionEligibility,
  electionPathOf,
  electionSteps,
  judgeMeeting,
  meetingEventData,
  meetingRefusal,
  partyAgeOn,
  validateTaskAction,
  type TaskState,
} from '../src/index';

const roster = (n: number): MeetingRosterMember[] => Array.from({ length: n }, (_, i) => ({ id: `p${i + 1}`, name: `党员${i + 1}` }));
const ids = (n: number) => Array.from({ length: n }, (_, i) => `p${i + 1}`);
const ballot = (attendees: string[], yes: number, no = 0, abstain = 0, ballotMethod: MeetingRecord['ballotMethod'] = 'secret-ballot'): MeetingRecord => ({
  meetingDate: '2026-11-20',
  place: '村党群服务中心',
  attendees,
  ballotMethod,
  for: yes,
  against: no,
  abstain,
  resolution: '选举赵春生为支部委员',
});

describe('candidates are full members, party age from 转正 (党章第七条; 选举工作条例第五条)', () => {
  it('a probationary member (no 转正日期) is refused at the proposal, naming the rule', () => {
    const errors = candidateMembershipErrors([{ joinedOn: '2026-03-01' }], '2026-12-01');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\/candidates\/0\/fullOn: 人选须为正式党员.*党章第七条.*第五条/);
  });
  it('the date of joining is required; 转正 after joining and not in the future', () => {
    expect(candidateMembershipErrors([{}], '2026-12-01')[0]).toMatch(/^\/candidates\/0\/joinedOn/);
    expect(candidateMembershipErrors([{ joinedOn: '2010-07-01', fullOn: '2010-06-01' }], '2026-12-01')[0]).toMatch(/^\/candidates\/0\/fullOn: 转正日期/);
    expect(candidateMembershipErrors([{ joinedOn: '2010-07-01', fullOn: '2027-01-01' }], '2026-12-01')).toHaveLength(1);
    expect(candidateMembershipErrors([{ joinedOn: '2010-07-01', fullOn: '2011-07-01' }], '2026-12-01')).toEqual([]);
  });
  it('党龄 counts in whole years from the day of 转正, not from joining', () => {
    expect(partyAgeOn('2011-07-01', '2026-06-30')).toBe(14);
    expect(partyAgeOn('2011-07-01', '2026-07-01')).toBe(15);
    expect(partyAgeOn(null, '2026-07-01')).toBeUndefined();
    expect(partyAgeOn('2026-08-01', '2026-07-01')).toBeUndefined();
  });
  it('before the election the candidate must be on the branch roster as a full member', () => {
    const member = { personId: 'x', name: '周文', birthDate: '1985-04-17', joinedOn: '2010-07-01', fullOn: '2011-07-01' };
    expect(electionEligibility({ name: '周文' }, member, '2026-12-01')).toMatchObject({ eligible: true, personId: 'x', partyAgeYears: 15 });
    expect(electionEligibility({ name: '刘桂兰' }, { ...member, name: '刘桂兰', fullOn: null }, '2026-12-01')).toMatchObject({ eligible: false, reason: expect.stringContaining('预备党员'), rule: expect.stringContaining('党章第七条') });
    expect(electionEligibility({ name: '外来人' }, undefined, '2026-12-01')).toMatchObject({ eligible: false, reason: expect.stringContaining('花名册') });
  });
});

describe('the election path by branch (《中国共产党支部工作条例（试行）》第六章)', () => {
  it('7 or more full members: a committee — 补选 by the 党员大会, then the 支委会 elects the secretary', () => {
    expect(committeeMinFullMembers).toBe(7);
    expect(electionPathOf(7)).toBe('committee');
    expect(electionSteps('committee', false)).toEqual(['by-election', 'committee-election']);
  });
  it('a candidate already on the committee needs no 补选', () => {
    expect(electionSteps('committee', true)).toEqual(['committee-election']);
  });
  it('fewer than 7 full members: no committee — the 党员大会 elects the secretary directly', () => {
    expect(electionPathOf(6)).toBe('direct');
    expect(electionSteps('direct', false)).toEqual(['general-meeting-election']);
  });
});

describe('an election in the 党员大会 (选举工作条例: more than 4/5 present; elected with more than half of those present; 党章第十一条 secret ballot)', () => {
  const t = defaultElectionPolicy;
  it('10 expected: 8 present is not more than 4/5 — the meeting is void, to be held again', () => {
    expect(judgeMeeting('general-meeting', roster(10), ballot(ids(8), 8), t)).toMatchObject({ ok: false, code: 'ELECTION_NO_QUORUM', message: expect.stringContaining('五分之四') });
    expect(judgeMeeting('general-meeting', roster(10), ballot(ids(9), 5), t)).toMatchObject({ ok: true, present: 9 });
  });
  it('elected with more than half of those present — fewer than half of those expected is enough', () => {
    // 9 present, 5 for: elected (5 > 4.5), although 5 is not more than half of the 10 expected.
    expect(judgeMeeting('general-meeting', roster(10), ballot(ids(9), 5, 4), t)).toMatchObject({ ok: true, carried: true });
    expect(judgeMeeting('general-meeting', roster(10), ballot(ids(10), 5, 5), t)).toMatchObject({ ok: true, carried: false });
    // The same 9 present, 5 for under the decision rule (more than half of those expected) would not carry.
    expect(judgeMeeting('general-meeting', roster(10), ballot(ids(9), 5, 4))).toMatchObject({ ok: true, carried: false });
  });
  it('an election by show of hands is refused (党章第十一条)', () => {
    expect(judgeMeeting('general-meeting', roster(5), ballot(ids(5), 5, 0, 0, 'show-of-hands'), t)).toMatchObject({ ok: false, code: 'ELECTION_BALLOT_NOT_SECRET' });
  });
  it('同意 needs the candidate elected, 驳回 a valid meeting that did not elect', () => {
    expect(meetingRefusal('general-meeting', roster(5), ballot(ids(5), 2, 3), 'carried', t)).toMatchObject({ code: 'ELECTION_NOT_ELECTED' });
    expect(meetingRefusal('general-meeting', roster(5), ballot(ids(5), 3, 2), 'not-carried', t)).toMatchObject({ code: 'ELECTION_ELECTED' });
    expect(meetingRefusal('general-meeting', roster(5), ballot(ids(5), 3, 2), 'carried', t)).toBeUndefined();
    expect(meetingRefusal('general-meeting', roster(5), ballot(ids(5), 2, 3), 'not-carried', t)).toBeUndefined();
  });
  it('the record keeps the election rule applied', () => {
    const data = meetingEventData({ body: 'general-meeting', orgId: 'b', on: '2026-11-20', roster: roster(5) }, ballot(ids(5), 3, 2), t);
    expect(data).toMatchObject({ carried: true, election: true, rule: expect.stringContaining('始得当选') });
  });
});

describe('an election step (task rules)', () => {
  const actor: Actor = { userId: 'li', name: '李晓梅', memberships: [{ orgId: 'town', role: 'township_org_member' }], supervisesCase: false };
  const task = (): TaskState => ({
    id: 't1',
    kind: 'step',
    stepKey: 'by-election',
    round: 1,
    title: '党员大会补选支部委员',
    orgId: 'branch',
    mode: 'any',
    formId: 'secretary.general-meeting-election',
    actions: ['approve', 'reject'],
    slots: [{ id: 's1', orgId: 'town', role: 'township_org_member', status: 'pending' }],
    status: 'open',
    election: defaultElectionPolicy,
  });
  const req = (form: MeetingRecord, action: 'approve' | 'reject' = 'approve', comment?: string): TaskActionRequest => ({
    taskId: 't1',
    action,
    actor,
    form: form as unknown as Record<string, unknown>,
    ...(comment ? { comment } : {}),
    meeting: { body: 'general-meeting', orgId: 'branch', on: form.meetingDate, roster: roster(10) },
  });
  const code = (f: () => void) => {
    try {
      f();
      return 'ok';
    } catch (e) {
      return e instanceof ActionRejected ? e.code : String(e);
    }
  };
  const ctx = { initiatorId: 'x', supervisionTasksOf: () => [] };
  it('void meeting refused; elected accepted as 同意; not elected only as 驳回 with its meeting', () => {
    expect(code(() => validateTaskAction(task(), req(ballot(ids(8), 8)), ctx))).toBe('ELECTION_NO_QUORUM');
    expect(code(() => validateTaskAction(task(), req(ballot(ids(9), 5, 4)), ctx))).toBe('ok');
    expect(code(() => validateTaskAction(task(), req(ballot(ids(9), 4, 5)), ctx))).toBe('ELECTION_NOT_ELECTED');
    expect(code(() => validateTaskAction(task(), req(ballot(ids(9), 4, 5), 'reject', '未过半数'), ctx))).toBe('ok');
  });
});
