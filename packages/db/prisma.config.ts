/**
 * Prisma CLI configuration for this offline machine kind (see README "Prisma offline").
 *
 * Prisma's CLI normally downloads a native schema engine, which cannot be fetched here. With
 * `engine: 'js'` plus a pg driver adapter, `migrate deploy|dev|diff` run on Prisma's bundled
 * WebAssembly schema engine instead. Two shims make that work:
 * - the schema engine introspects pg_catalog columns of types the pg adapter does not map
 *   (name, char, oid, …); their OIDs are rewritten to text (25) before the adapter sees them.
 *   This patch lives only here, in migration tooling, never in the application's client.
 * - the pg adapter's executeScript splits a migration on every ';', which breaks dollar-quoted
 *   function bodies (our append-only trigger); PostgreSQL runs a multi-statement script in one
 *   simple query, so scripts are sent whole.
 * - the adapter's own shadow database ends up on the main database when the config is a
 *   connection string (the string wins over its `database` override), so `migrate dev|diff` get a
 *   real throw-away database here.
 * - the CLI's download check is skipped when PRISMA_*_ENGINE_* point at any existing file
 *   (they are never executed on the JS engine path); infra/lib.sh sets them.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

const UNMAPPED_CATALOG_TYPE_OIDS = new Set([18 /* char */, 19 /* name */, 26 /* oid */, 22 /* int2vector */, 30 /* oidvector */, 194 /* pg_node_tree */, 1002 /* _char */, 1003 /* _name */, 1028 /* _oid */, 24 /* regproc */, 2205 /* regclass */, 2206 /* regtype */]);
const TEXT_OID = 25;

type FieldDescription = { dataTypeID: number };
const resultProto = pg.Result.prototype as unknown as { addFields(fields: FieldDescription[]): void; __djPatched?: boolean };
if (!resultProto.__djPatched) {
  const addFields = resultProto.addFields;
  resultProto.addFields = function (fields: FieldDescription[]) {
    for (const f of fields) if (UNMAPPED_CATALOG_TYPE_OIDS.has(f.dataTypeID)) f.dataTypeID = TEXT_OID;
    return addFields.call(this, fields);
  };
  resultProto.__djPatched = true;
}

type ScriptAdapter = { executeScript(script: string): Promise<void>; client: pg.Pool | pg.PoolClient; onError(error: unknown): never };
function sendScriptsWhole<T>(adapter: T): T {
  const a = adapter as unknown as ScriptAdapter;
  a.executeScript = async (script: string) => {
    try {
      await a.client.query(script);
    } catch (error) {
      a.onError(error);
    }
  };
  return adapter;
}

const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/dangjian';

async function connectToShadowDb() {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const name = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const adapter = sendScriptsWhole(await new PrismaPg({ connectionString: url.toString() }).connect());
  const dispose = adapter.dispose.bind(adapter);
  adapter.dispose = async () => {
    await dispose();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  };
  return adapter;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(import.meta.dirname, 'prisma', 'schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, 'prisma', 'migrations') },
  async adapter() {
    const factory = new PrismaPg({ connectionString: databaseUrl });
    const connect = factory.connect.bind(factory);
    factory.connect = async () => sendScriptsWhole(await connect());
    factory.connectToShadowDb = connectToShadowDb;
    return factory;
  },
});
