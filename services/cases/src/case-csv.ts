/** The case search as a CSV file for Excel: UTF-8 with BOM, Chinese headers, RFC 4180 quoting. */
import type { Db } from '@dj/db';
import { decodeCaseCursor, searchCases, type CaseFilters } from './case-search';

/** Most rows one export carries; narrow the filters for more. */
export const CSV_MAX_ROWS = 20_000;

const statusNames: Record<string, string> = { open: '办理中', completed: '已办结', rejected: '未通过', withdrawn: '已撤回', cancelled: '已撤销' };

/**
 * One CSV field: quoted when it holds a comma, quote or line break (quotes doubled); a leading
 * = + - @ (or tab / CR) is prefixed with ' so a spreadsheet never runs a title as a formula.
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const chinaTime = (iso: string | null) => (iso ? new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ') : '');

export async function casesCsv(db: Db, scope: string[], filters: CaseFilters): Promise<string> {
  const lines = [['事项编号', '事项类型', '标题', '所属组织', '当前环节', '状态', '当前超期', '曾超期', '发起时间', '办结时间', '当前待办', '办理人'].join(',')];
  let cursor: string | null = null;
  let rows = 0;
  do {
    const page = await searchCases(db, scope, filters, 500, cursor ? decodeCaseCursor(cursor) : undefined, { total: false });
    for (const c of page.items) {
      lines.push(
        [
          c.id,
          c.typeName,
          c.title,
          c.orgName,
          c.stageName,
          statusNames[c.status] ?? c.status,
          c.overdue ? '是' : '否',
          c.wasLate ? '是' : '否',
          chinaTime(c.openedAt),
          chinaTime(c.closedAt),
          c.openTasks.map((t) => t.name).join('；'),
          [...new Set(c.openTasks.flatMap((t) => t.assignees))].join('；'),
        ]
          .map(csvField)
          .join(','),
      );
    }
    rows += page.items.length;
    cursor = page.nextCursor;
  } while (cursor && rows < CSV_MAX_ROWS);
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
