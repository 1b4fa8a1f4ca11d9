import { Writable } from 'node:stream';

/** A pino destination keeping every line, for tests that assert what a service logged. */
export function captureLogs(): { lines: string[]; stream: Writable; entries(from?: number): Record<string, unknown>[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream, entries: (from = 0) => lines.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>) };
}
