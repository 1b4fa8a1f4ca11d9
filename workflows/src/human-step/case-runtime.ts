/**
 * The human-step primitive: a durable, escalating wait for a person's decision, shared by every
 * case workflow. A process calls `runtime.humanStep(...)` wherever a person must act and gets back
 * the validated decision; tasks, reminders, 督办 escalation, the inbox projection and the record are
 * handled here once for all processes.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  currentUpdateInfo,
  proxyActivities,
  setHandler,
  uuid4,
} from '@temporalio/workflow';
import type { ActionResult, AssigneeRef, CaseSnapshot, TaskAction, TaskSummary } from '@dj/contracts';
import { caseActionUpdate, settledUpdate, snapshotQuery, taskActionUpdate } from '../messages';
import type { CaseActivities, OpenCaseInput, Person, Rung } from './activity-types';
import {
  ActionRejected,
  applyTaskAction,
  validateTaskAction,
  type Decision,
  type Slot,
  type TaskState,
} from './task-state';

const activities = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export type HumanStepSpec = {
  /** Stable id of the step within the process. */
  key: string;
  title: string;
  /** The organization responsible for the step (escalation climbs from here). */
  orgId: string;
  assignees: AssigneeRef[];
  /** all = 会签 (every assignee approves), any = 或签 (one is enough). Default any. */
  mode?: 'all' | 'any';
  form?: string;
  actions: TaskAction[];
  /** Step-duration policy key, e.g. "request-report.township-review". */
  policy: string;
};

export type CaseStatus = CaseSnapshot['status'];

/** Thrown out of humanStep when the initiator withdraws (撤回) the case; runCase turns it into the end of the case. */
class CaseWithdrawn extends Error {
  constructor(readonly by: Person, readonly comment: string | undefined) {
    super('case withdrawn');
    this.name = 'CaseWithdrawn';
  }
}

function rejectAs(e: unknown): never {
  if (e instanceof ActionRejected) throw ApplicationFailure.create({ type: e.code, message: e.message, nonRetryable: true });
  throw e;
}

export type CaseRuntimeInit = { caseId: string; initiator: Person; stage: string };

export class CaseRuntime {
  private readonly tasks = new Map<string, TaskState>();
  private readonly rounds = new Map<string, number>();
  private status: CaseStatus = 'open';
  private stage: string;
  /** Bumped whenever the workflow reaches a stable point; update handlers wait for it to report the new state. */
  private settledVersion = 0;
  private anyoneActed = false;
  private withdrawal: CaseWithdrawn | undefined;

  constructor(private readonly init: CaseRuntimeInit) {
    this.stage = init.stage;
    setHandler(snapshotQuery, () => this.snapshot());
    setHandler(settledUpdate, async () => {
      await condition(() => this.settledVersion > 0);
      return this.snapshot();
    });
    setHandler(taskActionUpdate, (req) => this.handleTaskAction(req), {
      validator: (req) => {
        try {
          validateTaskAction(this.tasks.get(req.taskId), req, {
            initiatorId: this.init.initiator.userId,
            supervisionTasksOf: (id) => this.supervisionTasksOf(id),
          });
        } catch (e) {
          rejectAs(e);
        }
      },
    });
    setHandler(caseActionUpdate, (req) => this.handleWithdraw(req.actor, req.comment), {
      validator: (req) => {
        if (req.action !== 'withdraw') throw ApplicationFailure.create({ type: 'ACTION_NOT_ALLOWED', nonRetryable: true });
        if (this.status !== 'open' || this.withdrawal) throw ApplicationFailure.create({ type: 'CASE_NOT_OPEN', nonRetryable: true });
        if (req.actor.userId !== this.init.initiator.userId) throw ApplicationFailure.create({ type: 'FORBIDDEN', nonRetryable: true });
        if (this.anyoneActed) throw ApplicationFailure.create({ type: 'WITHDRAW_TOO_LATE', nonRetryable: true });
      },
    });
  }

