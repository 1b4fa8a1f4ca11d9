/** The input each process workflow is started with (by a service, a Schedule or a parent workflow). */
import type { RequestSubmissionForm } from '@dj/contracts';
import type { DualManagementKind, Quarter } from '@dj/domain';

export type Person = { userId: string; name: string };

export type OrgRole = { orgId: string; role: string };

// 请示报告审批
export type RequestReportInput = {
  caseId: string;
  branchId: string;
  townshipId: string;
  countyId: string;
  initiator: Person;
  form: RequestSubmissionForm;
};

// 村党组织书记选配
export type SecretaryReplacementInput = {
  caseId: string;
  branchId: string;
  branchName: string;
  townshipId: string;
  countyId: string;
  initiator: Person;
  reason: 'vacancy' | 'incompetent' | 'serious-problem';
  description: string;
};

// 发展党员
export type MemberDevelopmentInput = {
  caseId: string;
  branchId: string;
  branchName: string;
  townshipId: string;
  countyId: string;
  initiator: Person;
  applicant: { name: string; gender: 'male' | 'female'; birthDate: string; applicationDate: string; occupation?: string | undefined };
  /** 两地管理: the second organization (a branch) managing the applicant. */
  second?: { orgId: string; orgName: string; kind: DualManagementKind } | undefined;
};

// 党建联席会议
export type JointMemberInfo = { id: string; name: string; kind: string; liaison: Person; superior: Person | null };

/** A body as a cycle sees it when it starts (members at that time). */
export type JointBodyInfo = {
  id: string;
  name: string;
  orgId: string;
  convener: Person;
  secretary: Person;
  members: JointMemberInfo[];
  /** The convener's committee (the next-higher one) and the role receiving its 督办. */
  convenerCommittee: OrgRole;
};

export type JointCycleInput = { caseId: string; body: JointBodyInfo; quarter: Quarter; deadlineAt: number };
export type JointExtraordinaryInput = { caseId: string; body: JointBodyInfo; quarter: string; requestedBy: Person; memberId: string; reason: string };
export type JointDecisionInput = {
  caseId: string;
  decisionId: string;
  body: Pick<JointBodyInfo, 'id' | 'name' | 'orgId'>;
  quarter: string;
  title: string;
  owner: JointMemberInfo;
  secretary: Person;
  dueAt: number;
};
