import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import supacontrolBackend from '@supacontrol/plugin-supacontrol-backend';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/*
 * What the supactl tests share: the real binary in a child process (so exit codes and output
 * are real) against the real SupaControl backend plugin, started in-process on the test bed.
 */

/** A value the test bed provides (./scripts/test, or ./scripts/cluster env); never skipped. */
export function testBedValue(
  name: 'SUPACONTROL_TEST_KUBECONFIG' | 'SUPACONTROL_TEST_HELM',
): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: it comes from the test bed. Run the tests with ./scripts/test, or ` +
        "'./scripts/cluster up' and 'source <(./scripts/cluster env)'",
    );
  }
  return value;
}

const BIN = path.resolve(__dirname, '../../bin/supactl');

/** The user who creates the API keys the tests use. */
export const ALICE = mockCredentials.user.header('user:default/alice');

/** What a supactl run printed and how it ended. */
export interface SupactlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of one supactl run. */
export interface SupactlRunOptions {
  input?: string;
  env?: Record<string, string>;
  /** XDG_CONFIG_HOME of the run; default `<home>/config`. */
  configHome?: string;
}

/** A backend and a scratch home directory for supactl runs. */
export interface SupactlHarness {
  /** Base URL of the backend, as users pass it to `supactl login`. */
  readonly portalUrl: string;
  /** Scratch HOME of the runs. */
  readonly home: string;
  supactl(args: string[], options?: SupactlRunOptions): Promise<SupactlResult>;
  /** supactl with SUPACTL_URL/SUPACTL_API_KEY, so that tests need no login of their own. */
  as(apiKey: string): (args: string[]) => Promise<SupactlResult>;
  /** A JSON API call (as Alice unless `auth` is given); throws unless it succeeds. */
  api(
    method: string,
    apiPath: string,
    options?: { auth?: string; body?: unknown },
  ): Promise<any>;
  /** A new API key of Alice's with these scopes. */
  createKey(scopes: string[]): Promise<string>;
  /** Removes the scratch home (startTestBackend stops the backend after the test file). */
  close(): Promise<void>;
}

/** The environment of the test process without anything that would steer supactl. */
function baseEnv(home: string, configHome: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('SUPACTL_')) env[key] = value;
  }
  return { ...env, HOME: home, XDG_CONFIG_HOME: configHome };
}

// A SQLite database that TestDatabases destroys after the file: the test backend's default one
// is never destroyed (Backstage's DatabaseManager skips SQLite clients at shutdown), and its
// connection pool's timer would keep the jest worker alive after the tests.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Starts the backend plugin with this `supacontrol` config (the test cluster's kubeconfig added). */
export async function startSupactlHarness(
  supacontrol: Record<string, unknown>,
): Promise<SupactlHarness> {
  const backend = await startTestBackend({
    features: [
      supacontrolBackend,
      // A stand-in catalog (this harness tests the CLI, not the catalog): API keys are checked
      // against their owner's catalog entity. packages/backend's tests use the real catalog.
      catalogServiceMock.factory({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'User',
            metadata: { name: 'alice', namespace: 'default' },
            spec: {},
          },
        ],
      }),
      mockServices.database.factory({ knex: await databases.init('SQLITE_3') }),
      mockServices.rootConfig.factory({
        data: {
          supacontrol: {
            kubernetes: {
              kubeconfigPath: testBedValue('SUPACONTROL_TEST_KUBECONFIG'),
            },
            ...supacontrol,
          },
        },
      }),
    ],
  });
  const portalUrl = `http://127.0.0.1:${
    (backend.server.address() as AddressInfo).port
  }`;
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'supactl-test-'));

  const supactl = (
    args: string[],
    options: SupactlRunOptions = {},
  ): Promise<SupactlResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: {
          ...baseEnv(home, options.configHome ?? path.join(home, 'config')),
          ...options.env,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', chunk => (stdout += chunk));
      child.stderr.on('data', chunk => (stderr += chunk));
      child.on('error', reject);
      child.on('close', code => resolve({ code, stdout, stderr }));
      child.stdin.end(options.input ?? '');
    });

  const api: SupactlHarness['api'] = async (method, apiPath, options = {}) => {
    const response = await fetch(`${portalUrl}/api/supacontrol${apiPath}`, {
      method,
      headers: {
        Authorization: options.auth ?? ALICE,
        ...(options.body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: options.body ? JSON.stringify(options.body) : undefined,
    });
    const body = await response.json();
    if (!response.ok) {
      throw new Error(
        `setup: ${method} ${apiPath} answered ${
          response.status
        }: ${JSON.stringify(body)}`,
      );
    }
    return body;
  };

  return {
    portalUrl,
    home,
    supactl,
    as: apiKey => args =>
      supactl(args, {
        env: { SUPACTL_URL: portalUrl, SUPACTL_API_KEY: apiKey },
      }),
    api,
    async createKey(scopes) {
      const created = await api('POST', '/v1/api-keys', {
        body: { name: `supactl test ${scopes.join(' ')}`, scopes },
      });
      return created.key;
    },
    async close() {
      await fs.rm(home, { recursive: true, force: true });
    },
  };
}

/** A port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise(resolve => probe.close(resolve));
  return port;
}
