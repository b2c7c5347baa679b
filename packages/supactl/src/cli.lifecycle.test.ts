import { spawnSync } from 'node:child_process';
import { startSupabaseStandIn } from './__testUtils__/supabaseStandIn';
import {
  startSupactlHarness,
  SupactlHarness,
  testBedValue,
} from './__testUtils__/harness';

/*
 * supactl against a backend whose reconciler provisions for real on the test bed (the bundled
 * chart through the real helm): what a CI pipeline does for a preview environment.
 * create --wait comes back when the instance is Running, credentials -o env evaluates in a
 * shell to real keys, delete --wait comes back when the instance is Deleted.
 */

jest.setTimeout(600_000);

const run = Math.random().toString(36).slice(2, 8);

let harness: SupactlHarness;
let key: string;

beforeAll(async () => {
  harness = await startSupactlHarness({
    helm: {
      binary: testBedValue('SUPACONTROL_TEST_HELM'),
      timeoutSeconds: 120,
    },
    reconcile: {
      intervalSeconds: 2,
      backoffBaseSeconds: 1,
      backoffMaxSeconds: 2,
      maxAttempts: 3,
    },
    // kwok nodes run no storage provisioner: test instances keep their data in emptyDir.
    plans: {
      small: { default: true, values: { persistence: { enabled: false } } },
    },
  });
  key = await harness.createKey([
    'instances:read',
    'instances:write',
    'instances:credentials',
  ]);
});

afterAll(() => harness?.close());

/** The claims of a JWT, without verifying it (the lifecycle tests verify signatures). */
function claims(jwt: string): Record<string, unknown> {
  const [, payload] = jwt.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

it('creates an instance with --wait, exports its credentials and deletes it with --wait', async () => {
  const name = `cli-${run}-ci`;
  const supactl = harness.as(key);

  const created = await supactl([
    'instances',
    'create',
    name,
    '--wait',
    '--timeout',
    '5m',
  ]);
  expect(created.stderr).toBe('');
  expect(created.code).toBe(0);
  const lines = created.stdout.trim().split('\n');
  expect(lines[0]).toBe(
    `instance '${name}' created (status Pending, plan small, cluster default, region default)`,
  );
  // Plain progress lines (stdout is not a terminal), then where the instance answers.
  for (const line of lines.slice(1, -1)) {
    expect(line).toMatch(
      new RegExp(`^${name}: (Pending|Provisioning|Running)\\b`),
    );
  }
  expect(lines.at(-1)).toMatch(
    new RegExp(`^instance '${name}' is Running; API https?://\\S+`),
  );
  expect((await harness.api('GET', `/v1/instances/${name}`)).status).toBe(
    'Running',
  );

  const credentials = await supactl([
    'instances',
    'credentials',
    name,
    '-o',
    'env',
  ]);
  expect(credentials.stderr).toBe('');
  expect(credentials.code).toBe(0);
  // What a pipeline does with it: eval in a shell, then use the variables.
  const shell = spawnSync(
    '/bin/sh',
    [
      '-c',
      'eval "$CREDENTIALS" && printf "%s\\n" "$SUPABASE_URL" "$SUPABASE_ANON_KEY" "$SUPABASE_SERVICE_ROLE_KEY"',
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: harness.home,
        CREDENTIALS: credentials.stdout,
      },
      encoding: 'utf8',
    },
  );
  expect(shell.stderr).toBe('');
  const [url, anonKey, serviceRoleKey] = shell.stdout.trim().split('\n');
  expect(url).toMatch(/^https?:\/\/\S+$/);
  expect(claims(anonKey)).toMatchObject({ role: 'anon', iss: 'supabase' });
  expect(claims(serviceRoleKey)).toMatchObject({
    role: 'service_role',
    iss: 'supabase',
  });

  // verify with the instance's own keys. kwok runs no container, so the API is reached through
  // --api-url at a STAND-IN that answers as Supabase does and accepts only this instance's keys.
  const { dashboard } = JSON.parse(
    (await supactl(['instances', 'credentials', name, '-o', 'json'])).stdout,
  );
  const verifyAgainst = async (broken?: 'storage') => {
    const standIn = await startSupabaseStandIn({
      anonKey,
      serviceRoleKey,
      dashboard,
      broken,
    });
    try {
      const result = await supactl([
        'instances',
        'verify',
        name,
        '--api-url',
        standIn.url,
      ]);
      return { ...result, lines: result.stdout.trim().split('\n') };
    } finally {
      await standIn.close();
    }
  };

  const passed = await verifyAgainst();
  expect(passed.stderr).toBe('');
  expect(passed.code).toBe(0);
  expect(passed.lines[0]).toMatch(/^SERVICE\s+RESULT\s+LATENCY\s+CHECK$/);
  expect(passed.lines.slice(1).map(l => l.split(/\s+/).slice(0, 2))).toEqual([
    ['auth', 'PASS'],
    ['auth-signup', 'PASS'],
    ['rest', 'PASS'],
    ['storage', 'PASS'],
    ['realtime', 'PASS'],
    ['studio', 'PASS'],
  ]);

  const failed = await verifyAgainst('storage');
  expect(failed.code).toBe(6);
  expect(failed.stderr).toContain(
    `instance '${name}' failed verification: storage`,
  );
  expect(failed.lines.find(l => l.startsWith('storage'))).toMatch(
    /^storage\s+FAIL\s+\d+ ms\s+.*create a bucket: answered 500/,
  );

  const deleted = await supactl([
    'instances',
    'delete',
    name,
    '--yes',
    '--wait',
    '--timeout',
    '5m',
  ]);
  expect(deleted.stderr).toBe('');
  expect(deleted.code).toBe(0);
  expect(deleted.stdout.trim().split('\n').at(-1)).toBe(
    `instance '${name}' deleted`,
  );
  const record = await harness.api('GET', `/v1/instances/${name}`);
  expect(record.status).toBe('Deleted');
});
