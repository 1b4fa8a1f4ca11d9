/**
 * A county's roster at its real size (issue 13 point 3): ~300 branches and 10,000 members in the xlsx
 * a county organization department keeps (test/src/county-roster.ts), imported over HTTP into branches
 * created for it — dry run, then the import, then the same file again, then the export imported back.
 * The times are printed (README “Roster import at county scale”), not asserted.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personPhone } from '@dj/db';
import { bearer, body, startServices, type Fixture } from '../src/service-fixture';
import { countyRosterXlsx, generateCounty, type County } from '../src/county-roster';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const P = `cty${randomUUID().slice(0, 6)}`;
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
type Report = { dryRun: boolean; applied: boolean; rows: number; created: number; updated: number; unchanged: number; errors: { row: number; messages: string[] }[]; warnings: string[] };

let f: Fixture;
let token: string;
let county: County;
let file: Buffer;

const timed = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  const result = await run();
  console.log(`[county roster] ${label}: ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return result;
};

const importFile = (bytes: Buffer, dryRun: boolean, contentType = XLSX) =>
  f.identity.inject({ method: 'POST', url: `/api/admin/people/import-file?dryRun=${dryRun}`, headers: { ...bearer(token), 'content-type': contentType }, payload: bytes });

/**
 * The county's members as the database holds them (particulars, branch, group), sorted; the phone
 * decrypted here from its cipher (kept too, so "nothing changed" covers it), after checking that the
 * table holds no phone in plaintext and a search hash for every cipher.
 */
async function countyRoster() {
  const raw = await f.db.$queryRaw<{ id: string; name: string; gender: string; birthDate: Date; joinedOn: Date; fullOn: Date | null; status: string; plainPhone: string | null; phoneCipher: string | null; phoneHash: string | null; branchId: string; groupId: string | null; updatedAt: Date }[]>`
    SELECT p.id, p.name, p.gender, p.birth_date AS "birthDate", p.joined_on AS "joinedOn", p.full_on AS "fullOn", p.status, p.phone AS "plainPhone", p.phone_cipher AS "phoneCipher", p.phone_hash AS "phoneHash", m.branch_id AS "branchId", m.group_id AS "groupId", p.updated_at AS "updatedAt"
    FROM party_membership m JOIN person p ON p.id = m.person_id JOIN org_unit b ON b.id = m.branch_id
    WHERE m.end_on IS NULL AND b.path LIKE ${`%/${P}/%`}
    ORDER BY p.name, p.birth_date`;
  expect(raw.filter((r) => r.plainPhone !== null || (r.phoneCipher === null) !== (r.phoneHash === null) || (r.phoneCipher !== null && !r.phoneCipher.startsWith('pd1:')))).toEqual([]);
  const rows = raw.map(({ id, plainPhone: _plain, phoneHash: _hash, ...r }) => ({ ...r, phone: personPhone({ id, phoneCipher: r.phoneCipher }) }));
  return rows.map((r) => ({ ...r, birthDate: r.birthDate.toISOString().slice(0, 10), joinedOn: r.joinedOn.toISOString().slice(0, 10), fullOn: r.fullOn?.toISOString().slice(0, 10) ?? null }));
}

beforeAll(async () => {
  f = await startServices();
  const [city] = await f.db.$queryRaw<{ path: string }[]>`SELECT path FROM org_unit WHERE id = 'city'`;
  county = generateCounty({ prefix: P, parentId: 'city', today });
  // The units, parents first, as the organization tree's own insert writes them (org-admin.ts createOrg).
  const paths = new Map<string, string>([['city', city!.path]]);
  for (const u of county.units) paths.set(u.id, `${paths.get(u.parentId)}${u.id}/`);
  const col = <K extends keyof County['units'][number]>(k: K) => county.units.map((u) => u[k]);
  await f.db.$executeRaw`
    INSERT INTO org_unit (id, name, type, parent_id, path, depth, status, established_on)
    SELECT id, name, type::"OrgType", parent_id, path, array_length(string_to_array(path, '/'), 1) - 3, 'active', DATE '2020-01-01'
    FROM unnest(${col('id')}::text[], ${col('name')}::text[], ${col('type')}::text[], ${col('parentId')}::text[], ${county.units.map((u) => paths.get(u.id)!)}::text[]) AS u(id, name, type, parent_id, path)`;
  token = await f.addUser(`${P}.admin`, '测试县委组织部管理员', [{ orgId: P, role: 'admin' }]);
  file = await timed('generate the county xlsx', () => countyRosterXlsx(county, `${P}县党员花名册（${today}）`));
  console.log(`[county roster] ${county.branches.length} branches, ${county.units.length} units, ${county.members.length} members, xlsx ${(file.length / 1024).toFixed(0)} KB`);
}, 180_000);

afterAll(async () => {
  // The members go again so later test files do not page through 10,000 extra people; the units and
  // the audit rows (append-only) stay.
  if (f) {
    await f.db.$executeRaw`DELETE FROM party_membership m USING org_unit b WHERE b.id = m.branch_id AND b.path LIKE ${`%/${P}/%`}`;
    await f.db.$executeRaw`DELETE FROM person p WHERE NOT EXISTS (SELECT 1 FROM party_membership m WHERE m.person_id = p.id)`;
  }
  await f?.close();
});

