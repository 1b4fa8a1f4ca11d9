/**
 * Collective decisions (issue 14 item 1): a step given by the regulations to a body — 支委会,
 * 党委会 / 党工委会, 党员大会 — is completed by recording its meeting. The form holds what the meeting
 * record holds (date, place, who attended, the vote and the ballot method, the resolution); the roster
 * expected is not typed in: the service reads it from the organization's committee data at the meeting
 * date and the domain (`judgeMeeting` in @dj/domain) decides validity and outcome.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { OneOf } from './secretary-forms';

const Count = (title: string) => Type.Integer({ minimum: 0, maximum: 100_000, title });

/** 举手 (show of hands) or 无记名投票 (secret ballot). */
export const ballotMethods = ['show-of-hands', 'secret-ballot'] as const;
export type BallotMethod = (typeof ballotMethods)[number];
export const ballotMethodNames: Record<BallotMethod, string> = { 'show-of-hands': '举手表决', 'secret-ballot': '无记名投票' };

/** The bodies that decide in meetings: a committee (支委会 of a branch, 党委会 / 党工委会 above it) or the 党员大会. */
export const meetingBodies = ['committee', 'general-meeting'] as const;
export type MeetingBody = (typeof meetingBodies)[number];

/** A roster entry of the body expected at the meeting: `id` is the member's user id (their roster id when they have no account). */
export type MeetingRosterMember = { id: string; name: string; role?: string | undefined };

/** The fields of a meeting record, shared by every meeting form. */
export const meetingFields = {
  meetingDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', title: '会议日期' }),
  place: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', title: '会议地点' }),
  attendees: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 1000, uniqueItems: true, title: '出席人员' }),
  ballotMethod: OneOf(ballotMethods, ballotMethodNames, { title: '表决方式' }),
  for: Count('赞成'),
  against: Count('反对'),
  abstain: Count('弃权'),
  resolution: Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S', title: '会议决议' }),
};

export type MeetingRecord = {
  meetingDate: string;
  place: string;
  attendees: string[];
  ballotMethod: BallotMethod;
  for: number;
  against: number;
  abstain: number;
  resolution: string;
};

/** 支委会研究 / 乡镇党委研究决定: the committee's meeting and an optional opinion. */
export const CommitteeDecisionForm = Type.Object(
  { ...meetingFields, opinion: Type.Optional(Type.String({ maxLength: 2000, title: '意见' })) },
  { additionalProperties: false, title: '会议研究决定' },
);
export type CommitteeDecisionForm = Static<typeof CommitteeDecisionForm>;

/**
 * 驳回 of a step decided by a body: the meeting whose vote did not carry the proposal (the same fields,
 * without the step's own), and the reason as the action's comment.
 */
export const BodyMeetingForm = Type.Object({ ...meetingFields, opinion: Type.Optional(Type.String({ maxLength: 2000, title: '意见' })) }, { additionalProperties: false, title: '会议记录' });

export const meetingForms = {
  'meeting.committee-decision': CommitteeDecisionForm,
  'meeting.record': BodyMeetingForm,
} satisfies Record<string, TSchema>;

/**
 * The body whose meeting a form records, for every form that records one (the committee of the step's
 * organization; the 党员大会 of a branch). Forms of other packages register here too.
 */
export const meetingBodyOfForm: Record<string, MeetingBody> = {
  'meeting.committee-decision': 'committee',
  'member.approval-meeting': 'committee',
  'secretary.appointment-meeting': 'committee',
  'secretary.general-meeting-election': 'general-meeting',
  'secretary.committee-election': 'committee',
  'secretary.approval-meeting': 'committee',
};

export function meetingBodyOf(formId: string | undefined | null): MeetingBody | undefined {
  return formId && Object.hasOwn(meetingBodyOfForm, formId) ? meetingBodyOfForm[formId] : undefined;
}
