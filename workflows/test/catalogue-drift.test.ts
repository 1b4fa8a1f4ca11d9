// Every policy a workflow names (`policy: '<type>.<step>'`) must be a step of its process's catalogue,
// so a renamed or forgotten step cannot silently fall back to no default limit.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commonStages, policyDefaults, processCatalogues } from '@dj/domain';

const root = new URL('../src/', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []));
}

describe('workflow steps and the catalogues', () => {
  it('every policy named in workflow code has a default from a catalogue', () => {
    const named = new Set<string>();
    for (const file of sourceFiles(join(root, 'processes'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/policy: '([a-z-]+\.[a-z-]+)'/g)) named.add(m[1]!);
    }
    expect(named.size).toBeGreaterThan(30);
    const missing = [...named].filter((key) => !(`duration.${key}` in policyDefaults));
    expect(missing).toEqual([]);
  });

  // The case search offers a process's catalogue stages as a picker (GET /api/process-types): a stage a
  // workflow sets but its catalogue lacks would be unsearchable and shown as a code.
  it('every stage a workflow sets is a stage of its catalogue, and every catalogue stage is set', () => {
    const files = sourceFiles(join(root, 'processes'));
    // Top-level functions of the process code (nested helpers belong to the function around them).
    const functions = new Map<string, string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const starts = [...text.matchAll(/^(?:export )?(?:async )?function (\w+)/gm)];
      starts.forEach((m, i) => functions.set(m[1]!, text.slice(m.index, starts[i + 1]?.index ?? text.length)));
      // A stage from a variable would escape this check.
      expect(text.match(/setStage\((?!')/g) ?? [], file).toEqual([]);
    }
    const direct = (body: string) => [
      ...[...body.matchAll(/new CaseRuntime\(\{[^}]*\bstage: '([a-z-]+)'/g)].map((m) => m[1]!),
      ...[...body.matchAll(/setStage\('([a-z-]+)'\)/g)].map((m) => m[1]!),
    ];
    /** Stages a workflow function sets itself or through the process functions it calls. */
    const stagesOf = (name: string, seen = new Set<string>()): Set<string> => {
      seen.add(name);
      const body = functions.get(name) ?? '';
      const stages = new Set(direct(body));
      for (const callee of functions.keys()) {
        if (!seen.has(callee) && new RegExp(`\\b${callee}\\(`).test(body)) for (const s of stagesOf(callee, seen)) stages.add(s);
      }
      return stages;
    };
    let checked = 0;
    for (const c of processCatalogues) {
      expect(functions.has(c.workflowType), `${c.type}: workflow ${c.workflowType} not found`).toBe(true);
      const set = [...stagesOf(c.workflowType)].sort();
      expect(set.length, c.type).toBeGreaterThan(0);
      expect({ type: c.type, stages: set }).toEqual({ type: c.type, stages: Object.keys(c.stages).sort() });
      checked += set.length;
    }
    expect(checked).toBeGreaterThan(25);
    // The runtime itself sets only the common stages (a finished case is `closed`).
    const runtimeStages = new Set<string>();
    for (const file of [...sourceFiles(join(root, 'human-step')), ...sourceFiles(join(root, 'activities'))]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bstage = '([a-z-]+)'/g)) runtimeStages.add(m[1]!);
    }
    expect([...runtimeStages]).toEqual(['closed']);
    for (const s of runtimeStages) expect(commonStages[s], s).toMatch(/\p{Script=Han}/u);
  });
});