describe('a county roster of 10,000 members as xlsx', () => {
  it('checks the whole file in a dry run writing nothing, then imports it in one go', async () => {
    expect(county.branches).toHaveLength(300);
    const dry = body<Report>(await timed('dry run (10,000 rows)', () => importFile(file, true)));
    expect(dry).toMatchObject({ dryRun: true, applied: false, rows: 10_000, created: 10_000, updated: 0, unchanged: 0, errors: [] });
    // The title row is skipped, the columns we do not read are named.
    expect(dry.warnings.join()).toContain('“序号”（A 列）');
    expect(dry.warnings.join()).toContain('“备注”（J 列）');
    expect(await countyRoster()).toEqual([]);

    const audit = await f.db.adminAuditLog.count();
    const done = body<Report>(await timed('import (10,000 rows)', () => importFile(file, false)));
    expect(done).toMatchObject({ applied: true, created: 10_000, updated: 0, unchanged: 0, errors: [] });
    expect(await f.db.adminAuditLog.count()).toBe(audit + 10_000);

    const roster = await countyRoster();
    expect(roster).toHaveLength(10_000);
    const expected = county.members.map((m) => ({ name: m.name, gender: m.gender === '男' ? 'male' : 'female', birthDate: m.birthDate, joinedOn: m.joinedOn, fullOn: m.fullOn, status: m.fullOn ? 'full' : 'probationary', phone: m.phone, branchId: m.branchId, groupId: m.groupId }));
    const strip = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'updatedAt' && k !== 'phoneCipher'));
    const key = (r: { name: string; birthDate: string }) => `${r.name}|${r.birthDate}`;
    expect(roster.map(strip).sort((a, b) => key(a as never).localeCompare(key(b as never)))).toEqual(expected.sort((a, b) => key(a).localeCompare(key(b))));
    // Some counts a county would check: probationary members, members in 党小组, branches with members.
    expect(roster.filter((r) => r.status === 'probationary').length).toBe(county.members.filter((m) => !m.fullOn).length);
    expect(roster.filter((r) => r.groupId).length).toBe(county.members.filter((m) => m.groupId).length);
    const perBranch = await f.db.$queryRaw<{ n: bigint }[]>`
      SELECT count(DISTINCT m.branch_id) AS n FROM party_membership m JOIN org_unit b ON b.id = m.branch_id WHERE m.end_on IS NULL AND b.path LIKE ${`%/${P}/%`}`;
    expect(Number(perBranch[0]!.n)).toBe(new Set(county.members.map((m) => m.branchId)).size);
  }, 180_000);

  it('imports the same file again changing nothing', async () => {
    const before = await countyRoster();
    const audit = await f.db.adminAuditLog.count();
    const again = body<Report>(await timed('re-import of the same file', () => importFile(file, false)));
    expect(again).toMatchObject({ applied: true, created: 0, updated: 0, unchanged: 10_000, errors: [] });
    expect(await countyRoster()).toEqual(before);
    expect(await f.db.adminAuditLog.count()).toBe(audit);
  }, 180_000);

  it('exports the county as xlsx and imports the export back unchanged', async () => {
    const res = await timed('export.xlsx', () => f.identity.inject({ method: 'GET', url: `/api/admin/people/export.xlsx?orgId=${P}`, headers: bearer(token) }));
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX);
    const exported = res.rawPayload;
    console.log(`[county roster] export ${(exported.length / 1024).toFixed(0)} KB`);
    const before = await countyRoster();
    const back = body<Report>(await timed('import of the export', () => importFile(exported, false)));
    expect(back).toMatchObject({ applied: true, created: 0, updated: 0, unchanged: 10_000, errors: [], warnings: [] });
    expect(await countyRoster()).toEqual(before);
  }, 180_000);

  it('finds a changed particular in 10,000 rows and refuses the whole file for one bad row', async () => {
    const res = await f.identity.inject({ method: 'GET', url: `/api/admin/people/export.xlsx?orgId=${P}`, headers: bearer(token) });
    const ExcelJS = (await import('exceljs')).default;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('花名册')!;
    // Row 101: a new phone; row 5001: a date joined after today.
    sheet.getRow(101).getCell(8).value = '13700000000';
    const name = String(sheet.getRow(5001).getCell(1).value);
    const born = (sheet.getRow(5001).getCell(3).value as Date).toISOString().slice(0, 10);
    sheet.getRow(5001).getCell(4).value = '2999-01-01';
    const before = await countyRoster();
    const bad = body<Report>(await importFile(Buffer.from(await workbook.xlsx.writeBuffer()), false));
    expect(bad).toMatchObject({ applied: false, errors: [{ row: 5001, messages: expect.arrayContaining(['入党日期不能晚于今天']) }] });
    expect(await countyRoster()).toEqual(before);

    sheet.getRow(5001).getCell(4).value = before.find((r) => r.name === name && r.birthDate === born)!.joinedOn;
    const good = body<Report>(await importFile(Buffer.from(await workbook.xlsx.writeBuffer()), false));
    expect(good).toMatchObject({ applied: true, created: 0, updated: 1, unchanged: 9_999, errors: [] });
    expect((await countyRoster()).filter((r) => r.phone === '13700000000')).toHaveLength(1);
  }, 180_000);
});
