// Child processes and temporary directories owned by this Node process.
//
// Every child is started in its own process group (detached), so that stop()
// reaches helpers it forks (runuser -> postgres) and so that a Ctrl-C in the
// terminal does not kill components behind our back. In exchange we clean up
// ourselves: on SIGINT/SIGTERM/SIGHUP the children are stopped in order and
// the temp dirs removed; on 'exit' whatever is left gets SIGKILL.

import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';

const live = new Set<ManagedProcess>();
const cleanupDirs = new Set<string>();
let hooksInstalled = false;

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  logPath: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Signal that asks the program for a clean, fast shutdown. */
  stopSignal?: NodeJS.Signals;
  /**
   * Processes stop in ascending tiers: clients (tier 0) before the servers
   * they talk to, which otherwise spend seconds retrying a dead server.
   */
  stopTier?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  readonly stopTier: number;
  readonly #stopSignal: NodeJS.Signals;
  #exit: ExitInfo | undefined;
  readonly #exited: Promise<ExitInfo>;

  private constructor(
    options: SpawnOptions,
    pid: number,
    exited: Promise<ExitInfo>,
  ) {
    this.name = options.name;
    this.pid = pid;
    this.logPath = options.logPath;
    this.stopTier = options.stopTier ?? 0;
    this.#stopSignal = options.stopSignal ?? 'SIGTERM';
    this.#exited = exited.then(info => {
      this.#exit = info;
      live.delete(this);
      return info;
    });
  }

  static start(options: SpawnOptions): ManagedProcess {
    installExitHooks();
    const log = openSync(options.logPath, 'a');
    try {
      const child = spawn(options.command, options.args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', log, log],
        detached: true,
      });
      const exited = new Promise<ExitInfo>(resolve => {
        child.once('exit', (code, signal) => resolve({ code, signal }));
        child.once('error', () => resolve({ code: 127, signal: null }));
      });
      if (child.pid === undefined) {
        throw new Error(`${options.name}: could not start ${options.command}`);
      }
      // Our own reference would keep the event loop alive; the exit hooks
      // and stop() are what end these processes.
      child.unref();
      const proc = new ManagedProcess(options, child.pid, exited);
      live.add(proc);
      return proc;
    } finally {
      closeSync(log);
    }
  }

  /** Exit code and signal once the process has ended, else undefined. */
  get exitInfo(): ExitInfo | undefined {
    return this.#exit;
  }

  /** Resolves when the process has ended. */
  waitForExit(): Promise<ExitInfo> {
    return this.#exited;
  }

  /** Sends the stop signal to the process group without waiting. */
  signalStop(): void {
    if (!this.#exit) killGroup(this.pid, this.#stopSignal);
  }

  /** Stops the process group: stop signal, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    this.signalStop();
    if (!this.#exit) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>(resolve => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([this.#exited, timeout]);
      clearTimeout(timer);
    }
    // Also reaps group members that outlived the leader.
    killGroup(this.pid, 'SIGKILL');
    await this.#exited;
  }

  /** The last lines of the process's log, for error messages. */
  tail(lines = 40): string {
    return tailFile(this.logPath, lines);
  }

  describeExit(): string {
    const e = this.#exit;
    if (!e) return `${this.name} is running`;
    return `${this.name} exited with ${
      e.signal ? `signal ${e.signal}` : `code ${e.code}`
    }`;
  }
}

export function tailFile(path: string, lines = 40): string {
  try {
    const text = readFileSync(path, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

/** Removes `dir` when this process exits or is interrupted, unless released first. */
export function removeOnExit(dir: string): void {
  installExitHooks();
  cleanupDirs.add(dir);
}

/** Removes `dir` now and forgets it. */
export function removeDir(dir: string): void {
  cleanupDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** PIDs (= process group ids) of the children that are still running. */
export function livePids(): number[] {
  return [...live].map(p => p.pid);
}

/** Directories that will be removed at exit. */
export function pendingCleanupDirs(): string[] {
  return [...cleanupDirs];
}

function killAllNow(): void {
  for (const p of live) killGroup(p.pid, 'SIGKILL');
  for (const dir of cleanupDirs) rmSync(dir, { recursive: true, force: true });
  cleanupDirs.clear();
}

/** Stops the processes tier by tier (see SpawnOptions.stopTier). */
export async function stopInOrder(
  procs: ManagedProcess[],
  graceMs = 5000,
): Promise<void> {
  const tiers = [...new Set(procs.map(p => p.stopTier))].sort((a, b) => a - b);
  for (const tier of tiers) {
    await Promise.all(
      procs.filter(p => p.stopTier === tier).map(p => p.stop(graceMs)),
    );
  }
}

async function stopAllForSignal(): Promise<void> {
  await stopInOrder([...live], 3000);
  killAllNow();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      process.removeListener(signal, onSignal);
      void stopAllForSignal().finally(() => {
        // Die of the signal as if we had not been listening, unless the host
        // program (a test runner, say) handles it itself.
        if (process.listenerCount(signal) === 0)
          process.kill(process.pid, signal);
      });
    };
    process.on(signal, onSignal);
  }
}
