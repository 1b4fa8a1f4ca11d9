/** Small SQL building blocks shared by the list queries. */
import { Type } from '@sinclair/typebox';
import { Prisma } from '@dj/db';
import { chinaEndOfDay } from '@dj/domain';

/** A LIKE/ILIKE pattern matching `text` anywhere, its wildcards escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** SQL predicate: the materialized path `pathColumn` lies in the subtree of organization `orgId` (none if unknown). */
export function inSubtreeOf(pathColumn: Prisma.Sql, orgId: string): Prisma.Sql {
  return Prisma.sql`starts_with(${pathColumn}, (SELECT path FROM org_unit WHERE id = ${orgId}))`;
}

/** A query-string instant: ISO date-time, or a date meaning the start / end of that China-time day. */
export const DateOrDateTime = Type.Union([Type.String({ format: 'date' }), Type.String({ format: 'date-time' })]);

export function dateBound(value: string, end: 'start' | 'end'): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return end === 'start' ? new Date(`${value}T00:00:00+08:00`) : chinaEndOfDay(value);
  return new Date(value);
}
