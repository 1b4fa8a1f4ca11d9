/**
 * Two-step verification of one's own account (TOTP): set up (a new secret, shown once, as an otpauth://
 * URI the console draws as a QR code), confirm with a first code (ten recovery codes, shown once),
 * regenerate the recovery codes with a current code, turn off with password and code.
 * Every step is logged as a security event; no secret or code is ever logged. A wrong code here is 403
 * WRONG_OTP (like WRONG_PASSWORD): a 401 would tell the console its session had ended.
 */
import { Type } from '@sinclair/typebox';
import { verifyPassword, type Db } from '@dj/db';
import { acceptTotp, clearThrottle, clientAddress, recordSecurityEvent, decryptTotpSecret, encryptTotpSecret, errorResponses, httpError, newRecoveryCodes, newTotpSecret, recoveryCodeHash, takeProgressive, type App } from '@dj/service-kit';
import { LOGIN_LIMITS } from './login-throttle';

const security = [{ bearer: [] }];
const Code = Type.String({ pattern: '^\\s*\\d{6}\\s*$', description: 'the 6-digit code the authenticator shows now' });

const RecoveryCodes = Type.Array(Type.String(), { description: 'ten one-time recovery codes, shown this once (only their keyed hashes are stored)' });

export function registerTotpRoutes(app: App, deps: { db: Db; jwtSecret: string; passwordThrottle(userId: string): string }) {
  const { db, jwtSecret } = deps;

  /** Ten new recovery codes and the statements that replace any earlier ones with them (run in a transaction). */
  function replaceRecoveryCodes(userId: string) {
    const codes = newRecoveryCodes();
    const statements = [
      db.totpRecoveryCode.deleteMany({ where: { userId } }),
      db.totpRecoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: recoveryCodeHash(jwtSecret, code) })) }),
    ];
    return { codes, statements };
  }

  /** The current password, checked under the same throttle as a password change (a stolen token is no oracle). */
  async function checkPassword(userId: string, password: string) {
    const key = deps.passwordThrottle(userId);
    if (!(await takeProgressive(db, key, LOGIN_LIMITS.perAddressAccount)).allowed) throw httpError('LOGIN_THROTTLED');
    const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
    if (!(await verifyPassword(password, user.passwordHash))) throw httpError('WRONG_PASSWORD');
    await clearThrottle(db, key);
    return user;
  }

  app.post(
    '/api/me/two-step/setup',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['identity'],
        summary: 'Starts two-step verification: a new secret for the authenticator app (shown this once); it takes effect when confirmed with a code',
        security,
        body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ secret: Type.String(), otpauthUri: Type.String() }), 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403] },
      },
    },
    async (request) => {
      const user = await checkPassword(request.auth.id, request.body.currentPassword);
      const { base32, uri } = newTotpSecret(user.username);
      await db.user.update({ where: { id: user.id }, data: { totpPending: encryptTotpSecret(jwtSecret, base32) } });
      request.log.info({ event: 'two-step.setup-started', userId: user.id }, 'two-step verification set-up started');
      return { secret: base32, otpauthUri: uri };
    },
  );

  app.post(
    '/api/me/two-step/confirm',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['identity'],
        summary: 'Confirms the set-up with the first code: from now on logins need a code',
        security,
        body: Type.Object({ code: Code }, { additionalProperties: false }),
        response: { 200: Type.Object({ enabled: Type.Boolean(), recoveryCodes: RecoveryCodes }), 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 409: errorResponses[409] },
      },
    },
    async (request) => {
      const user = await db.user.findUniqueOrThrow({ where: { id: request.auth.id } });
      if (!user.totpPending) throw httpError('TOTP_NOT_PENDING');
      const step = acceptTotp(decryptTotpSecret(jwtSecret, user.totpPending), request.body.code.trim(), null);
      if (step === null) {
        request.log.warn({ event: 'two-step.confirm-failed', userId: user.id }, 'two-step verification not confirmed');
        throw httpError('WRONG_OTP');
      }
      // The session that confirmed holds the second factor from now on (it just proved it); an
      // enrolment an administrator's reset asked for is done.
      const recovery = replaceRecoveryCodes(user.id);
      await db.$transaction([
        db.user.update({ where: { id: user.id }, data: { totpSecret: user.totpPending, totpPending: null, totpEnabledAt: new Date(), totpLastStep: step, twoStepEnrolRequired: false } }),
        db.userSession.update({ where: { id: request.sessionId }, data: { secondFactor: true } }),
        ...recovery.statements,
      ]);
      request.log.info({ event: 'two-step.enabled', userId: user.id, recoveryCodes: recovery.codes.length }, 'two-step verification enabled');
      await recordSecurityEvent(db, request.log, { event: 'two-step.enabled', userId: user.id, clientAddress: clientAddress(request, jwtSecret) });
      return { enabled: true, recoveryCodes: recovery.codes };
    },
  );

  app.post(
    '/api/me/two-step/disable',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['identity'],
        summary: 'Turns two-step verification off (password and a current code)',
        security,
        body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 256 }), code: Code }, { additionalProperties: false }),
        response: { 200: Type.Object({ enabled: Type.Boolean() }), 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 409: errorResponses[409] },
      },
    },
    async (request) => {
      const user = await checkPassword(request.auth.id, request.body.currentPassword);
      if (!user.totpSecret) throw httpError('TOTP_NOT_PENDING');
      const step = acceptTotp(decryptTotpSecret(jwtSecret, user.totpSecret), request.body.code.trim(), user.totpLastStep);
      if (step === null) throw httpError('WRONG_OTP');
      await db.$transaction([
        db.user.update({ where: { id: user.id }, data: { totpSecret: null, totpPending: null, totpEnabledAt: null, totpLastStep: null } }),
        db.userSession.updateMany({ where: { userId: user.id }, data: { secondFactor: false } }),
        db.totpRecoveryCode.deleteMany({ where: { userId: user.id } }),
      ]);
      request.log.warn({ event: 'two-step.disabled', userId: user.id }, 'two-step verification disabled');
      await recordSecurityEvent(db, request.log, { event: 'two-step.disabled', userId: user.id, clientAddress: clientAddress(request, jwtSecret) });
      return { enabled: false };
    },
  );

  app.post(
    '/api/me/two-step/recovery-codes',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['identity'],
        summary: 'Ten new recovery codes (shown this once) in place of the earlier ones, used or not; needs a current code of the authenticator',
        security,
        body: Type.Object({ code: Code }, { additionalProperties: false }),
        response: { 200: Type.Object({ recoveryCodes: RecoveryCodes }), 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 409: errorResponses[409], 429: Type.Ref('ErrorBody') },
      },
    },
    async (request) => {
      // Wrong codes count under the password throttle of the account: a stolen token is no code oracle.
      const key = deps.passwordThrottle(request.auth.id);
      if (!(await takeProgressive(db, key, LOGIN_LIMITS.perAddressAccount)).allowed) throw httpError('LOGIN_THROTTLED');
      const user = await db.user.findUniqueOrThrow({ where: { id: request.auth.id } });
      if (!user.totpSecret || !user.totpEnabledAt) throw httpError('TWO_STEP_NOT_ENABLED');
      const step = acceptTotp(decryptTotpSecret(jwtSecret, user.totpSecret), request.body.code.trim(), user.totpLastStep);
      const taken = step !== null && (await db.user.updateMany({ where: { id: user.id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] }, data: { totpLastStep: step } })).count === 1;
      if (!taken) {
        request.log.warn({ event: 'two-step.recovery-codes-refused', userId: user.id }, 'recovery codes not regenerated: wrong one-time code');
        throw httpError('WRONG_OTP');
      }
      await clearThrottle(db, key);
      const recovery = replaceRecoveryCodes(user.id);
      await db.$transaction(recovery.statements);
      request.log.warn({ event: 'two-step.recovery-codes-regenerated', userId: user.id }, 'recovery codes regenerated; the earlier ones no longer work');
      return { recoveryCodes: recovery.codes };
    },
  );
}
