/**
 * Personal numbers at rest (issue 13 point 6; 个人信息保护法 §51: encryption of personal information):
 * phones of the roster (person) and of public objections are stored only encrypted, under a key that
 * never enters the database (PERSONAL_DATA_KEY), and found only by a keyed hash of the normalized number.
 *
 * Stored cipher: `pd1:<key id>:<base64url(iv ‖ ciphertext ‖ tag)>` — AES-256-GCM with a random 96-bit IV
 * per value; the additional data names the column and the row (`person.phone:<id>`), so a value copied
 * to another row or column does not decrypt. Stored hash: `<key id>:<hex HMAC-SHA256>` over the digits of
 * the number, under a second key derived from the same secret (HKDF), so equal numbers compare without
 * decrypting and the database alone reveals nothing.
 *
 * The key id (a digest of the key, not the key) prefixes both, so keys rotate: set the new key as
 * PERSONAL_DATA_KEY and the old one in PERSONAL_DATA_PREVIOUS_KEYS; the migrate step
 * (protectPersonalData) re-encrypts and re-hashes every row under the new key; then the old key can go.
 * Losing every key loses the phones: they cannot be recovered from the database.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export class PersonalDataKeyError extends Error {}
/** A stored value that does not decrypt: altered, another row's, or under a key not configured. */
export class PersonalDataDecryptError extends Error {}

const FORMAT = 'pd1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

type Key = { id: string; enc: Buffer; search: Buffer };

/** A key as configured: 32 bytes in base64 (or base64url, what the generated key file holds). */
function parseKey(text: string, name: string): Key {
  const trimmed = text.trim();
  const raw = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (raw.length !== 32) throw new PersonalDataKeyError(`${name} must be 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`)`);
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', raw, 'dangjian-flow', info, 32));
  return { id: createHash('sha256').update('dj-personal-data-key-id\n').update(raw).digest('hex').slice(0, 8), enc: derive('personal-data-encryption'), search: derive('personal-data-search') };
}

/** What the search hash covers: the digits, so 0571-88889999 and 057188889999 are the same number. */
export const normalizePhone = (phone: string) => phone.replace(/\D/g, '');

export class PersonalDataCodec {
  readonly current: Key;
  private readonly keys: Map<string, Key>;

  constructor(key: string, previousKeys: string[] = []) {
    this.current = parseKey(key, 'PERSONAL_DATA_KEY');
    this.keys = new Map([this.current, ...previousKeys.map((k) => parseKey(k, 'PERSONAL_DATA_PREVIOUS_KEYS'))].map((k) => [k.id, k]));
  }

  /** `context` names the column and the row, e.g. `person.phone:<id>`; decrypt needs the same. */
  encrypt(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.enc, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${FORMAT}:${this.current.id}:${body.toString('base64url')}`;
  }

  decrypt(stored: string, context: string): string {
    const [format, keyId, data, extra] = stored.split(':');
    if (format !== FORMAT || !keyId || data === undefined || extra !== undefined) throw new PersonalDataDecryptError('not an encrypted personal value');
    const key = this.keys.get(keyId);
    if (!key) throw new PersonalDataDecryptError(`encrypted under key ${keyId}, which is not configured (PERSONAL_DATA_KEY / PERSONAL_DATA_PREVIOUS_KEYS)`);
    const body = Buffer.from(data, 'base64url');
    if (body.length < IV_BYTES + TAG_BYTES) throw new PersonalDataDecryptError('encrypted personal value too short');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.enc, body.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new PersonalDataDecryptError('encrypted personal value does not authenticate (altered, or another row’s)');
    }
  }

  /** The search hash of a phone under the current key (what is stored and looked up). */
  phoneHash(phone: string): string {
    return this.hashWith(this.current, phone);
  }

  /** Whether a stored hash is that of `phone`, under whichever configured key made it (constant time). */
  phoneMatches(storedHash: string | null, phone: string): boolean {
    if (!storedHash) return false;
    const key = this.keys.get(storedHash.split(':')[0] ?? '');
    if (!key) return false;
    const a = Buffer.from(this.hashWith(key, phone));
    const b = Buffer.from(storedHash);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Whether a stored cipher or hash was made under the current key (else the migrate step redoes it). */
  isCurrent(stored: string): boolean {
    return stored.startsWith(`${FORMAT}:${this.current.id}:`) || stored.startsWith(`${this.current.id}:`);
  }

  /** Cipher and hash of a phone for a row, or nulls for none. */
  protect(phone: string | null | undefined, context: string): { cipher: string | null; hash: string | null } {
    return phone ? { cipher: this.encrypt(phone, context), hash: this.phoneHash(phone) } : { cipher: null, hash: null };
  }

  private hashWith(key: Key, phone: string): string {
    return `${key.id}:${createHmac('sha256', key.search).update(normalizePhone(phone)).digest('hex')}`;
  }
}

/** The additional data of a phone: the table and the row. */
export const personPhoneContext = (personId: string) => `person.phone:${personId}`;
export const objectionPhoneContext = (objectionId: string) => `objection.phone:${objectionId}`;

/** The stored columns of a phone (cipher and search hash; nulls for none), under this process's key. */
export function personPhoneColumns(personId: string, phone: string | null | undefined) {
  const { cipher, hash } = personalData().protect(phone, personPhoneContext(personId));
  return { phoneCipher: cipher, phoneHash: hash };
}
export function objectionPhoneColumns(objectionId: string, phone: string) {
  const { cipher, hash } = personalData().protect(phone, objectionPhoneContext(objectionId));
  return { phoneCipher: cipher, phoneHash: hash };
}

let configured: PersonalDataCodec | undefined;

/**
 * The codec of this process: PERSONAL_DATA_KEY (and PERSONAL_DATA_PREVIOUS_KEYS, comma-separated) read
 * from the environment on first use, unless configurePersonalData set it.
 */
export function personalData(env: Record<string, string | undefined> = process.env): PersonalDataCodec {
  if (configured) return configured;
  const key = env.PERSONAL_DATA_KEY?.trim();
  if (!key) throw new PersonalDataKeyError('PERSONAL_DATA_KEY is not set: phones cannot be stored or read without their key');
  configured = new PersonalDataCodec(
    key,
    env.PERSONAL_DATA_PREVIOUS_KEYS?.split(',').map((k) => k.trim()).filter(Boolean),
  );
  return configured;
}

export function configurePersonalData(key: string, previousKeys: string[] = []): PersonalDataCodec {
  configured = new PersonalDataCodec(key, previousKeys);
  return configured;
}
