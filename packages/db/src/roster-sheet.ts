/**
 * The roster as the spreadsheets organization departments keep (党员花名册): reading CSV and xlsx into
 * one table of cells, matching the header to our columns by name (with the synonyms people write),
 * turning cells into values (Excel date cells or dates as text, phones Excel made numbers), and
 * writing xlsx (export and the empty template with its 填写说明 sheet). The rows then go through one
 * pipeline whatever the file was (roster-import.ts).
 */
import ExcelJS from 'exceljs';

/** A cell as read: CSV gives text, xlsx also numbers, booleans and dates. */
export type SheetCell = string | number | boolean | Date | null;
/** A non-empty row with its number in the spreadsheet (what Excel shows, header = its own row). */
export type SheetRow = { line: number; cells: SheetCell[] };

export type RosterField = 'name' | 'gender' | 'birthDate' | 'joinedOn' | 'fullOn' | 'branchId' | 'groupId' | 'phone';

type ColumnSpec = { field: RosterField; title: string; synonyms: string[]; required: boolean; format: string; example: string };

/**
 * Our columns in the order we write them, with the names other rosters use for them. 转正日期 is a
 * required column (its cells may be empty, for probationary members): without the column, an import
 * could not tell a probationary member from a full one whose date was left out. Without 党小组编码 or
 * 联系电话, those particulars of members already on the roster stay as they are.
 */
export const ROSTER_COLUMN_SPECS: readonly ColumnSpec[] = [
  { field: 'name', title: '姓名', synonyms: ['名字', '党员姓名'], required: true, format: '2–32 个字', example: '张志斌' },
  { field: 'gender', title: '性别', synonyms: [], required: true, format: '男 或 女', example: '男' },
  { field: 'birthDate', title: '出生日期', synonyms: ['出生年月', '出生年月日', '出生时间', '生日'], required: true, format: '日期，如 1975-03-12、1975/3/12、1975年3月12日（须写到日）', example: '1975-03-12' },
  { field: 'joinedOn', title: '入党日期', synonyms: ['入党时间', '入党年月'], required: true, format: '日期（接收为预备党员的支部大会日期），不晚于今天', example: '1998-07-01' },
  { field: 'fullOn', title: '转正日期', synonyms: ['转正时间', '转正年月'], required: true, format: '日期；预备党员留空', example: '1999-07-01' },
  { field: 'branchId', title: '党支部编码', synonyms: ['所在党支部', '所在党支部编码', '支部编码', '党支部'], required: true, format: '系统中的党支部编码（在“组织机构”中查看）', example: 'branch-a1-1' },
  { field: 'groupId', title: '党小组编码', synonyms: ['所在党小组', '所在党小组编码', '小组编码', '党小组'], required: false, format: '该党支部下党小组的编码；不分党小组留空', example: '' },
  { field: 'phone', title: '联系电话', synonyms: ['手机号', '手机号码', '手机', '电话', '电话号码', '联系方式'], required: false, format: '11 位手机号或固定电话（如 0571-88889999）；可留空', example: '13912345678' },
];

export const ROSTER_COLUMNS = ROSTER_COLUMN_SPECS.map((c) => c.title);
export const ROSTER_SHEET = '花名册';
export const GUIDE_SHEET = '填写说明';
/** Data rows a file may hold: a county (≈ 10,000 members) with room to spare; the body limit comes first for CSV. */
export const MAX_ROSTER_ROWS = 20_000;
/** What an xlsx may expand to when unzipped (its sheet of 20,000 rows is ≈ 10 MB): no zip bombs. */
const MAX_XLSX_EXPANDED = 64 * 1024 * 1024;

/** A file the import cannot read at all: a 400 with this Chinese message. */
export class RosterFileError extends Error {}

/** Header text as compared: no spaces (also full-width), no required-marks or notes in brackets. */
const normalizeHeader = (h: string) =>
  h
    .replace(/[\s\u3000]+/g, '')
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/[*＊:：]/g, '')
    .toLowerCase();

