/**
 * The human-step primitive: a durable, escalating wait for a person's decision, shared by every
 * case workflow. A process calls `runtime.humanStep(...)` wherever a person must act and gets back
 * the validated decision; tasks, reminders, 督办 escalation, the inbox projection and the record are
 * handled here once for all processes.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  patched,
  currentUpdateInfo,
  proxyLocalActivities,
  setHandler,
  uuid4,
} from '@temporalio/workflow';
import type { ActionResult, AssigneeRef, CaseActionRequest, CaseSnapshot, MeetingRecord, TaskAction, TaskSummary } from '@dj/contracts';
import { calendarPublishedSignal, caseActionUpdate, snapshotQuery, stableStateUpdate, taskActionUpdate } from '@dj/process-api';
import type { CaseActivities, OpenCaseInput, Person, Rung } from './activity-types';
import { applyTaskAction, validateTaskAction, meetingEventData, type Decision, type ElectionThresholds, type Slot, type TaskState } from '@dj/domain';
import { caseActivities, nextPass, projectionsInFlight, tracked } from './projection-tracking';
import { CaseEnded, StepCancelled, classifiedCause, refuse, rejectAs } from './case-outcomes';
import { watchCaseDeadline, type CaseDeadlineSpec } from './case-deadline';
import { CalendarWatch, runStepTimers } from './step-timers';

export { activityOptions, caseActivities, tracked } from './projection-tracking';
export { StepCancelled, refuse } from './case-outcomes';

const activities = caseActivities<CaseActivities>();
/**
 * The action of a person is recorded by a local activity inside the Update, so the answer comes after
 * one database transaction. Bounded: a database that stays down fails the action (the caller may retry)
 * instead of holding it.
 */
const actionRecorder = tracked(
  proxyLocalActivities<Pick<CaseActivities, 'recordTaskAction'>>({
    startToCloseTimeout: '20 seconds',
    scheduleToCloseTimeout: '60 seconds',
    retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 8 },
  }),
);

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
  /** What the task is about when it is not the case itself, e.g. { type: 'objection', id }. */
  subject?: { type: string; id: string };
  /** Checks of the submitted form beyond its schema; returns error messages. */
  checkForm?: (form: Record<string, unknown>) => string[];
  /** A meeting step that is an election: the thresholds of 《中国共产党基层组织选举工作条例》 (the policy secretary.election). */
  election?: ElectionThresholds;
  /** A time limit in calendar months fixed by the process (e.g. a 6–12-month probation extension), instead of the policy's. */
  durationMonths?: number;
  /** A due date fixed by a person (epoch ms) instead of the policy's duration; reminders and 督办 follow it. */
  dueAt?: number;
};

export type CaseStatus = CaseSnapshot['status'];

/** A case-level action a process offers (besides 撤回): who may, and what it does. */
export type CaseActionDefinition = {
  /** Throws an ApplicationFailure (via `refuse`) when the actor may not. */
  validate(req: CaseActionRequest): void;
  handle(req: CaseActionRequest): Promise<void>;
};

export type CaseRuntimeInit = { caseId: string; initiator: Person; stage: string };

export class CaseRuntime {
  private readonly tasks = new Map<string, TaskState>();
  private readonly rounds = new Map<string, number>();
  private status: CaseStatus = 'open';
  private stage: string;
  /** A stage set by the process and not yet in the projection; the next projection write carries it. */
  private stagePending = false;
  /** Set once open() has issued the case's first write: before it, nothing is there to read. */
  private opening = false;
  private anyoneActed = false;
  private ending: CaseEnded | undefined;
  private readonly caseActions = new Map<string, CaseActionDefinition>();
  private readonly cancelledSteps = new Set<string>();
  private readonly calendar = new CalendarWatch();

  constructor(private readonly init: CaseRuntimeInit) {
    this.stage = init.stage;
    setHandler(snapshotQuery, () => this.snapshot());
    // A calendar year was published: open steps with a provisional due date reschedule (step-timers.ts).
    setHandler(calendarPublishedSignal, () => this.calendar.published());
    // Whoever needs the state after the process moved on (the next step opened, the case closed) asks for it.
    setHandler(stableStateUpdate, async () => {
      await this.untilStable(() => !this.stagePending);
      return this.snapshot();
    });
    void this.writeStagesWhileWaiting();
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
    this.caseActions.set('withdraw', {
      validate: (req) => {
        if (req.actor.userId !== this.init.initiator.userId) refuse('FORBIDDEN');
        if (this.anyoneActed) refuse('WITHDRAW_TOO_LATE');
      },
      handle: (req) => this.endEarly('withdrawn', req),
    });
    setHandler(caseActionUpdate, (req) => this.handleCaseAction(req), {
      validator: (req) => {
        const def = this.caseActions.get(req.action);
        if (!def) refuse('ACTION_NOT_ALLOWED');
        if (this.status !== 'open' || this.ending) refuse('CASE_NOT_OPEN');
        def.validate(req);
      },
    });
  }

