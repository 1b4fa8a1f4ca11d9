import pg from 'pg';

const DATABASE_NAME = /^[a-z_][a-z0-9_]*$/;

/** Splits a connection URL into the target database name and a URL for the server's `postgres` database. */
function parse(databaseUrl: string): { name: string; maintenanceUrl: string } {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!DATABASE_NAME.test(name)) {
    throw new Error(`database name "${name}" must match ${DATABASE_NAME.source}`);
  }
  url.pathname = '/postgres';
  return { name, maintenanceUrl: url.toString() };
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function withMaintenanceClient<T>(maintenanceUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in the URL if it does not exist yet. Returns true if it was created. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const { name, maintenanceUrl } = parse(databaseUrl);
  return withMaintenanceClient(maintenanceUrl, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    } catch (error) {
      // Another process created it between our check and CREATE.
      if ((error as { code?: string }).code === '42P04') return false;
      throw error;
    }
    return true;
  });
}

/** Drops (disconnecting any sessions) and creates the database: a clean slate for test runs. */
export async function recreateDatabase(databaseUrl: string): Promise<void> {
  const { name, maintenanceUrl } = parse(databaseUrl);
  await withMaintenanceClient(maintenanceUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
  });
}

/**
 * The role the services and the worker connect with (least privilege, README "Security"): it may read
 * and write the application's rows and append to the record, nothing more. No superuser (so no
 * `session_replication_role`, no disabling triggers), no DDL, no UPDATE/DELETE/TRUNCATE on the record,
 * read-only on the migration history. Run as the owner after every migration (idempotent); a password in
 * the app URL becomes the role's password.
 */
export async function ensureAppRole(ownerUrl: string, appUrl: string): Promise<void> {
  const app = new URL(appUrl);
  const role = decodeURIComponent(app.username);
  const owner = new URL(ownerUrl);
  if (!role) throw new Error('the application database URL must name a user');
  if (role === decodeURIComponent(owner.username || 'postgres')) throw new Error(`the application role "${role}" must differ from the owner`);
  const { name: database } = parse(ownerUrl);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const r = quoteIdentifier(role);
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (!exists.rowCount) {
      try {
        await client.query(`CREATE ROLE ${r} LOGIN`);
      } catch (error) {
        // Roles are per cluster: another checkout's bootstrap may have created it meanwhile.
        if (!['42710', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
      }
    }
    const password = app.password ? ` PASSWORD ${client.escapeLiteral(decodeURIComponent(app.password))}` : '';
    await client.query(`ALTER ROLE ${r} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS${password}`);
    await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdentifier(database)} TO ${r}`);
    await client.query(`REVOKE CREATE ON DATABASE ${quoteIdentifier(database)} FROM ${r}`);
    await client.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
    await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON case_event FROM ${r}`);
    await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON admin_audit_log FROM ${r}`);
    await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON security_event FROM ${r}`);
    await client.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON _prisma_migrations FROM ${r}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    await client.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${r}`);
  } finally {
    await client.end();
  }
}

/** The owner URL with the application role as user (no password: the local server trusts 127.0.0.1). */
export function defaultAppDatabaseUrl(ownerUrl: string, role = 'dangjian_app'): string {
  const url = new URL(ownerUrl);
  url.username = role;
  url.password = '';
  return url.toString();
}