  get caseId(): string {
    return this.init.caseId;
  }

  snapshot(): CaseSnapshot {
    return {
      caseId: this.init.caseId,
      status: this.status,
      stage: this.stage,
      openTasks: [...this.tasks.values()].filter((t) => t.status === 'open').map(summaryOf),
    };
  }

  /** Writes the case projection and the first record event; call first. */
  async open(input: Omit<OpenCaseInput, 'caseId' | 'stage' | 'initiator'>): Promise<void> {
    await activities.openCase({ ...input, caseId: this.caseId, stage: this.stage, initiator: this.init.initiator });
  }

  async setStage(stage: string): Promise<void> {
    if (stage === this.stage) return;
    this.stage = stage;
    await activities.updateCase({ caseId: this.caseId, idemKey: `stage:${stage}:${uuid4()}`, eventType: 'case.stage', stage, data: { stage } });
  }

  /** Opens a task, waits for its decision while reminding and escalating, closes it and returns the decision. */
  async humanStep(spec: HumanStepSpec): Promise<Decision> {
    const round = (this.rounds.get(spec.key) ?? 0) + 1;
    this.rounds.set(spec.key, round);
    const task: TaskState = {
      id: uuid4(),
      kind: 'step',
      stepKey: spec.key,
      round,
      title: spec.title,
      orgId: spec.orgId,
      mode: spec.mode ?? 'any',
      formId: spec.form,
      actions: spec.actions,
      slots: spec.assignees.map((a) => ({ id: uuid4(), status: 'pending', ...a })),
      status: 'open',
    };
    const opened = await activities.openTask({
      caseId: this.caseId,
      taskId: task.id,
      stepKey: task.stepKey,
      round,
      title: task.title,
      orgId: task.orgId,
      mode: task.mode,
      formId: task.formId,
      actions: task.actions,
      slots: task.slots,
      policyKey: spec.policy,
    });
    this.tasks.set(task.id, task);
    this.settle();

    type Rung0 = { at: number; fire: () => Promise<void> };
    const timers: Rung0[] = [
      { at: opened.remindAt, fire: () => activities.remindTask({ caseId: this.caseId, taskId: task.id }) },
      ...opened.rungs.map((rung, i) => ({ at: rung.at, fire: () => this.escalate(task, i + 1, rung, opened.rungs[i + 1]?.at ?? rung.at) })),
    ].sort((a, b) => a.at - b.at);

    const decidedOrWithdrawn = () => task.decision !== undefined || this.withdrawal !== undefined;
    for (const timer of timers) {
      const wait = timer.at - Date.now();
      if (wait > 0 && (await condition(decidedOrWithdrawn, wait))) break;
      if (decidedOrWithdrawn()) break;
      await timer.fire();
    }
    await condition(decidedOrWithdrawn);
    if (this.withdrawal) throw this.withdrawal;

    const decision = task.decision!;
    await activities.closeTask({ caseId: this.caseId, taskId: task.id, status: 'completed', outcome: decision.outcome, closedBy: decision.actor });
    this.closeInState(task);
    return decision;
  }

  /** Replaces the case's submitted input (a revised request), recorded. */
  async resubmit(form: Record<string, unknown> & { title?: string }, actor: Person): Promise<void> {
    await activities.updateCase({ caseId: this.caseId, idemKey: `resubmit:${uuid4()}`, eventType: 'case.resubmitted', title: form.title, input: form, actor, data: {} });
  }

  /** Ends the case: records the final status, reports the final state to waiting callers. */
  async finish(status: Exclude<CaseStatus, 'open'>, result: Record<string, unknown>, actor?: Person): Promise<CaseSnapshot> {
    await activities.updateCase({ caseId: this.caseId, idemKey: 'case.closed', eventType: 'case.closed', status, stage: 'closed', result, actor, data: { status, result } });
    this.status = status;
    this.stage = 'closed';
    this.settle();
    await condition(allHandlersFinished);
    return this.snapshot();
  }

