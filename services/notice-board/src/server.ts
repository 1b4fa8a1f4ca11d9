import { ConfigError, loadServiceConfig } from '@dj/config';
import { createDb } from '@dj/db';
import { runService } from '@dj/service-kit';
import { connectTemporal } from '@dj/temporal';
import { buildNoticeBoardApp } from './app';
import { parsePublicBaseUrl } from './public/base-url';

const config = loadServiceConfig(8084);
let publicBaseUrl: string | undefined;
try {
  publicBaseUrl = parsePublicBaseUrl(process.env.PUBLIC_BASE_URL);
} catch (error) {
  throw new ConfigError((error as Error).message);
}
const db = createDb(config.databaseUrl);
const temporal = connectTemporal(config.temporal);
const app = await buildNoticeBoardApp({ db, temporal, jwtSecret: config.jwtSecret, tokenTtlSeconds: config.tokenTtlSeconds, logLevel: config.logLevel, publicBaseUrl });
await runService(app, { host: config.host, port: config.port, onClose: async () => { await temporal.connection.close(); await db.$disconnect(); } });
