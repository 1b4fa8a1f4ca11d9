import { describe, expect, it } from 'vitest';
import { judgeMeeting, meetingEventData, meetingRefusal, validateTaskAction, ActionRejected, type TaskState } from '../src/index';
import type { Actor, MeetingRecord, MeetingRosterMember, TaskActionRequest } from '@dj/contracts';

const roster = (n: number): MeetingRosterMember[] => Array.from({ length: n }, (_, i) => ({ id: `u${i + 1}`, name: `委员${i + 1}` }));
const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i + 1}`);
const record = (attendees: string[], yes: number, no = 0, abstain = 0): MeetingRecord => ({
  meetingDate: '2026-11-20',
  place: '村党群服务中心',
  attendees,
  ballotMethod: 'show-of-hands',
  for: yes,
  against: no,
  abstain,
  resolution: '同意',
});

describe('支委会 / 党委会 quorum: more than half of the members present (《中国共产党支部工作条例（试行）》第十二条)', () => {
  it('3 members: 2 present is a quorum, 1 is not', () => {
    expect(judgeMeeting('committee', roster(3), record(ids(2), 2))).toMatchObject({ ok: true, expected: 3, present: 2, absent: ['u3'] });
    const refused = judgeMeeting('committee', roster(3), record(ids(1), 1));
    expect(refused).toMatchObject({ ok: false, code: 'MEETING_NO_QUORUM' });
    expect(refused.ok === false && refused.message).toContain('第十二条');
  });
  it('4 members: exactly half (2) is no quorum, 3 is', () => {
    expect(judgeMeeting('committee', roster(4), record(ids(2), 2))).toMatchObject({ ok: false, code: 'MEETING_NO_QUORUM' });
    expect(judgeMeeting('committee', roster(4), record(ids(3), 3))).toMatchObject({ ok: true });
  });
  it('an attendee who is not on the roster at the meeting date is refused', () => {
    expect(judgeMeeting('committee', roster(3), record(['u1', 'u2', 'stranger'], 3))).toMatchObject({ ok: false, code: 'MEETING_ATTENDEE_NOT_ON_ROSTER' });
  });
  it('a body with nobody on its roster cannot meet', () => {
    expect(judgeMeeting('committee', [], record(['u1'], 1))).toMatchObject({ ok: false, code: 'MEETING_ROSTER_EMPTY' });
  });
  it('the votes cast cannot exceed those present', () => {
    expect(judgeMeeting('committee', roster(5), record(ids(3), 3, 1))).toMatchObject({ ok: false, code: 'MEETING_VOTES_INCONSISTENT' });
  });
});

describe('majority: "for" above half of the members expected (党章 Art. 17 少数服从多数; 双过半)', () => {
  it('5 members, 3 present, 3 for: carried; 2 for of 3 present: not carried (2 is not above half of 5)', () => {
    expect(judgeMeeting('committee', roster(5), record(ids(3), 3))).toMatchObject({ ok: true, carried: true });
    expect(judgeMeeting('committee', roster(5), record(ids(3), 2, 1))).toMatchObject({ ok: true, carried: false });
    expect(meetingRefusal('committee', roster(5), record(ids(3), 2, 1))).toMatchObject({ code: 'MEETING_NOT_CARRIED' });
    expect(meetingRefusal('committee', roster(5), record(ids(3), 3))).toBeUndefined();
  });
});

describe('党员大会: quorum and majority of the voting members expected (《中国共产党支部工作条例（试行）》第十一条)', () => {
  it('10 full members: 6 present and 6 for carries; 6 present and 5 for does not; 5 present is no quorum', () => {
    expect(judgeMeeting('general-meeting', roster(10), record(ids(6), 6))).toMatchObject({ ok: true, carried: true });
    expect(judgeMeeting('general-meeting', roster(10), record(ids(6), 5, 1))).toMatchObject({ ok: true, carried: false });
    const refused = judgeMeeting('general-meeting', roster(10), record(ids(5), 5));
    expect(refused).toMatchObject({ ok: false, code: 'MEETING_NO_QUORUM' });
    expect(refused.ok === false && refused.message).toContain('第十一条');
  });
});

describe('the record keeps the roster expected, who was absent and the rule', () => {
  it('meetingEventData', () => {
    const data = meetingEventData({ body: 'committee', orgId: 'branch-a1-1', on: '2026-11-20', roster: roster(3) }, record(ids(2), 2));
    expect(data).toMatchObject({ body: 'committee', orgId: 'branch-a1-1', meetingDate: '2026-11-20', present: 2, absent: ['u3'], carried: true });
    expect(data.expected).toHaveLength(3);
    expect(data.rule).toContain('第十二条');
  });
});

describe('task rules: a step whose form records a meeting is refused unless the meeting decides it', () => {
  const actor: Actor = { userId: 'u1', name: '张志斌', memberships: [], supervisesCase: false };
  const task: TaskState = {
    id: 't1',
    kind: 'step',
    stepKey: 'activist-committee',
    round: 1,
    title: '支委会研究',
    orgId: 'branch-a1-1',
    mode: 'any',
    formId: 'meeting.committee-decision',
    actions: ['approve', 'reject'],
    slots: [{ id: 's1', userId: 'u1', status: 'pending' }],
    status: 'open',
  };
  const ctx = { initiatorId: 'someone-else', supervisionTasksOf: () => [] };
  const req = (form: MeetingRecord, meeting?: TaskActionRequest['meeting']): TaskActionRequest => ({ taskId: 't1', action: 'approve', actor, form: { ...form }, meeting });
  const code = (f: () => void) => {
    try {
      f();
      return undefined;
    } catch (e) {
      return e instanceof ActionRejected ? e.code : String(e);
    }
  };
  const meeting = { body: 'committee' as const, orgId: 'branch-a1-1', on: '2026-11-20', roster: roster(3) };

  it('a valid, carried meeting is accepted', () => {
    expect(code(() => validateTaskAction(task, req(record(ids(2), 2), meeting), ctx))).toBeUndefined();
  });
  it('no roster resolved for the step (or for another date or organization): refused', () => {
    expect(code(() => validateTaskAction(task, req(record(ids(2), 2)), ctx))).toBe('MEETING_ROSTER_EMPTY');
    expect(code(() => validateTaskAction(task, req(record(ids(2), 2), { ...meeting, on: '2026-11-21' }), ctx))).toBe('MEETING_ROSTER_EMPTY');
    expect(code(() => validateTaskAction(task, req(record(ids(2), 2), { ...meeting, orgId: 'town-a1' }), ctx))).toBe('MEETING_ROSTER_EMPTY');
  });
  it('no quorum, a stranger, a failed vote: refused with the rule', () => {
    expect(code(() => validateTaskAction(task, req(record(ids(1), 1), meeting), ctx))).toBe('MEETING_NO_QUORUM');
    expect(code(() => validateTaskAction(task, req(record(['u1', 'x'], 2), meeting), ctx))).toBe('MEETING_ATTENDEE_NOT_ON_ROSTER');
    expect(code(() => validateTaskAction(task, req(record(ids(3), 1, 2), meeting), ctx))).toBe('MEETING_NOT_CARRIED');
  });
  it('驳回 is the meeting whose vote did not carry the proposal: a plain click, a carried vote or a stranger are refused', () => {
    const reject = (form: Record<string, unknown> | undefined, m?: TaskActionRequest['meeting']): TaskActionRequest => ({ taskId: 't1', action: 'reject', actor, comment: '条件不成熟', form, meeting: m });
    expect(code(() => validateTaskAction(task, reject(undefined), ctx))).toBe('INVALID_FORM');
    expect(code(() => validateTaskAction(task, reject({ ...record(ids(3), 1, 2) }), ctx))).toBe('MEETING_ROSTER_EMPTY');
    expect(code(() => validateTaskAction(task, reject({ ...record(ids(3), 2, 1) }, meeting), ctx))).toBe('MEETING_CARRIED');
    expect(code(() => validateTaskAction(task, reject({ ...record(ids(1), 0, 1) }, meeting), ctx))).toBe('MEETING_NO_QUORUM');
    expect(code(() => validateTaskAction(task, reject({ ...record(ids(3), 1, 2) }, meeting), ctx))).toBeUndefined();
    // A step that is not a body's decision takes no form on 驳回.
    expect(code(() => validateTaskAction({ ...task, formId: 'member.decision' }, reject({ opinion: 'x' }), ctx))).toBe('FORM_NOT_ALLOWED');
  });
  it('a meeting form without its fields (place, resolution, ballot method) is an invalid form', () => {
    const { place: _p, ...withoutPlace } = record(ids(2), 2);
    expect(code(() => validateTaskAction(task, req(withoutPlace as MeetingRecord, meeting), ctx))).toBe('INVALID_FORM');
    expect(code(() => validateTaskAction(task, req({ ...record(ids(2), 2), ballotMethod: 'acclaim' as never }, meeting), ctx))).toBe('INVALID_FORM');
  });
});

describe('the 转正 clock (issue 14 item 4): probation from the 支部大会 (党章 Art. 7, domain.md §2)', () => {
  it('ends with the last day of the year from the meeting, whatever the filing date; an extension from the end of the first year', async () => {
    const { probationEndsAt, probationPeriod, extendedProbationEnd } = await import('../src/index');
    const period = probationPeriod('2026-11-25');
    expect(period.end).toBe('2027-11-24');
    // 23:59:59.999 China time of the last day = 15:59:59.999 UTC.
    expect(probationEndsAt({ endDate: period.end, recordedFrom: new Date('2027-03-01T00:00:00Z'), months: 12 }).toISOString()).toBe('2027-11-24T15:59:59.999Z');
    const extended = extendedProbationEnd(period.end, 6);
    expect(extended).toBe('2028-05-24');
    expect(probationEndsAt({ endDate: extended, recordedFrom: new Date(0), months: 6 }).toISOString()).toBe('2028-05-24T15:59:59.999Z');
    // Compressed time: the months run from the instant the meeting was recorded (21 working days a month).
    expect(probationEndsAt({ endDate: period.end, recordedFrom: new Date(1_000), months: 12, workingDaySeconds: 0.05 }).getTime()).toBe(1_000 + 12 * 21 * 50);
  });
});
