import { loadServiceConfig } from '@dj/config';
import { createDb, personalData } from '@dj/db';
import { runService } from '@dj/service-kit';
import { buildIdentityApp } from './app';

const config = loadServiceConfig(8081);
// 等保 2.0 level 3: administrators use two factors; only an explicit `optional` (the local demo) relaxes it.
const secondFactor = process.env.ADMIN_SECOND_FACTOR?.trim() || 'required';
if (secondFactor !== 'required' && secondFactor !== 'optional') throw new Error(`ADMIN_SECOND_FACTOR must be required or optional, got "${secondFactor}"`);
// Phones at rest need PERSONAL_DATA_KEY (README, Security): refuse to start without a valid one.
personalData();
const db = createDb(config.databaseUrl);
const app = await buildIdentityApp({ db, jwtSecret: config.jwtSecret, tokenTtlSeconds: config.tokenTtlSeconds, logLevel: config.logLevel, adminSecondFactor: secondFactor });
await runService(app, { host: config.host, port: config.port, onClose: () => db.$disconnect() });
