/**
 * The roster (党员花名册) in and out of spreadsheets: export as CSV or xlsx, and import of either with a
 * dry run that reports every row's errors in Chinese. Whatever the file, its rows go through one
 * pipeline: header matched by name (roster-sheet.ts), each row checked on its own, then against the
 * database in one transaction: all rows or none; a dry run is the same transaction rolled back, so it
 * reports exactly what the import would do. Members are matched by name and birth date within the
 * administrator's subtree, so importing the same file again changes nothing. Writes are set-based
 * (one INSERT or UPDATE per table for the whole file), so a county of 10,000 members takes seconds.
 */
import { randomUUID } from 'node:crypto';
import { joinedUnderAge, statusOn, toChinaDate } from '@dj/domain';
import type { Db } from './client';
import { Prisma } from './generated/client';
import { subtreeLike, type AdminContext } from './org-admin';
import { personalData, personPhoneContext } from './personal-data';
import {
  MAX_ROSTER_ROWS,
  ROSTER_COLUMNS,
  RosterFileError,
  cellText,
  findHeader,
  mapHeader,
  parseCsv,
  parseDateCell,
  phoneText,
  readXlsx,
  rosterWorkbook,
  type RosterField,
  type RosterRecord,
  type SheetCell,
  type SheetRow,
} from './roster-sheet';

const GENDER: Record<string, 'male' | 'female'> = { 男: 'male', 女: 'female', 男性: 'male', 女性: 'female' };
const PHONE = /^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$/;
/** Text PostgreSQL cannot store (NUL, a lone surrogate); the services refuse it at the edge, a file's cells here. */
const LONE_SURROGATE = /\p{Cs}/u;
const unstorable = (t: string) => t.includes('\u0000') || LONE_SURROGATE.test(t);

function csvField(value: string | null | undefined): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '');

/** The current roster of a subtree, in the order of the export (branch, name). */
async function rosterRecords(db: Db, path: string): Promise<RosterRecord[]> {
  const rows = await db.$queryRaw<(Omit<RosterRecord, 'phone'> & { id: string; phoneCipher: string | null })[]>`
    SELECT p.id, p.name, p.gender, p.birth_date AS "birthDate", p.joined_on AS "joinedOn", p.full_on AS "fullOn", m.branch_id AS "branchId", m.group_id AS "groupId", p.phone_cipher AS "phoneCipher"
    FROM party_membership m JOIN person p ON p.id = m.person_id JOIN org_unit b ON b.id = m.branch_id
    WHERE m.end_on IS NULL AND b.path LIKE ${subtreeLike(path)}
    ORDER BY m.branch_id, p.name, p.id`;
  // The export is the one place phones leave in full (audited by the route): decrypted here.
  const codec = personalData();
  return rows.map(({ id, phoneCipher, ...r }) => ({ ...r, phone: phoneCipher ? codec.decrypt(phoneCipher, personPhoneContext(id)) : null }));
}

/** The current roster of a subtree as CSV (UTF-8 with BOM, the import's columns), phones in full. */
export async function rosterCsv(db: Db, path: string): Promise<{ csv: string; rows: number }> {
  const rows = await rosterRecords(db, path);
  const lines = [ROSTER_COLUMNS.join(',')].concat(
    rows.map((r) => [r.name, r.gender === 'male' ? '男' : '女', day(r.birthDate), day(r.joinedOn), day(r.fullOn), r.branchId, r.groupId ?? '', r.phone ?? ''].map(csvField).join(',')),
  );
  return { csv: `\uFEFF${lines.join('\r\n')}\r\n`, rows: rows.length };
}

/** The current roster of a subtree as xlsx (the import's columns, dates as Excel dates, phones in full as text, and the 填写说明 sheet). */
export async function rosterXlsx(db: Db, path: string): Promise<{ xlsx: Buffer; rows: number }> {
  const rows = await rosterRecords(db, path);
  return { xlsx: await rosterWorkbook(rows), rows: rows.length };
}

/**
 * The rows of an uploaded file: xlsx (a zip: "PK") or CSV in UTF-8 or, as Excel on Chinese Windows
 * saves “CSV（逗号分隔）”, GB18030.
 */
export async function readRosterFile(bytes: Buffer): Promise<{ format: 'xlsx' | 'csv'; rows: SheetRow[] }> {
  if (!bytes.length) throw new RosterFileError('文件是空的');
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return { format: 'xlsx', rows: await readXlsx(bytes) };
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0xd0cf11e0) return { format: 'xlsx', rows: await readXlsx(bytes) };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('gb18030').decode(bytes);
  }
  if (text.includes('\u0000')) throw new RosterFileError('文件不是 .xlsx 或 CSV 文本文件');
  return { format: 'csv', rows: parseCsv(text) };
}

