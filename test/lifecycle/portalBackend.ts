import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './backendProcess';
import {
  HOST_ENV,
  REPO_ROOT as root,
  startInstalledBackend,
} from '../production/installedBackend';
import { testHelmPath, testKubeconfigPath } from '../src/testBed';

/** The portal's backend (packages/backend) as a developer runs it, on the test bed. */
export interface PortalBackend {
  url: string;
  /** A guest user's Backstage token (user:default/guest, from the catalog's examples). */
  guestToken(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts the real packages/backend with backstage.yaml and backstage.development.yaml (guest
 * sign-in, the example catalog) on SQLite in a temporary folder and the test bed's cluster, plus
 * `supacontrol` config; `env` adds to its environment (e.g. the metrics port).
 */
export async function startPortalBackend(options: {
  supacontrol: Record<string, unknown>;
  env?: Record<string, string>;
}): Promise<PortalBackend> {
  const dir = mkdtempSync(join(tmpdir(), 'supacontrol-portal-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    stringify({
      app: { baseUrl: url },
      backend: {
        baseUrl: url,
        listen: { host: '127.0.0.1', port },
        database: {
          client: 'better-sqlite3',
          connection: { directory: join(dir, 'sqlite') },
        },
      },
      supacontrol: {
        kubernetes: { kubeconfigPath: testKubeconfigPath() },
        helm: { binary: testHelmPath() },
        ...options.supacontrol,
      },
    }),
  );
  const backend = startInstalledBackend({
    command: 'node',
    args: [
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      join(root, 'packages/backend/src/index.ts'),
      '--config',
      join(root, 'backstage.yaml'),
      '--config',
      join(root, 'backstage.development.yaml'),
      '--config',
      config,
    ],
    cwd: join(root, 'packages/backend'),
    // Guest sign-in answers only in development mode. No metrics endpoint unless asked for:
    // several portals may run at once.
    env: {
      ...HOST_ENV,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      OTEL_METRICS_EXPORTER: 'none',
      ...options.env,
    },
    url,
  });
  await backend.ready();
  return {
    url,
    async guestToken() {
      const refresh = await fetch(`${url}/api/auth/guest/refresh`, {
        headers: { 'x-requested-with': 'XMLHttpRequest' },
      });
      if (refresh.status !== 200) {
        throw new Error(
          `guest sign-in answered ${refresh.status}: ${await refresh.text()}`,
        );
      }
      return (await refresh.json()).backstageIdentity.token;
    },
    stop: () => backend.stop(),
  };
}
