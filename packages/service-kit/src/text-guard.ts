/**
 * What PostgreSQL can store as text: UTF-8 without NUL. A JavaScript string can hold two things it
 * cannot: U+0000 (text and jsonb refuse it) and a lone UTF-16 surrogate (no UTF-8 form; jsonb refuses
 * its \u escape, a text column would silently turn it into U+FFFD). Every string a person submits is
 * checked here, at the edge, before anything reads or writes it.
 */

/** An unpaired surrogate: in a `u` regular expression a well-formed pair is one code point and never matches. */
const LONE_SURROGATE = /\p{Cs}/u;

export function isStorableText(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

/**
 * The JSON-pointer-like path of the first string (value or object key) PostgreSQL cannot store, or
 * undefined when there is none. Walks any depth without recursion (a deeply nested body cannot
 * exhaust the stack).
 */
export function unstorableTextAt(value: unknown, root = ''): string | undefined {
  const stack: [unknown, string][] = [[value, root]];
  const seen = new Set<object>();
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (!isStorableText(v)) return path || '/';
      continue;
    }
    // Bytes (an uploaded file's raw body) are not text: whoever reads them checks what they decode to.
    if (v === null || typeof v !== 'object' || seen.has(v) || ArrayBuffer.isView(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}/${i}`]);
      continue;
    }
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const at = `${path}/${escapePointer(key)}`;
      if (!isStorableText(key)) return at;
      stack.push([child, at]);
    }
  }
  return undefined;
}

/** A path segment as shown in the error (RFC 6901 escapes; the offending characters as \u escapes). */
function escapePointer(key: string): string {
  return key
    .replaceAll('~', '~0')
    .replaceAll('/', '~1')
    .replaceAll('\u0000', '\\u0000')
    .replace(/\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}
