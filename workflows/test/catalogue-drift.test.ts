// Every policy a workflow names (`policy: '<type>.<step>'`) must be a step of its process's catalogue,
// so a renamed or forgotten step cannot silently fall back to no default limit.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyDefaults } from '@dj/domain';

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
});
