import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { testPostgresConnection } from '../src/testBed';
import { freePort } from './backendProcess';

/*
 * The portal's real production configuration (backstage.yaml + backstage.production.yaml) on the
 * test bed's PostgreSQL, started the way README.md's production section does: the full
 * packages/backend with NODE_ENV=development, as `yarn workspace backend start` runs it. In that
 * mode Backstage's own guest provider signs anyone in, so SupaControl's start-up guard is the only
 * thing that stops a guest-enabled production portal.
 */

jest.setTimeout(300_000);

const root = join(__dirname, '../..');
const backendDir = join(root, 'packages/backend');
const START_TIMEOUT_MS = 180_000;

/** backstage.production.yaml reads PostgreSQL from POSTGRES_*; the test bed gives a URL. */
function postgresEnv(): Record<string, string> {
  const url = new URL(testPostgresConnection());
  return {
    POSTGRES_HOST: url.hostname,
    POSTGRES_PORT: url.port || '5432',
    POSTGRES_USER: decodeURIComponent(url.username),
    POSTGRES_PASSWORD: decodeURIComponent(url.password),
  };
}

interface ProductionBackend {
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Starts packages/backend with the production configuration plus `extra`. The extra file also
 * moves the fixed port 7007 to a free one (a developer's portal may hold it) and gives the
 * databases a prefix of their own on the shared PostgreSQL.
 */
async function startProduction(extra: object): Promise<ProductionBackend> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'supacontrol-production-'));
  const extraPath = join(dir, 'extra.yaml');
  writeFileSync(
    extraPath,
    stringify({
      backend: {
        listen: { port },
        database: { prefix: `p${randomBytes(4).toString('hex')}_` },
      },
      ...extra,
    }),
  );
  let output = '';
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      join(backendDir, 'src/index.ts'),
      '--config',
      join(root, 'backstage.yaml'),
      '--config',
      join(root, 'backstage.production.yaml'),
      '--config',
      extraPath,
    ],
    {
      cwd: backendDir,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        SUPACONTROL_BASE_URL: url,
        SUPACONTROL_LISTEN_HOST: '127.0.0.1',
        AUTH_GITHUB_CLIENT_ID: 'test-client-id',
        AUTH_GITHUB_CLIENT_SECRET: 'test-client-secret',
        ...postgresEnv(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  const exited = new Promise<number | null>(resolve =>
    child.on('exit', code => resolve(code)),
  );
  return {
    url,
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

async function withTimeout<T>(
  promise: Promise<T>,
  what: string,
  log: () => string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${what} within ${START_TIMEOUT_MS / 1000} s:\n${log().slice(
              -4000,
            )}`,
          ),
        ),
      START_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('the production configuration', () => {
  let backend: ProductionBackend | undefined;

  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
  });

  it('refuses to start with guest sign-in added, naming auth.providers.guest', async () => {
    backend = await startProduction({ auth: { providers: { guest: {} } } });
    const current = backend;
    const code = await withTimeout(
      current.exited,
      'the backend did not exit',
      current.output,
    );
    expect(code).not.toBe(0);
    expect(current.output()).toContain(
      'Guest sign-in (auth.providers.guest) is enabled on a portal backed by PostgreSQL',
    );
  });

  // Without guest the same start gets past the guard: SupaControl reports healthy on PostgreSQL
  // (no cluster is configured, which health reports as not-configured, still 200), and GitHub
  // sign-in answers. Its OAuth start redirect comes from configuration alone (no call to GitHub),
  // so the test is deterministic without network access or a real OAuth App.
  it('starts without guest sign-in and offers GitHub sign-in only', async () => {
    backend = await startProduction({});
    const current = backend;
    const health = await withTimeout(
      (async () => {
        for (;;) {
          if (current.child.exitCode !== null) {
            throw new Error(
              `backend exited during start-up:\n${current
                .output()
                .slice(-4000)}`,
            );
          }
          try {
            const res = await fetch(`${current.url}/api/supacontrol/health`);
            if (res.status === 200) return await res.json();
          } catch {
            // not listening yet
          }
          await new Promise(r => setTimeout(r, 500));
        }
      })(),
      'SupaControl did not report healthy',
      current.output,
    );
    expect(health).toMatchObject({
      status: 'ok',
      database: { status: 'ok', client: 'pg' },
    });

    const github = await fetch(
      `${current.url}/api/auth/github/start?env=production`,
      { redirect: 'manual' },
    );
    expect(github.status).toBe(302);
    expect(github.headers.get('location')).toMatch(
      /^https:\/\/github\.com\/login\/oauth\/authorize\?.*client_id=test-client-id/,
    );
    const guest = await fetch(`${current.url}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    expect(guest.status).toBe(404);
    expect(current.output()).not.toContain('auth.providers.guest');
  });
});
