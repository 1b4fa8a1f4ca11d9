import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { RecordKey } from './case-record';

/** The head of a case's chain at one moment: how many events it had and the hash of the last. */
export type Anchor = { caseId: string; events: number; head: string; at: string; keyId: string };

function signature(key: RecordKey, a: Omit<Anchor, 'keyId'> & { keyId: string }): string {
  // Fixed field order: the line is produced and checked only here.
  return createHmac('sha256', key.anchor).update(JSON.stringify([a.at, a.caseId, a.events, a.head, a.keyId])).digest('hex');
}

/**
 * The anchor file: one JSON line per anchored head, each signed with the record key, only ever
 * appended to (O_APPEND, one write per batch). It lives outside the database so that whoever
 * administers the database cannot rewrite it; in production it is shipped to append-only storage
 * (see README, Security). Read incrementally: each refresh parses only what was appended since.
 */
export class AnchorLog {
  private offset = 0;
  private partial = '';
  private readonly byCase = new Map<string, Anchor[]>();
  /** Lines that do not parse or whose signature does not verify (reported by the auditor). */
  invalidLines = 0;
  lines = 0;
  /** The file got shorter than already read: someone cut it. */
  shrunk = false;

  constructor(
    readonly file: string,
    private readonly keys: RecordKey[],
  ) {}

  refresh(): void {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        if (this.offset > 0) this.shrunk = true;
        return;
      }
      throw error;
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        this.shrunk = true;
        this.offset = 0;
        this.partial = '';
        this.byCase.clear();
        this.lines = this.invalidLines = 0;
      }
      if (size === this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      let read = 0;
      while (read < buffer.length) {
        const n = readSync(fd, buffer, read, buffer.length - read, this.offset + read);
        if (n === 0) break;
        read += n;
      }
      this.offset += read;
      const text = this.partial + buffer.subarray(0, read).toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.accept(line);
    } finally {
      closeSync(fd);
    }
  }

  private accept(line: string): void {
    this.lines += 1;
    let a: Anchor & { sig?: unknown };
    try {
      a = JSON.parse(line) as Anchor & { sig?: unknown };
    } catch {
      this.invalidLines += 1;
      return;
    }
    const key = this.keys.find((k) => k.id === a.keyId);
    const sig = typeof a.sig === 'string' ? a.sig : '';
    const valid =
      key !== undefined &&
      typeof a.caseId === 'string' &&
      Number.isInteger(a.events) &&
      typeof a.head === 'string' &&
      typeof a.at === 'string' &&
      sig.length === 64 &&
      timingSafeEqual(Buffer.from(sig), Buffer.from(signature(key, a)));
    if (!valid) {
      this.invalidLines += 1;
      return;
    }
    const list = this.byCase.get(a.caseId) ?? [];
    list.push({ caseId: a.caseId, events: a.events, head: a.head, at: a.at, keyId: a.keyId });
    this.byCase.set(a.caseId, list);
  }

  forCase(caseId: string): Anchor[] {
    this.refresh();
    return this.byCase.get(caseId.toLowerCase()) ?? [];
  }

  /** Every anchored case id (the auditor also reports anchored cases whose events are all gone). */
  caseIds(): string[] {
    this.refresh();
    return [...this.byCase.keys()];
  }

  append(heads: Array<{ caseId: string; events: number; head: string }>): void {
    if (!heads.length) return;
    const key = this.keys[0]!;
    const at = new Date().toISOString();
    const text = heads
      .map((h) => {
        const a = { at, caseId: h.caseId.toLowerCase(), events: h.events, head: h.head, keyId: key.id };
        return `${JSON.stringify({ ...a, sig: signature(key, a) })}\n`;
      })
      .join('');
    mkdirSync(path.dirname(this.file), { recursive: true });
    appendFileSync(this.file, text, { mode: 0o600 });
  }
}