export type ImportReport = {
  dryRun: boolean;
  applied: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Every row's problems, in Chinese, by spreadsheet row number (the header's problems on its own row). */
  errors: { row: number; messages: string[] }[];
  /** What was ignored or left as it was (unknown columns, an absent optional column); nothing stops the import. */
  warnings: string[];
};

type Row = { line: number; name: string; gender: 'male' | 'female'; birthDate: string; joinedOn: string; fullOn: string | null; branchId: string; groupId: string | null; phone: string | null };

/** Which optional columns the file has: an absent one leaves members' existing values alone. */
type Present = { groupId: boolean; phone: boolean };

/** Checks one data row on its own. */
function checkRow(get: (f: RosterField) => SheetCell | undefined, line: number, today: string): { row?: Row; messages: string[] } {
  const m: string[] = [];
  const name = cellText(get('name'));
  const genderText = cellText(get('gender'));
  const branchId = cellText(get('branchId'));
  const groupId = cellText(get('groupId'));
  const phone = phoneText(get('phone'));
  if ([name, genderText, branchId, groupId, phone].some(unstorable)) m.push('含有无法保存的字符（空字符或不成对的代理项）');
  if (name.length < 2 || name.length > 32) m.push('姓名须为 2–32 个字');
  const gender = GENDER[genderText];
  if (!gender) m.push('性别须为“男”或“女”');
  const dates: Partial<Record<'birthDate' | 'joinedOn' | 'fullOn', string>> = {};
  for (const [field, label, required] of [['birthDate', '出生日期', true], ['joinedOn', '入党日期', true], ['fullOn', '转正日期', false]] as const) {
    const parsed = parseDateCell(get(field), label);
    if ('date' in parsed) dates[field] = parsed.date;
    else if ('error' in parsed) m.push(parsed.error);
    else if (required) m.push(`${label}不能为空`);
  }
  const { birthDate, joinedOn, fullOn } = dates;
  if (birthDate && joinedOn) {
    if (birthDate >= joinedOn) m.push('入党日期须晚于出生日期');
    else if (joinedUnderAge(birthDate, joinedOn)) m.push('入党时须年满十八岁（《中国共产党章程》第一条）');
  }
  if (joinedOn && joinedOn > today) m.push('入党日期不能晚于今天');
  if (fullOn && joinedOn && (fullOn <= joinedOn || fullOn > today)) m.push('转正日期须晚于入党日期且不晚于今天');
  if (!branchId) m.push('党支部编码不能为空');
  if (phone && !PHONE.test(phone)) m.push(`联系电话“${phone}”须为 11 位手机号或固定电话（如 0571-88889999）`);
  if (m.length || !gender || !birthDate || !joinedOn) return { messages: m };
  return { row: { line, name, gender, birthDate, joinedOn, fullOn: fullOn ?? null, branchId, groupId: groupId || null, phone: phone || null }, messages: [] };
}

class Rollback extends Error {}

export type ImportInput = { scope: string[]; dryRun: boolean } & ({ csv: string } | { rows: SheetRow[] });

/**
 * Imports (or, with `dryRun`, checks) roster rows into the branches of the administrator's scope:
 * new members are registered from their date joined; members found by name and birth date have their
 * particulars updated where they differ; a member found in another branch or 党小组 is an error (a
 * transfer is its own action, 组织关系转接). Any error anywhere: nothing is written.
 */
