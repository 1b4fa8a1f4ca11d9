// Chinese everywhere a person reads (issue 16 point 5): fails when a form field or enum value has no
// Chinese name in its schema, or when a record event type / notification kind written anywhere in the
// code has no name in packages/contracts/src/labels.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { forms, notificationKindNames, recordEventNames, taskActions } from '../src/index';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CJK = /[\u3400-\u9fff]/;

type Schema = { type?: string; title?: string; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[]; 'x-enumNames'?: string[] };

/** Every field (path) without a Chinese title, and every enum without a Chinese name per value. */
function unlabelled(schema: Schema, at: string): string[] {
  const out: string[] = [];
  if (schema.enum) {
    const names = schema['x-enumNames'] ?? [];
    schema.enum.forEach((v, i) => {
      if (!CJK.test(names[i] ?? '')) out.push(`${at} = ${String(v)}`);
    });
  }
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    if (!CJK.test(s.title ?? '')) out.push(`${at}/${key}`);
    out.push(...unlabelled(s, `${at}/${key}`));
  }
  if (schema.items) out.push(...unlabelled(schema.items, `${at}[]`));
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' || name === 'generated' ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}
const code = [...sources(path.join(root, 'workflows/src')), ...sources(path.join(root, 'services')).filter((p) => p.includes('/src/')), ...sources(path.join(root, 'packages/db/src'))].map((p) => readFileSync(p, 'utf8'));

describe('Chinese labels', () => {
  it('every field and enum value of every step form has a Chinese name in its schema', () => {
    const missing = Object.entries(forms).flatMap(([id, schema]) => unlabelled(schema as TSchema as Schema, id));
    expect(missing).toEqual([]);
    for (const [id, schema] of Object.entries(forms)) expect(CJK.test((schema as Schema).title ?? ''), id).toBe(true);
  });

  it('the check itself notices a field or a value without a name', () => {
    expect(unlabelled({ type: 'object', properties: { a: { type: 'string', title: '甲' }, b: { type: 'string', enum: ['x', 'y'], title: '乙', 'x-enumNames': ['某'] } } }, 'f')).toEqual(['f/b = y']);
    expect(unlabelled({ type: 'object', properties: { c: { type: 'array', items: { type: 'object', properties: { d: { type: 'string' } } }, title: '丙' } } }, 'f')).toEqual(['f/c[]/d']);
  });

  it('every record event type the code writes has a Chinese name', () => {
    const types = new Set<string>();
    for (const text of code) {
      for (const m of text.matchAll(/recordEvent\(\s*'([^']+)'/g)) types.add(m[1]!);
      for (const m of text.matchAll(/(?:appendCaseEvent\(|eventType:)[^;]*?type:\s*'([^']+)'/gs)) types.add(m[1]!);
      for (const m of text.matchAll(/\beventType:\s*'([^']+)'/g)) types.add(m[1]!);
      for (const m of text.matchAll(/assignPeople\('([^']+)'/g)) ['assigned', 'invalid'].forEach((s) => types.add(`${m[1]!}.${s}`));
    }
    for (const a of taskActions) types.add(`task.${a}`);
    for (const s of ['closed', 'withdrawn']) types.add(`notice.${s}`); // notice.${status}
    types.delete('test.event');
    // The scan finds what the process code and the activities write (so a new type cannot slip past).
    expect([...types]).toEqual(expect.arrayContaining(['case.opened', 'task.opened', 'case.deadline-passed', 'candidates.screened', 'vote.counted', 'agenda.approved', 'case.resubmitted', 'assign-contacts.assigned', 'objection.verified']));
    expect([...types].filter((t) => !CJK.test(recordEventNames[t] ?? ''))).toEqual([]);
  });

  it('every notification kind the code sends has a Chinese name', () => {
    const kinds = new Set<string>();
    for (const text of code) for (const m of text.matchAll(/notify[A-Za-z]*\([^;]*?kind:\s*'([^']+)'/gs)) kinds.add(m[1]!);
    for (const a of taskActions) kinds.add(`task.${a}`);
    expect([...kinds]).toEqual(expect.arrayContaining(['task.new', 'task.reminder', 'task.overdue', 'supervision', 'case.closed', 'case.deadline-warning', 'joint.decisions']));
    expect([...kinds].filter((k) => !CJK.test(notificationKindNames[k] ?? ''))).toEqual([]);
  });
});
