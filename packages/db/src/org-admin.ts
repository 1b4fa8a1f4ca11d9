/**
 * The organization tree as administrators' data (issue 13): create, rename, move and dissolve units.
 * Each change is one transaction holding the change, its history row (org_unit_history, with the
 * date it takes effect as decided) and its administrative audit row (admin_audit_log). Changing
 * org_unit fires NOTIFY reference_data (migration 20261201000000_engine), so the worker's cached
 * supervising chains are dropped. Authorization (which administrator may touch which unit) is the
 * caller's: these functions check only what the tree itself requires.
 */
import { randomUUID } from 'node:crypto';
import { mayContain, toChinaDate, type OrgType } from '@dj/domain';
import type { Db } from './client';
import { Prisma } from './generated/client';

type Tx = Prisma.TransactionClient;

export type OrgAdminErrorCode =
  | 'NOT_FOUND'
  | 'ORG_ID_TAKEN'
  | 'ORG_LEVEL_INVALID'
  | 'ORG_MOVE_INVALID'
  | 'ORG_DISSOLVED'
  | 'ORG_NOT_EMPTY'
  | 'ORG_MERGE_INVALID'
  | 'INVALID_EFFECTIVE_DATE'
  | 'PERSON_INVALID'
  | 'ROLE_INVALID'
  | 'ACCOUNT_USERNAME_TAKEN'
  | 'ACCOUNT_STATE'
  | 'TWO_STEP_NOT_ENABLED'
  | 'SEPARATION_OF_DUTIES';

