import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { appendCaseEvent, createDb, eventHash, recordKey, storedEvents, GENESIS_HASH } from '@dj/db';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';

let f: Fixture;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  f = await startServices();
  for (const u of ['zhang.zhibu', 'li.zuzhi', 'admin', 'auditor']) tokens[u] = await f.login(u);
  // An audit administrator (审计管理员) of 东山县 only.
  tokens['dongshan.auditor'] = await f.addUser(`dongshan.auditor.${randomUUID().slice(0, 6)}`, '东山县审计管理员', [{ orgId: 'county-a', role: 'audit_admin' }]);
});
afterAll(async () => {
  await f?.close();
});

type Verification = { valid: boolean; events: number; anchored: number; problem?: string; brokenAtSeq?: number };
type Audit = { summary: { cases: number; ok: number; tampered: number; truncated: number }; cases: Array<{ caseId: string; status: string; events: number; anchored: number; brokenAtSeq?: number }> };

/** The form of the report: numbers jsonb used to store differently from what was hashed. */
const AWKWARD_FORM = { a: 0.30000000000000004, b: 2 ** 64, c: 1e21, d: Number.MAX_VALUE, e: '中文 é e\u0301 😀', z: { y: 1, x: [5e-324] } };

async function openCase(): Promise<{ caseId: string; taskId: string }> {
  const res = await f.cases.inject({ method: 'POST', url: '/api/cases', headers: bearer(tokens['zhang.zhibu']!), payload: { type: 'request-report', orgId: 'branch-a1-1', input: { title: `请示 ${randomUUID().slice(0, 8)}`, body: '正文' } } });
  expect(res.statusCode).toBe(201);
  const s = body<{ caseId: string; openTasks: Array<{ id: string }> }>(res);
  return { caseId: s.caseId, taskId: s.openTasks[0]!.id };
}

const verification = async (caseId: string) => {
  const res = await f.cases.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: bearer(tokens['zhang.zhibu']!) });
  expect(res.statusCode).toBe(200);
  return body<{ recordVerification: Verification }>(res).recordVerification;
};

async function withdraw(caseId: string): Promise<void> {
  const res = await f.cases.inject({ method: 'POST', url: `/api/cases/${caseId}/withdraw`, headers: bearer(tokens['zhang.zhibu']!), payload: { comment: '撤回' } });
  expect(res.statusCode).toBe(200);
}

/** A database administrator behind the triggers (the owner here is a superuser). */
type Query = <T = unknown>(sql: string, ...params: unknown[]) => Promise<T[]>;
async function asAdministrator(run: (query: Query) => Promise<unknown>): Promise<void> {
  const owner = createDb(inject('databaseUrl'), { max: 1 });
  try {
    await owner.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL session_replication_role = replica');
      await run((sql, ...params) => tx.$queryRawUnsafe(sql, ...params));
    });
  } finally {
    await owner.$disconnect();
  }
}

