// The state directory of a test bed started by `cli.ts up`: one per
// repository checkout, under ${TMPDIR:-/tmp}/supacontrol-testbed/.
//
//   supervisor.pid  the background process that owns the cluster
//   supervisor.log  its output (component logs are in the cluster's own dir)
//   state.json      what `down` needs if the supervisor died: pids and dirs
//   env             shell export lines, printed by `up` and `env`
//   ready           written last, once everything is up

import { createHash } from 'node:crypto';
import {
  existsSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestbedState {
  supervisorPid: number;
  /** Process groups of the components. */
  pids: number[];
  /** Temporary directories to remove. */
  dirs: string[];
  kubeconfigPath: string;
  server: string;
  /** The second cluster's admin kubeconfig, started with `up --second-cluster`. */
  secondKubeconfigPath?: string;
  helmPath: string;
  binDir: string;
  postgresConnectionString?: string;
}

export type Status = 'absent' | 'starting' | 'ready' | 'stale';

export function stateDirFor(repoRoot: string): string {
  const key = createHash('sha256').update(repoRoot).digest('hex').slice(0, 12);
  return join(tmpdir(), 'supacontrol-testbed', key);
}

export const files = (dir: string) => ({
  pid: join(dir, 'supervisor.pid'),
  log: join(dir, 'supervisor.log'),
  state: join(dir, 'state.json'),
  env: join(dir, 'env'),
  ready: join(dir, 'ready'),
});

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent has not reaped it yet still answers.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return (
      stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
    );
  } catch {
    return true;
  }
}

export function supervisorPid(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(files(dir).pid, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function status(dir: string): Status {
  if (!existsSync(dir)) return 'absent';
  const pid = supervisorPid(dir);
  if (pid === undefined) {
    // `up` creates the directory just before it starts the supervisor.
    return Date.now() - statSync(dir).mtimeMs < 30_000 ? 'starting' : 'stale';
  }
  if (!isAlive(pid)) return 'stale';
  return existsSync(files(dir).ready) ? 'ready' : 'starting';
}

export function readState(dir: string): TestbedState | undefined {
  try {
    return JSON.parse(readFileSync(files(dir).state, 'utf8')) as TestbedState;
  } catch {
    return undefined;
  }
}

export function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

const shellQuote = (value: string): string =>
  `'${value.replaceAll("'", `'\\''`)}'`;

export function envFileText(state: TestbedState): string {
  const vars: [string, string][] = [
    ['KUBECONFIG', state.kubeconfigPath],
    ['SUPACONTROL_TEST_KUBECONFIG', state.kubeconfigPath],
    ['SUPACONTROL_TEST_HELM', state.helmPath],
    ['SUPACONTROL_TEST_BIN_DIR', state.binDir],
  ];
  if (state.secondKubeconfigPath) {
    vars.push(['SUPACONTROL_TEST_KUBECONFIG_2', state.secondKubeconfigPath]);
  }
  if (state.postgresConnectionString) {
    vars.push([
      'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
      state.postgresConnectionString,
    ]);
    vars.push(['BACKSTAGE_TEST_DISABLE_DOCKER', '1']);
  }
  return vars.map(([k, v]) => `export ${k}=${shellQuote(v)}\n`).join('');
}