  /** Offers a case-level action (besides 撤回) through the caseAction Update. */
  registerCaseAction(name: string, def: CaseActionDefinition): void {
    this.caseActions.set(name, def);
  }

  /** Ends the case early (cancelled or withdrawn): every open step stops, run() records the end. */
  endEarly(status: 'withdrawn' | 'cancelled', req: CaseActionRequest): Promise<void> {
    this.ending = new CaseEnded(status, { userId: req.actor.userId, name: req.actor.name }, req.comment);
    return Promise.resolve();
  }

  /** Stops an open step of this case (its humanStep throws StepCancelled); the task is closed as cancelled. */
  cancelStep(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (task && task.status === 'open') this.cancelledSteps.add(taskId);
  }

  /** Ids of this case's open tasks of one step (e.g. every open 核实 task). */
  openTaskIds(stepKey: string): string[] {
    return [...this.tasks.values()].filter((t) => t.stepKey === stepKey && t.status === 'open' && t.kind === 'step').map((t) => t.id);
  }

  isOpen(): boolean {
    return this.status === 'open' && !this.ending;
  }

  /** Watches the case-level deadline (see case-deadline.ts); the process goes on either way. */
  watchDeadline(spec: CaseDeadlineSpec): void {
    void watchCaseDeadline({ caseId: this.caseId, isOpen: () => this.isOpen(), addTask: (t) => this.tasks.set(t.id, t) }, spec);
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
    const written = activities.openCase({ ...input, caseId: this.caseId, stage: this.stage, initiator: this.init.initiator });
    this.opening = true;
    await written;
  }

  /**
   * Moves the case to a stage (the runtime is the only writer of `case.stage`). The stage is written by
   * the next projection write of the runtime (usually the next step's openTask, in the same
   * transaction), or on its own when the process waits without writing anything.
   */
  setStage(stage: string): void {
    if (stage === this.stage) return;
    this.stage = stage;
    this.stagePending = true;
  }

  /** The stage to write with the next projection change, if one is pending. */
  private takeStage(): { stage: string } | Record<string, never> {
    if (!this.stagePending) return {};
    this.stagePending = false;
    return { stage: this.stage };
  }

  /**
   * Waits until no projection write is in flight and `also` holds, and still holds once every coroutine
   * woken in the same pass has run to its next wait (a step that just ended may be about to open the
   * next one). Condition predicates are evaluated eagerly too, e.g. when a handler is registered before
   * open(): nothing counts as stable before the case's first write.
   */
  private async untilStable(also: () => boolean): Promise<void> {
    const stable = () => this.opening && projectionsInFlight() === 0 && also();
    for (;;) {
      await condition(stable);
      await nextPass();
      if (stable()) return;
    }
  }

  private async writeStagesWhileWaiting(): Promise<void> {
    for (;;) {
      await this.untilStable(() => this.stagePending);
      const stage = this.takeStage();
      await activities.updateCase({ caseId: this.caseId, idemKey: `stage:${uuid4()}`, eventType: 'case.stage', ...stage, data: {} });
    }
  }

  /**
   * Waits without an open step until `at` — a step that may only be done from a date (a 6-monthly
   * evaluation, the 转正 assessment) opens then, so its due date and reminders count from that date.
   * Ends with the case (撤回, 终止).
   */
  async waitUntil(at: number): Promise<void> {
    const wait = at - Date.now();
    if (wait > 0) await condition(() => this.ending !== undefined, wait);
    if (this.ending) throw this.ending;
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
      checkForm: spec.checkForm,
      election: spec.election,
    };
    // Never abandoned half-way by a cancelled scope: the task row and this state agree.
    const opened = await CancellationScope.nonCancellable(() => activities.openTask({
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
      ...this.takeStage(),
      ...(spec.durationMonths !== undefined ? { months: spec.durationMonths } : {}),
      ...(spec.subject ? { subjectType: spec.subject.type, subjectId: spec.subject.id } : {}),
      ...(spec.dueAt !== undefined ? { dueAt: spec.dueAt } : {}),
    }));
    this.tasks.set(task.id, task);

