import type { Db } from '@dj/db';
import { clearThrottle, releaseHit, takeFixedWindow, takeProgressive, throttleKey, type ThrottleDecision } from '@dj/service-kit';

/**
 * Login limits (OWASP Authentication and Credential Stuffing cheat sheets), all kept in PostgreSQL:
 * - per client address: failed logins of any account, a fixed window;
 * - per client address and account: a progressive delay (the 4th guess waits 2 s, then 4 s, 8 s …
 *   up to 15 min), so guessing from one place is slow while the official elsewhere is not affected;
 * - per account, only for addresses the account never logged in from: failed logins in a window, so
 *   guessing spread over many addresses is bounded too, while the official's own address goes on.
 * There is no account lock: an anonymous client cannot keep an official out.
 * Every attempt is counted before the password is checked (one atomic statement each), so parallel
 * guesses cannot all slip past the limit; a successful login takes its counts back.
 */
export const LOGIN_LIMITS = {
  perAddress: { max: 30, windowMs: 15 * 60_000 },
  perAddressAccount: { free: 3, baseDelayMs: 2_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 },
  perAccountFromNewAddresses: { max: 20, windowMs: 60 * 60_000 },
};

export type LoginKeys = { address: string; pair: string; account: string };

export function loginKeys(secret: string, address: string, username: string): LoginKeys {
  const name = username.trim().toLowerCase();
  return { address: throttleKey(secret, 'login-address', address), pair: throttleKey(secret, 'login-pair', address, name), account: throttleKey(secret, 'login-account', name) };
}

export type Refusal = ThrottleDecision & { scope: 'address' | 'address+account' | 'account' };

/** Counts this attempt against the address and the address+account pair; a refusal names its scope. */
export async function takeAddressLimits(db: Db, keys: LoginKeys): Promise<Refusal | undefined> {
  const address = await takeFixedWindow(db, keys.address, LOGIN_LIMITS.perAddress);
  if (!address.allowed) return { ...address, scope: 'address' };
  const pair = await takeProgressive(db, keys.pair, LOGIN_LIMITS.perAddressAccount);
  if (!pair.allowed) return { ...pair, scope: 'address+account' };
  return undefined;
}

/** Counts this attempt against the account (attempts from addresses it never logged in from). */
export async function takeAccountLimit(db: Db, keys: LoginKeys): Promise<Refusal | undefined> {
  const account = await takeFixedWindow(db, keys.account, LOGIN_LIMITS.perAccountFromNewAddresses);
  return account.allowed ? undefined : { ...account, scope: 'account' };
}

/** A successful login: its attempt was no failure, and the delay of its address and account ends. */
export async function loginSucceeded(db: Db, keys: LoginKeys, countedOnAccount: boolean): Promise<void> {
  await Promise.all([releaseHit(db, keys.address), clearThrottle(db, keys.pair), countedOnAccount ? releaseHit(db, keys.account) : Promise.resolve()]);
}
