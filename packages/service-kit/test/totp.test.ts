import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { acceptTotp, decryptTotpSecret, encryptTotpSecret, newTotpSecret, totpCode } from '../src/totp';

const KEY = 'k'.repeat(40);
const T = Date.UTC(2026, 11, 1, 8, 0, 15); // inside the step starting at 08:00:00
const STEP = BigInt(Math.floor(T / 30_000));

describe('TOTP (RFC 6238)', () => {
  it('matches the RFC 6238 SHA-1 test vector', () => {
    // Appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits); 6 digits are its last six.
    const secret = Secret.fromUTF8('12345678901234567890').base32;
    expect(new TOTP({ secret: Secret.fromBase32(secret), digits: 8, period: 30, algorithm: 'SHA1' }).generate({ timestamp: 59_000 })).toBe('94287082');
    expect(totpCode(secret, 59_000)).toBe('287082');
  });

  it('gives a 160-bit secret and an otpauth URI an authenticator app reads', () => {
    const { base32, uri } = newTotpSecret('li.zuzhi');
    expect(base32).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toMatch(/^otpauth:\/\/totp\/.*li\.zuzhi\?/);
    expect(new URL(uri).searchParams.get('secret')).toBe(base32);
    expect(new URL(uri).searchParams.get('digits')).toBe('6');
  });

  it('accepts the current step and one either side, once each', () => {
    const { base32 } = newTotpSecret('u');
    expect(acceptTotp(base32, totpCode(base32, T), null, T)).toBe(STEP);
    expect(acceptTotp(base32, totpCode(base32, T - 30_000), null, T)).toBe(STEP - 1n);
    expect(acceptTotp(base32, totpCode(base32, T + 30_000), null, T)).toBe(STEP + 1n);
    expect(acceptTotp(base32, totpCode(base32, T + 60_000), null, T)).toBeNull();
    // A step already used, or an earlier one, is a replay.
    expect(acceptTotp(base32, totpCode(base32, T), STEP, T)).toBeNull();
    expect(acceptTotp(base32, totpCode(base32, T - 30_000), STEP, T)).toBeNull();
    expect(acceptTotp(base32, totpCode(base32, T + 30_000), STEP, T)).toBe(STEP + 1n);
    for (const bad of ['', '12345', '1234567', 'abcdef', '12 456']) expect(acceptTotp(base32, bad, null, T)).toBeNull();
  });

  it('stores the secret encrypted: another key or a changed byte does not open it', () => {
    const { base32 } = newTotpSecret('u');
    const sealed = encryptTotpSecret(KEY, base32);
    expect(sealed).not.toContain(base32);
    expect(encryptTotpSecret(KEY, base32)).not.toBe(sealed); // a fresh nonce each time
    expect(decryptTotpSecret(KEY, sealed)).toBe(base32);
    expect(() => decryptTotpSecret('x'.repeat(40), sealed)).toThrow();
    const [v, iv, body, tag] = sealed.split('.');
    const flipped = body!.slice(0, -2) + (body!.at(-2) === 'A' ? 'B' : 'A') + body!.at(-1);
    expect(() => decryptTotpSecret(KEY, [v, iv, flipped, tag].join('.'))).toThrow();
  });
});
