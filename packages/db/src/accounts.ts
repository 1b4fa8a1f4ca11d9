/**
 * Accounts administered by an organization's administrator (issue 13): created (optionally for a
 * member of the roster) with a one-time password that must be changed at the first login, password
 * reset (recorded), disable and re-enable, memberships granted and withdrawn. Each change is one
 * transaction with its administrative audit row; no password ever reaches the audit row or a log.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { separationConflict } from '@dj/domain';
import type { Db } from './client';
import type { Prisma } from './generated/client';
import { OrgAdminError, recordAdminAction, type AdminContext } from './org-admin';
import { hashPassword } from './password';

/**
 * A one-time password: 14 characters from an alphabet without look-alikes (0/O, 1/l/I), always with
 * an upper-case letter, a lower-case letter, a digit and a sign, so it passes any length-and-classes policy.
 */
export function oneTimePassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '@#%+=?'];
  const all = sets.join('');
  const bytes = randomBytes(14);
  const chars = [...bytes].map((b, i) => (i < sets.length ? sets[i]! : all)[b % (i < sets.length ? sets[i]! : all).length]!);
  // Shuffle so the guaranteed classes are not always first (Fisher–Yates over fresh random bytes).
  const shuffle = randomBytes(chars.length);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = shuffle[i]! % (i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

export type NewAccount = { username: string; displayName: string; memberships: { orgId: string; role: string }[]; personId?: string | undefined; auditOrgId: string };

/** Creates an account with a one-time password (returned once, to show the administrator). */
export async function createAccount(db: Db, ctx: AdminContext, input: NewAccount): Promise<{ id: string; password: string }> {
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    const id = randomUUID();
    const taken = await tx.user.findUnique({ where: { username: input.username }, select: { id: true } });
    if (taken) throw new OrgAdminError('ACCOUNT_USERNAME_TAKEN', input.username);
    if (input.personId) {
      const linked = await tx.person.updateMany({ where: { id: input.personId, userId: null }, data: { userId: id } });
      // The user row must exist first for nothing; person.user_id has no foreign key, so order is free.
      if (!linked.count) throw new OrgAdminError('PERSON_INVALID', '该党员已有账号 / the member already has an account');
    }
    assertSeparated([], input.memberships.map((m) => m.role));
    await tx.user.create({ data: { id, username: input.username, displayName: input.displayName, passwordHash, mustChangePassword: true } });
    if (input.memberships.length) await tx.membership.createMany({ data: input.memberships.map((m) => ({ userId: id, ...m })) });
    await recordAdminAction(tx, ctx, {
      action: 'account.create',
      objectType: 'app_user',
      objectId: id,
      orgId: input.auditOrgId,
      after: { username: input.username, displayName: input.displayName, memberships: input.memberships, personId: input.personId ?? null },
    });
    return { id, password };
  });
}

/** Resets the password to a one-time one (to be changed at the next login); the caller ends the account's sessions. */
export async function resetPassword(db: Db, ctx: AdminContext, input: { userId: string; auditOrgId: string; reason: string }): Promise<{ password: string }> {
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: input.userId }, data: { passwordHash, mustChangePassword: true, passwordChangedAt: new Date() } });
    await recordAdminAction(tx, ctx, { action: 'account.reset-password', objectType: 'app_user', objectId: input.userId, orgId: input.auditOrgId, after: { mustChangePassword: true }, reason: input.reason });
  });
  return { password };
}

/**
 * An administrator's reset of an account's two-step verification (its authenticator and recovery codes
 * lost): the secret, a pending set-up and every recovery code are removed and the account must set up
 * two-step verification again at its next login before anything else (`twoStepEnrolRequired`). The
 * caller ends the account's sessions. Refused when two-step verification is not on.
 */
