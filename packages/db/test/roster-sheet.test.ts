/** Reading roster spreadsheets (roster-sheet.ts): dates, phones, headers, CSV row numbers, files that must not be unzipped. */
import { describe, expect, it } from 'vitest';
import { RosterFileError, mapHeader, parseCsv, parseDateCell, phoneText, readRosterFile, rosterTemplate } from '../src';

describe('roster cells', () => {
  it('reads dates as Excel cells, serial numbers and the ways people type them', () => {
    const cases: [Parameters<typeof parseDateCell>[0], string][] = [
      [new Date('2024-05-01T00:00:00Z'), '2024-05-01'],
      [45413, '2024-05-01'],
      [20240501, '2024-05-01'],
      ['2024-05-01', '2024-05-01'],
      ['2024/5/1', '2024-05-01'],
      ['2024.5.1', '2024-05-01'],
      [' 2024年5月1日 ', '2024-05-01'],
      ['2024年05月01号', '2024-05-01'],
      ['2024-05-01 00:00:00', '2024-05-01'],
      ['20240501', '2024-05-01'],
      ["'2024-05-01", '2024-05-01'],
    ];
    for (const [cell, date] of cases) expect(parseDateCell(cell, '入党日期'), String(cell)).toEqual({ date });
    expect(parseDateCell(null, '入党日期')).toEqual({ empty: true });
    expect(parseDateCell('  ', '入党日期')).toEqual({ empty: true });
    expect(parseDateCell('2023-02-29', '入党日期')).toEqual({ error: '入党日期“2023-02-29”不是日期（可写作 2024-05-01、2024/5/1 或 2024年5月1日）' });
    expect(parseDateCell('1990年5月', '出生日期')).toEqual({ error: '出生日期“1990年5月”只有年月，请写到日（如 1990-05-01）' });
    expect(parseDateCell('1990-5', '出生日期')).toEqual({ error: '出生日期“1990-5”只有年月，请写到日（如 1990-05-01）' });
    expect(parseDateCell(12, '出生日期')).toMatchObject({ error: expect.stringContaining('不是日期') });
  });

  it('reads phones Excel made numbers, with +86 and spaces', () => {
    expect(phoneText(13912345678)).toBe('13912345678');
    expect(phoneText('+86 139 1234 5678')).toBe('13912345678');
    expect(phoneText('8613912345678')).toBe('13912345678');
    expect(phoneText('0571-88889999')).toBe('0571-88889999');
    expect(phoneText(null)).toBe('');
  });

  it('matches headers by name and synonym in any order; unknown columns are warnings, missing ones one error', () => {
    const ok = mapHeader(['手机号', ' 名字', '性 别', '出生年月', '入党时间', '转正时间（预备党员不填）', '所在党支部', '所在党小组', '籍贯']);
    expect(ok.columns).toEqual({ phone: 0, name: 1, gender: 2, birthDate: 3, joinedOn: 4, fullOn: 5, branchId: 6, groupId: 7 });
    expect(ok.errors).toEqual([]);
    expect(ok.warnings).toEqual(['以下列不是花名册的列，已忽略：“籍贯”（I 列）']);
    expect(mapHeader(['姓名', '性别']).errors).toEqual(['缺少必填列：“出生日期”、“入党日期”、“转正日期”、“党支部编码”（第一行须为表头，列名见模板的“填写说明”）']);
  });

  it('numbers CSV rows as the spreadsheet does, blank lines counted and skipped, quoted newlines inside a row', () => {
    const rows = parseCsv('\uFEFF姓名,性别\r\n\r\n"张,三",男\n"李\n四",女\n');
    expect(rows).toEqual([
      { line: 1, cells: ['姓名', '性别'] },
      { line: 3, cells: ['张,三', '男'] },
      { line: 4, cells: ['李\n四', '女'] },
    ]);
  });
});

describe('roster files', () => {
  it('refuses an xlsx that declares more than it may expand to, before unzipping it', async () => {
    const bytes = Buffer.from(await rosterTemplate());
    expect((await readRosterFile(bytes)).format).toBe('xlsx');
    // Every central-directory entry claims 100 MB uncompressed: a zip bomb's shape.
    for (let i = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); i >= 0; i = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), i + 4)) bytes.writeUInt32LE(100 * 1024 * 1024, i + 24);
    await expect(readRosterFile(bytes)).rejects.toThrow(new RosterFileError('文件内容过大，请拆分后分批导入'));
  });

  it('decodes CSV as UTF-8, else GB18030, and refuses binary and empty files', async () => {
    expect((await readRosterFile(Buffer.from('姓名,性别\n张三,男\n'))).rows[1]).toEqual({ line: 2, cells: ['张三', '男'] });
    // 张三 in GB18030.
    expect((await readRosterFile(Buffer.from([0xd5, 0xc5, 0xc8, 0xfd, 0x2c, 0x31]))).rows[0]!.cells).toEqual(['张三', '1']);
    await expect(readRosterFile(Buffer.alloc(0))).rejects.toThrow('文件是空的');
    await expect(readRosterFile(Buffer.from([0x01, 0x00, 0x02]))).rejects.toThrow('文件不是 .xlsx 或 CSV 文本文件');
  });
});
