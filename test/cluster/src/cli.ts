// node test/cluster/src/cli.ts up [--with-postgres] | down | env
//
// `up` starts the test bed in a detached supervisor process that owns every
// component, so the shell (or ./scripts/test) can go on; it prints the env
// file once the cluster is ready. `down` stops the supervisor, which stops
// its children and removes all temporary files. Usually run through
// ./scripts/cluster, which also builds the binaries first.

import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { clusterBinaries, resolveBinDir } from './binaries.ts';
import { startCluster } from './cluster.ts';
import { startPostgres } from './postgres.ts';
import {
  livePids,
  pendingCleanupDirs,
  removeOnExit,
  tailFile,
} from './processes.ts';
import {
  envFileText,
  files,
  isAlive,
  readState,
  stateDirFor,
  status,
  supervisorPid,
  writeAtomic,
  type TestbedState,
} from './state.ts';

// process.argv[1] rather than import.meta: the file also type-checks as CommonJS.
const cliPath = resolve(process.argv[1] ?? '');
const repoRoot = resolve(dirname(cliPath), '../../..');
const buildScript = join(repoRoot, 'test', 'cluster', 'build.sh');
const usage =
  'usage: cli.ts up [--with-postgres] [--second-cluster] | down | env';

const say = (message: string): void => {
  process.stderr.write(`[cluster] ${message}\n`);
};

class UsageError extends Error {}

const sleep = (ms: number): Promise<void> =>
  new Promise(r => setTimeout(r, ms));

async function up(
  withPostgres: boolean,
  secondCluster: boolean,
): Promise<void> {
  const dir = stateDirFor(repoRoot);
  let current = status(dir);
  if (current === 'stale') {
    say(`cleaning up a test bed whose supervisor is gone (${dir})`);
    cleanupStale(dir);
    current = 'absent';
  }
  if (current === 'absent') {
    const binDir = await resolveBinDir({
      buildScript,
      need: [...clusterBinaries, 'helm'],
    });
    mkdirSync(dir, { recursive: true });
    const log = openSync(files(dir).log, 'a');
    const args = [
      ...process.execArgv,
      cliPath,
      'supervise',
      dir,
      '--bin-dir',
      binDir,
    ];
    if (withPostgres) args.push('--with-postgres');
    if (secondCluster) args.push('--second-cluster');
    const child = spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: repoRoot,
    });
    closeSync(log);
    if (child.pid === undefined)
      throw new Error('could not start the supervisor process');
    writeAtomic(files(dir).pid, `${child.pid}\n`);
    child.unref();
    say(`starting (supervisor pid ${child.pid}, log ${files(dir).log})`);
  } else if (current === 'starting') {
    say('another `up` is starting the test bed; waiting for it');
  }

  const began = Date.now();
  for (;;) {
    const now = status(dir);
    if (now === 'ready') break;
    if (now === 'stale' || now === 'absent') {
      const log = tailFile(files(dir).log, 60);
      cleanupStale(dir);
      throw new Error(`the test bed failed to start:\n${log}`);
    }
    if (Date.now() - began > 240_000) {
      const pid = supervisorPid(dir);
      if (pid) process.kill(pid, 'SIGTERM');
      throw new Error(
        `the test bed was not ready after 240 s; see ${files(dir).log}`,
      );
    }
    await sleep(200);
  }
  const state = readState(dir);
  if (withPostgres && !state?.postgresConnectionString) {
    throw new Error(
      'the test bed is already up without PostgreSQL; run `./scripts/cluster down`, then `up --with-postgres`',
    );
  }
  if (secondCluster && !state?.secondKubeconfigPath) {
    throw new Error(
      'the test bed is already up with one cluster; run `./scripts/cluster down`, then `up --second-cluster`',
    );
  }
  if (current === 'ready') say('already up');
  else say(`ready after ${((Date.now() - began) / 1000).toFixed(1)} s`);
  process.stdout.write(readFileSync(files(dir).env, 'utf8'));
}

