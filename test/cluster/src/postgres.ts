// A throwaway PostgreSQL for database tests: initdb into a temp dir, trust
// auth, loopback only, durability off. PostgreSQL refuses to run as root, so
// as root both initdb and the server run as the `postgres` OS user.

import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from './ports.ts';
import {
  ManagedProcess,
  removeDir,
  removeOnExit,
  tailFile,
} from './processes.ts';
import { waitFor } from './wait.ts';

const run = promisify(execFile);

/** @public */
export interface StartPostgresOptions {
  /** Directory with initdb and postgres; default SUPACONTROL_TEST_POSTGRES_BIN, else PostgreSQL 15's. */
  binDir?: string;
  timeoutMs?: number;
}

/** @public */
export interface TestPostgres {
  /** postgresql://postgres:postgres@127.0.0.1:<port> (trust auth: any password works). */
  readonly connectionString: string;
  readonly port: number;
  stop(): Promise<void>;
}

function findBinDir(given: string | undefined): string {
  const candidates = [
    given,
    process.env.SUPACONTROL_TEST_POSTGRES_BIN,
    '/usr/lib/postgresql/15/bin',
  ];
  for (const dir of candidates) {
    if (dir && existsSync(join(dir, 'initdb'))) return dir;
  }
  try {
    const dir = execFileSync('pg_config', ['--bindir'], {
      encoding: 'utf8',
    }).trim();
    if (existsSync(join(dir, 'initdb'))) return dir;
  } catch {
    // No pg_config on PATH.
  }
  throw new Error(
    'cannot find PostgreSQL 15 (looked for initdb in SUPACONTROL_TEST_POSTGRES_BIN and /usr/lib/postgresql/15/bin); ' +
      'install it with: apt-get install postgresql-15',
  );
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(
      execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim(),
    );
    const gid = Number(
      execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim(),
    );
    return { uid, gid };
  } catch {
    throw new Error(
      'running as root but there is no `postgres` OS user to run PostgreSQL as (PostgreSQL refuses root)',
    );
  }
}

/**
 * Starts PostgreSQL on a free port of 127.0.0.1 and resolves when it accepts
 * connections.
 * @public
 */
export async function startPostgres(
  options: StartPostgresOptions = {},
): Promise<TestPostgres> {
  const binDir = findBinDir(options.binDir);
  const user = postgresUser();
  const dir = mkdtempSync(join(tmpdir(), 'supacontrol-postgres-'));
  removeOnExit(dir);
  const dataDir = join(dir, 'data');
  const logPath = join(dir, 'postgres.log');
  mkdirSync(dataDir, { mode: 0o700 });
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(dataDir, user.uid, user.gid);
  }
  const asUser = (command: string, args: string[]): [string, string[]] =>
    user
      ? ['runuser', ['-u', 'postgres', '--', join(binDir, command), ...args]]
      : [join(binDir, command), args];

  let server: ManagedProcess | undefined;
  try {
    const [cmd, args] = asUser('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    await run(cmd, args, { cwd: dir }).catch(
      (e: { stderr?: string; message: string }) => {
        throw new Error(`initdb failed: ${e.stderr?.trim() || e.message}`);
      },
    );
    const [port] = await freePorts(1);
    const [pgCmd, pgArgs] = asUser('postgres', [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${dir}`,
      '-c',
      'max_connections=200',
      // Throwaway data: never wait for the disk.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ]);
    // SIGINT is PostgreSQL's "fast" shutdown: disconnect clients, stop now.
    const proc = ManagedProcess.start({
      name: 'postgres',
      command: pgCmd,
      args: pgArgs,
      logPath,
      cwd: dir,
      stopSignal: 'SIGINT',
    });
    server = proc;
    const isReady = join(binDir, 'pg_isready');
    await waitFor(
      'PostgreSQL to accept connections',
      async () => {
        await run(isReady, [
          '-q',
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-U',
          'postgres',
        ]);
        return true;
      },
      {
        timeoutMs: options.timeoutMs ?? 60_000,
        abortIf: () =>
          proc.exitInfo
            ? `${proc.describeExit()}:\n${tailFile(logPath)}`
            : undefined,
      },
    );
    let stopped: Promise<void> | undefined;
    return {
      connectionString: `postgresql://postgres:postgres@127.0.0.1:${port}`,
      port: port!,
      stop: () => {
        stopped ??= proc.stop(10_000).then(() => removeDir(dir));
        return stopped;
      },
    };
  } catch (e) {
    await server?.stop(2000);
    removeDir(dir);
    throw e;
  }
}
