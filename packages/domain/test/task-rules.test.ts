import { describe, expect, it } from 'vitest';
import type { Actor, TaskActionRequest } from '@dj/contracts';
import { ActionRejected, applyTaskAction, approvalsComplete, validateTaskAction, type TaskState } from '../src/task-rules';

const actor = (userId: string, memberships: Actor['memberships'] = []): Actor => ({ userId, name: userId, memberships, supervisesCase: false });
const ctx = { initiatorId: 'initiator', supervisionTasksOf: () => [] };
let n = 0;
const newId = () => `slot-${++n}`;

function task(mode: 'all' | 'any', slots: TaskState['slots']): TaskState {
  return { id: 't', kind: 'step', stepKey: 's', round: 1, title: 'T', orgId: 'o', mode, actions: ['approve', 'reject', 'add_signer', 'claim', 'comment', 'urge'], slots, status: 'open' };
}

function run(t: TaskState, req: Omit<TaskActionRequest, 'taskId'>) {
  validateTaskAction(t, { ...req, taskId: t.id }, ctx);
  return applyTaskAction(t, { ...req, taskId: t.id }, newId);
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ActionRejected) return e.code;
    throw e;
  }
  return undefined;
}

describe('会签 / 或签 / 加签 rules', () => {
  it('会签 completes only when every signer approved', () => {
    const t = task('all', [
      { id: 'a', userId: 'u1', status: 'pending' },
      { id: 'b', userId: 'u2', status: 'pending' },
    ]);
    expect(run(t, { action: 'approve', actor: actor('u1') }).decided).toBeUndefined();
    expect(t.status).toBe('open');
    expect(run(t, { action: 'approve', actor: actor('u2') }).decided).toBe('approve');
    expect(t.status).toBe('closing');
  });

  it('或签 completes with the first approval; any reject decides at once', () => {
    const t = task('any', [
      { id: 'a', userId: 'u1', status: 'pending' },
      { id: 'b', userId: 'u2', status: 'pending' },
    ]);
    expect(run(t, { action: 'approve', actor: actor('u2') }).decided).toBe('approve');
    const r = task('all', [
      { id: 'a', userId: 'u1', status: 'pending' },
      { id: 'b', userId: 'u2', status: 'pending' },
    ]);
    expect(run(r, { action: 'reject', actor: actor('u1'), comment: 'no' }).decided).toBe('reject');
  });

  it('加签 after oneself: the added signer must approve after the one who added them', () => {
    const t = task('all', [{ id: 'a', userId: 'u1', status: 'pending' }]);
    const add = run(t, { action: 'add_signer', actor: actor('u1'), to: [{ userId: 'u9' }] });
    expect(add.newSlots[0]).toMatchObject({ userId: 'u9', status: 'waiting', addedBySlot: 'a' });
    expect(code(() => validateTaskAction(t, { taskId: 't', action: 'approve', actor: actor('u9') }, ctx))).toBe('NOT_ASSIGNEE');
    const first = run(t, { action: 'approve', actor: actor('u1') });
    expect(first.decided).toBeUndefined();
    expect(first.changedSlots.map((s) => [s.userId, s.status])).toEqual([
      ['u1', 'approved'],
      ['u9', 'pending'],
    ]);
    expect(approvalsComplete(t)).toBe(false);
    expect(run(t, { action: 'approve', actor: actor('u9') }).decided).toBe('approve');
  });

  it('role slots: any holder may act; a claim (认领) reserves the slot', () => {
    const t = task('any', [{ id: 'a', orgId: 'town', role: 'member', status: 'pending' }]);
    const m = [{ orgId: 'town', role: 'member' }];
    expect(code(() => validateTaskAction(t, { taskId: 't', action: 'approve', actor: actor('x', [{ orgId: 'other', role: 'member' }]) }, ctx))).toBe('NOT_ASSIGNEE');
    run(t, { action: 'claim', actor: actor('u1', m) });
    expect(code(() => validateTaskAction(t, { taskId: 't', action: 'approve', actor: actor('u2', m) }, ctx))).toBe('NOT_ASSIGNEE');
    expect(code(() => validateTaskAction(t, { taskId: 't', action: 'claim', actor: actor('u1', m) }, ctx))).toBe('ALREADY_ACTED');
    expect(run(t, { action: 'approve', actor: actor('u1', m) }).decided).toBe('approve');
    expect(code(() => validateTaskAction(t, { taskId: 't', action: 'approve', actor: actor('u1', m) }, ctx))).toBe('TASK_NOT_OPEN');
  });

  it('催办 is for the initiator and supervisors only; actions outside the step list are refused', () => {
    const t = task('any', [{ id: 'a', userId: 'u1', status: 'pending' }]);
    expect(code(() => validateTaskAction(t, { taskId: 't', action: 'urge', actor: actor('u1') }, ctx))).toBe('FORBIDDEN');
    expect(code(() => validateTaskAction(t, { taskId: 't', action: 'urge', actor: actor('initiator') }, ctx))).toBeUndefined();
    expect(code(() => validateTaskAction(t, { taskId: 't', action: 'urge', actor: { ...actor('boss'), supervisesCase: true } }, ctx))).toBeUndefined();
    expect(code(() => validateTaskAction(t, { taskId: 't', action: 'forward', actor: actor('u1') }, ctx))).toBe('ACTION_NOT_ALLOWED');
  });
});

describe('hand-over and input rules', () => {
  const open = () => task('any', [{ id: 'a', userId: 'u1', status: 'pending' }]);
  const check = (req: Omit<TaskActionRequest, 'taskId'>) => code(() => validateTaskAction(open(), { ...req, taskId: 't' }, ctx));

  it('the initiator is never made a signer of their own request', () => {
    expect(check({ action: 'add_signer', actor: actor('u1'), to: [{ userId: 'initiator' }] })).toBe('TARGET_IS_INITIATOR');
    expect(check({ action: 'add_signer', actor: actor('u1'), to: [{ userId: 'u2' }] })).toBeUndefined();
  });

  it('only 转办 / 加签 / 抄送 take targets; only approve and forward of a step with a form take a form', () => {
    expect(check({ action: 'comment', actor: actor('u1'), comment: 'c', to: [{ userId: 'u2' }] })).toBe('TARGET_NOT_ALLOWED');
    expect(check({ action: 'comment', actor: actor('u1'), comment: 'c', to: [] })).toBeUndefined();
    expect(check({ action: 'comment', actor: actor('u1'), comment: 'c', form: { x: 1 } })).toBe('FORM_NOT_ALLOWED');
    expect(check({ action: 'reject', actor: actor('u1'), comment: 'no', form: { x: 1 } })).toBe('FORM_NOT_ALLOWED');
    expect(check({ action: 'approve', actor: actor('u1'), form: {} })).toBeUndefined();
    expect(check({ action: 'approve', actor: actor('u1'), form: { x: 1 } })).toBe('FORM_NOT_ALLOWED');
  });
});
