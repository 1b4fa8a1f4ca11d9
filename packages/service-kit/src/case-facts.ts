/**
 * The facts of a case as its steps decide on them (issue 16 point 1): every submitted form of its steps
 * with who submitted it and the form's schema (its titles name the fields), the findings the process
 * recorded by its rules (negative-list screening, counted votes, send-backs), and the names of the
 * people and organizations the forms name by id. The caller has authorized the case; nothing here is
 * personal data beyond what the record already shows to those who see the case.
 */
import type { Db } from '@dj/db';
import { forms, isFormId } from '@dj/contracts';

const DECISIONS = ['task.approve', 'task.forward', 'task.reject', 'task.return'];
/** Process events that state what a rule found (the record's own findings, not people's submissions). */
const FINDINGS = new Set(['candidates.screened', 'vote.counted', 'election.counted', 'meeting.counted', 'case.sent-back', 'approval.due', 'probation.set', 'probation.extended', 'election.path', 'candidate.membership-checked']);

export type Submission = { seq: number; taskId: string | null; stepKey: string | null; title: string; action: string; formId: string | null; form: Record<string, unknown> | null; comment: string | null; actor: string | null; at: string };
export type Finding = { seq: number; type: string; data: Record<string, unknown>; actor: string | null; at: string };
export type ObjectionFacts = { receiptNo: string; name: string; phone: string; content: string; noticeTitle: string; createdAt: string; status: string };

export async function caseFacts(db: Db, c: { id: string; orgId: string; input: unknown }) {
  const events = await db.caseEvent.findMany({
    where: { caseId: c.id, OR: [{ type: { in: DECISIONS } }, { type: { in: [...FINDINGS] } }] },
    orderBy: { seq: 'asc' },
    select: { seq: true, type: true, taskId: true, actorName: true, data: true, at: true },
  });
  const taskIds = [...new Set(events.flatMap((e) => (e.taskId ? [e.taskId] : [])))];
  const tasks = new Map((await db.task.findMany({ where: { id: { in: taskIds } }, select: { id: true, formId: true, stepKey: true } })).map((t) => [t.id, t]));

  const submissions: Submission[] = [];
  const findings: Finding[] = [];
  for (const e of events) {
    const data = (e.data ?? {}) as Record<string, unknown>;
    if (FINDINGS.has(e.type)) {
      findings.push({ seq: e.seq, type: e.type, data, actor: e.actorName, at: e.at.toISOString() });
      continue;
    }
    const t = e.taskId ? tasks.get(e.taskId) : undefined;
    const form = data.form && typeof data.form === 'object' && Object.keys(data.form).length ? (data.form as Record<string, unknown>) : null;
    const comment = typeof data.comment === 'string' && data.comment ? data.comment : null;
    if (!form && !comment) continue;
    submissions.push({
      seq: e.seq,
      taskId: e.taskId,
      stepKey: t?.stepKey ?? null,
      title: typeof data.title === 'string' ? data.title : '',
      action: e.type.slice('task.'.length),
      formId: t?.formId ?? null,
      form,
      comment,
      actor: e.actorName,
      at: e.at.toISOString(),
    });
  }

  // The schemas of the forms shown (their titles and value names label them) and the names of the people
  // and organizations the forms name by id (培养联系人, the second branch): never an id on screen.
  const schemas = Object.fromEntries([...new Set(submissions.flatMap((s) => (s.formId && isFormId(s.formId) ? [s.formId] : [])))].map((id) => [id, forms[id as keyof typeof forms]]));
  // People are named by user id (培养联系人) or, in a meeting's attendees, by user id or roster (person) id
  // for members without an account.
  const idsIn = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const userIds = [...new Set(submissions.flatMap((s) => [...idsIn(s.form?.userIds), ...idsIn(s.form?.attendees)]))];
  const input = (c.input ?? {}) as Record<string, unknown>;
  // Organizations: the case's, the second branch of 两地管理, and a 党小组 a form names (入党宣誓、编入党小组).
  const groupIds = submissions.flatMap((s) => (typeof s.form?.groupId === 'string' ? [s.form.groupId] : []));
  const orgIds = [c.orgId, ...(typeof (input.second as { orgId?: unknown } | undefined)?.orgId === 'string' ? [(input.second as { orgId: string }).orgId] : []), ...groupIds];
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const personIds = userIds.filter((id) => uuid.test(id));
  const [users, people, orgs] = await Promise.all([
    db.user.findMany({ where: { id: { in: personIds } }, select: { id: true, displayName: true } }),
    db.person.findMany({ where: { id: { in: personIds } }, select: { id: true, name: true } }),
    db.orgUnit.findMany({ where: { id: { in: orgIds } }, select: { id: true, name: true } }),
  ]);
  const names: Record<string, string> = Object.fromEntries([...people.map((p) => [p.id, p.name]), ...users.map((u) => [u.id, u.displayName]), ...orgs.map((o) => [o.id, o.name])]);

  return { input, submissions, findings, schemas, names };
}

