/**
 * The administrative audit log exported for the audit administrator (审计管理员, issue 13 point 5):
 * the rows of a subtree in a date range, oldest first, read a page at a time (keyset on (at, id))
 * and written as they come, CSV or xlsx, so that a long log is never held in memory at once.
 */
import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Db } from './client';
import { Prisma } from './generated/client';
import { subtreeLike } from './org-admin';

export type AuditExportRow = {
  id: string;
  at: Date;
  actorId: string;
  actorName: string | null;
  action: string;
  objectType: string;
  objectId: string;
  orgId: string;
  orgName: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  clientAddress: string | null;
};

export const AUDIT_EXPORT_COLUMNS = ['时间', '操作人', '操作人ID', '操作', '对象类型', '对象ID', '组织', '组织ID', '变更前', '变更后', '原因', '来源地址'] as const;

/**
 * The audit rows (as AuditExportRow) of units now in the scope subtrees: the one query the audit log's page
 * and its export both read; the caller adds its own conditions (`AND …`) and order.
 */
export function auditRowsInScope(scope: string[]): Prisma.Sql {
  const inScope = Prisma.join(scope.map((p) => Prisma.sql`o.path LIKE ${subtreeLike(p)}`), ' OR ');
  return Prisma.sql`
    SELECT l.id, l.at, l.actor_id AS "actorId", u.display_name AS "actorName", l.action, l.object_type AS "objectType", l.object_id AS "objectId",
           l.org_id AS "orgId", o.name AS "orgName", l.before, l.after, l.reason, l.client_address AS "clientAddress"
    FROM admin_audit_log l
    JOIN org_unit o ON o.id = l.org_id
    LEFT JOIN app_user u ON u.id = l.actor_id
    WHERE (${inScope})`;
}

/** The rows of the scope subtrees with from <= at < to, oldest first, `pageSize` rows per query. */
export async function* auditLogPages(db: Db, scope: string[], range: { from: Date; to: Date }, pageSize = 500): AsyncGenerator<AuditExportRow[]> {
  let after: { at: Date; id: string } | undefined;
  for (;;) {
    const rows = await db.$queryRaw<AuditExportRow[]>`
      ${auditRowsInScope(scope)} AND l.at >= ${range.from} AND l.at < ${range.to}
        ${after ? Prisma.sql`AND (l.at, l.id) > (${after.at}, ${after.id}::uuid)` : Prisma.empty}
      ORDER BY l.at, l.id
      LIMIT ${pageSize}`;
    if (rows.length) yield rows;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.at, id: last.id };
  }
}

const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));

function cells(r: AuditExportRow): string[] {
  return [r.at.toISOString(), r.actorName ?? '', r.actorId, r.action, r.objectType, r.objectId, r.orgName ?? '', r.orgId, json(r.before), json(r.after), r.reason ?? '', r.clientAddress ?? ''];
}

/** A CSV field, quoted when needed; a leading =, +, -, @ is defused so no spreadsheet reads it as a formula. */
function csvField(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The export as a CSV stream (UTF-8 with BOM, so Excel opens the Chinese header). `onRows` hears each page's size. */
export function auditLogCsv(db: Db, scope: string[], range: { from: Date; to: Date }, pageSize?: number): Readable {
  return Readable.from(
    (async function* () {
      yield `\uFEFF${AUDIT_EXPORT_COLUMNS.join(',')}\r\n`;
      for await (const page of auditLogPages(db, scope, range, pageSize)) yield page.map((r) => `${cells(r).map(csvField).join(',')}\r\n`).join('');
    })(),
  );
}

/** The export as an xlsx stream (exceljs's streaming writer: each row is written out when committed). */
export function auditLogXlsx(db: Db, scope: string[], range: { from: Date; to: Date }, pageSize?: number): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet('审计日志');
  void (async () => {
    sheet.addRow([...AUDIT_EXPORT_COLUMNS]).commit();
    for await (const page of auditLogPages(db, scope, range, pageSize)) for (const r of page) sheet.addRow(cells(r)).commit();
    sheet.commit();
    await workbook.commit();
  })().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}
