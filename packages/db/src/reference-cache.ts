/**
 * Reference data read whenever a step opens (working calendar, policies, the supervising chain of an
 * organization), cached in the worker. Administrators change it rarely; every change fires a
 * PostgreSQL NOTIFY on `reference_data` (triggers of migration 20261201000000_engine) and the cache
 * drops what changed. While the listening connection is down nothing is cached, so a missed
 * notification can never leave a stale value in use.
 */
import pg from 'pg';
import { supervisingChain, type OrgNode, type Supervisor, type WorkingCalendar } from '@dj/domain';
import type { Db } from './client';
import { loadPolicy, loadWorkingCalendar } from './reference-data';

export type ReferenceData = {
  calendar(): Promise<WorkingCalendar>;
  policy<T>(key: string): Promise<T>;
  /** The supervising organizations of `orgId`, nearest first (its ancestors only: no whole-tree read). */
  supervisingChain(orgId: string): Promise<Supervisor[]>;
};

/** Reads the ancestors of one organization by their ids on its materialized path (primary-key lookups). */
async function chainOf(db: Db, orgId: string): Promise<Supervisor[]> {
  const org = await db.orgUnit.findUnique({ where: { id: orgId }, select: { path: true } });
  if (!org) throw new Error(`unknown organization ${orgId}`);
  const ids = org.path.split('/').filter(Boolean);
  const nodes = await db.orgUnit.findMany({ where: { id: { in: ids } }, select: { id: true, parentId: true, type: true, name: true } });
  return supervisingChain(orgId, new Map(nodes.map((n) => [n.id, n as OrgNode])));
}

/** Straight from the database every time (tests of one activity, scripts). */
export function uncachedReferenceData(db: Db): ReferenceData {
  return {
    calendar: () => loadWorkingCalendar(db),
    policy: <T>(key: string) => loadPolicy<T>(db, key),
    supervisingChain: (orgId) => chainOf(db, orgId),
  };
}

export type ReferenceCache = ReferenceData & { close(): Promise<void> };

/** A cache invalidated by LISTEN/NOTIFY on its own connection (reconnects by itself after a failure). */
export async function listenReferenceCache(db: Db, databaseUrl: string, log?: (msg: string, err?: unknown) => void): Promise<ReferenceCache> {
  const direct = uncachedReferenceData(db);
  const entries = new Map<string, Promise<unknown>>();
  let listening = false;
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('notification', (n) => {
      // policy / calendar_* / org_unit: one notification drops every entry of its kind.
      const prefix = n.payload === 'org_unit' ? 'chain:' : n.payload === 'policy' ? 'policy:' : 'calendar';
      for (const key of [...entries.keys()]) if (key.startsWith(prefix)) entries.delete(key);
    });
    const lost = (err?: unknown) => {
      if (!listening && client !== c) return;
      listening = false;
      entries.clear();
      client = undefined;
      c.removeAllListeners('error');
      c.on('error', () => undefined);
      void c.end().catch(() => undefined);
      if (!closed) {
        log?.('reference cache: listening connection lost; reading through until reconnected', err);
        retry = setTimeout(() => void connect().catch(() => lost()), 2_000);
      }
    };
    c.on('error', lost);
    c.on('end', () => lost());
    client = c;
    await c.connect();
    await c.query('LISTEN reference_data');
    entries.clear();
    listening = true;
  };
  await connect().catch((err: unknown) => log?.('reference cache: cannot listen yet; reading through', err));

  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    if (!listening) return load();
    const hit = entries.get(key);
    if (hit) return hit as Promise<T>;
    const loading = load();
    entries.set(key, loading);
    loading.catch(() => entries.delete(key));
    return loading;
  };

  return {
    calendar: () => cached('calendar', direct.calendar),
    policy: <T>(key: string) => cached(`policy:${key}`, () => direct.policy<T>(key)),
    supervisingChain: (orgId) => cached(`chain:${orgId}`, () => direct.supervisingChain(orgId)),
    async close() {
      closed = true;
      listening = false;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
