/**
 * Who was responsible for each step of a case, derived from the record: the assignees a task opened
 * with, every 转办 (transfer) since, and who finally decided it. Shared by the 纪实表 (dossier) and the
 * accountability report (全程责任追究), for every process (nothing here is process-specific).
 */
import type { Db, Prisma } from '@dj/db';
import { roleNames, type Role } from '@dj/domain';

export type PersonRef = { userId?: string | undefined; orgId?: string | undefined; role?: string | undefined };
export type Transfer = { at: string; by: string | null; to: string; reason: string | null };
/** What the record keeps of a body's meeting (`meetingEventData` in @dj/domain). */
export type StepMeeting = { body: string; orgId: string; meetingDate: string; expected: { id: string; name: string; role?: string }[]; present: number; absent: string[]; carried: boolean; rule: string | null };

export type StepHistory = {
  taskId: string;
  caseId: string;
  stepKey: string;
  round: number;
  title: string;
  orgId: string;
  status: string;
  outcome: string | null;
  openedAt: Date;
  dueAt: Date;
  closedAt: Date | null;
  /** How late (ms) it was closed, or is now if still open; 0 when on time. */
  lateMs: number;
  /** Names of those holding the step when it fell due (or now, if not yet due / closed before). */
  responsibleAtDue: string[];
  responsibleNow: string[];
  transfers: Transfer[];
  /** Who decided (every signer of a 会签 step), or null while open / when closed by the process. */
  closedBy: string | null;
  escalationLevel: number;
  /** The record event that decided the step: its sequence number and hash (the evidence reference). */
  evidence: { seq: number; hash: string; type: string; form: Prisma.JsonValue | null; comment: string | null; meeting: StepMeeting | null } | null;
  /** Every decision on the step, in order: each signer of a 会签 step with their own opinion. */
  opinions: { seq: number; actor: string | null; action: string; comment: string | null; form: Prisma.JsonValue | null }[];
};

type TaskRow = Prisma.TaskGetPayload<{ include: { assignees: true } }>;
type EventRow = { seq: number; type: string; taskId: string | null; actorId: string | null; actorName: string | null; data: Prisma.JsonValue; at: Date; hash: string; caseId: string };

const DECIDING = new Set(['task.approve', 'task.reject', 'task.return', 'task.forward']);

/** Names for user ids and (org, role) slots: "李晓梅" or "东湖镇党委 乡镇党委组织委员（李晓梅）". */
export async function nameResolver(db: Db, refs: PersonRef[]) {
  const userIds = [...new Set(refs.flatMap((r) => (r.userId ? [r.userId] : [])))];
  const orgIds = [...new Set(refs.flatMap((r) => (r.orgId ? [r.orgId] : [])))];
  const [users, orgs, memberships] = await Promise.all([
    db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, displayName: true } }),
    db.orgUnit.findMany({ where: { id: { in: orgIds } }, select: { id: true, name: true } }),
    db.membership.findMany({ where: { orgId: { in: orgIds } }, include: { user: { select: { displayName: true, disabled: true } } } }),
  ]);
  return (r: PersonRef): string => {
    if (r.userId) return users.find((u) => u.id === r.userId)?.displayName ?? r.userId;
    const org = orgs.find((o) => o.id === r.orgId)?.name ?? r.orgId ?? '';
    const role = roleNames[r.role as Role] ?? r.role ?? '';
    const holders = memberships.filter((m) => m.orgId === r.orgId && m.role === r.role && !m.user.disabled).map((m) => m.user.displayName);
    return `${org} ${role}${holders.length ? `（${holders.join('、')}）` : ''}`;
  };
}

function refsOfTarget(to: unknown): PersonRef[] {
  return Array.isArray(to) ? (to as PersonRef[]).map((t) => ({ userId: t.userId, orgId: t.orgId, role: t.role })) : [];
}

