// What a deployment runs once before its processes start or are upgraded (the Helm chart's migration Job):
// the database schema, the least-privilege application role, and the Temporal namespace and search
// attributes. No demo data, no local files, no dev server: everything comes from the environment, and
// every step may run any number of times.
//
//   DATABASE_URL=<owner> APP_DATABASE_URL=<app role> TEMPORAL_ADDRESS=<frontend> PERSONAL_DATA_KEY=<base64> node --import tsx infra/src/prepare.ts
import { personalData, protectPersonalDataAt } from '@dj/db/personal-data-migration';
import { migrateDatabase } from '@dj/db/migrate';
import { ConfigError as EnvConfigError, loadTemporalSettings } from '@dj/config';
import { bootstrapTemporalAt } from '@dj/temporal';
import { ensureAppRole } from './database';

function say(message: string): void {
  process.stdout.write(`prepare | ${message}\n`);
}

function required(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) throw new EnvConfigError(`environment variable ${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const ownerUrl = required('DATABASE_URL');
  const appUrl = required('APP_DATABASE_URL');
  required('TEMPORAL_ADDRESS');
  required('PERSONAL_DATA_KEY');
  const codec = personalData();
  const temporal = loadTemporalSettings();
  const retention = process.env.TEMPORAL_NAMESPACE_RETENTION_DAYS?.trim() || '30';
  if (!/^[1-9]\d{0,3}$/.test(retention)) throw new EnvConfigError(`TEMPORAL_NAMESPACE_RETENTION_DAYS must be a whole number of days, got "${retention}"`);

  await migrateDatabase(ownerUrl);
  say('migrations applied');
  // The application half of the phone encryption migration: the key is not in the database (personal-data.ts).
  const converted = await protectPersonalDataAt(ownerUrl, codec);
  say(`personal data encrypted (${converted.person} people, ${converted.objection} objections converted)`);
  await ensureAppRole(ownerUrl, appUrl);
  say('application role in place');
  await bootstrapTemporalAt(temporal, { retentionDays: Number(retention), log: say });
  say(`Temporal namespace ${temporal.namespace} and search attributes in place`);
}

main().catch((error: unknown) => {
  process.stderr.write(`prepare | ${error instanceof EnvConfigError ? error.message : (error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