export async function resetTwoStep(db: Db, ctx: AdminContext, input: { userId: string; auditOrgId: string; reason: string }): Promise<void> {
  await db.$transaction(async (tx) => {
    const [before] = await tx.$queryRaw<{ enabled: boolean }[]>`SELECT totp_enabled_at IS NOT NULL AS enabled FROM app_user WHERE id = ${input.userId}::uuid FOR UPDATE`;
    if (!before) throw new OrgAdminError('NOT_FOUND', input.userId);
    if (!before.enabled) throw new OrgAdminError('TWO_STEP_NOT_ENABLED', '该账号未启用两步验证 / two-step verification is not on');
    await tx.user.update({ where: { id: input.userId }, data: { totpSecret: null, totpPending: null, totpEnabledAt: null, totpLastStep: null, twoStepEnrolRequired: true } });
    await tx.totpRecoveryCode.deleteMany({ where: { userId: input.userId } });
    await recordAdminAction(tx, ctx, {
      action: 'account.reset-two-step',
      objectType: 'app_user',
      objectId: input.userId,
      orgId: input.auditOrgId,
      before: { twoStep: true },
      after: { twoStep: false, enrolmentRequired: true },
      reason: input.reason,
    });
  });
}

/**
 * Disables or re-enables an account. A disabled account cannot log in and its tokens stop working at
 * once (authentication reads the flag on every request).
 */
export async function setAccountDisabled(db: Db, ctx: AdminContext, input: { userId: string; disabled: boolean; auditOrgId: string; reason: string }) {
  await db.$transaction(async (tx) => {
    const [before] = await tx.$queryRaw<{ disabled: boolean }[]>`SELECT disabled FROM app_user WHERE id = ${input.userId}::uuid FOR UPDATE`;
    if (!before) throw new OrgAdminError('NOT_FOUND', input.userId);
    if (before.disabled === input.disabled) throw new OrgAdminError('ACCOUNT_STATE', input.disabled ? '账号已停用 / already disabled' : '账号未停用 / not disabled');
    await tx.user.update({ where: { id: input.userId }, data: { disabled: input.disabled } });
    await recordAdminAction(tx, ctx, {
      action: input.disabled ? 'account.disable' : 'account.enable',
      objectType: 'app_user',
      objectId: input.userId,
      orgId: input.auditOrgId,
      before: { disabled: before.disabled },
      after: { disabled: input.disabled },
      reason: input.reason,
    });
  });
}

/**
 * 三权分立 (等保 2.0 level 3): refuses roles that would give one person two of the administrator roles
 * (系统管理员, 安全管理员, 审计管理员), counting the roles `held` in any organization.
 */
export function assertSeparated(held: readonly string[], adding: readonly string[]): void {
  const all = [...held];
  for (const role of adding) {
    const conflict = separationConflict(all, role);
    if (conflict) throw new OrgAdminError('SEPARATION_OF_DUTIES', `${conflict} + ${role}`);
    all.push(role);
  }
}

/** The roles the account holds anywhere, its row locked so that two concurrent grants are checked one after the other. */
async function lockedRoles(tx: Prisma.TransactionClient, userId: string): Promise<string[]> {
  const [user] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM app_user WHERE id = ${userId}::uuid FOR UPDATE`;
  if (!user) throw new OrgAdminError('NOT_FOUND', userId);
  return (await tx.membership.findMany({ where: { userId }, select: { role: true } })).map((m) => m.role);
}

/** Grants or withdraws one membership (organization + role). */
export async function changeMembership(db: Db, ctx: AdminContext, input: { userId: string; orgId: string; role: string; grant: boolean; reason: string }) {
  await db.$transaction(async (tx) => {
    if (input.grant) {
      assertSeparated(await lockedRoles(tx, input.userId), [input.role]);
      const made = await tx.membership.createMany({ data: [{ userId: input.userId, orgId: input.orgId, role: input.role }], skipDuplicates: true });
      if (!made.count) throw new OrgAdminError('ACCOUNT_STATE', '已有该职责 / already held');
    } else {
      const gone = await tx.membership.deleteMany({ where: { userId: input.userId, orgId: input.orgId, role: input.role } });
      if (!gone.count) throw new OrgAdminError('NOT_FOUND', 'membership');
    }
    await recordAdminAction(tx, ctx, {
      action: input.grant ? 'account.grant' : 'account.revoke',
      objectType: 'app_user',
      objectId: input.userId,
      orgId: input.orgId,
      after: { orgId: input.orgId, role: input.role },
      reason: input.reason,
    });
  });
}
