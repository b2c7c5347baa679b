import { ChildProcess, execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import knexFactory from 'knex';
import { testPostgresConnection } from '../src/testBed';

/** The repository's root folder. */
export const REPO_ROOT = resolve(__dirname, '../..');

/** `execFile` as a promise of `{stdout, stderr}`. */
export const run = promisify(execFile);

/** The shell's environment without jest's NODE_ENV=test (the app's browserslist has no `test`). */
export const HOST_ENV: Record<string, string> = Object.fromEntries(
  Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      entry[0] !== 'NODE_ENV' && entry[1] !== undefined,
  ),
);

/**
 * A Backstage backend installed outside the workspace (a bundle, an adopter's app), started as
 * its own process; `ready()` waits for Backstage's readiness route.
 */
export function startInstalledBackend(options: {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  url: string;
}) {
  const { command, args, cwd, env, url } = options;
  let output = '';
  const child: ChildProcess = spawn(
    command === 'node' ? process.execPath : command,
    args,
    { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  const exited = new Promise<number | null>(done =>
    child.once('exit', code => done(code)),
  );
  return {
    async ready(timeoutMs = 180_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const ok = await fetch(`${url}/.backstage/health/v1/readiness`)
          .then(r => r.status === 200)
          .catch(() => false);
        if (ok) return;
        const code = await Promise.race([
          exited,
          new Promise(r => setTimeout(r, 1000, 'running')),
        ]);
        if (code !== 'running' || Date.now() > deadline) {
          throw new Error(
            `the backend in ${cwd} did not become ready (${code}):\n${output.slice(
              -6000,
            )}`,
          );
        }
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise(r => setTimeout(r, 15_000))]);
      child.kill('SIGKILL');
    },
  };
}

/** Drops the test PostgreSQL databases whose names start with `prefix` (one per plugin). */
export async function dropDatabases(prefix: string): Promise<void> {
  const admin = knexFactory({
    client: 'pg',
    connection: `${testPostgresConnection()}/postgres`,
  });
  try {
    const { rows } = await admin.raw(
      'SELECT datname FROM pg_database WHERE datname LIKE ?',
      [`${prefix}%`],
    );
    for (const { datname } of rows) {
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
    }
  } finally {
    await admin.destroy();
  }
}
