/** Inputs and outputs of the 党建联席会议 activities and workflows (shared by workflow code and the services). */
import type { Quarter } from '@dj/domain';
import type { Person } from '../../human-step/activity-types';
import type { JointBodyInfo } from '@dj/process-api';

export type { JointBodyInfo, JointCycleInput, JointDecisionInput, JointExtraordinaryInput, JointMemberInfo } from '@dj/process-api';

export type AgendaItem = { id: string; memberId: string; type: string; description: string };
export type CarriedDecision = { id: string; title: string; ownerMemberId: string; dueAt: number; status: string; quarter: string };
export type NewDecision = { id: string; title: string; ownerMemberId: string; dueAt: number; answers: string[] };

export type JointMeetingActivities = {
  /** The body (null once deleted), the quarter containing `at` and by when its meeting must be held. */
  planJointQuarter(input: { bodyId: string; at: number }): Promise<{ body: JointBodyInfo | null; quarter: Quarter; deadlineAt: number }>;
  /** Due date of a step of this policy opened now (e.g. the 议题征集 window). */
  jointStepDueAt(input: { policyKey: string }): Promise<number>;
  openJointMeeting(input: { meetingId: string; bodyId: string; kind: 'quarterly' | 'extraordinary'; quarter: string; deadlineAt?: number; requestedBy?: string; reason?: string }): Promise<void>;
  saveSubmissions(input: { meetingId: string; items: AgendaItem[]; nothingFrom: string[]; missingFrom: string[] }): Promise<void>;
  /** Unfinished decisions of the body's earlier meetings (they roll onto this agenda). */
  carriedOverDecisions(input: { bodyId: string; meetingId: string }): Promise<CarriedDecision[]>;
  saveAgenda(input: { meetingId: string; quarter: string; carriedOver: string[]; dropped: { decisionId: string; reason: string; by: Person }[]; meetingDate: string; place: string }): Promise<void>;
  /** In-app notification to every member liaison, the convener and the secretary; idempotent per key. */
  notifyJointMembers(input: { bodyId: string; caseId: string; idemKey: string; kind: string; title: string }): Promise<void>;
  recordJointMeeting(input: { meetingId: string; bodyId: string; quarter: string; attendance: { memberId: string; present: boolean }[]; minutes: string; publishTo: string; decisions: NewDecision[] }): Promise<void>;
  jointMeetingNotHeld(input: { meetingId: string; bodyId: string; quarter: string }): Promise<void>;
  jointMeetingDeclined(input: { meetingId: string }): Promise<void>;
  setDecisionStatus(input: { decisionId: string; status: 'open' | 'reported' | 'done'; evidence?: string; explanation?: string }): Promise<void>;
};
