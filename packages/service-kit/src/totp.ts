/**
 * Two-step verification with time-based one-time passwords (TOTP, RFC 6238: 6 digits, 30 s, SHA-1 — what
 * every authenticator app reads from an otpauth:// QR code), through the `otpauth` library.
 *
 * The shared secret is stored encrypted (AES-256-GCM under a key derived from JWT_SECRET with HKDF), so
 * a copy of the database alone yields no codes. A code is accepted for the current time step or the one
 * before or after (clock drift), and each time step only once per account (`lastStep`).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

const ISSUER = '党建流程';
const PERIOD = 30;

function keyFrom(jwtSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', jwtSecret, 'dangjian-flow', 'totp-secret-encryption', 32));
}

export function encryptTotpSecret(jwtSecret: string, base32: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(jwtSecret), iv);
  const sealed = Buffer.concat([cipher.update(base32, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), sealed.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function decryptTotpSecret(jwtSecret: string, stored: string): string {
  const [version, iv, sealed, tag] = stored.split('.');
  if (version !== 'v1' || !iv || !sealed || !tag) throw new Error('unknown TOTP secret format');
  const decipher = createDecipheriv('aes-256-gcm', keyFrom(jwtSecret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
}

const totpOf = (base32: string, label = '') => new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(base32) });

/** A new secret (160 bits) and the otpauth:// URI an authenticator app scans. */
export function newTotpSecret(username: string): { base32: string; uri: string } {
  const base32 = new Secret({ size: 20 }).base32;
  return { base32, uri: totpOf(base32, username).toString() };
}

/** The time step of a code accepted now, or null; a step at or before `lastStep` is a replay and refused. */
export function acceptTotp(base32: string, code: string, lastStep: bigint | null, now = Date.now()): bigint | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpOf(base32).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = BigInt(Math.floor(now / 1000 / PERIOD) + delta);
  return lastStep !== null && step <= lastStep ? null : step;
}

/** The code of the current time step (tests; an administrator never sees one). */
export function totpCode(base32: string, now = Date.now()): string {
  return totpOf(base32).generate({ timestamp: now });
}

/**
 * Recovery codes: one-time codes used instead of the authenticator's when it is lost (NIST SP 800-63B
 * §5.1.2 look-up secrets: at least 64 bits from an approved random generator, each used once). Ten codes
 * of 16 characters of the RFC 4648 base32 alphabet, lower case (80 bits each), shown grouped as
 * xxxx-xxxx-xxxx-xxxx; stored only as HMAC-SHA256 under a key derived from JWT_SECRET, so a copy of the
 * database yields none and a guess cannot be checked offline.
 */
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from(randomBytes(16), (b) => RECOVERY_ALPHABET[b & 31]).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
}

/** What a person may type: any case, with or without the hyphens and spaces (0 and 1 read as o and l). */
export function normalizeRecoveryCode(typed: string): string {
  return typed.toLowerCase().replace(/[\s-]/g, '').replaceAll('0', 'o').replaceAll('1', 'l');
}

export function recoveryCodeHash(jwtSecret: string, code: string): string {
  const key = Buffer.from(hkdfSync('sha256', jwtSecret, 'dangjian-flow', 'totp-recovery-code', 32));
  return createHmac('sha256', key).update(normalizeRecoveryCode(code)).digest('base64url');
}
