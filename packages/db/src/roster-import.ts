/**
 * The roster as CSV (the spreadsheets organization departments keep): export, and import with a dry
 * run that reports every row's errors in Chinese. An import is one transaction: all rows or none; a
 * dry run is the same transaction rolled back, so it reports exactly what the import would do.
 * Members are matched by name and birth date within the administrator's subtree, so importing the
 * same file again changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { statusOn, toChinaDate } from '@dj/domain';
import type { Db } from './client';
import { Prisma } from './generated/client';
import { recordAdminAction, subtreeLike, type AdminContext } from './org-admin';

export const ROSTER_COLUMNS = ['姓名', '性别', '出生日期', '入党日期', '转正日期', '党支部编码', '党小组编码', '联系电话'] as const;
const GENDER: Record<string, 'male' | 'female'> = { 男: 'male', 女: 'female' };
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const PHONE = /^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$/;

/** RFC 4180 fields (quotes doubled inside quoted fields, CRLF or LF); a leading BOM is dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}

function csvField(value: string | null | undefined): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '');
const date = (s: string) => new Date(`${s}T00:00:00Z`);

/** The current roster of a subtree as CSV (UTF-8 with BOM, the import's columns), phones in full. */
export async function rosterCsv(db: Db, path: string): Promise<{ csv: string; rows: number }> {
  const rows = await db.$queryRaw<{ name: string; gender: string; birthDate: Date; joinedOn: Date; fullOn: Date | null; branchId: string; groupId: string | null; phone: string | null }[]>`
    SELECT p.name, p.gender, p.birth_date AS "birthDate", p.joined_on AS "joinedOn", p.full_on AS "fullOn", m.branch_id AS "branchId", m.group_id AS "groupId", p.phone
    FROM party_membership m JOIN person p ON p.id = m.person_id JOIN org_unit b ON b.id = m.branch_id
    WHERE m.end_on IS NULL AND b.path LIKE ${subtreeLike(path)}
    ORDER BY m.branch_id, p.name, p.id`;
  const lines = [ROSTER_COLUMNS.join(',')].concat(
    rows.map((r) => [r.name, r.gender === 'male' ? '男' : '女', day(r.birthDate), day(r.joinedOn), day(r.fullOn), r.branchId, r.groupId ?? '', r.phone ?? ''].map(csvField).join(',')),
  );
  return { csv: `\uFEFF${lines.join('\r\n')}\r\n`, rows: rows.length };
}

export type ImportReport = { dryRun: boolean; applied: boolean; rows: number; created: number; updated: number; unchanged: number; errors: { row: number; messages: string[] }[] };

type Row = { line: number; name: string; gender: 'male' | 'female'; birthDate: string; joinedOn: string; fullOn: string | null; branchId: string; groupId: string | null; phone: string | null };