export async function importRoster(db: Db, ctx: AdminContext, input: ImportInput): Promise<ImportReport> {
  const today = toChinaDate(new Date());
  const table = 'csv' in input ? parseCsv(input.csv) : input.rows;
  const headerAt = findHeader(table);
  const headerRow = table[headerAt];
  const data = table.slice(headerAt + 1);
  const report: ImportReport = { dryRun: input.dryRun, applied: false, rows: data.length, created: 0, updated: 0, unchanged: 0, errors: [], warnings: [] };
  if (!headerRow) {
    report.errors.push({ row: 1, messages: ['文件中没有党员数据'] });
    return report;
  }
  const mapping = mapHeader(headerRow.cells);
  report.warnings = mapping.warnings;
  if (mapping.errors.length) {
    report.errors.push({ row: headerRow.line, messages: mapping.errors });
    return report;
  }
  if (data.length > MAX_ROSTER_ROWS) {
    report.errors.push({ row: headerRow.line, messages: [`一份文件至多 ${MAX_ROSTER_ROWS} 行党员数据，本文件有 ${data.length} 行，请拆分后分批导入`] });
    return report;
  }
  const present: Present = { groupId: mapping.columns.groupId !== undefined, phone: mapping.columns.phone !== undefined };
  const rows: Row[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of data) {
    const get = (f: RosterField) => {
      const i = mapping.columns[f];
      return i === undefined ? undefined : cells[i];
    };
    const { row, messages } = checkRow(get, line, today);
    if (row) {
      const key = `${row.name}|${row.birthDate}`;
      if (seen.has(key)) messages.push(`与第 ${seen.get(key)} 行是同一人（姓名和出生日期相同）`);
      else seen.set(key, line);
    }
    if (messages.length) report.errors.push({ row: line, messages });
    else rows.push(row!);
  }
  if (!rows.length && !report.errors.length) report.errors.push({ row: headerRow.line + 1, messages: ['文件中没有党员数据'] });

  const run = async (tx: Prisma.TransactionClient) => {
    const unitIds = [...new Set(rows.flatMap((r) => [r.branchId, ...(r.groupId ? [r.groupId] : [])]))];
    const units = new Map(
      (await tx.$queryRaw<{ id: string; type: string; path: string; status: string; parentId: string | null }[]>`
        SELECT id, type::text AS type, path, status, parent_id AS "parentId" FROM org_unit WHERE id = ANY(${unitIds}::text[]) FOR KEY SHARE`).map((u) => [u.id, u]),
    );
    const inScope = (path: string) => input.scope.some((p) => path.startsWith(p));
    const scopeSql = Prisma.join(input.scope.map((p) => Prisma.sql`b.path LIKE ${subtreeLike(p)}`), ' OR ');
    const existing = await tx.$queryRaw<{ id: string; name: string; birthDate: Date; gender: string; joinedOn: Date; fullOn: Date | null; phoneCipher: string | null; phoneHash: string | null; branchId: string; groupId: string | null }[]>`
      SELECT p.id, p.name, p.birth_date AS "birthDate", p.gender, p.joined_on AS "joinedOn", p.full_on AS "fullOn", p.phone_cipher AS "phoneCipher", p.phone_hash AS "phoneHash", m.branch_id AS "branchId", m.group_id AS "groupId"
      FROM person p JOIN party_membership m ON m.person_id = p.id AND m.end_on IS NULL JOIN org_unit b ON b.id = m.branch_id
      WHERE p.name = ANY(${[...new Set(rows.map((r) => r.name))]}::text[]) AND (${scopeSql})
      FOR UPDATE OF p`;
    const byKey = new Map(existing.map((e) => [`${e.name}|${day(e.birthDate)}`, e]));
    const created: (Row & { id: string; status: string })[] = [];
    const updated: Updated[] = [];
    const codec = personalData();
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
      if (found && (found.branchId !== r.branchId || (present.groupId && (found.groupId ?? null) !== r.groupId))) {
        messages.push(`该党员现属“${found.branchId}${found.groupId ? ` / ${found.groupId}` : ''}”，变更所在组织请办理组织关系转接`);
      }
      if (messages.length) {
        report.errors.push({ row: r.line, messages });
        continue;
      }
      // 党章第七条: a probationary member becomes a full member on the date of 转正 (statusOn).
      const status = statusOn({ fullOn: r.fullOn }, today);
      if (!found) {
        created.push({ ...r, id: randomUUID(), status });
        continue;
      }
      // The phone is compared by its keyed hash, never decrypted; a file without the column keeps it.
      const phoneChanged = present.phone && (r.phone ? !codec.phoneMatches(found.phoneHash, r.phone) : found.phoneCipher !== null);
      const phone = phoneChanged ? codec.protect(r.phone, personPhoneContext(found.id)) : { cipher: found.phoneCipher, hash: found.phoneHash };
      const before = { gender: found.gender, joinedOn: day(found.joinedOn), fullOn: day(found.fullOn) || null };
      if (before.gender !== r.gender || before.joinedOn !== r.joinedOn || before.fullOn !== r.fullOn || phoneChanged) {
        updated.push({ id: found.id, row: r, status, phone, before: { ...before, phoneChanged } });
      } else report.unchanged++;
    }
    report.errors.sort((a, b) => a.row - b.row);
    if (report.errors.length) throw new Rollback();
    await insertCreated(tx, ctx, created);
    await applyUpdates(tx, ctx, updated);
    report.created = created.length;
    report.updated = updated.length;
    if (input.dryRun) throw new Rollback();
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

const nullable = <T>(v: T | null | undefined) => v ?? null;

/** The audit rows of an import, one per member written (never the phone number itself). */
async function insertAudit(tx: Prisma.TransactionClient, ctx: AdminContext, rows: { objectId: string; orgId: string; before: unknown; after: unknown }[]) {
  if (!rows.length) return;
  await tx.$executeRaw`
    INSERT INTO admin_audit_log (id, actor_id, action, object_type, object_id, org_id, before, after, client_address, request_id)
    SELECT gen_random_uuid(), ${ctx.actorId}::uuid, 'person.import', 'person', a.object_id, a.org_id, a.before::jsonb, a.after::jsonb, ${nullable(ctx.clientAddress)}, ${nullable(ctx.requestId)}
    FROM unnest(${rows.map((r) => r.objectId)}::text[], ${rows.map((r) => r.orgId)}::text[], ${rows.map((r) => (r.before === null ? null : JSON.stringify(r.before)))}::text[], ${rows.map((r) => JSON.stringify(r.after))}::text[])
      AS a(object_id, org_id, before, after)`;
}

/** New members and their memberships from their date joined, one statement per table. */
async function insertCreated(tx: Prisma.TransactionClient, ctx: AdminContext, created: (Row & { id: string; status: string })[]) {
  if (!created.length) return;
  const col = <K extends keyof (typeof created)[number]>(k: K) => created.map((r) => r[k]);
  const codec = personalData();
  const phones = created.map((r) => codec.protect(r.phone, personPhoneContext(r.id)));
  await tx.$executeRaw`
    INSERT INTO person (id, name, gender, birth_date, joined_on, full_on, status, phone_cipher, phone_hash, updated_at)
    SELECT id, name, gender, birth_date, joined_on, full_on, status, phone_cipher, phone_hash, now()
    FROM unnest(${col('id')}::uuid[], ${col('name')}::text[], ${col('gender')}::text[], ${col('birthDate')}::date[], ${col('joinedOn')}::date[], ${col('fullOn')}::date[], ${col('status')}::text[], ${phones.map((p) => p.cipher)}::text[], ${phones.map((p) => p.hash)}::text[])
      AS n(id, name, gender, birth_date, joined_on, full_on, status, phone_cipher, phone_hash)`;
  await tx.$executeRaw`
    INSERT INTO party_membership (id, person_id, branch_id, group_id, start_on, reason)
    SELECT gen_random_uuid(), person_id, branch_id, group_id, start_on, '花名册导入'
    FROM unnest(${col('id')}::uuid[], ${col('branchId')}::text[], ${col('groupId')}::text[], ${col('joinedOn')}::date[]) AS n(person_id, branch_id, group_id, start_on)`;
  await insertAudit(
    tx,
    ctx,
    created.map((r) => ({ objectId: r.id, orgId: r.branchId, before: null, after: { name: r.name, branchId: r.branchId, row: r.line } })),
  );
}

/** Members whose particulars differ from the file, one UPDATE for all. */
type Updated = { id: string; row: Row; status: string; phone: { cipher: string | null; hash: string | null }; before: { gender: string; joinedOn: string; fullOn: string | null; phoneChanged: boolean } };

async function applyUpdates(tx: Prisma.TransactionClient, ctx: AdminContext, updated: Updated[]) {
  if (!updated.length) return;
  await tx.$executeRaw`
    UPDATE person p SET gender = u.gender, joined_on = u.joined_on, full_on = u.full_on, status = u.status, phone_cipher = u.phone_cipher, phone_hash = u.phone_hash, updated_at = now()
    FROM unnest(${updated.map((u) => u.id)}::uuid[], ${updated.map((u) => u.row.gender)}::text[], ${updated.map((u) => u.row.joinedOn)}::date[], ${updated.map((u) => u.row.fullOn)}::date[], ${updated.map((u) => u.status)}::text[], ${updated.map((u) => u.phone.cipher)}::text[], ${updated.map((u) => u.phone.hash)}::text[])
      AS u(id, gender, joined_on, full_on, status, phone_cipher, phone_hash)
    WHERE p.id = u.id`;
  await insertAudit(
    tx,
    ctx,
    updated.map((u) => ({
      objectId: u.id,
      orgId: u.row.branchId,
      before: { gender: u.before.gender, joinedOn: u.before.joinedOn, fullOn: u.before.fullOn },
      after: { gender: u.row.gender, joinedOn: u.row.joinedOn, fullOn: u.row.fullOn, ...(u.before.phoneChanged ? { phoneChanged: true } : {}), row: u.row.line },
    })),
  );
}