const HEADER_INDEX = new Map<string, RosterField>(ROSTER_COLUMN_SPECS.flatMap((c) => [c.title, ...c.synonyms].map((n): [string, RosterField] => [normalizeHeader(n), c.field])));
const specOf = (field: RosterField) => ROSTER_COLUMN_SPECS.find((c) => c.field === field)!;
const columnLetter = (index: number) => {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
};

export type HeaderMapping = { columns: Partial<Record<RosterField, number>>; warnings: string[]; errors: string[] };

/**
 * Our fields found in a header row, by name and in any order. Unknown columns are ignored with a
 * warning; a missing required column or one named twice is an error.
 */
export function mapHeader(header: SheetCell[]): HeaderMapping {
  const columns: Partial<Record<RosterField, number>> = {};
  const warnings: string[] = [];
  const errors: string[] = [];
  const ignored: string[] = [];
  header.forEach((cell, i) => {
    const text = cellText(cell);
    if (!text) return;
    const field = HEADER_INDEX.get(normalizeHeader(text));
    if (!field) ignored.push(`“${text}”（${columnLetter(i)} 列）`);
    else if (columns[field] !== undefined) errors.push(`“${specOf(field).title}”列出现了两次（${columnLetter(columns[field])} 列和 ${columnLetter(i)} 列），请只保留一列`);
    else columns[field] = i;
  });
  const missing = ROSTER_COLUMN_SPECS.filter((c) => c.required && columns[c.field] === undefined).map((c) => `“${c.title}”`);
  if (missing.length) errors.push(`缺少必填列：${missing.join('、')}（第一行须为表头，列名见模板的“${GUIDE_SHEET}”）`);
  if (ignored.length) warnings.push(`以下列不是花名册的列，已忽略：${ignored.join('、')}`);
  if (!errors.length) {
    if (columns.groupId === undefined) warnings.push('文件没有“党小组编码”列：新党员不编入党小组，已有党员的党小组保持不变');
    if (columns.phone === undefined) warnings.push('文件没有“联系电话”列：已有党员的联系电话保持不变');
  }
  return { columns, warnings, errors };
}

/**
 * The header row: the first of the first rows naming at least two of our columns (a title such as
 * “东山县党员花名册” above the header is common), else the first row.
 */
export function findHeader(rows: SheetRow[]): number {
  const index = rows.slice(0, 10).findIndex((r) => r.cells.filter((c) => HEADER_INDEX.has(normalizeHeader(cellText(c)))).length >= 2);
  return Math.max(index, 0);
}

/** A cell as text: numbers in full (no exponent for phones), dates as YYYY-MM-DD. */
export function cellText(cell: SheetCell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  if (typeof cell === 'number') return Number.isInteger(cell) ? BigInt(cell).toString() : String(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  // A leading apostrophe is how Excel users (and our CSV export) keep text from being read as a formula or number.
  return cell.trim().replace(/^'/, '').trim();
}

const pad = (n: number) => String(n).padStart(2, '0');
const validDate = (y: number, m: number, d: number): string | null => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && y <= 2999 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? `${y}-${pad(m)}-${pad(d)}` : null;
};

/** The date an Excel serial number stands for (1900 date system: day 1 = 1900-01-01, with Lotus's phantom 1900-02-29). */
function excelSerialDate(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 61 || serial >= 2958466) return null;
  const t = new Date(Date.UTC(1899, 11, 30) + Math.floor(serial) * 86_400_000);
  return t.toISOString().slice(0, 10);
}

export type DateParse = { date: string } | { error: string } | { empty: true };

/**
 * A date cell as YYYY-MM-DD: an Excel date cell, a serial number in a column Excel did not format
 * as a date, or text written as 2024-05-01, 2024/5/1, 2024.5.1, 2024年5月1日 or 20240501.
 */
