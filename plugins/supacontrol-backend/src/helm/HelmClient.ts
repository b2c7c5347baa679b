import { ChildProcess, execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a chart comes from: a directory, a chart repository URL, or an OCI reference. */
export type ChartSource =
  | { type: 'path'; path: string }
  | { type: 'repo'; url: string; chart: string; version: string }
  | { type: 'oci'; ref: string; version: string };

/** The part of `helm status -o json` the reconciler reads. */
export interface HelmRelease {
  name: string;
  namespace: string;
  version: number;
  info: { status: string; description?: string };
}

/** A helm invocation failed; `stderr` holds Helm's own message, without secrets. */
export class HelmError extends Error {
  readonly stderr: string;
  readonly exitCode: number | null;

  constructor(message: string, stderr: string, exitCode: number | null) {
    super(message);
    this.name = 'HelmError';
    this.stderr = stderr;
    this.exitCode = exitCode;
  }
}

/**
 * What each call takes besides its arguments: a signal that stops it, killing the helm process
 * with SIGKILL (the reconciler's, when it loses the lease of the instance).
 */
export interface HelmCallOptions {
  signal?: AbortSignal;
}

export interface HelmClientOptions {
  binary: string;
  kubeconfigPath?: string;
  kubeContext?: string;
  timeoutMs: number;
  /**
   * Called when a helm command ends (not when it is stopped by its signal), with its subcommand,
   * duration and outcome (for metrics). `helm status` of a missing release is a success: it is
   * how the reconciler learns there is none.
   */
  onCommand?: (
    command: string,
    seconds: number,
    outcome: 'success' | 'failure',
  ) => void;
}

/** What a call stopped by its signal rejects with: the signal's reason, if it is an error. */
function stopped(args: string[], signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new HelmError(`helm ${args[0]} was stopped`, '', null);
}

/**
 * The only place that runs Helm: `execFile` with an argument array, values in a 0600 temp file
 * deleted after each call, a timeout on every call, JSON output parsed, and every child killed
 * on shutdown.
 */
export class HelmClient {
  readonly #options: HelmClientOptions;
  readonly #children = new Set<ChildProcess>();

  static create(options: HelmClientOptions): HelmClient {
    return new HelmClient(options);
  }

  private constructor(options: HelmClientOptions) {
    this.#options = options;
  }

  /** `helm status`; undefined when the release does not exist. */
  async status(
    release: string,
    namespace: string,
    options: HelmCallOptions = {},
  ): Promise<HelmRelease | undefined> {
    try {
      const out = await this.#run(
        ['status', release, '--namespace', namespace, '-o', 'json'],
        options,
      );
      return JSON.parse(out) as HelmRelease;
    } catch (error) {
      if (
        error instanceof HelmError &&
        /release: not found/.test(error.stderr)
      ) {
        return undefined;
      }
      throw error;
    }
  }

  /** `helm upgrade --install` without waiting: the reconciler watches readiness itself. */
  async upgradeInstall(
    options: {
      release: string;
      namespace: string;
      chart: ChartSource;
      values: Record<string, unknown>;
      /** Render and check against the apiserver (`--dry-run=server`), change nothing. */
      dryRun?: boolean;
    } & HelmCallOptions,
  ): Promise<HelmRelease> {
    const dir = await mkdtemp(join(tmpdir(), 'supacontrol-helm-'));
    const valuesFile = join(dir, 'values.json');
    try {
      // JSON is valid YAML; the file holds no secrets, but stays private anyway.
      await writeFile(valuesFile, JSON.stringify(options.values), {
        mode: 0o600,
      });
      const args = [
        'upgrade',
        '--install',
        options.release,
        ...this.#chartArgs(options.chart),
        '--namespace',
        options.namespace,
        '--values',
        valuesFile,
        '--history-max',
        '5',
        // Helm would fetch the apiserver's OpenAPI document to check the rendered objects before
        // sending them. The apiserver checks each object itself when it is created (and the
        // upgrade's dry run renders against it), and the chart is ours, installed on a real
        // apiserver by the lifecycle tests: the fetch is one request per release that can go
        // (bench/README.md, "Helm").
        '--disable-openapi-validation',
        ...(options.dryRun ? ['--dry-run=server'] : []),
        '--timeout',
        `${Math.ceil(this.#options.timeoutMs / 1000)}s`,
        '-o',
        'json',
      ];
      return JSON.parse(
        await this.#run(args, { signal: options.signal }),
      ) as HelmRelease;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The chart version of the installed release (`helm get metadata`, Helm 3.13+). */
  async chartVersion(
    release: string,
    namespace: string,
    options: HelmCallOptions = {},
  ): Promise<string> {
    const out = await this.#run(
      ['get', 'metadata', release, '--namespace', namespace, '-o', 'json'],
      options,
    );
    return String((JSON.parse(out) as { version?: string }).version ?? '');
  }

  /** The rendered manifest of the installed release (`helm get manifest`). */
  async manifest(
    release: string,
    namespace: string,
    options: HelmCallOptions = {},
  ): Promise<string> {
    return this.#run(
      ['get', 'manifest', release, '--namespace', namespace],
      options,
    );
  }

  /** Rolls a release back to its previous revision (to clear an interrupted upgrade). */
  async rollback(
    release: string,
    namespace: string,
    options: HelmCallOptions = {},
  ): Promise<void> {
    await this.#run(
      ['rollback', release, '--namespace', namespace, '--wait=false'],
      options,
    );
  }

  /** `helm uninstall`; succeeds when the release is already gone. */
  async uninstall(
    release: string,
    namespace: string,
    options: HelmCallOptions = {},
  ): Promise<void> {
    try {
      await this.#run(
        ['uninstall', release, '--namespace', namespace],
        options,
      );
    } catch (error) {
      if (error instanceof HelmError && /not found/.test(error.stderr)) {
        return;
      }
      throw error;
    }
  }

  async version(): Promise<string> {
    return (await this.#run(['version', '--short'])).trim();
  }

  /** Kills every running helm child; called on backend shutdown. */
  killAll(): void {
    for (const child of this.#children) {
      child.kill('SIGKILL');
    }
    this.#children.clear();
  }

  #chartArgs(chart: ChartSource): string[] {
    switch (chart.type) {
      case 'path':
        return [chart.path];
      case 'repo':
        return [chart.chart, '--repo', chart.url, '--version', chart.version];
      case 'oci':
        return [chart.ref, '--version', chart.version];
      default:
        throw new Error('unknown chart source');
    }
  }

  #run(args: string[], options: HelmCallOptions = {}): Promise<string> {
    const { binary, kubeconfigPath, kubeContext, timeoutMs, onCommand } =
      this.#options;
    const { signal } = options;
    const started = performance.now();
    const ended = (outcome: 'success' | 'failure') =>
      onCommand?.(args[0], (performance.now() - started) / 1000, outcome);
    const fullArgs = [...args];
    if (kubeconfigPath) fullArgs.push('--kubeconfig', kubeconfigPath);
    if (kubeContext) fullArgs.push('--kube-context', kubeContext);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(stopped(args, signal));
        return;
      }
      // SIGKILL on timeout and on abort: helm must not go on writing release state after we
      // let go. (execFile's own `signal` option would send SIGTERM, which helm may outlive.)
      let onAbort: (() => void) | undefined;
      const child = execFile(
        binary,
        fullArgs,
        // Helm's own timeout covers the cluster; this one covers a hung process.
        {
          timeout: timeoutMs + 30_000,
          maxBuffer: 32 * 1024 * 1024,
          killSignal: 'SIGKILL',
        },
        (error, stdout, stderr) => {
          this.#children.delete(child);
          if (onAbort) signal?.removeEventListener('abort', onAbort);
          if (error && signal?.aborted) {
            reject(stopped(args, signal));
          } else if (error) {
            ended(
              args[0] === 'status' && /release: not found/.test(String(stderr))
                ? 'success'
                : 'failure',
            );
            const text = String(stderr).trim() || error.message;
            reject(
              new HelmError(
                `helm ${args[0]} failed: ${text
                  .split('\n')
                  .slice(-3)
                  .join(' ')}`,
                text,
                typeof error.code === 'number' ? error.code : null,
              ),
            );
          } else {
            ended('success');
            resolve(String(stdout));
          }
        },
      );
      this.#children.add(child);
      if (signal) {
        onAbort = () => child.kill('SIGKILL');
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  }
}
