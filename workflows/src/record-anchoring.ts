import { anchorChangedChains, recordSettings, type Db } from '@dj/db';
import type { createLogger } from '@dj/logging';

type Logger = ReturnType<typeof createLogger>;

/**
 * The periodic anchoring (README, Security): every `intervalSeconds` (hourly by default, so at least
 * daily even across restarts), and once at start, the head of every chain that grew since its last
 * anchor is written to the anchor file.
 */
export function startRecordAnchoring(options: { db: Db; log: Logger; intervalSeconds: number }): { stop(): void } {
  const { db, log } = options;
  const settings = recordSettings();
  if (!settings.anchors) {
    log.warn({ event: 'record.anchoring-off' }, 'RECORD_ANCHOR_FILE is not set: the case record is not anchored');
    return { stop() {} };
  }
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      const run = await anchorChangedChains(db);
      for (const r of run.refused) log.error({ event: 'record.anchor-refused', caseId: r.caseId, verification: r.verification }, 'a case record does not verify; not anchored');
      if (run.anchored) log.info({ event: 'record.anchored', chains: run.anchored }, 'case records anchored');
    } catch (err) {
      log.error({ event: 'record.anchor-failed', err }, 'periodic anchoring failed');
    } finally {
      running = false;
    }
  };
  void pass();
  const timer = setInterval(() => void pass(), options.intervalSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
