import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';

/**
 * The client's address as the edge saw it; IPv6 addresses grouped by /64 (one household or host).
 * The notice board trusts X-Forwarded-For only from a loopback peer (the gateway on this machine,
 * `trustProxy: 'loopback'`), so a client reaching the service directly cannot pose as another address.
 */
export function clientAddress(request: FastifyRequest): string {
  return normalizeIP(request.ip);
}