    const decidedOrWithdrawn = () => task.decision !== undefined || this.ending !== undefined || this.cancelledSteps.has(task.id);
    try {
      await runStepTimers({
        opened,
        done: decidedOrWithdrawn,
        remind: () => activities.remindTask({ caseId: this.caseId, taskId: task.id }),
        escalate: (level, rung, nextAt) => this.escalate(task, level, rung, nextAt),
        watch: this.calendar,
        reschedule: () => activities.rescheduleTask({ caseId: this.caseId, taskId: task.id, idemKey: `task.rescheduled:${task.id}:${uuid4()}` }),
      });
      await condition(decidedOrWithdrawn);
    } catch (e) {
      // The process cancelled the scope this step runs in (a parallel branch failed): the task closes as cancelled.
      if (!isCancellation(e) || this.ending) throw e;
      if (task.decision === undefined) await CancellationScope.nonCancellable(() => activities.closeTask({ caseId: this.caseId, taskId: task.id, status: 'cancelled', outcome: 'cancelled' }));
      this.closeInState(task);
      throw e;
    }
    if (this.ending) throw this.ending;
    if (this.cancelledSteps.has(task.id) && task.decision === undefined) {
      await activities.closeTask({ caseId: this.caseId, taskId: task.id, status: 'cancelled', outcome: 'cancelled' });
      this.closeInState(task);
      throw new StepCancelled(task.id);
    }

