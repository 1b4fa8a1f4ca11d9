/**
 * Phones at rest (personal-data.ts): the codec on its own (round trip, tampering, wrong key, key id
 * prefix, search hash) and the migrate step that encrypts what an older version left in plaintext and
 * re-encrypts after a key rotation (personal-data-migration.ts), against the test database.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDb, normalizePhone, personalData, PersonalDataCodec, PersonalDataDecryptError, PersonalDataKeyError, personPhone, personPhoneContext, protectPersonalData, type Db } from '../src';

const newKey = () => randomBytes(32).toString('base64');
const ctx = personPhoneContext('7a1e3c52-0000-4000-8100-000000000001');

describe('the personal data codec', () => {
  const key = newKey();
  const codec = new PersonalDataCodec(key);

  it('round-trips a phone, with a fresh IV each time and the key id in front', () => {
    const a = codec.encrypt('13912345678', ctx);
    const b = codec.encrypt('13912345678', ctx);
    expect(a).not.toBe(b);
    expect(a).toMatch(new RegExp(`^pd1:${codec.current.id}:[A-Za-z0-9_-]+$`));
    expect(a).not.toContain('13912345678');
    expect(codec.decrypt(a, ctx)).toBe('13912345678');
    expect(codec.decrypt(codec.encrypt('0571-88889999', ctx), ctx)).toBe('0571-88889999');
    // 12 bytes IV + 11 bytes text + 16 bytes tag.
    expect(Buffer.from(a.split(':')[2]!, 'base64url')).toHaveLength(39);
  });

  it('refuses a tampered value, another row’s value and a value under a key it does not have', () => {
    const stored = codec.encrypt('13912345678', ctx);
    const body = Buffer.from(stored.split(':')[2]!, 'base64url');
    body[14] = body[14]! ^ 1;
    expect(() => codec.decrypt(`pd1:${codec.current.id}:${body.toString('base64url')}`, ctx)).toThrow(PersonalDataDecryptError);
    expect(() => codec.decrypt(stored, personPhoneContext(randomUUID()))).toThrow(PersonalDataDecryptError);
    expect(() => codec.decrypt(stored.slice(0, 20), ctx)).toThrow(PersonalDataDecryptError);
    expect(() => codec.decrypt('13912345678', ctx)).toThrow(PersonalDataDecryptError);
    const other = new PersonalDataCodec(newKey());
    expect(other.current.id).not.toBe(codec.current.id);
    expect(() => other.decrypt(stored, ctx)).toThrow(/not configured/);
    // The same key id forged in front of another key's cipher: authentication fails.
    const forged = other.encrypt('13912345678', ctx).replace(`:${other.current.id}:`, `:${codec.current.id}:`);
    expect(() => codec.decrypt(forged, ctx)).toThrow(PersonalDataDecryptError);
  });

  it('decrypts under a previous key after a rotation and says which values are not current', () => {
    const rotated = new PersonalDataCodec(newKey(), [key]);
    const old = codec.encrypt('13912345678', ctx);
    expect(rotated.decrypt(old, ctx)).toBe('13912345678');
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.isCurrent(rotated.encrypt('13912345678', ctx))).toBe(true);
    expect(rotated.phoneMatches(codec.phoneHash('13912345678'), '13912345678')).toBe(true);
    expect(rotated.isCurrent(rotated.phoneHash('13912345678'))).toBe(true);
  });

  it('hashes the digits under a derived key: equal numbers match, others and other keys do not', () => {
    const h = codec.phoneHash('0571-88889999');
    expect(h).toMatch(new RegExp(`^${codec.current.id}:[0-9a-f]{64}$`));
    expect(codec.phoneHash('057188889999')).toBe(h);
    expect(normalizePhone(' 0571 8888-9999')).toBe('057188889999');
    expect(codec.phoneMatches(h, '057188889999')).toBe(true);
    expect(codec.phoneMatches(h, '057188889998')).toBe(false);
    expect(codec.phoneMatches(null, '057188889999')).toBe(false);
    expect(new PersonalDataCodec(newKey()).phoneMatches(h, '057188889999')).toBe(false);
    // Not a plain SHA-256 of the number, and not the encryption key's MAC either.
    expect(h).not.toContain('057188889999');
  });

  it('accepts 32 bytes in base64 or base64url and nothing else', () => {
    const raw = randomBytes(32);
    expect(new PersonalDataCodec(raw.toString('base64')).current.id).toBe(new PersonalDataCodec(raw.toString('base64url')).current.id);
    for (const bad of ['', 'short', randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), `${raw.toString('base64')}!`]) {
      expect(() => new PersonalDataCodec(bad)).toThrow(PersonalDataKeyError);
    }
  });
});

describe('the migrate step (protectPersonalData)', () => {
  let db: Db;
  beforeAll(() => {
    db = createDb(inject('databaseUrl'), { max: 2 });
  });
  afterAll(async () => {
    await db?.$disconnect();
  });

  /** A row as a version before the encryption wrote it (the trigger refuses new plaintext, so replication role). */
  async function legacyPerson(phone: string): Promise<string> {
    const id = randomUUID();
    await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL session_replication_role = replica`);
      await tx.$executeRaw`INSERT INTO person (id, name, gender, birth_date, joined_on, status, phone, updated_at) VALUES (${id}::uuid, '旧数据', 'male', '1980-01-01', '2005-07-01', 'full', ${phone}, now())`;
    });
    return id;
  }
  const stored = async (id: string) =>
    (await db.$queryRaw<{ phone: string | null; phoneCipher: string | null; phoneHash: string | null }[]>`SELECT phone, phone_cipher AS "phoneCipher", phone_hash AS "phoneHash" FROM person WHERE id = ${id}::uuid`)[0]!;

  it('refuses new plaintext phones in the database itself', async () => {
    await expect(db.$executeRaw`INSERT INTO person (id, name, gender, birth_date, joined_on, status, phone, updated_at) VALUES (${randomUUID()}::uuid, '明文', 'male', '1980-01-01', '2005-07-01', 'full', '13900000000', now())`).rejects.toThrow(/never in person.phone/);
  });

  it('encrypts phones left in plaintext, once, and a rotation re-encrypts under the new key', async () => {
    const id = await legacyPerson('13811112222');
    const first = await protectPersonalData(db);
    expect(first.person).toBeGreaterThanOrEqual(1);
    const row = await stored(id);
    expect(row.phone).toBeNull();
    expect(row.phoneCipher).toMatch(/^pd1:/);
    expect(personPhone({ id, phoneCipher: row.phoneCipher })).toBe('13811112222');
    expect(personalData().phoneMatches(row.phoneHash, '13811112222')).toBe(true);
    expect(await protectPersonalData(db)).toEqual({ person: 0, objection: 0 });
    expect(await stored(id)).toEqual(row);

    // Rotation: a new key, the current one as previous; then back, so the rest of the run keeps its key.
    const current = process.env.PERSONAL_DATA_KEY!;
    const next = newKey();
    const rotated = new PersonalDataCodec(next, [current]);
    expect((await protectPersonalData(db, rotated)).person).toBeGreaterThanOrEqual(1);
    const after = await stored(id);
    expect(after.phoneCipher).toMatch(new RegExp(`^pd1:${rotated.current.id}:`));
    expect(rotated.decrypt(after.phoneCipher!, personPhoneContext(id))).toBe('13811112222');
    expect(rotated.phoneMatches(after.phoneHash, '13811112222')).toBe(true);
    expect(await protectPersonalData(db, rotated)).toEqual({ person: 0, objection: 0 });
    await protectPersonalData(db, new PersonalDataCodec(current, [next]));
    expect(personPhone({ id, phoneCipher: (await stored(id)).phoneCipher })).toBe('13811112222');
    await db.person.delete({ where: { id } });
  });
});
