/**
 * 全程责任追究: for an organization's subtree and a period, every step of every process that fell due
 * in the period and was (or still is) late — by how much, who held it when it fell due (after any 转办),
 * who finally decided it, and how far it was escalated.
 */
import type { Db } from '@dj/db';
import { stepHistories } from './step-history';

export type AccountabilityRow = {
  caseId: string;
  caseTitle: string;
  caseType: string;
  caseOrgId: string;
  taskId: string;
  stepKey: string;
  round: number;
  title: string;
  orgId: string;
  dueAt: string;
  closedAt: string | null;
  open: boolean;
  lateMs: number;
  lateDays: number;
  responsibleAtDue: string[];
  transfers: { at: string; by: string | null; to: string; reason: string | null }[];
  closedBy: string | null;
  escalationLevel: number;
};

export async function accountabilityReport(db: Db, org: { id: string; path: string }, from: Date, to: Date, now = new Date()) {
  const late = await db.$queryRaw<{ id: string }[]>`
    SELECT t.id FROM task t JOIN "case" c ON c.id = t.case_id
    WHERE t.kind = 'step' AND c.org_path LIKE ${org.path} || '%'
      AND t.due_at >= ${from} AND t.due_at < ${to}
      AND t.status <> 'cancelled'
      AND COALESCE(t.closed_at, ${now}::timestamptz) > t.due_at
    ORDER BY t.due_at, t.id
    LIMIT 1000`;
  const tasks = await db.task.findMany({ where: { id: { in: late.map((r) => r.id) } }, include: { assignees: true, case: { select: { title: true, type: true, orgId: true } } } });
  const ordered = late.map((r) => tasks.find((t) => t.id === r.id)!);
  const histories = await stepHistories(db, ordered, now);
  const rows: AccountabilityRow[] = histories.map((s, i) => {
    const t = ordered[i]!;
    return {
      caseId: s.caseId,
      caseTitle: t.case.title,
      caseType: t.case.type,
      caseOrgId: t.case.orgId,
      taskId: s.taskId,
      stepKey: s.stepKey,
      round: s.round,
      title: s.title,
      orgId: s.orgId,
      dueAt: s.dueAt.toISOString(),
      closedAt: s.closedAt?.toISOString() ?? null,
      open: s.status === 'open',
      lateMs: s.lateMs,
      lateDays: Math.round((s.lateMs / 86_400_000) * 10) / 10,
      responsibleAtDue: s.responsibleAtDue,
      transfers: s.transfers,
      closedBy: s.closedBy,
      escalationLevel: s.escalationLevel,
    };
  });
  return { orgId: org.id, from: from.toISOString(), to: to.toISOString(), generatedAt: now.toISOString(), truncated: late.length === 1000, rows };
}

