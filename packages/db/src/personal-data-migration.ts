/**
 * The application half of migration 20261203100000_phone_encryption, run right after the migrations
 * (infra's start and prepare, the test setup): SQL cannot encrypt without the key, which never enters the
 * database. Every phone still in the plaintext column, or encrypted under a key other than the current
 * one (after a rotation), is encrypted and hashed under the current key, and the plaintext column set to
 * NULL. Idempotent and resumable: each batch is one statement, and a second run finds nothing to do.
 */
import { createDb, type Db } from './client';
import { configurePersonalData, objectionPhoneContext, personalData, personPhoneContext, type PersonalDataCodec } from './personal-data';

export { configurePersonalData, personalData };

const BATCH = 500;

type Table = 'person' | 'objection';
const CONTEXT: Record<Table, (id: string) => string> = { person: personPhoneContext, objection: objectionPhoneContext };

async function convertTable(db: Db, codec: PersonalDataCodec, table: Table): Promise<number> {
  const current = `pd1:${codec.current.id}:%`;
  const hashCurrent = `${codec.current.id}:%`;
  let converted = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    // Table names are the two literals above, never input.
    const rows = await db.$queryRawUnsafe<{ id: string; phone: string | null; phoneCipher: string | null }[]>(
      `SELECT id::text, phone, phone_cipher AS "phoneCipher" FROM "${table}"
       WHERE id > $1::uuid AND (phone IS NOT NULL OR (phone_cipher IS NOT NULL AND (phone_cipher NOT LIKE $2 OR phone_hash IS NULL OR phone_hash NOT LIKE $3)))
       ORDER BY id LIMIT ${BATCH}`,
      after,
      current,
      hashCurrent,
    );
    if (!rows.length) return converted;
    after = rows[rows.length - 1]!.id;
    const values = rows.map((r) => {
      const context = CONTEXT[table](r.id);
      // A plaintext phone wins over a cipher (it can only be there from before the migration).
      const plain = r.phone ?? codec.decrypt(r.phoneCipher!, context);
      return { id: r.id, ...codec.protect(plain.trim() || null, context) };
    });
    await db.$executeRawUnsafe(
      `UPDATE "${table}" t SET phone_cipher = v.cipher, phone_hash = v.hash, phone = NULL
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, cipher, hash) WHERE t.id = v.id`,
      values.map((v) => v.id),
      values.map((v) => v.cipher),
      values.map((v) => v.hash),
    );
    converted += rows.length;
  }
}

/** Encrypts what is left in plaintext (and re-encrypts under a rotated key); returns the rows changed. */
export async function protectPersonalData(db: Db, codec: PersonalDataCodec = personalData()): Promise<{ person: number; objection: number }> {
  return { person: await convertTable(db, codec, 'person'), objection: await convertTable(db, codec, 'objection') };
}

export async function protectPersonalDataAt(databaseUrl: string, codec: PersonalDataCodec = personalData()): Promise<{ person: number; objection: number }> {
  const db = createDb(databaseUrl, { max: 2 });
  try {
    return await protectPersonalData(db, codec);
  } finally {
    await db.$disconnect();
  }
}
