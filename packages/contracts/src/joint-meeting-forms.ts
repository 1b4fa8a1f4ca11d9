/**
 * Step forms of 党建联席会议 (joint meetings, domain.md §3) and the body-administration payloads.
 * Pure and eval-free (checked with `Value.Errors` inside workflow code).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Text } from './forms';
import { OneOf, titled } from './secretary-forms';

export const agendaItemTypeIds = ['need', 'resource', 'project'] as const;
export const jointMemberKindIds = ['resident-unit', 'property-company', 'owners-committee', 'residents-committee', 'police-station', 'other'] as const;

export const Uuid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });
/** An instant as ISO 8601 with an offset, e.g. "2026-12-15T17:00:00+08:00". */
export const Instant = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$' });

/** 议题征集: items from the three lists (需求 / 资源 / 项目), or "nothing this quarter". */
export const AgendaSubmissionForm = Type.Object(
  {
    nothing: Type.Boolean({ title: '本季度无议题' }),
    items: Type.Array(
      Type.Object(
        { type: OneOf(agendaItemTypeIds, { need: '需求', resource: '资源', project: '项目' }, { title: '清单类别' }), description: titled(Text(2000), '内容') },
        { additionalProperties: false, title: '议题' },
      ),
      { maxItems: 30, title: '议题' },
    ),
  },
  { additionalProperties: false, title: '报送议题' },
);
export type AgendaSubmissionForm = Static<typeof AgendaSubmissionForm>;

/** 议题审定 (and accepting a 临时会议): when and where; carried-over decisions dropped only with a reason. */
export const AgendaReviewForm = Type.Object(
  {
    meetingDate: titled(Instant, '会议时间'),
    place: titled(Text(200), '会议地点'),
    drop: Type.Optional(
      Type.Array(Type.Object({ decisionId: titled(Uuid, '议定事项'), reason: titled(Text(1000), '不再督办的理由') }, { additionalProperties: false, title: '不再督办的议定事项' }), {
        maxItems: 100,
        title: '不再督办的议定事项',
      }),
    ),
  },
  { additionalProperties: false, title: '审定议题' },
);
export type AgendaReviewForm = Static<typeof AgendaReviewForm>;

/** 会议记录: attendance per member unit, minutes, decisions (议定事项), where they are published. */
export const MeetingRecordForm = Type.Object(
  {
    attendance: Type.Array(
      Type.Object({ memberId: titled(Uuid, '成员单位'), present: Type.Boolean({ title: '出席' }) }, { additionalProperties: false, title: '出席情况' }),
      { minItems: 1, maxItems: 200, title: '出席情况' },
    ),
    minutes: titled(Text(20000), '会议纪要'),
    decisions: Type.Array(
      Type.Object(
        {
          title: titled(Text(500), '议定事项'),
          ownerMemberId: titled(Uuid, '责任单位'),
          dueAt: titled(Instant, '完成时限'),
          answers: Type.Array(Uuid, { maxItems: 50, title: '回应的议题' }),
        },
        { additionalProperties: false, title: '议定事项' },
      ),
      { maxItems: 50, title: '议定事项' },
    ),
    publishTo: OneOf(['members', 'public'] as const, { members: '成员单位内通报', public: '向社会公开' }, { title: '通报范围' }),
  },
  { additionalProperties: false, title: '会议记录' },
);
export type MeetingRecordForm = Static<typeof MeetingRecordForm>;

/** 督办: the owning unit reports a decision done; after its due date a written explanation is required. */
export const DecisionReportForm = Type.Object(
  { evidence: titled(Text(5000), '落实情况'), explanation: Type.Optional(titled(Text(2000), '逾期说明')) },
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
