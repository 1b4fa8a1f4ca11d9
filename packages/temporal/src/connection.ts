import { readFileSync } from 'node:fs';
import type { TemporalSettings } from '@dj/config';

/** TLS and API key options shared by the client's Connection and the worker's NativeConnection. */
export type ConnectionSecurity = {
  tls?: { serverNameOverride?: string; serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer } };
  apiKey?: string;
};

/** Reads the certificate files named by the settings (once, at start-up). */
export function connectionSecurity(settings: TemporalSettings): ConnectionSecurity {
  const out: ConnectionSecurity = {};
  if (settings.tls) {
    const { clientCertPath, clientKeyPath, serverCaPath, serverName } = settings.tls;
    out.tls = {
      ...(serverName ? { serverNameOverride: serverName } : {}),
      ...(serverCaPath ? { serverRootCACertificate: readFileSync(serverCaPath) } : {}),
      ...(clientCertPath && clientKeyPath ? { clientCertPair: { crt: readFileSync(clientCertPath), key: readFileSync(clientKeyPath) } } : {}),
    };
  }
  if (settings.apiKey) out.apiKey = settings.apiKey;
  return out;
}