describe('the record over HTTP', () => {
  it('an event whose data holds awkward numbers and unicode verifies over HTTP, and reads back as written', async () => {
    const { caseId } = await openCase();
    // Written as the activities write (appendCaseEvent, as the application role); the report came
    // through a comment's form, which hand-over validation now refuses, but any form or data may carry them.
    await f.db.$transaction((tx) => appendCaseEvent(tx, { caseId, idemKey: `awkward:${randomUUID()}`, type: 'task.comment', actorName: '李晓梅', data: { comment: '数字', form: AWKWARD_FORM }, at: new Date() }));
    const v = await verification(caseId);
    expect(v).toMatchObject({ valid: true, anchored: 0 });
    expect(v.events).toBeGreaterThanOrEqual(3);
    const res = await f.cases.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: bearer(tokens['zhang.zhibu']!) });
    const shown = body<{ record: Array<{ type: string; data: { form?: unknown } }> }>(res).record.find((e) => e.type === 'task.comment');
    expect(shown?.data.form).toEqual(AWKWARD_FORM);
    expect(res.body).toContain('0.30000000000000004');
  });

  it('closing a case anchors its chain; a rewrite with recomputed hashes is then reported as tampered', async () => {
    const { caseId } = await openCase();
    await withdraw(caseId);
    const closed = await vi.waitFor(async () => {
      const v = await verification(caseId);
      expect(v.anchored).toBe(v.events);
      return v;
    });
    expect(closed.valid).toBe(true);
    // Even holding the record key, rewriting the first event and every following hash is caught by the anchor.
    const key = recordKey(process.env.RECORD_KEY!);
    const rows = await storedEvents(f.db, caseId);
    await asAdministrator(async (q) => {
      let prev = GENESIS_HASH;
      for (const row of rows) {
        const title = row.seq === 1 ? JSON.stringify({ ...JSON.parse(row.data), title: '篡改' }) : row.data;
        const [{ text }] = (await q<{ text: string }>('SELECT $1::jsonb::text AS text', title)) as [{ text: string }];
        const hash = eventHash(key, { caseId, seq: row.seq, type: row.type, actorId: row.actor_id, actorName: row.actor_name, orgId: row.org_id, taskId: row.task_id, dataText: text, at: new Date(row.at), prevHash: prev });
        await q('UPDATE case_event SET data = $1::jsonb, prev_hash = $2, hash = $3 WHERE case_id = $4::uuid AND seq = $5', text, prev, hash, caseId, row.seq);
        prev = hash;
      }
    });
    expect(await verification(caseId)).toEqual({ valid: false, events: closed.events, anchored: closed.events, problem: 'tampered', brokenAtSeq: closed.events });
  });

  it('an audit administrator audits the cases of their scope: ok, tampered at event N, truncated', async () => {
    const ok = await openCase();
    const tampered = await openCase();
    const truncated = await openCase();
    for (const c of [ok, tampered, truncated]) await withdraw(c.caseId);
    await vi.waitFor(async () => {
      for (const c of [ok, tampered, truncated]) {
        const v = await verification(c.caseId);
        expect(v.anchored).toBe(v.events);
      }
    });
    const events = (await verification(truncated.caseId)).events;
    await asAdministrator(async (q) => {
      await q(`UPDATE case_event SET data = '{"forged": true}' WHERE case_id = $1::uuid AND seq = 2`, tampered.caseId);
      await q('DELETE FROM case_event WHERE case_id = $1::uuid AND seq = $2', truncated.caseId, events);
    });

    const audit = async (user: string, query = '') => f.cases.inject({ method: 'GET', url: `/api/admin/record-audit?limit=1000${query}`, headers: bearer(tokens[user]!) });
    const res = await audit('dongshan.auditor', '&orgId=town-a1');
    expect(res.statusCode).toBe(200);
    const report = body<Audit>(res);
    const of = (id: string) => report.cases.find((c) => c.caseId === id);
    expect(of(ok.caseId)).toMatchObject({ status: 'ok' });
    expect(of(tampered.caseId)).toMatchObject({ status: 'tampered', brokenAtSeq: 2 });
    expect(of(truncated.caseId)).toEqual({ caseId: truncated.caseId, status: 'truncated', events: events - 1, anchored: events, brokenAtSeq: events });
    expect(report.summary.tampered).toBeGreaterThanOrEqual(1);

    // Paging: `next` continues after the last case of the page.
    const page = body<Audit & { next: string | null }>(await f.cases.inject({ method: 'GET', url: '/api/admin/record-audit?limit=1', headers: bearer(tokens.auditor!) }));
    expect(page.cases).toHaveLength(1);
    expect(page.next).toBe(page.cases[0]!.caseId);

    // Only audit administrators (三权分立: not the system administrator), and only within their scope.
    for (const user of ['li.zuzhi', 'admin']) {
      const notAuditor = await audit(user);
      expect(notAuditor.statusCode, user).toBe(403);
      expect(body(notAuditor)).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect((await audit('dongshan.auditor', '&orgId=county-b')).statusCode).toBe(403);
    expect((await f.cases.inject({ method: 'GET', url: '/api/admin/record-audit' })).statusCode).toBe(401);
    expect((await audit('auditor', '&extra=1')).statusCode).toBe(400);
  });
});