  /** Runs a process body, turning a withdrawal (撤回) into the end of the case. */
  async run(body: () => Promise<{ status: Exclude<CaseStatus, 'open'>; result: Record<string, unknown>; actor?: Person }>): Promise<CaseSnapshot> {
    try {
      const outcome = await body();
      return await this.finish(outcome.status, outcome.result, outcome.actor);
    } catch (e) {
      if (!(e instanceof CaseWithdrawn)) throw e;
      for (const t of this.tasks.values()) {
        if (t.status === 'closed') continue;
        await activities.closeTask({ caseId: this.caseId, taskId: t.id, status: 'cancelled', outcome: 'withdrawn', closedBy: e.by });
        this.closeInState(t);
      }
      return await this.finish('withdrawn', { comment: e.comment ?? null }, e.by);
    }
  }

  private settle(): void {
    this.settledVersion += 1;
  }

  private supervisionTasksOf(taskId: string): TaskState[] {
    return [...this.tasks.values()].filter((t) => t.supervisesTaskId === taskId);
  }

  private closeInState(task: TaskState): void {
    task.status = 'closed';
    for (const s of this.supervisionTasksOf(task.id)) s.status = 'closed';
  }

  private async escalate(task: TaskState, level: number, rung: Rung, nextAt: number): Promise<void> {
    const supervision: TaskState = {
      id: uuid4(),
      kind: 'supervision',
      stepKey: task.stepKey,
      round: task.round,
      title: `督办：${task.title}`,
      orgId: rung.orgId,
      mode: 'any',
      actions: ['urge', 'comment'],
      slots: [{ id: uuid4(), orgId: rung.orgId, role: rung.role, status: 'pending' }],
      status: 'open',
      supervisesTaskId: task.id,
    };
    await activities.escalateTask({
      caseId: this.caseId,
      taskId: task.id,
      level,
      supervisionTaskId: supervision.id,
      supervisor: rung,
      supervisionDueAt: nextAt,
    });
    if (task.status === 'open') this.tasks.set(supervision.id, supervision);
  }

  private async handleTaskAction(req: Parameters<typeof validateTaskAction>[1]): Promise<ActionResult> {
    const task = this.tasks.get(req.taskId)!;
    const effect = applyTaskAction(task, req, () => uuid4());
    if (req.actor.userId !== this.init.initiator.userId) this.anyoneActed = true;
    const versionBefore = this.settledVersion;
    const actor = { userId: req.actor.userId, name: req.actor.name };
    await activities.recordTaskAction({
      caseId: this.caseId,
      taskId: effect.targetTaskId,
      idemKey: `update:${currentUpdateInfo()?.id ?? uuid4()}`,
      action: req.action,
      actor,
      comment: req.comment,
      form: req.form,
      changedSlots: effect.changedSlots,
      newSlots: effect.newSlots,
      copies: effect.copies,
      data: req.to ? { to: req.to, viaTaskId: effect.targetTaskId !== task.id ? task.id : undefined } : undefined,
    });
    if (effect.decided) {
      task.decision = { outcome: effect.decided, form: req.form, comment: req.comment, actor };
      await condition(() => this.settledVersion > versionBefore);
    }
    return { task: summaryOf(task), case: this.snapshot() };
  }

  private async handleWithdraw(actor: Person, comment: string | undefined): Promise<CaseSnapshot> {
    const versionBefore = this.settledVersion;
    this.withdrawal = new CaseWithdrawn({ userId: actor.userId, name: actor.name }, comment);
    await condition(() => this.settledVersion > versionBefore);
    return this.snapshot();
  }
}

function summaryOf(t: TaskState): TaskSummary {
  return {
    id: t.id,
    stepKey: t.stepKey,
    title: t.title,
    kind: t.kind,
    status: t.status === 'closing' ? 'closed' : t.status,
    outcome: t.decision?.outcome,
  };
}

export type { Decision, Slot };