export function parseDateCell(cell: SheetCell | undefined, label: string): DateParse {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return { error: `${label}不是有效的日期` };
    // Excel dates carry no time zone: exceljs gives them at UTC midnight (a time of day is dropped).
    return { date: cell.toISOString().slice(0, 10) };
  }
  if (typeof cell === 'number') {
    const ymd = Number.isInteger(cell) && cell >= 19000101 && cell <= 29991231 ? validDate(Math.floor(cell / 10000), Math.floor(cell / 100) % 100, cell % 100) : null;
    const date = ymd ?? excelSerialDate(cell);
    return date ? { date } : { error: `${label}“${cell}”不是日期（可写作 2024-05-01、2024/5/1 或 2024年5月1日）` };
  }
  const text = cellText(cell);
  if (!text) return { empty: true };
  const m =
    /^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(text) ??
    /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/.exec(text) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  const date = m ? validDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
  if (date) return { date };
  if (/^\d{4}\s*(?:[-/.]|年)\s*\d{1,2}\s*月?$/.test(text)) return { error: `${label}“${text}”只有年月，请写到日（如 ${text.slice(0, 4)}-${pad(Number(/(\d{1,2})\s*月?$/.exec(text)![1]))}-01）` };
  return { error: `${label}“${text}”不是日期（可写作 2024-05-01、2024/5/1 或 2024年5月1日）` };
}

/** A phone cell as text: Excel turns 13912345678 into a number, people write +86 and spaces. */
export function phoneText(cell: SheetCell | undefined): string {
  const text = cellText(cell).replace(/[\s\u3000]/g, '');
  return /^(\+?86)1\d{10}$/.test(text) ? text.replace(/^\+?86/, '') : text;
}

// ---------------------------------------------------------------------------------------------------
// Reading files

/** RFC 4180 records (quotes doubled inside quoted fields, CRLF or LF); a leading BOM is dropped. Rows are numbered by record. */
export function parseCsv(text: string): SheetRow[] {
  const rows: SheetRow[] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  const src = text.replace(/^\uFEFF/, '');
  const push = () => {
    row.push(field);
    if (row.some((c) => c.trim() !== '')) rows.push({ line, cells: row });
    line++;
    row = [];
    field = '';
  };
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
      push();
    } else field += ch;
  }
  if (field !== '' || row.length) push();
  return rows;
}

/**
 * The sum of the uncompressed sizes an xlsx (a zip) declares in its central directory, read before
 * anything is unzipped; null when the bytes are not a zip.
 */
function zipExpandedSize(buf: Buffer): number | null {
  const from = Math.max(0, buf.length - 65_557);
  let eocd = -1;
  for (let i = buf.length - 22; i >= from; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) return null;
    const size = buf.readUInt32LE(at + 24);
    // ZIP64 sizes (0xFFFFFFFF here) are more than any roster needs.
    total += size === 0xffffffff ? Number.MAX_SAFE_INTEGER : size;
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return total;
}

type ExcelValue = ExcelJS.CellValue;

function excelCell(v: ExcelValue): SheetCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('formula' in v || 'sharedFormula' in v) return excelCell((v as { result?: ExcelValue }).result as ExcelValue);
    if ('hyperlink' in v) return typeof v.text === 'string' ? v.text : excelCell(v.text as ExcelValue);
    if ('error' in v) return String(v.error);
  }
  return null;
}

/**
 * The roster sheet of an xlsx workbook (the sheet named 花名册, else the first that is not the
 * 填写说明), as rows of cells numbered as in Excel.
 */
export async function readXlsx(buf: Buffer): Promise<SheetRow[]> {
  if (buf.length >= 8 && buf.readUInt32BE(0) === 0xd0cf11e0) throw new RosterFileError('不支持旧版 Excel 97-2003（.xls）文件，请在 Excel 中“另存为”.xlsx 格式后再导入');
  const expanded = zipExpandedSize(buf);
  if (expanded === null) throw new RosterFileError('文件不是有效的 .xlsx 文件（请用 Excel 或 WPS 保存为 .xlsx，或导出为 CSV）');
  if (expanded > MAX_XLSX_EXPANDED) throw new RosterFileError('文件内容过大，请拆分后分批导入');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw new RosterFileError('文件不是有效的 .xlsx 文件（请用 Excel 或 WPS 保存为 .xlsx，或导出为 CSV）');
  }
  const sheet = workbook.getWorksheet(ROSTER_SHEET) ?? workbook.worksheets.find((ws) => ws.name !== GUIDE_SHEET);
  if (!sheet) throw new RosterFileError('文件中没有工作表');
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const values = row.values as ExcelValue[];
    const cells = values.slice(1).map((v) => excelCell(v));
    for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
    if (cells.some((c) => cellText(c) !== '')) rows.push({ line, cells });
  });
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// Writing xlsx

