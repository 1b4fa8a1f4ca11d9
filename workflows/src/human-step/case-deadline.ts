/**
 * A case-level deadline watched apart from the steps (e.g. 书记选配's 3 months, 000 rural §4): a warning
 * at `warnMonths`, and at `months` the case is marked overdue and `supervisor` gets a 督办 task; the
 * process goes on either way.
 */
import { condition, uuid4 } from '@temporalio/workflow';
import type { TaskState } from '@dj/domain';
import type { CaseDeadlineActivities, OrgRole } from './activity-types';
import { caseActivities } from './projection-tracking';

const deadlineActivities = caseActivities<CaseDeadlineActivities>();

export type CaseDeadlineSpec = { months: number; warnMonths: number; warn: OrgRole[]; supervisor: OrgRole; title: string };

/** What the watch needs of the case: its id, whether it is still open, and where its 督办 task is kept. */
export type WatchedCase = { caseId: string; isOpen(): boolean; addTask(task: TaskState): void };

export async function watchCaseDeadline(c: WatchedCase, spec: CaseDeadlineSpec): Promise<void> {
  const openUntil = async (at: number) => {
    const wait = at - Date.now();
    if (wait > 0) await condition(() => !c.isOpen(), wait);
    return c.isOpen();
  };
  const { warnAt, deadlineAt } = await deadlineActivities.setCaseDeadline({ caseId: c.caseId, months: spec.months, warnMonths: spec.warnMonths });
  if (!(await openUntil(warnAt))) return;
  await deadlineActivities.warnCaseDeadline({ caseId: c.caseId, recipients: spec.warn, deadlineAt });
  if (!(await openUntil(deadlineAt))) return;
  const supervision: TaskState = {
    id: uuid4(),
    kind: 'supervision',
    stepKey: 'case-deadline',
    round: 1,
    title: spec.title,
    orgId: spec.supervisor.orgId,
    mode: 'any',
    actions: ['urge', 'comment'],
    slots: [{ id: uuid4(), orgId: spec.supervisor.orgId, role: spec.supervisor.role, status: 'pending' }],
    status: 'open',
  };
  await deadlineActivities.caseDeadlinePassed({ caseId: c.caseId, supervisionTaskId: supervision.id, supervisor: spec.supervisor, title: spec.title });
  if (c.isOpen()) c.addTask(supervision);
}
