import { Client, Connection } from '@temporalio/client';

export type TemporalClientOptions = { address: string; namespace: string };

export async function connectTemporal({ address, namespace }: TemporalClientOptions): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}

/** Readiness: the frontend answers. */
export async function temporalReachable(client: Client): Promise<boolean> {
  try {
    await client.connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  }
}
