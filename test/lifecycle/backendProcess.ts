import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** A SupaControl backend in a child process, reached with a static external-access token. */
export interface BackendProcess {
  url: string;
  token: string;
  /** The last `maxChars` (default 6000) characters of the process's output, for failure messages. */
  log(maxChars?: number): string;
  /** Starts the process (again) with the same config and database. */
  start(env?: Record<string, string>): Promise<void>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** SIGTERM: the backend stops its plugins and exits (so that e.g. `--cpu-prof` is written). */
  stop(): Promise<void>;
  /** Resolves when the process exits on its own (e.g. at a failpoint). */
  exited(): Promise<number | null>;
  /** The process id while it runs (benchmarks read its memory from /proc). */
  pid(): number | undefined;
}

/** A TCP port nothing listens on right now, for a backend to take. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Prepares a backend on the test PostgreSQL (its own database prefix, so the data survives
 * restarts and no two test files share it) and the given kubeconfig.
 */
export async function createBackendProcess(options: {
  kubeconfigPath: string;
  helmPath: string;
  postgres: string;
  supacontrol?: Record<string, unknown>;
  /**
   * The database prefix; two backends given the same one share their database, as replicas do.
   * By default each backend gets its own.
   */
  databasePrefix?: string;
  /** `backend.database` in place of the test PostgreSQL (e.g. SQLite for the API benchmark). */
  database?: Record<string, unknown>;
  /** More top-level config, e.g. `catalog` for a process started with the catalog. */
  config?: Record<string, unknown>;
}): Promise<BackendProcess> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'supacontrol-backend-'));
  const configPath = join(dir, 'config.yaml');
  writeFileSync(
    configPath,
    stringify({
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { host: '127.0.0.1', port },
        database: options.database ?? {
          client: 'pg',
          connection: options.postgres,
          prefix:
            options.databasePrefix ?? `t${randomBytes(4).toString('hex')}_`,
        },
        auth: {
          externalAccess: [
            { type: 'static', options: { token, subject: 'lifecycle-test' } },
          ],
        },
      },
      permission: { enabled: false },
      supacontrol: {
        // `supacontrol.clusters`, when the test gives it, replaces the one cluster.
        ...(!options.supacontrol?.clusters && {
          kubernetes: { kubeconfigPath: options.kubeconfigPath },
        }),
        helm: { binary: options.helmPath, timeoutSeconds: 120 },
        reconcile: {
          intervalSeconds: 2,
          backoffBaseSeconds: 1,
          backoffMaxSeconds: 2,
          maxAttempts: 3,
          leaseSeconds: 6,
        },
        // The test's static token is a service principal: allowed everything, as a trusted
        // automation would be. The scale test creates more instances than the default limits.
        serviceAccess: [
          {
            subject: 'lifecycle-test',
            allow: ['read', 'create', 'update', 'delete', 'credentials'],
          },
        ],
        limits: { instancesPerOwner: 1000, requestsPerMinute: 100_000 },
        // kwok nodes run no storage provisioner: test instances keep their data in emptyDir.
        plans: {
          small: { default: true, values: { persistence: { enabled: false } } },
        },
        ...options.supacontrol,
      },
      ...options.config,
    }),
  );

  let child: ChildProcess | undefined;
  let output = '';
  let exit: Promise<number | null> = Promise.resolve(null);

  const url = `http://127.0.0.1:${port}`;
  const backend: BackendProcess = {
    url,
    token,
    log: (maxChars = 6000) => output.slice(-maxChars),
    async start(env = {}) {
      output = '';
      child = spawn(
        process.execPath,
        [
          '--require',
          require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
          join(__dirname, 'backendMain.ts'),
          '--config',
          configPath,
        ],
        {
          cwd: __dirname,
          env: {
            ...process.env,
            NODE_ENV: 'development',
            LOG_LEVEL: 'info',
            ...env,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child.stdout!.on('data', d => (output += d));
      child.stderr!.on('data', d => (output += d));
      const current = child;
      exit = new Promise(resolve => current.on('exit', code => resolve(code)));
      const deadline = Date.now() + 90_000;
      for (;;) {
        if (current.exitCode !== null || current.signalCode !== null) {
          throw new Error(
            `backend exited during start-up:\n${output.slice(-4000)}`,
          );
        }
        try {
          const res = await fetch(`${url}/api/supacontrol/health`);
          if (res.status === 200) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) {
          throw new Error(
            `backend did not become healthy in 90 s:\n${output.slice(-4000)}`,
          );
        }
        await new Promise(r => setTimeout(r, 250));
      }
    },
    async kill() {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exit;
      }
    },
    async stop() {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exit;
      }
    },
    exited: () => exit,
    pid: () => child?.pid,
  };
  return backend;
}

/** JSON API calls to the backend as the test's service principal. */
export function apiClient(backend: BackendProcess) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${backend.url}/api/supacontrol${path}`, {
      method,
      headers: {
        authorization: `Bearer ${backend.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body ?? {}),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
    delete: (path: string) => call('DELETE', path),
  };
}

/** Thrown by a probe of {@link eventually} to stop waiting at once (the state cannot recover). */
export class GiveUp extends Error {}

/** Polls until `probe` returns a value, or fails with what it last saw. */
export async function eventually<T>(
  what: string | (() => string),
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${typeof what === 'function' ? what() : what}${
          last ? `: ${String(last)}` : ''
        }`,
      );
    }
    await new Promise(r => setTimeout(r, 500));
  }
}

/** One reconcile pass as the backend logged it at debug level ("Reconcile pass done"). */
export interface LoggedPass {
  instances: number;
  settled: number;
  worked: number;
  kubernetesRequests: number;
  databaseQueries: number;
  watches: number;
}

/** The reconcile passes the backend has logged since `from` characters of its output. */
export function loggedPasses(backend: BackendProcess, from = 0): LoggedPass[] {
  return (
    backend
      .log(Infinity)
      .slice(from)
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n')
      .filter(line => line.includes('Reconcile pass done'))
      .map(line => {
        const field = (name: string) =>
          Number(new RegExp(`${name}=(\\d+)`).exec(line)?.[1] ?? NaN);
        return {
          instances: field('instances'),
          settled: field('settled'),
          worked: field('worked'),
          kubernetesRequests: field('kubernetesRequests'),
          databaseQueries: field('databaseQueries'),
          watches: field('watches'),
        };
      })
  );
}