export type RosterRecord = { name: string; gender: string; birthDate: Date; joinedOn: Date; fullOn: Date | null; branchId: string; groupId: string | null; phone: string | null };

const DATE_FIELDS = new Set<RosterField>(['birthDate', 'joinedOn', 'fullOn']);

function addRosterSheet(workbook: ExcelJS.Workbook): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(ROSTER_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = ROSTER_COLUMN_SPECS.map((c) => ({
    header: c.title,
    key: c.field,
    width: c.field === 'name' ? 12 : c.field === 'gender' ? 6 : c.field === 'branchId' || c.field === 'groupId' ? 20 : c.field === 'phone' ? 16 : 13,
    // Dates as Excel dates; codes and phones as text, so Excel does not turn 13912345678 into 1.39E+10.
    style: { numFmt: DATE_FIELDS.has(c.field) ? 'yyyy-mm-dd' : '@' },
  }));
  sheet.getRow(1).font = { bold: true };
  return sheet;
}

function addGuideSheet(workbook: ExcelJS.Workbook): void {
  const guide = workbook.addWorksheet(GUIDE_SHEET);
  guide.columns = [
    { header: '列名', width: 14 },
    { header: '是否必填', width: 10 },
    { header: '填写格式', width: 56 },
    { header: '示例（仅作说明，请勿填入花名册）', width: 30 },
    { header: '也可识别的列名', width: 36 },
  ];
  guide.getRow(1).font = { bold: true };
  for (const c of ROSTER_COLUMN_SPECS) {
    guide.addRow([c.title, c.required ? (c.field === 'fullOn' ? '列必须有，预备党员留空' : '必填') : '可选列', c.format, c.example, c.synonyms.join('、')]);
  }
  guide.addRow([]);
  for (const note of [
    '1. 在“花名册”工作表中从第二行起每行填写一名党员；列的顺序可以调整，列名前后的空格不影响识别，其他列会被忽略。',
    '2. 按“姓名 + 出生日期”识别已登记的党员：相同则更新其信息，否则登记为新党员。同一份文件再次导入不会产生任何变化。',
    '3. 导入前请先“预检”：逐行列出问题；任何一行有误则整份文件都不导入。',
    '4. 更换所在党支部或党小组请办理“组织关系转接”，不能通过导入修改。',
    `5. 一份文件至多 ${MAX_ROSTER_ROWS} 行，文件不超过 1 MB（1 万名党员的 .xlsx 文件约 600 KB）。`,
  ]) {
    guide.addRow([note]);
    guide.mergeCells(guide.rowCount, 1, guide.rowCount, 5);
  }
}

/** An xlsx workbook of roster rows (our columns, dates as Excel dates, phones as text) and the 填写说明 sheet. */
export async function rosterWorkbook(records: RosterRecord[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Dangjian Flow';
  const sheet = addRosterSheet(workbook);
  for (const r of records) {
    sheet.addRow({ name: r.name, gender: r.gender === 'male' ? '男' : '女', birthDate: r.birthDate, joinedOn: r.joinedOn, fullOn: r.fullOn, branchId: r.branchId, groupId: r.groupId, phone: r.phone });
  }
  addGuideSheet(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The empty template: the header of the 花名册 sheet and the 填写说明 sheet explaining each column. */
export function rosterTemplate(): Promise<Buffer> {
  return rosterWorkbook([]);
}
