/** How a step or a case ends other than by a decision, and how refusals leave the workflow. */
import { ApplicationFailure } from '@temporalio/workflow';
import { ActionRejected } from '@dj/domain';
import type { Person } from './activity-types';

/** Thrown out of humanStep when the case is ended early (撤回 by the initiator, or cancelled); run() turns it into the end of the case. */
export class CaseEnded extends Error {
  constructor(
    readonly status: 'withdrawn' | 'cancelled',
    readonly by: Person,
    readonly comment: string | undefined,
  ) {
    super(`case ${status}`);
    this.name = 'CaseEnded';
  }
}

/** Thrown out of humanStep when the process cancelled that step (e.g. the case went back). */
export class StepCancelled extends Error {
  constructor(readonly taskId: string) {
    super('step cancelled');
    this.name = 'StepCancelled';
  }
}

/** Refuses an Update or a case action with a code the services turn into a 4xx. */
export function refuse(code: string, message?: string): never {
  throw ApplicationFailure.create({ type: code, message: message ?? code, nonRetryable: true });
}

/** A domain rule's refusal (ActionRejected) as the refusal of the Update; anything else is rethrown. */
export function rejectAs(e: unknown): never {
  if (e instanceof ActionRejected) throw ApplicationFailure.create({ type: e.code, message: e.message, nonRetryable: true });
  throw e;
}

/** The classified failure (e.g. DATA_ERROR) inside an activity's failure, if any. */
export function classifiedCause(e: unknown): { type: string; message: string } | undefined {
  for (let c: unknown = e; c instanceof Error; c = c.cause) {
    const type = (c as { type?: unknown }).type;
    if (typeof type === 'string' && type) return { type, message: c.message };
  }
  return undefined;
}
