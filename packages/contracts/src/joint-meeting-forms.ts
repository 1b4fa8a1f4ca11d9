/**
 * Step forms of 党建联席会议 (joint meetings, domain.md §3) and the body-administration payloads.
 * Pure and eval-free (checked with `Value.Errors` inside workflow code).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Text } from './forms';
import { OneOf } from './secretary-forms';

export const agendaItemTypeIds = ['need', 'resource', 'project'] as const;
export const jointMemberKindIds = ['resident-unit', 'property-company', 'owners-committee', 'residents-committee', 'police-station', 'other'] as const;

export const Uuid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });
/** An instant as ISO 8601 with an offset, e.g. "2026-12-15T17:00:00+08:00". */
export const Instant = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$' });

/** 议题征集: items from the three lists (需求 / 资源 / 项目), or "nothing this quarter". */
export const AgendaSubmissionForm = Type.Object(
  {
    nothing: Type.Boolean(),
    items: Type.Array(Type.Object({ type: OneOf(agendaItemTypeIds), description: Text(2000) }, { additionalProperties: false }), { maxItems: 30 }),
  },
  { additionalProperties: false, title: '报送议题' },
);
export type AgendaSubmissionForm = Static<typeof AgendaSubmissionForm>;

/** 议题审定 (and accepting a 临时会议): when and where; carried-over decisions dropped only with a reason. */
export const AgendaReviewForm = Type.Object(
  {
    meetingDate: Instant,
    place: Text(200),
    drop: Type.Optional(Type.Array(Type.Object({ decisionId: Uuid, reason: Text(1000) }, { additionalProperties: false }), { maxItems: 100 })),
  },
  { additionalProperties: false, title: '审定议题' },
);
export type AgendaReviewForm = Static<typeof AgendaReviewForm>;

/** 会议记录: attendance per member unit, minutes, decisions (议定事项), where they are published. */
export const MeetingRecordForm = Type.Object(
  {
    attendance: Type.Array(Type.Object({ memberId: Uuid, present: Type.Boolean() }, { additionalProperties: false }), { minItems: 1, maxItems: 200 }),
    minutes: Text(20000),
    decisions: Type.Array(
      Type.Object({ title: Text(500), ownerMemberId: Uuid, dueAt: Instant, answers: Type.Array(Uuid, { maxItems: 50 }) }, { additionalProperties: false }),
      { maxItems: 50 },
    ),
    publishTo: OneOf(['members', 'public'] as const),
  },
  { additionalProperties: false, title: '会议记录' },
);
export type MeetingRecordForm = Static<typeof MeetingRecordForm>;

/** 督办: the owning unit reports a decision done; after its due date a written explanation is required. */
export const DecisionReportForm = Type.Object(
  { evidence: Text(5000), explanation: Type.Optional(Text(2000)) },
  { additionalProperties: false, title: '落实情况报告' },
);
export type DecisionReportForm = Static<typeof DecisionReportForm>;

export const jointMeetingForms = {
  'joint.agenda-submission': AgendaSubmissionForm,
  'joint.agenda-review': AgendaReviewForm,
  'joint.meeting-record': MeetingRecordForm,
  'joint.decision-report': DecisionReportForm,
} satisfies Record<string, TSchema>;

/** Body administration (HTTP). */
export const JointMemberInput = Type.Object(
  { name: Text(100), kind: OneOf(jointMemberKindIds), liaisonId: Uuid, superiorUserId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export type JointMemberInput = Static<typeof JointMemberInput>;

export const JointBodyInput = Type.Object(
  {
    name: Text(100),
    orgId: Type.String({ minLength: 1, maxLength: 64 }),
    convenerId: Uuid,
    secretaryId: Uuid,
    members: Type.Array(JointMemberInput, { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type JointBodyInput = Static<typeof JointBodyInput>;
