/**
 * What the public may file as an objection (异议), and how the board identifies it: the input
 * rules (as JSON Schema, enforced on the raw body, no coercion), the receipt number, the client key.
 */
import { createHmac, randomInt } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { toChinaDate } from '@dj/domain';

/**
 * Real-name shape: letters of any script (汉字 or Latin, …) in one or more parts joined by a single
 * '·' (U+00B7, as in 阿卜杜拉·艾力) or a single space (Latin names); no digits, no other signs.
 */
export const NAME_PATTERN = '^\\p{L}+(?:[\\u00B7 ]\\p{L}+)*$';
/**
 * A mainland mobile number (11 digits, 1[3-9]…), or a fixed line with its area code
 * (0 + 2–3 digits, optional '-', 7–8 digits not starting with 0/1), e.g. 0571-88888888: the
 * 核实 officials must be able to call back, and many villagers only have a fixed line.
 * No country prefix, no spaces, no extension.
 */
export const PHONE_PATTERN = '^(?:1[3-9]\\d{9}|0\\d{2,3}-?[2-9]\\d{6,7})$';
export const CONTENT_MIN = 10;
export const CONTENT_MAX = 2000;

export const ObjectionBody = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 20, pattern: NAME_PATTERN, description: '实名：汉字或字母，可含“·”，2–20字' }),
    phone: Type.String({ maxLength: 13, pattern: PHONE_PATTERN, description: '手机号（1[3-9]开头11位）或带区号的固定电话（如0571-88888888）' }),
    content: Type.String({ minLength: CONTENT_MIN, maxLength: CONTENT_MAX, description: `异议内容，${CONTENT_MIN}–${CONTENT_MAX}字` }),
  },
  { additionalProperties: false },
);

/** Crockford base32: no I, L, O, U, so a receipt read out over the phone is unambiguous. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Receipt number: "YY" (异议) + China date + '-' + 6 random base32 characters, e.g. YY20261122-7K3QXM. */
export function receiptNumber(at: Date): string {
  let random = '';
  for (let i = 0; i < 6; i++) random += CROCKFORD[randomInt(CROCKFORD.length)];
  return `YY${toChinaDate(at).replaceAll('-', '')}-${random}`;
}

/**
 * The stored client key: a keyed SHA-256 (HMAC) of the client address. Same address → same key, so
 * abuse can be spotted, but unlike a bare SHA-256 of an IPv4 address it cannot be reversed by trying
 * all 2^32 addresses without the service's secret.
 */
export function clientKeyOf(address: string, secret: string): string {
  const key = createHmac('sha256', secret).update('notice-board/objection-client-key').digest();
  return createHmac('sha256', key).update(address).digest('hex');
}

export type ObjectionInput = { name: string; phone: string; content: string };
export type ObjectionField = keyof ObjectionInput;

const NAME_RE = new RegExp(NAME_PATTERN, 'u');
const PHONE_RE = new RegExp(PHONE_PATTERN, 'u');
/** Length as JSON Schema (and Ajv) count it: in code points, so 𠮷 is one character. */
const length = (s: string) => [...s].length;

/**
 * The rules of `ObjectionBody` plus the content rule of the API handler, field by field with a Chinese
 * message for a person filling in the HTML form. Empty when the input would pass the API.
 */
export function objectionFieldErrors(input: ObjectionInput): Partial<Record<ObjectionField, string>> {
  const errors: Partial<Record<ObjectionField, string>> = {};
  const { name, phone, content } = input;
  if (name === '') errors.name = '请填写真实姓名';
  else if (length(name) < 2 || length(name) > 20) errors.name = '姓名应为2至20个字';
  else if (!NAME_RE.test(name)) errors.name = '姓名只能由汉字或字母组成，少数民族姓名可用“·”分隔';
  if (phone === '') errors.phone = '请填写联系电话，以便核实时联系您';
  else if (length(phone) > 13 || !PHONE_RE.test(phone)) errors.phone = '请填写11位手机号码，或带区号的固定电话（如0571-88888888）';
  if (content.trim() === '') errors.content = '请填写异议内容';
  else if (length(content) > CONTENT_MAX) errors.content = `异议内容不能超过${CONTENT_MAX}字（现有${length(content)}字）`;
  else if (length(content) < CONTENT_MIN || content.trim().length < CONTENT_MIN) errors.content = `请写明具体情况，异议内容至少${CONTENT_MIN}个字`;
  return errors;
}

/** A phone number as typed with or without the area code's '-': the form the status lookup compares. */
export const phoneDigits = (phone: string) => phone.replace(/[-\s]/g, '');

/** A receipt number as a person may type it back: any case, spaces around. */
export const RECEIPT_PATTERN = /^YY\d{8}-[0-9A-HJKMNP-TV-Z]{6}$/;
export const normalizeReceipt = (raw: string) => raw.trim().toUpperCase();