async function down(): Promise<void> {
  const dir = stateDirFor(repoRoot);
  if (status(dir) === 'absent') {
    say('the test bed is not up');
    return;
  }
  const pid = supervisorPid(dir);
  if (pid !== undefined && isAlive(pid)) {
    process.kill(pid, 'SIGTERM');
    const began = Date.now();
    while (isAlive(pid) && Date.now() - began < 30_000) await sleep(100);
    if (isAlive(pid)) {
      say(
        `supervisor ${pid} did not stop within 30 s; killing it and its components`,
      );
      process.kill(pid, 'SIGKILL');
      cleanupStale(dir);
    }
  } else {
    cleanupStale(dir);
  }
  rmSync(dir, { recursive: true, force: true });
  say('down');
}

function env(): void {
  const dir = stateDirFor(repoRoot);
  if (status(dir) !== 'ready') {
    throw new Error('the test bed is not up; run ./scripts/cluster up');
  }
  process.stdout.write(readFileSync(files(dir).env, 'utf8'));
}

/** Kills what a dead supervisor left behind, as recorded in state.json. */
function cleanupStale(dir: string): void {
  const state = readState(dir);
  for (const pid of state?.pids ?? []) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (const d of state?.dirs ?? [])
    rmSync(d, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}

async function supervise(
  dir: string,
  binDir: string,
  withPostgres: boolean,
  secondCluster: boolean,
): Promise<void> {
  // Two clusters start at once, each on its own ports and files (e.g. for supacontrol.clusters).
  const [cluster, second] = await Promise.all(
    Array.from({ length: secondCluster ? 2 : 1 }, () =>
      startCluster({
        binDir,
        buildScript,
        existingKubeconfig: false,
        log: say,
      }),
    ),
  );
  const postgres = withPostgres ? await startPostgres() : undefined;
  if (postgres) say(`PostgreSQL ready on port ${postgres.port}`);
  const state: TestbedState = {
    supervisorPid: process.pid,
    pids: livePids(),
    dirs: pendingCleanupDirs(),
    kubeconfigPath: cluster.kubeconfigPath,
    server: cluster.server,
    secondKubeconfigPath: second?.kubeconfigPath,
    helmPath: cluster.helmPath,
    binDir: cluster.binDir,
    postgresConnectionString: postgres?.connectionString,
  };
  // From here on, stopping the supervisor (SIGTERM from `down`) stops the
  // components and removes their dirs and this state dir.
  removeOnExit(dir);
  writeAtomic(files(dir).state, `${JSON.stringify(state, null, 2)}\n`);
  writeAtomic(files(dir).env, envFileText(state));
  writeAtomic(files(dir).ready, `${new Date().toISOString()}\n`);
  say(`ready: ${cluster.server}`);

  let running = new Set(state.pids);
  setInterval(() => {
    const now = new Set(livePids());
    for (const pid of running) {
      if (!now.has(pid))
        say(
          `component with pid ${pid} exited; logs are under ${join(
            cluster.kubeconfigPath,
            '..',
            'logs',
          )}`,
        );
    }
    running = now;
  }, 5000);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const flags = new Set(rest.filter(a => a.startsWith('--')));
  switch (command) {
    case 'up':
      for (const f of flags)
        if (f !== '--with-postgres' && f !== '--second-cluster')
          throw new UsageError(`unknown option ${f}\n${usage}`);
      return up(flags.has('--with-postgres'), flags.has('--second-cluster'));
    case 'down':
      return down();
    case 'env':
      return env();
    case 'supervise': {
      const dir = rest[0];
      const binDir = rest[rest.indexOf('--bin-dir') + 1];
      if (!dir || !binDir || !rest.includes('--bin-dir'))
        throw new UsageError('supervise needs DIR --bin-dir BIN');
      return supervise(
        dir,
        binDir,
        flags.has('--with-postgres'),
        flags.has('--second-cluster'),
      );
    }
    default:
      throw new UsageError(usage);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(
    `[cluster] error: ${e instanceof Error ? e.message : String(e)}\n`,
  );
  process.exit(e instanceof UsageError ? 2 : 1);
});