/** Step histories of these tasks (kind 'step'), in the order given. */
export async function stepHistories(db: Db, tasks: TaskRow[], now = new Date()): Promise<StepHistory[]> {
  if (!tasks.length) return [];
  const taskIds = tasks.map((t) => t.id);
  const events = await db.caseEvent.findMany({
    where: { taskId: { in: taskIds } },
    orderBy: [{ caseId: 'asc' }, { seq: 'asc' }],
    select: { seq: true, type: true, taskId: true, actorId: true, actorName: true, data: true, at: true, hash: true, caseId: true },
  });
  const byTask = new Map<string, EventRow[]>();
  for (const e of events) byTask.set(e.taskId!, [...(byTask.get(e.taskId!) ?? []), e]);

  const openedRefs = (evs: EventRow[]): PersonRef[] => {
    const opened = evs.find((e) => e.type === 'task.opened');
    const assignees = (opened?.data as { assignees?: PersonRef[] } | null)?.assignees ?? [];
    return assignees.map((a) => ({ userId: a.userId ?? undefined, orgId: a.orgId ?? undefined, role: a.role ?? undefined }));
  };
  const allRefs: PersonRef[] = [];
  for (const t of tasks) {
    const evs = byTask.get(t.id) ?? [];
    allRefs.push(...openedRefs(evs), ...evs.flatMap((e) => (e.type === 'task.transfer' ? refsOfTarget((e.data as { to?: unknown }).to) : [])));
    allRefs.push(...t.assignees.map((a) => ({ userId: a.userId ?? a.claimedById ?? undefined, orgId: a.orgId ?? undefined, role: a.role ?? undefined })));
    if (t.closedById) allRefs.push({ userId: t.closedById });
  }
  const nameOf = await nameResolver(db, allRefs);

  return tasks.map((t) => {
    const evs = byTask.get(t.id) ?? [];
    const endAt = t.closedAt ?? now;
    const lateMs = Math.max(0, endAt.getTime() - t.dueAt.getTime());
    // Holders when the step fell due: the opening assignees, each 转办 before the due date replacing the transferring person's slot.
    const holders = openedRefs(evs).map((r) => ({ ref: r, name: nameOf(r) }));
    const transfers: Transfer[] = [];
    for (const e of evs) {
      if (e.type !== 'task.transfer') continue;
      const to = refsOfTarget((e.data as { to?: unknown }).to);
      const reason = (e.data as { comment?: string }).comment ?? null;
      transfers.push({ at: e.at.toISOString(), by: e.actorName, to: to.map(nameOf).join('、'), reason });
      if (e.at > t.dueAt || !to[0]) continue;
      const i = Math.max(0, holders.findIndex((h) => h.ref.userId === e.actorId || (!h.ref.userId && h.name.includes(e.actorName ?? '\u0000'))));
      if (holders[i]) holders[i] = { ref: to[0], name: nameOf(to[0]) };
    }
    const decided = [...evs].reverse().find((e) => DECIDING.has(e.type));
    const deciders = [...new Set(evs.filter((e) => DECIDING.has(e.type) && e.actorName).map((e) => e.actorName!))];
    const pending = t.assignees.filter((a) => a.status === 'pending').map((a) => nameOf({ userId: a.userId ?? a.claimedById ?? undefined, orgId: a.orgId ?? undefined, role: a.role ?? undefined }));
    return {
      taskId: t.id,
      caseId: t.caseId,
      stepKey: t.stepKey,
      round: t.round,
      title: t.title,
      orgId: t.orgId,
      status: t.status,
      outcome: t.outcome,
      openedAt: t.openedAt,
      dueAt: t.dueAt,
      closedAt: t.closedAt,
      lateMs,
      responsibleAtDue: holders.map((h) => h.name),
      responsibleNow: t.status === 'open' ? pending : [],
      transfers,
      closedBy: t.status === 'completed' && deciders.length ? deciders.join('、') : t.closedById ? nameOf({ userId: t.closedById }) : null,
      escalationLevel: t.escalationLevel,
      evidence: decided
        ? {
            seq: decided.seq,
            hash: decided.hash,
            type: decided.type,
            form: ((decided.data as { form?: Prisma.JsonValue } | null)?.form ?? null) as Prisma.JsonValue | null,
            comment: (decided.data as { comment?: string } | null)?.comment ?? null,
            // A body's decision: the meeting as recorded with it (roster expected, absent, outcome, rule).
            meeting: ((decided.data as { meeting?: StepMeeting } | null)?.meeting ?? null) as StepMeeting | null,
          }
        : null,
      opinions: evs
        .filter((e) => DECIDING.has(e.type))
        .map((e) => {
          const data = (e.data ?? {}) as { form?: Prisma.JsonValue; comment?: string };
          return { seq: e.seq, actor: e.actorName, action: e.type.slice('task.'.length), comment: data.comment ?? null, form: data.form ?? null };
        }),
    };
  });
}
