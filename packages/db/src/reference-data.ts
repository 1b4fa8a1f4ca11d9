import { WorkingCalendar, policyDefaults, type OrgNode } from '@dj/domain';
import type { Db } from './client';

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The working-day calendar as administrators maintain it in calendar_day / calendar_year. */
export async function loadWorkingCalendar(db: Db): Promise<WorkingCalendar> {
  const [days, years] = await Promise.all([db.calendarDay.findMany(), db.calendarYear.findMany()]);
  return new WorkingCalendar({
    days: days.map((d) => ({ date: isoDate(d.date), kind: d.kind as 'holiday' | 'workday', name: d.name })),
    publishedYears: years.map((y) => y.year),
  });
}

/** A policy value: the administrators' override if any, else the default in code. */
export async function loadPolicy<T>(db: Db, key: string): Promise<T> {
  const row = await db.policy.findUnique({ where: { key } });
  if (row) return row.value as T;
  if (!(key in policyDefaults)) throw new Error(`unknown policy ${key}`);
  return policyDefaults[key] as T;
}

export async function loadOrgTree(db: Db): Promise<Map<string, OrgNode & { path: string }>> {
  const orgs = await db.orgUnit.findMany({ select: { id: true, parentId: true, type: true, name: true, path: true } });
  return new Map(orgs.map((o) => [o.id, o]));
}
