import { createHmac, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';

/** Set by the gateway: the address of the client that connected to it, and its HMAC under a key derived from JWT_SECRET. */
export const CLIENT_ADDRESS_HEADER = 'x-dj-client-address';
export const CLIENT_SIGNATURE_HEADER = 'x-dj-client-signature';

function forwardingKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('gateway/client-address').digest();
}

const signatureOf = (address: string, secret: string) => createHmac('sha256', forwardingKey(secret)).update(address).digest('base64url');

/** The headers the gateway adds to every proxied request (replacing any the client sent). */
export function signedClientAddress(address: string, secret: string): Record<string, string> {
  return { [CLIENT_ADDRESS_HEADER]: address, [CLIENT_SIGNATURE_HEADER]: signatureOf(address, secret) };
}

/** IPv4-mapped IPv6 as IPv4; other IPv6 addresses grouped by /64 (one household or host). */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIPv4(address) || !isIPv6(address)) return address.toLowerCase();
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * Who the client is, for rate limits and login throttles: the address the gateway signed, or else the
 * peer of the connection. X-Forwarded-For is never trusted: any process on the machine could reach a
 * service's port directly and name any address, and so escape its limit or exhaust someone else's.
 */
export function clientAddress(request: FastifyRequest, secret: string): string {
  const signed = signedAddressOf(request, secret);
  return normalizeAddress(signed ?? request.socket.remoteAddress ?? 'unknown');
}

/** True when the request came through the gateway (its client address carries a valid signature). */
export const viaGateway = (request: FastifyRequest, secret: string): boolean => signedAddressOf(request, secret) !== undefined;

function signedAddressOf(request: FastifyRequest, secret: string): string | undefined {
  const address = request.headers[CLIENT_ADDRESS_HEADER];
  const signature = request.headers[CLIENT_SIGNATURE_HEADER];
  if (typeof address !== 'string' || typeof signature !== 'string') return undefined;
  const expected = Buffer.from(signatureOf(address, secret));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? address : undefined;
}