/** A refusal the caller turns into a coded 4xx; nothing was written. */
export class OrgAdminError extends Error {
  constructor(
    readonly code: OrgAdminErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Who acts and from where, for the audit row. */
export type AdminContext = { actorId: string; clientAddress?: string | null; requestId?: string | null };

export type AdminAction = {
  action: string;
  objectType: string;
  objectId: string;
  /** The organization the action concerns: administrators of its subtree read the row. */
  orgId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
};

const json = (v: unknown) => (v === undefined || v === null ? Prisma.DbNull : (v as Prisma.InputJsonValue));

/** Appends one row to the administrative audit log (inside the caller's transaction). */
export async function recordAdminAction(tx: Tx, ctx: AdminContext, a: AdminAction): Promise<void> {
  await tx.adminAuditLog.create({
    data: {
      id: randomUUID(),
      actorId: ctx.actorId,
      action: a.action,
      objectType: a.objectType,
      objectId: a.objectId,
      orgId: a.orgId,
      before: json(a.before),
      after: json(a.after),
      reason: a.reason ?? null,
      clientAddress: ctx.clientAddress ?? null,
      requestId: ctx.requestId ?? null,
    },
  });
}

type UnitRow = { id: string; name: string; type: OrgType; parentId: string | null; path: string; status: string; establishedOn: Date | null; dissolvedOn: Date | null; mergedIntoId: string | null };

const snapshot = (o: UnitRow) => ({
  name: o.name,
  type: o.type,
  parentId: o.parentId,
  path: o.path,
  status: o.status,
  establishedOn: o.establishedOn ? o.establishedOn.toISOString().slice(0, 10) : null,
  dissolvedOn: o.dissolvedOn ? o.dissolvedOn.toISOString().slice(0, 10) : null,
  mergedIntoId: o.mergedIntoId,
});

async function lockUnit(tx: Tx, id: string): Promise<UnitRow> {
  const [row] = await tx.$queryRaw<UnitRow[]>`
    SELECT id, name, type::text AS type, parent_id AS "parentId", path, status, established_on AS "establishedOn", dissolved_on AS "dissolvedOn", merged_into_id AS "mergedIntoId"
    FROM org_unit WHERE id = ${id} FOR UPDATE`;
  if (!row) throw new OrgAdminError('NOT_FOUND', `organization ${id}`);
  return row;
}

/** An effective date ('YYYY-MM-DD', China date) as decided: not after today, not before the unit was set up. */
function effectiveDate(effectiveOn: string, unit?: UnitRow): Date {
  if (effectiveOn > toChinaDate(new Date())) throw new OrgAdminError('INVALID_EFFECTIVE_DATE', `${effectiveOn} 晚于今天 / is in the future`);
  const established = unit?.establishedOn?.toISOString().slice(0, 10);
  if (established && effectiveOn < established) throw new OrgAdminError('INVALID_EFFECTIVE_DATE', `${effectiveOn} 早于成立日期 ${established} / is before the establishment`);
  return new Date(`${effectiveOn}T00:00:00Z`);
}

async function history(tx: Tx, ctx: AdminContext, orgId: string, kind: string, effectiveOn: Date, before: unknown, after: unknown, reason: string) {
  await tx.orgUnitHistory.create({ data: { id: randomUUID(), orgId, kind, effectiveOn, before: json(before), after: json(after), reason, actorId: ctx.actorId } });
}

const activeOnly = (u: UnitRow) => {
  if (u.status !== 'active') throw new OrgAdminError('ORG_DISSOLVED', `${u.name} (${u.id})`);
};

export type CreateOrgInput = { id: string; name: string; type: OrgType; parentId: string; effectiveOn: string; reason: string };

export async function createOrg(db: Db, ctx: AdminContext, input: CreateOrgInput) {
  return db.$transaction(async (tx) => {
    // The parent row is locked: a move of the parent waits, or has already given it its new path.
    const parent = await lockUnit(tx, input.parentId);
    activeOnly(parent);
    if (!mayContain(parent.type, input.type)) throw new OrgAdminError('ORG_LEVEL_INVALID', `${parent.type} → ${input.type}`);
    const on = effectiveDate(input.effectiveOn, parent);
    const path = `${parent.path}${input.id}/`;
    const inserted = await tx.$executeRaw`
      INSERT INTO org_unit (id, name, type, parent_id, path, depth, status, established_on)
      VALUES (${input.id}, ${input.name}, ${input.type}::"OrgType", ${parent.id}, ${path}, ${path.split('/').length - 3}, 'active', ${on})
      ON CONFLICT DO NOTHING`;
    if (!inserted) throw new OrgAdminError('ORG_ID_TAKEN', input.id);
    const unit = await lockUnit(tx, input.id);
    await history(tx, ctx, unit.id, 'create', on, null, snapshot(unit), input.reason);
    await recordAdminAction(tx, ctx, { action: 'org.create', objectType: 'org_unit', objectId: unit.id, orgId: unit.id, after: snapshot(unit), reason: input.reason });
    return snapshot(unit);
  });
}

export async function renameOrg(db: Db, ctx: AdminContext, input: { orgId: string; name: string; effectiveOn: string; reason: string }) {
  return db.$transaction(async (tx) => {
    const before = await lockUnit(tx, input.orgId);
    activeOnly(before);
    const on = effectiveDate(input.effectiveOn, before);
    await tx.orgUnit.update({ where: { id: before.id }, data: { name: input.name } });
    const after = await lockUnit(tx, before.id);
    await history(tx, ctx, before.id, 'rename', on, snapshot(before), snapshot(after), input.reason);
    await recordAdminAction(tx, ctx, { action: 'org.rename', objectType: 'org_unit', objectId: before.id, orgId: before.id, before: snapshot(before), after: snapshot(after), reason: input.reason });
    return snapshot(after);
  });
}

/**
 * Moves a unit with its subtree under another parent (e.g. a village to another township). The
 * paths of the units, of the cases opened in the subtree and of everything derived from them change
 * in this transaction (org_admin_move); the cases keep the organization they were opened for, their
 * open tasks the organizations and roles they are assigned to, so they reach the same people, now
 * supervised along the new chain.
 */
export async function moveOrg(db: Db, ctx: AdminContext, input: { orgId: string; parentId: string; effectiveOn: string; reason: string }) {
  return db.$transaction(
    async (tx) => {
      const before = await lockUnit(tx, input.orgId);
      activeOnly(before);
      const parent = await lockUnit(tx, input.parentId);
      activeOnly(parent);
      if (parent.id === before.parentId || parent.path.startsWith(before.path)) throw new OrgAdminError('ORG_MOVE_INVALID', `${before.id} → ${parent.id}`);
      if (!mayContain(parent.type, before.type)) throw new OrgAdminError('ORG_LEVEL_INVALID', `${parent.type} → ${before.type}`);
      const on = effectiveDate(input.effectiveOn, before);
      await tx.$executeRaw`SELECT org_admin_move(${before.id}, ${parent.id})`;
      const after = await lockUnit(tx, before.id);
      const moved = await tx.$queryRaw<{ units: number; cases: number }[]>`
        SELECT (SELECT count(*)::int FROM org_unit WHERE path LIKE ${subtreeLike(after.path)}) AS units,
               (SELECT count(*)::int FROM "case" WHERE org_path LIKE ${subtreeLike(after.path)}) AS cases`;
      const detail = { ...snapshot(after), movedUnits: moved[0]?.units ?? 0, movedCases: moved[0]?.cases ?? 0 };
      await history(tx, ctx, before.id, 'move', on, snapshot(before), detail, input.reason);
      await recordAdminAction(tx, ctx, { action: 'org.move', objectType: 'org_unit', objectId: before.id, orgId: before.id, before: snapshot(before), after: detail, reason: input.reason });
      return detail;
    },
    { timeout: 60_000 },
  );
}

/**
 * Dissolves (撤销) a unit, optionally merged into another of its level (合村并组). Its units below
 * must have been moved or dissolved first and nothing may be under way in it (no open case of its
 * subtree, no open task assigned to its roles); its memberships end (listed in the history). The
 * row, its path and its closed cases stay: a closed case still names the unit and can say what
 * became of it.
 */
export async function dissolveOrg(db: Db, ctx: AdminContext, input: { orgId: string; mergedIntoId?: string | undefined; effectiveOn: string; reason: string }) {
  return db.$transaction(async (tx) => {
    const before = await lockUnit(tx, input.orgId);
    activeOnly(before);
    if (input.mergedIntoId) {
      const target = await lockUnit(tx, input.mergedIntoId);
      if (target.id === before.id || target.status !== 'active' || target.type !== before.type) throw new OrgAdminError('ORG_MERGE_INVALID', `${before.id} → ${target.id}`);
    }
    const on = effectiveDate(input.effectiveOn, before);
    const like = subtreeLike(before.path);
    const [busy] = await tx.$queryRaw<{ units: number; cases: number; tasks: number }[]>`
      SELECT (SELECT count(*)::int FROM org_unit WHERE path LIKE ${like} AND id <> ${before.id} AND status = 'active') AS units,
             (SELECT count(*)::int FROM "case" WHERE org_path LIKE ${like} AND status = 'open') AS cases,
             (SELECT count(*)::int FROM task_assignee a JOIN task t ON t.id = a.task_id WHERE a.org_id = ${before.id} AND a.status = 'pending' AND t.status = 'open') AS tasks`;
    if (busy && (busy.units || busy.cases || busy.tasks)) {
      throw new OrgAdminError('ORG_NOT_EMPTY', `下级组织 ${busy.units} 个、办理中事项 ${busy.cases} 件、待办任务 ${busy.tasks} 件 / ${busy.units} units, ${busy.cases} open cases, ${busy.tasks} open tasks`);
    }
    const memberships = await tx.membership.findMany({ where: { orgId: before.id }, select: { userId: true, role: true } });
    await tx.membership.deleteMany({ where: { orgId: before.id } });
    await tx.orgUnit.update({ where: { id: before.id }, data: { status: 'dissolved', dissolvedOn: on, mergedIntoId: input.mergedIntoId ?? null } });
    const after = await lockUnit(tx, before.id);
    const detail = { ...snapshot(after), endedMemberships: memberships };
    await history(tx, ctx, before.id, 'dissolve', on, snapshot(before), detail, input.reason);
    await recordAdminAction(tx, ctx, { action: 'org.dissolve', objectType: 'org_unit', objectId: before.id, orgId: before.id, before: snapshot(before), after: detail, reason: input.reason });
    return detail;
  });
}

/** A LIKE pattern matching a path's subtree (wildcards escaped). */
export const subtreeLike = (path: string) => `${path.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
