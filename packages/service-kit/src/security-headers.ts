import type { FastifyInstance } from 'fastify';

/**
 * Security headers (OWASP Secure Headers Project). The API's and the printable pages' policy allows
 * nothing but inline styles and data: images (the dossier's print CSS); the console's allows its own
 * scripts and Ant Design's runtime <style> elements. Framing is refused everywhere (clickjacking).
 * HSTS is the TLS terminator's job (see the README), since these services speak plain HTTP.
 */
export const API_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/**
 * The public notice pages (HTML without scripts): their own stylesheet, images of their own, forms
 * posting back to themselves; no inline styles or scripts at all.
 */
export const PUBLIC_PAGES_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/** Adds the headers to every response of the app (its own routes, 404s and errors). */
export function addSecurityHeaders(app: FastifyInstance, csp: string = API_CSP): void {
  const headers = securityHeaders(csp);
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(headers);
  });
}
