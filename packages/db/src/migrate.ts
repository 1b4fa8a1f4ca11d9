import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const packageDir = path.resolve(import.meta.dirname, '..');
const prismaBin = path.join(packageDir, 'node_modules', '.bin', 'prisma');

/** Environment for Prisma's CLI on this offline machine kind (see prisma.config.ts). */
export function prismaCliEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const anyExistingFile = path.join(packageDir, 'package.json');
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PRISMA_SCHEMA_ENGINE_BINARY: anyExistingFile,
    PRISMA_QUERY_ENGINE_LIBRARY: anyExistingFile,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  };
}

async function prisma(args: string[], databaseUrl: string): Promise<string> {
  try {
    const { stdout } = await run(prismaBin, args, { cwd: packageDir, env: prismaCliEnv(databaseUrl), maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`prisma ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** Applies every pending migration (idempotent). */
export async function migrateDatabase(databaseUrl: string): Promise<void> {
  await prisma(['migrate', 'deploy'], databaseUrl);
}

/** The SQL that creates schema.prisma's tables from nothing, generated without a database (to check that the migrations agree with it). */
export async function schemaSql(databaseUrl: string): Promise<string> {
  // The CLI connects even though the diff needs no database; any reachable one will do.
  return prisma(['migrate', 'diff', '--from-empty', '--to-schema-datamodel', 'prisma/schema.prisma', '--script'], databaseUrl);
}
