import proxyAddr from '@fastify/proxy-addr';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';

// The gateway runs on this machine and sets X-Forwarded-For to the address it was connected from.
// Only a loopback peer is trusted to say who the client is (what Fastify's `trustProxy: 'loopback'`
// does); a client reaching this service directly cannot pose as another address.
const trustLoopback = proxyAddr.compile('loopback');

/** The client's address as the edge saw it; IPv6 addresses grouped by /64 (one household or host). */
export function clientAddress(request: FastifyRequest): string {
  return normalizeIP(proxyAddr(request.raw, trustLoopback));
}
