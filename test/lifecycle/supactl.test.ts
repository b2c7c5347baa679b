import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { startCluster, type TestCluster } from '../cluster/src/index.ts';
import { testHelmPath } from '../src/testBed';
import {
  apiClient,
  BackendProcess,
  createBackendProcess,
} from './backendProcess';

/*
 * supactl as a CI pipeline uses it, against a backend that really provisions: create --wait,
 * credentials -o env for eval, delete --wait. Authenticates with a static external-access token,
 * the other way CI calls the API besides plugin API keys.
 */

jest.setTimeout(600_000);

const run = promisify(execFile);
const supactlBin = join(__dirname, '../../packages/supactl/bin/supactl');

let cluster: TestCluster;
let backend: BackendProcess;

beforeAll(async () => {
  const postgres =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!postgres) {
    throw new Error(
      'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set: run ./scripts/test',
    );
  }
  cluster = await startCluster();
  backend = await createBackendProcess({
    kubeconfigPath: cluster.kubeconfigPath,
    helmPath: testHelmPath(),
    postgres,
  });
  await backend.start();
});

afterAll(async () => {
  await backend?.kill();
  await cluster?.stop();
});

async function supactl(...args: string[]) {
  const home = mkdtempSync(join(tmpdir(), 'supactl-home-'));
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [supactlBin, ...args],
      {
        env: {
          ...process.env,
          HOME: home,
          XDG_CONFIG_HOME: home,
          SUPACTL_URL: backend.url,
          SUPACTL_API_KEY: backend.token,
        },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error: any) {
    return {
      code: error.code as number,
      stdout: String(error.stdout),
      stderr: String(error.stderr),
    };
  }
}

it('creates with --wait, exports credentials for eval, deletes with --wait', async () => {
  const name = `ci-${Date.now().toString(36).slice(-5)}`;
  const created = await supactl(
    'instances',
    'create',
    name,
    '--owner',
    'group:default/team-a',
    '--wait',
    '--timeout',
    '5m',
  );
  expect(created).toMatchObject({ code: 0 });
  expect(created.stdout).toContain(
    `instance '${name}' created (status Pending, plan small)`,
  );
  expect(created.stdout).toContain(`instance '${name}' is Running`);

  const env = await supactl('instances', 'credentials', name, '-o', 'env');
  expect(env.code).toBe(0);
  // What a pipeline does with it: eval in a shell, then use the variables.
  const { stdout } = await run('sh', [
    '-c',
    `eval "$1"; printf '%s\\n%s\\n%s' "$SUPABASE_URL" "$SUPABASE_ANON_KEY" "$DATABASE_URL"`,
    'sh',
    env.stdout,
  ]);
  const [url, anonKey, databaseUrl] = stdout.split('\n');
  expect(url).toBe(`http://${name}-kong.supa-${name}.svc:8000`);
  expect(decodeJwt(anonKey)).toMatchObject({ role: 'anon', iss: 'supabase' });
  expect(databaseUrl).toMatch(
    new RegExp(
      `^postgresql://postgres:.+@${name}-db\\.supa-${name}\\.svc:5432/postgres$`,
    ),
  );

  const deleted = await supactl(
    'instances',
    'delete',
    name,
    '--wait',
    '--yes',
    '--timeout',
    '5m',
  );
  expect(deleted.code).toBe(0);
  const record = await apiClient(backend).get(`/v1/instances/${name}`);
  expect(record.body.status).toBe('Deleted');
});
