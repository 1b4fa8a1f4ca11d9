// The auditor's tool (README, Security): verifies every case record against the record key and the
// anchor file and reports per case. `pnpm audit:verify [--json]`; exit code 0 when every record is
// intact, 1 when one is tampered or truncated or an anchor line is forged, 2 when it cannot run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { auditRecords, configureRecord, createDb } from '@dj/db';
import { repoRoot } from './config';

function recordKeyFrom(env: NodeJS.ProcessEnv, dataDir: string): string {
  const key = env.RECORD_KEY?.trim();
  if (key) return key;
  try {
    return readFileSync(path.join(dataDir, 'record-key'), 'utf8').trim();
  } catch {
    throw new Error(`no RECORD_KEY and no ${path.join(dataDir, 'record-key')}: the record cannot be verified without its key`);
  }
}

async function main(): Promise<number> {
  const env = process.env;
  const json = process.argv.includes('--json');
  const dataDir = path.resolve(env.DATA_DIR?.trim() || path.join(repoRoot, '.data'));
  configureRecord({
    key: recordKeyFrom(env, dataDir),
    previousKeys: env.RECORD_PREVIOUS_KEYS?.split(',').map((k) => k.trim()).filter(Boolean),
    anchorFile: path.resolve(env.RECORD_ANCHOR_FILE?.trim() || path.join(dataDir, 'record-anchors.log')),
  });
  // Reading is all it does: any role that may SELECT "case" and case_event will do.
  const db = createDb(env.DATABASE_URL?.trim() || 'postgresql://postgres@127.0.0.1:5432/dangjian', { max: 2 });
  try {
    const audit = await auditRecords(db);
    if (json) {
      process.stdout.write(`${JSON.stringify(audit, null, 2)}\n`);
    } else {
      for (const c of audit.cases) {
        const detail =
          c.status === 'ok' ? `${c.events} events, ${c.anchored} anchored`
          : c.status === 'truncated' ? `${c.anchored} events anchored, ${c.events} found`
          : `at event ${c.brokenAtSeq} (${c.events} events, ${c.anchored} anchored)`;
        process.stdout.write(`${c.status.padEnd(9)} ${c.caseId}  ${detail}\n`);
      }
      const s = audit.summary;
      process.stdout.write(
        `\n${s.cases} cases: ${s.ok} ok, ${s.tampered} tampered, ${s.truncated} truncated; anchor file ${audit.anchorFile} (${audit.anchorLines} lines, ${audit.invalidAnchorLines} invalid${audit.anchorFileShrunk ? ', SHRUNK' : ''})\n`,
      );
    }
    return audit.summary.ok === audit.summary.cases && audit.invalidAnchorLines === 0 && !audit.anchorFileShrunk ? 0 : 1;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`audit:verify: ${(error as Error).message}\n`);
    process.exit(2);
  },
);
