/**
 * The facts a step decides on (issue 16 point 1): what the case was opened with, every earlier step's
 * submitted form with who submitted it, the findings the process recorded by its rules (negative-list
 * screening, counted votes, send-backs) and, on a 核实 task, the objection itself. The task itself is
 * already authorized (loadVisibleTask); the objection's text and the objector's name and phone are
 * personal data of a member of the public and are selected only when the asking user holds a slot of
 * that very task, decided inside the query.
 */
import { objectionPhoneContext, personalData, type Db } from '@dj/db';
import { assigneeHeldBy, caseFacts, type AuthUser, type ObjectionFacts } from '@dj/service-kit';
import type { LoadedTask } from './task-detail';

/** The case's facts and, on a 核实 task, the objection (for its holders only). */
export async function taskFacts(db: Db, user: AuthUser, task: LoadedTask) {
  return { ...(await caseFacts(db, task.case)), objection: await objectionFor(db, user, task.id) };
}

/** The objection a 核实 task verifies, only for a user holding a slot of that task (else null). */
async function objectionFor(db: Db, user: AuthUser, taskId: string): Promise<ObjectionFacts | null> {
  const [row] = await db.$queryRaw<{ id: string; receiptNo: string; name: string; phoneCipher: string | null; content: string; noticeTitle: string; createdAt: Date; status: string }[]>`
    SELECT o.id, o.receipt_no AS "receiptNo", o.name, o.phone_cipher AS "phoneCipher", o.content, n.title AS "noticeTitle", o.created_at AS "createdAt", o.status
    FROM objection o JOIN notice n ON n.id = o.notice_id JOIN task t ON t.subject_type = 'objection' AND t.subject_id = o.id::text
    WHERE t.id = ${taskId}::uuid
      AND EXISTS (SELECT 1 FROM task_assignee a WHERE a.task_id = t.id AND ${assigneeHeldBy(user)})`;
  if (!row) return null;
  const { id, phoneCipher, ...facts } = row;
  // The officials verifying the objection call the objector: the phone in full, decrypted here (personal-data.ts).
  return { ...facts, phone: phoneCipher ? personalData().decrypt(phoneCipher, objectionPhoneContext(id)) : '', createdAt: row.createdAt.toISOString() };
}