/** Checks one data row on its own; `line` is the spreadsheet row number (header = 1). */
function checkRow(cells: string[], line: number, today: string): { row?: Row; messages: string[] } {
  const m: string[] = [];
  const [name = '', gender = '', birthDate = '', joinedOn = '', fullOn = '', branchId = '', groupId = '', phone = ''] = cells.map((c) => c.trim().replace(/^'/, ''));
  if (cells.length > ROSTER_COLUMNS.length) m.push(`列数多于 ${ROSTER_COLUMNS.length} 列`);
  if (name.length < 2 || name.length > 32) m.push('姓名须为 2–32 个字');
  if (!GENDER[gender]) m.push('性别须为“男”或“女”');
  for (const [label, v, required] of [['出生日期', birthDate, true], ['入党日期', joinedOn, true], ['转正日期', fullOn, false]] as const) {
    if (!v) {
      if (required) m.push(`${label}不能为空`);
    } else if (!DATE.test(v) || Number.isNaN(date(v).getTime()) || day(date(v)) !== v) m.push(`${label}“${v}”不是 YYYY-MM-DD 格式的日期`);
  }
  if (DATE.test(birthDate) && DATE.test(joinedOn) && birthDate >= joinedOn) m.push('入党日期须晚于出生日期');
  if (DATE.test(joinedOn) && joinedOn > today) m.push('入党日期不能晚于今天');
  if (fullOn && DATE.test(fullOn) && DATE.test(joinedOn) && (fullOn <= joinedOn || fullOn > today)) m.push('转正日期须晚于入党日期且不晚于今天');
  if (!branchId) m.push('党支部编码不能为空');
  if (phone && !PHONE.test(phone)) m.push('联系电话须为手机号或固定电话');
  if (m.length) return { messages: m };
  return { row: { line, name, gender: GENDER[gender]!, birthDate, joinedOn, fullOn: fullOn || null, branchId, groupId: groupId || null, phone: phone || null }, messages: [] };
}

class Rollback extends Error {}

/**
 * Imports (or, with `dryRun`, checks) a roster CSV into the branches of the administrator's scope:
 * new members are registered from their date joined; members found by name and birth date have their
 * particulars updated where they differ; a member found in another branch is an error (a transfer is
 * its own action, 组织关系转接). Any error anywhere: nothing is written.
 */
export async function importRoster(db: Db, ctx: AdminContext, input: { csv: string; scope: string[]; dryRun: boolean }): Promise<ImportReport> {
  const today = toChinaDate(new Date());
  const table = parseCsv(input.csv);
  const report: ImportReport = { dryRun: input.dryRun, applied: false, rows: Math.max(table.length - 1, 0), created: 0, updated: 0, unchanged: 0, errors: [] };
  const header = table[0]?.map((h) => h.trim()) ?? [];
  if (ROSTER_COLUMNS.some((c, i) => header[i] !== c)) {
    report.errors.push({ row: 1, messages: [`表头须为：${ROSTER_COLUMNS.join('，')}`] });
    return report;
  }
  const rows: Row[] = [];
  const seen = new Map<string, number>();
  table.slice(1).forEach((cells, i) => {
    const line = i + 2;
    const { row, messages } = checkRow(cells, line, today);
    if (row) {
      const key = `${row.name}|${row.birthDate}`;
      if (seen.has(key)) messages.push(`与第 ${seen.get(key)} 行是同一人（姓名和出生日期相同）`);
      seen.set(key, line);
    }
    if (messages.length) report.errors.push({ row: line, messages });
    else rows.push(row!);
  });
  if (!rows.length && !report.errors.length) report.errors.push({ row: 2, messages: ['文件中没有党员数据'] });

  const run = async (tx: Prisma.TransactionClient) => {
    const unitIds = [...new Set(rows.flatMap((r) => [r.branchId, ...(r.groupId ? [r.groupId] : [])]))];
    const units = new Map(
      (await tx.$queryRaw<{ id: string; type: string; path: string; status: string; parentId: string | null }[]>`
        SELECT id, type::text AS type, path, status, parent_id AS "parentId" FROM org_unit WHERE id = ANY(${unitIds}::text[]) FOR KEY SHARE`).map((u) => [u.id, u]),
    );
    const inScope = (path: string) => input.scope.some((p) => path.startsWith(p));
    const scopeSql = Prisma.join(input.scope.map((p) => Prisma.sql`b.path LIKE ${subtreeLike(p)}`), ' OR ');
    const existing = await tx.$queryRaw<{ id: string; name: string; birthDate: Date; gender: string; joinedOn: Date; fullOn: Date | null; phone: string | null; branchId: string; groupId: string | null }[]>`
      SELECT p.id, p.name, p.birth_date AS "birthDate", p.gender, p.joined_on AS "joinedOn", p.full_on AS "fullOn", p.phone, m.branch_id AS "branchId", m.group_id AS "groupId"
      FROM person p JOIN party_membership m ON m.person_id = p.id AND m.end_on IS NULL JOIN org_unit b ON b.id = m.branch_id
      WHERE p.name = ANY(${rows.map((r) => r.name)}::text[]) AND (${scopeSql})
      FOR UPDATE OF p`;
    const byKey = new Map(existing.map((e) => [`${e.name}|${day(e.birthDate)}`, e]));
    for (const r of rows) {
      const messages: string[] = [];
      const branch = units.get(r.branchId);
      // A branch outside the scope reads as unknown: the file learns nothing about other counties.
      if (!branch || !inScope(branch.path) || branch.type !== 'branch') messages.push(`党支部编码“${r.branchId}”不存在或不在您管理的范围内`);
      else if (branch.status !== 'active') messages.push(`党支部“${r.branchId}”已撤销`);
      if (r.groupId) {
        const group = units.get(r.groupId);
        if (!group || group.type !== 'group' || group.parentId !== r.branchId || group.status !== 'active') messages.push(`党小组编码“${r.groupId}”不是该党支部的党小组`);
      }
      const found = byKey.get(`${r.name}|${r.birthDate}`);
      if (found && (found.branchId !== r.branchId || (found.groupId ?? null) !== r.groupId)) messages.push(`该党员现属“${found.branchId}${found.groupId ? ` / ${found.groupId}` : ''}”，变更所在组织请办理组织关系转接`);
      if (messages.length) {
        report.errors.push({ row: r.line, messages });
        continue;
      }
      const status = statusOn({ fullOn: r.fullOn }, today);
      if (!found) {
        const id = randomUUID();
        await tx.person.create({ data: { id, name: r.name, gender: r.gender, birthDate: date(r.birthDate), joinedOn: date(r.joinedOn), fullOn: r.fullOn ? date(r.fullOn) : null, status, phone: r.phone } });
        await tx.partyMembership.create({ data: { id: randomUUID(), personId: id, branchId: r.branchId, groupId: r.groupId, startOn: date(r.joinedOn), reason: '花名册导入' } });
        await recordAdminAction(tx, ctx, { action: 'person.import', objectType: 'person', objectId: id, orgId: r.branchId, after: { name: r.name, branchId: r.branchId, row: r.line } });
        report.created++;
      } else if (found.gender !== r.gender || day(found.joinedOn) !== r.joinedOn || (day(found.fullOn) || null) !== r.fullOn || (found.phone ?? null) !== r.phone) {
        await tx.person.update({ where: { id: found.id }, data: { gender: r.gender, joinedOn: date(r.joinedOn), fullOn: r.fullOn ? date(r.fullOn) : null, status, phone: r.phone } });
        await recordAdminAction(tx, ctx, { action: 'person.import', objectType: 'person', objectId: found.id, orgId: r.branchId, before: { gender: found.gender, joinedOn: day(found.joinedOn), fullOn: day(found.fullOn) || null }, after: { gender: r.gender, joinedOn: r.joinedOn, fullOn: r.fullOn, row: r.line } });
        report.updated++;
      } else report.unchanged++;
    }
    report.errors.sort((a, b) => a.row - b.row);
    if (report.errors.length || input.dryRun) throw new Rollback();
  };
  try {
    await db.$transaction(run, { timeout: 120_000 });
    report.applied = true;
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  if (!report.applied && report.errors.length) {
    report.created = report.updated = report.unchanged = 0;
  }
  return report;
}
