import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { TemporalSettings } from '@dj/config';
import { connectionSecurity } from './connection';
import { CASE_SEARCH_ATTRIBUTES, INDEXED_VALUE_TYPE } from './search-attributes';

export { connectionSecurity, type ConnectionSecurity } from './connection';
export { CASE_SEARCH_ATTRIBUTES, INDEXED_VALUE_TYPE, type SearchAttributeType } from './search-attributes';
export { workerPollers, type WorkerPollers } from './worker-pollers';
export { bootstrapTemporal, bootstrapTemporalAt, missingSearchAttributes, type BootstrapOptions } from './bootstrap';

export type TemporalClientOptions = TemporalSettings;

/**
 * A client whose calls give up on an unreachable server after a few quick retries (about half a second)
 * instead of the SDK's default ten (about 20 s), so an HTTP request answers 503 at once; callers that
 * must not lose an action retry with their idempotency key. Lazy: a service starts, and reports itself
 * not ready, while Temporal is down.
 */
export function connectTemporal(settings: TemporalClientOptions): Client {
  const connection = Connection.lazy({
    address: settings.address,
    ...connectionSecurity(settings),
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3 }))],
  });
  return new Client({ connection, namespace: settings.namespace });
}

export type TemporalReadiness = { reachable: boolean; namespace: boolean; searchAttributes: boolean };

/** Readiness: the frontend answers, the namespace exists and every search attribute the cases use is registered in it. */
export async function temporalReadiness(client: Client): Promise<TemporalReadiness> {
  const namespace = client.options.namespace;
  const service = client.connection.workflowService;
  try {
    await service.getSystemInfo({});
  } catch {
    return { reachable: false, namespace: false, searchAttributes: false };
  }
  try {
    await service.describeNamespace({ namespace });
  } catch {
    return { reachable: true, namespace: false, searchAttributes: false };
  }
  try {
    const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace });
    const ok = Object.entries(CASE_SEARCH_ATTRIBUTES).every(([name, type]) => customAttributes?.[name] === INDEXED_VALUE_TYPE[type]);
    return { reachable: true, namespace: true, searchAttributes: ok };
  } catch {
    return { reachable: true, namespace: true, searchAttributes: false };
  }
}
