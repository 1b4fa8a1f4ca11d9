/**
 * Filing an objection (异议), shared by the JSON API and the public HTML form: the same rate limit
 * (one bucket per client address in PostgreSQL, whichever way the person files), the same storage
 * under a lock on the notice, the same signal to the case.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import { objectionPhoneColumns, type Db } from '@dj/db';
import { maskIdentifier } from '@dj/logging';
import { httpError, takeFixedWindow, throttleKey, type ThrottleDecision } from '@dj/service-kit';
import { objectionFiledSignal } from '@dj/process-api';
import { clientKeyOf, receiptNumber, type ObjectionInput } from './objection-rules';

/** Objections per client address and window: a person with a real concern files one or two. */
export const OBJECTION_RATE_LIMIT = { max: 5, timeWindowMs: 10 * 60_000 };
/** The objection is stored before the signal; a slow Temporal does not hold the citizen's answer longer. */
const SIGNAL_TIMEOUT_MS = 5_000;

export const isActive = (n: { status: string; startsAt: Date; endsAt: Date }, now: Date) => n.status === 'active' && n.startsAt <= now && now <= n.endsAt;

/** Counts one objection request (valid or not) of this client address against the shared limit. */
export function takeObjectionQuota(db: Db, secret: string, address: string): Promise<ThrottleDecision> {
  return takeFixedWindow(db, throttleKey(secret, 'objection', address), { max: OBJECTION_RATE_LIMIT.max, windowMs: OBJECTION_RATE_LIMIT.timeWindowMs });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  promise.catch(() => {}); // a late failure after the timeout is already reported
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export type FileObjectionDeps = { db: Db; temporal: Client; jwtSecret: string; log: FastifyBaseLogger };

/**
 * Stores a valid objection (committed before anything else happens) and signals the case. Throws
 * NOT_FOUND for an unknown notice and NOTICE_NOT_ACTIVE outside its period; nothing is stored then.
 */
export async function fileObjection(deps: FileObjectionDeps, input: ObjectionInput & { noticeId: string; clientAddress: string }): Promise<{ receiptNo: string; objectionId: string }> {
  const { db, temporal, log } = deps;
  const { noticeId, name, phone, content } = input;
  const clientKey = clientKeyOf(input.clientAddress, deps.jwtSecret);

  // The notice row is share-locked, so a notice closing at this moment either sees this objection or refuses it.
  const stored = await db.$transaction(async (t) => {
    const [notice] = await t.$queryRaw<{ status: string; starts_at: Date; ends_at: Date; case_id: string | null }[]>`
      SELECT status, starts_at, ends_at, case_id FROM notice WHERE id = ${noticeId}::uuid FOR SHARE`;
    if (!notice) throw httpError('NOT_FOUND');
    const now = new Date();
    if (!isActive({ status: notice.status, startsAt: notice.starts_at, endsAt: notice.ends_at }, now)) throw httpError('NOTICE_NOT_ACTIVE');
    const id = randomUUID();
    const phoneStored = objectionPhoneColumns(id, phone);
    for (let attempt = 0; attempt < 5; attempt++) {
      const receiptNo = receiptNumber(now);
      const { count } = await t.objection.createMany({
        // The phone only encrypted, with its keyed hash for the status lookup (personal-data.ts).
        data: [{ id, receiptNo, noticeId, name, ...phoneStored, content, clientKey, status: 'pending', createdAt: now }],
        skipDuplicates: true, // a receipt number already taken: draw another
      });
      if (count === 1) return { id, receiptNo, caseId: notice.case_id };
    }
    throw new Error('no free receipt number after 5 draws');
  });
  log.info({ event: 'objection.received', objectionId: stored.id, noticeId, receiptNo: stored.receiptNo, phoneMasked: maskIdentifier(phone) }, 'objection received');

  // The case opens a 核实 task for it. If the signal is lost, the objection is still stored and the
  // workflow picks it up through pendingObjections when the notice ends.
  if (stored.caseId) {
    try {
      const c = await db.case.findUnique({ where: { id: stored.caseId }, select: { workflowId: true } });
      if (!c) throw new Error('case not found');
      await withTimeout(temporal.workflow.getHandle(c.workflowId).signal(objectionFiledSignal, { objectionId: stored.id, noticeId }), SIGNAL_TIMEOUT_MS);
    } catch (error) {
      log.warn({ event: 'objection.signal_failed', objectionId: stored.id, noticeId, caseId: stored.caseId, reason: (error as Error).message }, 'objection stored but the case was not signalled');
    }
  }
  return { receiptNo: stored.receiptNo, objectionId: stored.id };
}
