// The console's static server and the gateway in front of it: deep links reach the app, hashed
// assets are cached for good, and /api stays the API (JSON 404 for unknown paths, never the app).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '@dj/gateway';
import { buildConsoleApp } from '../src/app';

const INDEX = '<!doctype html><div id="root"></div>';
let dist: string;
let consoleApp: FastifyInstance;
let gateway: FastifyInstance;

beforeAll(async () => {
  dist = mkdtempSync(path.join(os.tmpdir(), 'console-dist-'));
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'index.html'), INDEX);
  writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  consoleApp = await buildConsoleApp({ distDir: dist, logLevel: 'silent' });
  const consoleUrl = await consoleApp.listen({ host: '127.0.0.1', port: 0 });
  const nowhere = 'http://127.0.0.1:9'; // the API services are not needed here
  gateway = await buildGateway({ identity: nowhere, inbox: nowhere, cases: nowhere, noticeBoard: nowhere, console: consoleUrl }, { logLevel: 'silent' });
});

afterAll(async () => {
  await gateway?.close();
  await consoleApp?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('console server', () => {
  it('answers deep links with the app and never caches the page', async () => {
    for (const url of ['/', '/inbox', '/tasks/9d7c2c1e-0000-4000-8000-000000000000?x=1', '/admin/board']) {
      const r = await consoleApp.inject({ url });
      expect(r.statusCode, url).toBe(200);
      expect(r.body).toBe(INDEX);
      expect(r.headers['cache-control']).toBe('no-cache');
    }
  });

  it('caches hashed assets for good and answers 404 for missing files and API paths', async () => {
    const asset = await consoleApp.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await consoleApp.inject({ url: '/assets/missing-0000.js' })).statusCode).toBe(404);
    expect((await consoleApp.inject({ url: '/api/inbox' })).statusCode).toBe(404);
    expect((await consoleApp.inject({ method: 'POST', url: '/inbox' })).statusCode).toBe(404);
  });

  it('sends security headers: a CSP the console works under (own scripts, Ant Design’s inline styles), no framing', async () => {
    for (const url of ['/', '/inbox', '/assets/index-abc123.js', '/assets/missing-0000.js']) {
      const r = await consoleApp.inject({ url });
      const csp = r.headers['content-security-policy'] as string;
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).not.toContain("'unsafe-eval'");
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
      expect(r.headers['referrer-policy'], url).toBe('no-referrer');
    }
    const missing = await consoleApp.inject({ url: '/assets/missing-0000.js' });
    expect(missing.json()).toEqual({ code: 'NOT_FOUND', message: expect.stringContaining(' / ') });
  });

  it('refuses to start without a build', async () => {
    await expect(buildConsoleApp({ distDir: path.join(dist, 'nope'), logLevel: 'silent' })).rejects.toThrow(/not built/);
  });
});

describe('gateway in front of the console', () => {
  it('serves the console on every path outside /api', async () => {
    for (const url of ['/', '/login', '/cases/abc']) {
      const r = await gateway.inject({ url });
      expect(r.statusCode, url).toBe(200);
      expect(r.body).toBe(INDEX);
    }
  });

  it('keeps /api for the API: the index at /api and coded JSON 404s for unknown API paths', async () => {
    const index = await gateway.inject({ url: '/api' });
    expect(index.statusCode).toBe(200);
    expect(index.json().openapi).toContain('/api/inbox/openapi.json');
    const unknown = await gateway.inject({ url: '/api/no-such-thing' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('passes the console’s own headers through, and answers API paths with the API’s', async () => {
    const page = await gateway.inject({ url: '/inbox' });
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const api = await gateway.inject({ url: '/api/no-such-thing' });
    expect(api.headers['content-security-policy']).toContain("default-src 'none'");
    expect(api.headers['x-frame-options']).toBe('DENY');
  });

  it('reports the console in readiness', async () => {
    const r = await gateway.inject({ url: '/api/health/ready' });
    expect(r.statusCode).toBe(503); // the API services of this test are not running
    expect(r.json().services.console).toBe(true);
  });
});
