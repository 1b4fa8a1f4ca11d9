import { useCallback, useEffect, useState } from 'react';
import { App } from 'antd';
import { api, ApiError, type Query } from './api';
import { caseTypeNames } from './labels';
import type { CaseTypeInfo, Org } from './types';

let orgsPromise: Promise<Org[]> | null = null;

/** The org tree, loaded once per page load. */
export function useOrgs(): Org[] {
  const [orgs, setOrgs] = useState<Org[]>([]);
  useEffect(() => {
    orgsPromise ??= api.get<{ items: Org[] }>('/api/orgs').then((r) => r.items);
    orgsPromise.then(setOrgs).catch(() => {
      orgsPromise = null;
    });
  }, []);
  return orgs;
}

export type TreeNode = { value: string; title: string; key: string; children: TreeNode[] };

export function orgTree(orgs: Org[]): TreeNode[] {
  const nodes = new Map(orgs.map((o) => [o.id, { value: o.id, key: o.id, title: o.name, children: [] as TreeNode[] }]));
  const roots: TreeNode[] = [];
  for (const o of orgs) {
    const node = nodes.get(o.id)!;
    const parent = o.parentId ? nodes.get(o.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

let caseTypesPromise: Promise<CaseTypeInfo[]> | null = null;

/** Case types this user may start, with their start forms (GET /api/case-types). */
export function useStartableCaseTypes(): { types: CaseTypeInfo[]; loading: boolean; error: string | null } {
  const [state, setState] = useState<{ types: CaseTypeInfo[]; loading: boolean; error: string | null }>({ types: [], loading: true, error: null });
  useEffect(() => {
    caseTypesPromise ??= api.get<{ items: CaseTypeInfo[] }>('/api/case-types').then((r) => r.items);
    caseTypesPromise
      .then((types) => setState({ types, loading: false, error: null }))
      .catch((e: Error) => {
        caseTypesPromise = null;
        setState({ types: [], loading: false, error: e.message });
      });
  }, []);
  return state;
}

export type ProcessTypeInfo = { type: string; name: string; stages: { code: string; name: string }[] };
let processTypesPromise: Promise<ProcessTypeInfo[]> | null = null;

function loadProcessTypes(): Promise<ProcessTypeInfo[]> {
  processTypesPromise ??= api.get<{ items: ProcessTypeInfo[] }>('/api/process-types').then((r) => {
    for (const t of r.items) caseTypeNames[t.type] = t.name;
    return r.items;
  });
  processTypesPromise.catch(() => {
    processTypesPromise = null;
  });
  return processTypesPromise;
}

/**
 * Names of every process type from the server (GET /api/process-types), merged into `caseTypeNames`
 * once per page load, so processes added later are named without console changes. Returns true once loaded.
 */
export function useProcessTypeNames(): boolean {
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    loadProcessTypes()
      .then(() => setLoaded(true))
      .catch(() => {});
  }, []);
  return loaded;
}

/** Every process type with its stages in process order (GET /api/process-types, fetched once per page load). */
export function useProcessTypes(): ProcessTypeInfo[] {
  const [types, setTypes] = useState<ProcessTypeInfo[]>([]);
  useEffect(() => {
    loadProcessTypes()
      .then(setTypes)
      .catch(() => {});
  }, []);
  return types;
}

/** Process types for filters: the known ones plus any the server or the data mention. */
export function caseTypeOptions(extra: { type: string; name?: string }[] = []): { value: string; label: string }[] {
  const map = new Map(Object.entries(caseTypeNames));
  for (const t of extra) if (!map.has(t.type) || t.name) map.set(t.type, t.name ?? map.get(t.type) ?? t.type);
  return [...map].map(([value, label]) => ({ value, label }));
}

type KeysetPage<T> = { items: T[]; nextCursor: string | null };

/**
 * A list read with keyset paging ("加载更多"): reloads from the start when the path or query change,
 * appends the next page on `loadMore`. `page` is the last answer (for counts and totals).
 */
export function useKeysetList<T, P extends KeysetPage<T> = KeysetPage<T>>(path: string, query: Query) {
  const { message } = App.useApp();
  const [items, setItems] = useState<T[]>([]);
  const [page, setPage] = useState<P | null>(null);
  const [loading, setLoading] = useState(false);
  const queryKey = JSON.stringify(query);

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      try {
        const next = await api.get<P>(path, { ...(JSON.parse(queryKey) as Query), cursor: after });
        setItems((prev) => (after ? [...prev, ...next.items] : next.items));
        setPage(next);
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 401)) message.error((e as Error).message);
      } finally {
        setLoading(false);
      }
    },
    [path, queryKey, message],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  return {
    items,
    page,
    loading,
    hasMore: !!page?.nextCursor,
    reload: () => load(null),
    loadMore: () => load(page?.nextCursor ?? null),
  };
}
