// Activity error classification on real errors of the test database: data exceptions (22xxx),
// integrity violations (23xxx) and requests Prisma cannot form are non-retryable DATA_ERRORs;
// an unreachable database and other failures stay retryable.
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDb, type Db } from '@dj/db';
import { seedDemo } from '@dj/db/seed-demo';
import { DATA_ERROR, classifyActivityError, classifyActivityErrors } from '../src/activities/classify-errors';

let db: Db;
beforeAll(async () => {
  db = createDb(inject('databaseUrl'), { max: 2 });
  await seedDemo(db);
});
afterAll(async () => {
  await db?.$disconnect();
});

/** The error a real database call throws. */
async function errorOf(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

function expectDataError(classified: unknown, sqlState?: string): ApplicationFailure {
  expect(classified).toBeInstanceOf(ApplicationFailure);
  const failure = classified as ApplicationFailure;
  expect(failure.type).toBe(DATA_ERROR);
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toContain('recordTaskAction: the data cannot be stored');
  if (sqlState) expect(failure.message).toContain(`SQLSTATE ${sqlState}`);
  return failure;
}

describe('classifyActivityError', () => {
  it('NUL in a text column (22021), also inside an interactive transaction', async () => {
    const org = await db.orgUnit.findUniqueOrThrow({ where: { id: 'branch-a1-1' } });
    const plain = await errorOf(() => db.orgUnit.update({ where: { id: org.id }, data: { name: `东湖村\u0000第一党支部` } }));
    expectDataError(classifyActivityError(plain, 'recordTaskAction'), '22021');
    const inTx = await errorOf(() => db.$transaction(async (t) => t.orgUnit.update({ where: { id: org.id }, data: { name: `东湖村\u0000` } })));
    expectDataError(classifyActivityError(inTx, 'recordTaskAction'), '22021');
    const raw = await errorOf(() => db.$queryRaw`SELECT ${'a\u0000'}::text`);
    expectDataError(classifyActivityError(raw, 'recordTaskAction'), '22021');
    expect((await db.orgUnit.findUniqueOrThrow({ where: { id: org.id } })).name).toBe(org.name);
  });

  it('NUL in jsonb (22P05), a bad uuid (22P02)', async () => {
    const jsonb = await errorOf(() => db.policy.update({ where: { key: 'escalation.default' }, data: { value: { comment: 'a\u0000b' } } }));
    expectDataError(classifyActivityError(jsonb, 'recordTaskAction'), '22P05');
    const uuid = await errorOf(() => db.$queryRaw`SELECT ${'not-a-uuid'}::uuid`);
    expectDataError(classifyActivityError(uuid, 'recordTaskAction'), '22P02');
  });

  it('a lone surrogate Prisma cannot send, and a query Prisma refuses to form', async () => {
    const lone = await errorOf(() => db.orgUnit.update({ where: { id: 'branch-a1-1' }, data: { name: '东湖村\ud800' } }));
    expectDataError(classifyActivityError(lone, 'recordTaskAction'));
    const invalid = await errorOf(() => db.orgUnit.update({ where: { id: 'branch-a1-1' }, data: { name: 42 as unknown as string } }));
    expect((invalid as Error).name).toBe('PrismaClientValidationError');
    expectDataError(classifyActivityError(invalid, 'recordTaskAction'));
  });

  it('a duplicate key (23505) and a missing foreign key (23503)', async () => {
    const year = await db.calendarYear.findFirstOrThrow();
    const duplicate = await errorOf(() => db.calendarYear.create({ data: { year: year.year, source: 'test' } }));
    expect((duplicate as { code?: string }).code).toBe('P2002');
    expectDataError(classifyActivityError(duplicate, 'recordTaskAction'), '23505');
    const user = await db.user.findUniqueOrThrow({ where: { username: 'zhang.zhibu' } });
    const fk = await errorOf(() => db.membership.create({ data: { userId: user.id, orgId: 'no-such-org', role: 'branch_secretary' } }));
    expectDataError(classifyActivityError(fk, 'recordTaskAction'), '23503');
  });

  it('leaves retryable what may succeed later: connection refused, a record not found yet, any other error', async () => {
    const nowhere = createDb('postgresql://postgres@127.0.0.1:1/nowhere', { max: 1 });
    try {
      const refused = await errorOf(() => nowhere.orgUnit.findFirst());
      expect(classifyActivityError(refused, 'openTask')).toBe(refused);
    } finally {
      await nowhere.$disconnect();
    }
    const missing = await errorOf(() => db.orgUnit.findUniqueOrThrow({ where: { id: 'no-such-org' } }));
    expect(classifyActivityError(missing, 'openTask')).toBe(missing);
    const other = new Error('socket hang up');
    expect(classifyActivityError(other, 'openTask')).toBe(other);
    const own = ApplicationFailure.nonRetryable('refused', 'FORBIDDEN');
    expect(classifyActivityError(own, 'openTask')).toBe(own);
  });
});

describe('classifyActivityErrors', () => {
  it('wraps every activity: data errors become non-retryable, results and other errors pass through', async () => {
    const activities = classifyActivityErrors({
      recordTaskAction: async (name: string) => db.orgUnit.update({ where: { id: 'branch-a1-1' }, data: { name } }),
      answer: async (n: number) => n + 1,
      flaky: async () => {
        throw new Error('connection reset');
      },
    });
    const failure = await errorOf(() => activities.recordTaskAction('a\u0000b'));
    expectDataError(failure, '22021');
    expect(await activities.answer(41)).toBe(42);
    await expect(activities.flaky()).rejects.toThrow('connection reset');
    await expect(activities.flaky()).rejects.not.toBeInstanceOf(ApplicationFailure);
  });
});
