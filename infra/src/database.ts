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
