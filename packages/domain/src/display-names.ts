/**
 * Chinese names of process types, stages and steps for monitoring, policies and the console. Types,
 * stages and steps are codes in the projections; a process added later shows its codes (or, for a
 * step, the task title's lead before "：") until its catalogue names it.
 */
import { processCatalogues } from './processes';

export function caseTypeName(type: string): string {
  return catalogueByType.get(type)?.name ?? type;
}

/** Every process type with its name, startable or not (filters of the monitoring pages). */
export function processTypes(): { type: string; name: string }[] {
  return processCatalogues.map((c) => ({ type: c.type, name: c.name }));
}

const catalogueByType = new Map(processCatalogues.map((c) => [c.type, c]));

/** Names by `<caseType>.<stage, step key or policy step>`: stages, then policy steps, then other step keys. */
const names: Record<string, string> = Object.fromEntries(
  processCatalogues.flatMap((c) => [
    ...Object.entries(c.stages ?? {}),
    ...Object.entries(c.steps).map(([key, step]) => [key, step.name] as const),
    ...Object.entries(c.stepNames ?? {}),
  ].map(([key, name]) => [`${c.type}.${key}`, name])),
);

/** A stage's or step's name; `title` (a task title such as "政治审查：张三") names steps not listed. */
export function stepName(caseType: string, key: string, title?: string): string {
  const listed = names[`${caseType}.${key}`];
  if (listed) return listed;
  const lead = title?.split('：')[0]?.trim();
  return lead || key;
}