    // The action's local activity closed the task in the same transaction as it recorded the decision.
    this.closeInState(task);
    return task.decision!;
  }

  /**
   * Steps side by side (党员推荐 beside 群团推优; each evaluation in each place): resolves with every
   * branch's result once all have ended. When one branch fails, the steps the others still have open are
   * cancelled (their tasks close as cancelled) and the failure is rethrown; when the case ends early,
   * every branch ends with it.
   */
  async inParallel<T>(branches: readonly (() => Promise<T>)[]): Promise<T[]> {
    const scopes = branches.map(() => new CancellationScope());
    const runs = branches.map((branch, i) => scopes[i]!.run(branch));
    try {
      return await Promise.all(runs);
    } catch (e) {
      if (!this.ending) for (const scope of scopes) scope.cancel();
      await Promise.allSettled(runs);
      throw e;
    }
  }

  /**
   * Runs a step (or a few) beside the main flow without waiting for it, e.g. a 督办 about a missed
   * submission. It ends with the case or when the process cancels it. Any other failure (an activity's
   * data error) is logged with the case id and ends only this branch: rethrown, it would fail every
   * workflow task of the case and leave the whole case stuck.
   */
  detached(body: () => Promise<unknown>): void {
    void body().catch((e: unknown) => {
      if (e instanceof CaseEnded || e instanceof StepCancelled || isCancellation(e)) return;
      log.error('a detached step failed', { caseId: this.caseId, error: e instanceof Error ? e.message : String(e) });
    });
  }

  /**
   * Collects from many participants until a deadline: one step each (`step(p)`, all with the same key),
   * `onAnswer` as each decides, until all have answered, `stopWhen()` holds, the case ends or `dueAt`
   * passes; then the steps still open are cancelled. Returns who answered and who did not.
   */
  async collect<P>(spec: { key: string; from: readonly P[]; dueAt: number; step(p: P): HumanStepSpec; onAnswer(p: P, d: Decision): void; stopWhen?: () => boolean }): Promise<{ answered: P[]; missing: P[] }> {
    const answered = new Set<P>();
    for (const p of spec.from) {
      this.detached(async () => {
        const d = await this.humanStep(spec.step(p));
        spec.onAnswer(p, d);
        answered.add(p);
      });
    }
    const done = () => answered.size === spec.from.length || (spec.stopWhen?.() ?? false) || !this.isOpen();
    await condition(done, Math.max(spec.dueAt - Date.now(), 1));
    const missing = spec.from.filter((p) => !answered.has(p));
    const late = this.openTaskIds(spec.key);
    for (const id of late) this.cancelStep(id);
    // Cases started before this patch went on without waiting for the cancelled steps to close.
    if (patched('collect-waits-for-cancelled-steps')) await condition(() => late.every((id) => this.tasks.get(id)?.status !== 'open'));
    return { answered: spec.from.filter((p) => answered.has(p)), missing };
  }

  /** Adds a process event to the case record (e.g. a screening result), with the responsible person if any. */
  async recordEvent(type: string, data: Record<string, unknown>, actor?: Person): Promise<void> {
    await activities.updateCase({ caseId: this.caseId, idemKey: `${type}:${uuid4()}`, eventType: type, actor, data, ...this.takeStage() });
  }

  /** Replaces the case's submitted input (a revised request), recorded. */
  async resubmit(form: Record<string, unknown> & { title?: string }, actor: Person): Promise<void> {
    await activities.updateCase({ caseId: this.caseId, idemKey: `resubmit:${uuid4()}`, eventType: 'case.resubmitted', title: form.title, input: form, actor, data: {}, ...this.takeStage() });
  }

  /** Ends the case: records the final status, reports the final state to waiting callers. */
  async finish(status: Exclude<CaseStatus, 'open'>, result: Record<string, unknown>, actor?: Person, cancelOpenSteps?: { outcome: string; by: Person }): Promise<CaseSnapshot> {
    // One transaction: the steps still open are cancelled (撤回, cancel), case-level 督办 tasks end with the case, the case closes.
    this.stagePending = false;
    await activities.finishCase({ caseId: this.caseId, status, result, actor, cancelOpenSteps });
    for (const t of this.tasks.values()) this.closeInState(t);
    this.status = status;
    this.stage = 'closed';
    await condition(allHandlersFinished);
    return this.snapshot();
  }

  /** Runs a process body, turning an early end (撤回, cancel) into the end of the case. */
  async run(body: () => Promise<{ status: Exclude<CaseStatus, 'open'>; result: Record<string, unknown>; actor?: Person }>): Promise<CaseSnapshot> {
    try {
      const outcome = await body();
      return await this.finish(outcome.status, outcome.result, outcome.actor);
    } catch (e) {
      if (!(e instanceof CaseEnded)) throw e;
      return await this.finish(e.status, { comment: e.comment ?? null }, e.by, { outcome: e.status, by: e.by });
    }
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

  /**
   * Applies the action to the task in memory (so a concurrent second action is validated against it),
   * records it — and, when it decides the task, closes the task — in one local-activity transaction, and
   * answers. The process moves on after the answer; the next state is read with the stableState Update.
   */
  private async handleTaskAction(req: Parameters<typeof validateTaskAction>[1]): Promise<ActionResult> {
    const task = this.tasks.get(req.taskId)!;
    const slotsBefore = new Map(task.slots.map((s) => [s.id, { ...s }]));
    const effect = applyTaskAction(task, req, () => uuid4());
    const actor = { userId: req.actor.userId, name: req.actor.name };
    try {
      await actionRecorder.recordTaskAction({
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
        data: req.to
          ? { to: req.to, viaTaskId: effect.targetTaskId !== task.id ? task.id : undefined }
          : req.meeting && req.form && effect.decided
            ? { meeting: meetingEventData(req.meeting, req.form as unknown as MeetingRecord, task.election) }
            : undefined,
        ...(effect.decided ? { close: { outcome: effect.decided } } : {}),
      });
    } catch (e) {
      // Not recorded (a data error, or the database stayed down): the task is as it was, the step waits for a valid action.
      // Only what this action changed: another signer's action may be in flight beside it.
      task.slots = task.slots.filter((s) => !effect.newSlots.includes(s)).map((s) => (effect.changedSlots.includes(s) ? slotsBefore.get(s.id)! : s));
      if (effect.decided) task.status = 'open';
      const cause = classifiedCause(e);
      throw ApplicationFailure.create({ type: cause?.type ?? 'ACTION_NOT_RECORDED', message: cause?.message ?? 'the action could not be recorded', nonRetryable: true });
    }
    if (req.actor.userId !== this.init.initiator.userId) this.anyoneActed = true;
    if (effect.decided) task.decision = { taskId: task.id, outcome: effect.decided, form: req.form, comment: req.comment, actor };
    return { task: summaryOf(task), case: this.snapshot() };
  }

  private async handleCaseAction(req: CaseActionRequest): Promise<CaseSnapshot> {
    await this.caseActions.get(req.action)!.handle(req);
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
