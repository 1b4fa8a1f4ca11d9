import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appendCaseEvent, createDb, recordSettings, verifyCaseRecord, type Db } from '@dj/db';
import { createLogger } from '@dj/logging';
import { startRecordAnchoring } from '../src/record-anchoring';

let db: Db;
beforeAll(async () => {
  db = createDb(inject('appDatabaseUrl'), { max: 2 });
  await db.orgUnit.upsert({ where: { id: 'record-test-org' }, create: { id: 'record-test-org', name: 'T', type: 'branch', path: '/record-test-org/', depth: 0 }, update: {} });
});
afterAll(async () => {
  await db?.$disconnect();
});

async function caseWithEvents(n: number): Promise<string> {
  const caseId = randomUUID();
  await db.case.create({ data: { id: caseId, type: 't', workflowId: `t:${caseId}`, orgId: 'record-test-org', orgPath: '/record-test-org/', title: 't', status: 'open', stage: 's', initiatorId: randomUUID(), input: {}, openedAt: new Date() } });
  for (let i = 0; i < n; i++) await db.$transaction((tx) => appendCaseEvent(tx, { caseId, idemKey: `e${i}`, type: 'test.event', data: { i }, at: new Date() }));
  return caseId;
}

describe("the worker's periodic anchoring", () => {
  it('anchors every grown chain at start and again at each interval', async () => {
    const first = await caseWithEvents(2);
    const anchoring = startRecordAnchoring({ db, log: createLogger('test', 'silent'), intervalSeconds: 1 });
    try {
      await expect.poll(async () => (await verifyCaseRecord(db, first)).anchored, { timeout: 10_000 }).toBe(2);
      await db.$transaction((tx) => appendCaseEvent(tx, { caseId: first, idemKey: 'later', type: 'test.event', data: {}, at: new Date() }));
      const second = await caseWithEvents(1);
      await expect.poll(async () => [(await verifyCaseRecord(db, first)).anchored, (await verifyCaseRecord(db, second)).anchored], { timeout: 10_000 }).toEqual([3, 1]);
      const lines = readFileSync(recordSettings().anchors!.file, 'utf8').split('\n').filter((l) => l.includes(first));
      expect(lines.map((l) => (JSON.parse(l) as { events: number }).events)).toEqual([2, 3]);
    } finally {
      anchoring.stop();
    }
  });
});
