/**
 * Chinese names of process types, stages and steps for monitoring, policies and the console. Types,
 * stages and steps are codes in the projections; a process added later shows its codes (or, for a
 * step, the task title's lead before "：") until its catalogue names it.
 */
import { processCatalogues } from './processes';

export function caseTypeName(type: string): string {
  return catalogueByType.get(type)?.name ?? type;
}

/**
 * Stages the case runtime sets for every process (workflows/src/human-step/case-runtime.ts: a finished
 * case's stage is \`closed\`); not offered by the stage picker, whose status filter says the same.
 */
export const commonStages: Readonly<Record<string, string>> = { closed: '已结束' };

export type ProcessTypeInfo = { type: string; name: string; stages: { code: string; name: string }[] };

/** Every process type with its name and its stages in process order, startable or not (filters of the monitoring pages). */
export function processTypes(): ProcessTypeInfo[] {
  return processCatalogues.map((c) => ({ type: c.type, name: c.name, stages: Object.entries(c.stages).map(([code, name]) => ({ code, name })) }));
}

const catalogueByType = new Map(processCatalogues.map((c) => [c.type, c]));

/** Names by `<caseType>.<stage, step key or policy step>`: stages, then policy steps, then other step keys. */
const names: Record<string, string> = Object.fromEntries(
  processCatalogues.flatMap((c) => [
    ...Object.entries(c.stages),
    ...Object.entries(c.steps).map(([key, step]) => [key, step.name] as const),
    ...Object.entries(c.stepNames ?? {}),
  ].map(([key, name]) => [`${c.type}.${key}`, name])),
);

/** A stage's or step's name; `title` (a task title such as "政治审查：张三") names steps not listed. */
export function stepName(caseType: string, key: string, title?: string): string {
  const listed = names[`${caseType}.${key}`] ?? commonStages[key];
  if (listed) return listed;
  const lead = title?.split('：')[0]?.trim();
  return lead || key;
}
