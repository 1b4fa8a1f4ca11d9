/** Shapes of the API answers the console reads (the services publish their OpenAPI documents). */

export type Membership = { orgId: string; orgName: string; orgType: string; role: string };
export type User = {
  id: string;
  username: string;
  displayName: string;
  memberships: Membership[];
  mustChangePassword?: boolean;
  /** Two-step verification: on for the account, passed by this session, required of the account (administrators). */
  twoStep?: { enabled: boolean; thisSession: boolean; required: boolean; recoveryCodesLeft?: number; enrolmentRequired?: boolean };
};
export type Org = { id: string; name: string; type: string; parentId: string | null; path: string };

export type InboxView = 'todo' | 'done' | 'overdue' | 'supervising' | 'cc';
export type InboxItem = {
  taskId: string;
  caseId: string;
  caseType: string;
  caseTitle: string;
  stepKey: string;
  stepTitle: string;
  kind: string;
  status: string;
  org: { id: string; name: string };
  orgName?: string;
  dueAt: string;
  overdue: boolean;
  overdueSeconds?: number;
  escalationLevel: number;
  bulkApprovable?: boolean;
};
export type InboxPage = { view: InboxView; items: InboxItem[]; nextCursor: string | null; counts: Record<InboxView, number> };

export type RecordEvent = {
  seq: number;
  type: string;
  at: string;
  actor: { id: string | null; name: string | null } | null;
  orgId: string | null;
  taskId: string | null;
  data: Record<string, unknown> | null;
};

export type JsonSchema = {
  type?: string;
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  anyOf?: JsonSchema[];
  const?: unknown;
  /** A picker instead of free text: 'branch-full-member' (users), 'branch' (organizations). */
  'x-picker'?: string;
  /** The Chinese name of each `enum` value, in order. */
  'x-enumNames'?: string[];
};

export type TaskDetail = {
  task: {
    id: string;
    caseId: string;
    kind: string;
    stepKey: string;
    title: string;
    status: string;
    outcome?: string | null;
    orgId: string;
    mode: string;
    dueAt: string;
    openedAt: string;
    closedAt: string | null;
    overdue: boolean;
    escalationLevel: number;
  };
  assignees: { id: string; userId: string | null; orgId: string | null; role: string | null; claimedById: string | null; status: string }[];
  form: { id: string; schema: JsonSchema } | null;
  availableActions: string[];
  /** A step decided by a body's meeting: the body and its roster expected (today). */
  meeting?: { body: string; bodyName: string; orgId: string; orgName: string; on: string; roster: { id: string; name: string; role?: string }[] } | null;
  case: { id: string; type: string; title: string; status: string; stage: string; stageName?: string; orgId: string; input: Record<string, unknown>; openedAt: string; overdue: boolean };
  record: RecordEvent[];
  facts?: TaskFacts;
};

/** What a step decides on (GET /api/tasks/:id → facts). */
export type TaskFacts = {
  input: Record<string, unknown>;
  submissions: { seq: number; taskId: string | null; stepKey: string | null; title: string; action: string; formId: string | null; form: Record<string, unknown> | null; comment: string | null; actor: string | null; at: string }[];
  findings: { seq: number; type: string; data: Record<string, unknown>; actor: string | null; at: string }[];
  schemas: Record<string, JsonSchema>;
  names: Record<string, string>;
  objection: { receiptNo: string; name: string; phone: string; content: string; noticeTitle: string; createdAt: string; status: string } | null;
};

export type CaseSnapshot = { caseId: string; status: string; stage: string; openTasks: { id: string; stepKey: string; title: string; kind: string; status: string }[] };
export type ActionResult = { task: { id: string; title: string; status: string; outcome?: string }; case: CaseSnapshot; outcome?: { tone: 'success' | 'warning' | 'error' | 'info'; text: string } | null };

export type Notification = { id: string; kind: string; title: string; caseId: string | null; taskId: string | null; createdAt: string; readAt: string | null };
export type NotificationPage = { items: Notification[]; nextCursor: string | null; unreadCount: number };

export type CaseTypeInfo = { type: string; name: string; startForm: JsonSchema; orgs: { id: string; name: string }[] };
