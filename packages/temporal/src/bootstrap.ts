import { Connection } from '@temporalio/client';
import type { TemporalSettings } from '@dj/config';
import { connectionSecurity } from './connection';
import { CASE_SEARCH_ATTRIBUTES, INDEXED_VALUE_TYPE, type SearchAttributeType } from './search-attributes';

const ALREADY_EXISTS = 6;
const NOT_FOUND = 5;

export type BootstrapOptions = {
  namespace: string;
  /** Retention of closed workflows, for a namespace this creates (an existing one keeps its own). */
  retentionDays: number;
  searchAttributes?: Record<string, SearchAttributeType>;
  timeoutMs?: number;
  log?: (message: string) => void;
};

const grpcCode = (error: unknown): number | undefined => {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Search attributes of `wanted` not registered in the namespace with their type. */
export async function missingSearchAttributes(connection: Connection, namespace: string, wanted: Record<string, SearchAttributeType> = CASE_SEARCH_ATTRIBUTES): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  return Object.entries(wanted)
    .filter(([name, type]) => customAttributes?.[name] !== INDEXED_VALUE_TYPE[type])
    .map(([name]) => name);
}

/**
 * Makes a Temporal server fit for the stack, any number of times: the namespace (created with its
 * retention when missing) and every search attribute, registered one per call through the operator
 * service (a call naming several stops at the first that exists), then waits until all are listed.
 * A name registered with another type is an error: the workflows could not set it.
 */
export async function bootstrapTemporal(connection: Connection, options: BootstrapOptions): Promise<void> {
  const { namespace, retentionDays } = options;
  const wanted = options.searchAttributes ?? CASE_SEARCH_ATTRIBUTES;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const log = options.log ?? (() => {});
  const service = connection.workflowService;

  try {
    await service.describeNamespace({ namespace });
  } catch (error) {
    if (grpcCode(error) !== NOT_FOUND) throw error;
    try {
      // The generated type says Long for int64; protobufjs takes a plain number as well.
      type Duration = NonNullable<Parameters<typeof service.registerNamespace>[0]['workflowExecutionRetentionPeriod']>;
      const retention = { seconds: retentionDays * 86_400 } as unknown as Duration;
      await service.registerNamespace({ namespace, workflowExecutionRetentionPeriod: retention });
      log(`created namespace ${namespace} (retention ${retentionDays} days)`);
    } catch (e) {
      if (grpcCode(e) !== ALREADY_EXISTS) throw e;
    }
  }
  // A new namespace reaches each service's cache after a few seconds; until then it is "not found".
  const whenKnown = async <T>(call: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await call();
      } catch (error) {
        if (grpcCode(error) !== NOT_FOUND || Date.now() > deadline) throw error;
        await sleep(500);
      }
    }
  };
  await whenKnown(() => service.describeNamespace({ namespace }));

  const { customAttributes } = await whenKnown(() => connection.operatorService.listSearchAttributes({ namespace }));
  for (const [name, type] of Object.entries(wanted)) {
    const existing = customAttributes?.[name];
    if (existing === INDEXED_VALUE_TYPE[type]) continue;
    if (existing !== undefined) throw new Error(`search attribute ${name} exists in namespace ${namespace} with another type (${existing}); the stack needs ${type}`);
    try {
      await whenKnown(() => connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { [name]: INDEXED_VALUE_TYPE[type] } }));
      log(`registered search attribute ${name} (${type}) in ${namespace}`);
    } catch (error) {
      if (grpcCode(error) !== ALREADY_EXISTS) throw error;
    }
  }

  for (;;) {
    const missing = await whenKnown(() => missingSearchAttributes(connection, namespace, wanted));
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new Error(`search attributes not listed in namespace ${namespace} in time: ${missing.join(', ')}`);
    await sleep(500);
  }
}

/** Connects with the stack's settings (TLS, API key), runs the bootstrap and disconnects. */
export async function bootstrapTemporalAt(settings: TemporalSettings, options: Omit<BootstrapOptions, 'namespace'>): Promise<void> {
  const connection = await Connection.connect({ address: settings.address, ...connectionSecurity(settings) });
  try {
    await bootstrapTemporal(connection, { namespace: settings.namespace, ...options });
  } finally {
    await connection.close();
  }
}
