import {
  startSupactlHarness,
  SupactlHarness,
  testBedValue,
} from './__testUtils__/harness';

/*
 * The day-2 operations with --wait, against a backend whose reconciler carries them out on the
 * test bed (the bundled chart through the real helm, as in cli.lifecycle.test.ts): pause and
 * resume, restart, credential rotation, and deletion protection, on one Running instance.
 */

jest.setTimeout(900_000);

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

const lastLine = (stdout: string) => stdout.trim().split('\n').at(-1);

it('pauses, resumes, restarts and rotates a protected instance with --wait', async () => {
  const name = `cli-${run}-ops`;
  const supactl = harness.as(key);
  const credentials = async () =>
    JSON.parse(
      (await supactl(['instances', 'credentials', name, '-o', 'json'])).stdout,
    );

  const created = await supactl([
    'instances',
    'create',
    name,
    '--deletion-protection',
    '--wait',
    '--timeout',
    '5m',
  ]);
  expect(created.stderr).toBe('');
  expect(created.code).toBe(0);
  expect(lastLine(created.stdout)).toMatch(
    new RegExp(`^instance '${name}' is Running\\b`),
  );

  const protectedDelete = await supactl(['instances', 'delete', name, '--yes']);
  expect(protectedDelete.code).toBe(4);
  expect(protectedDelete.stderr).toContain('has deletion protection');

  const paused = await supactl(['instances', 'pause', name, '--wait']);
  expect(paused.stderr).toBe('');
  expect(paused.code).toBe(0);
  const pausedLines = paused.stdout.trim().split('\n');
  expect(pausedLines[0]).toBe(
    `pause of instance '${name}' requested (status Running)`,
  );
  expect(lastLine(paused.stdout)).toMatch(
    new RegExp(`^instance '${name}' is Paused\\b`),
  );
  const pausedInstance = await harness.api('GET', `/v1/instances/${name}`);
  expect(pausedInstance).toMatchObject({
    status: 'Paused',
    desiredState: 'paused',
  });
  expect(
    pausedInstance.components.every(
      (c: { replicas: number }) => c.replicas === 0,
    ),
  ).toBe(true);

  const pausedAgain = await supactl(['instances', 'pause', name]);
  expect(pausedAgain.code).toBe(4);
  expect(pausedAgain.stderr).toBe(
    `error: Instance '${name}' is already paused\n`,
  );

  // -o json keeps stdout to the instance the wait ended with; progress goes to stderr.
  const resumed = await supactl([
    'instances',
    'resume',
    name,
    '--wait',
    '--timeout',
    '5m',
    '-o',
    'json',
  ]);
  expect(resumed.code).toBe(0);
  expect(JSON.parse(resumed.stdout)).toMatchObject({
    name,
    status: 'Running',
    desiredState: 'running',
  });
  expect(resumed.stderr).toMatch(
    new RegExp(`^${name}: (Paused|Updating|Running)\\b`),
  );

  const generation = (await harness.api('GET', `/v1/instances/${name}`))
    .generation;
  const restarted = await supactl([
    'instances',
    'restart',
    name,
    '-c',
    'auth',
    '--wait',
    '--timeout',
    '5m',
  ]);
  expect(restarted.stderr).toBe('');
  expect(restarted.code).toBe(0);
  expect(restarted.stdout.split('\n')[0]).toBe(
    `restart of component auth of instance '${name}' requested (status Running)`,
  );
  expect(lastLine(restarted.stdout)).toMatch(
    new RegExp(`^instance '${name}' is Running\\b`),
  );
  // The wait saw the restart through rather than ending on the Running from before it.
  const afterRestart = await harness.api('GET', `/v1/instances/${name}`);
  expect(afterRestart).toMatchObject({
    status: 'Running',
    generation: generation + 1,
    observedGeneration: generation + 1,
  });

  const before = await credentials();
  const rotated = await supactl([
    'instances',
    'rotate',
    name,
    'jwt',
    '--yes',
    '--wait',
    '--timeout',
    '5m',
  ]);
  expect(rotated.stderr).toBe('');
  expect(rotated.code).toBe(0);
  expect(rotated.stdout.split('\n')[0]).toBe(
    `rotation of the JWT secret of instance '${name}' requested (status Running)`,
  );
  expect(lastLine(rotated.stdout)).toMatch(
    new RegExp(`^instance '${name}' is Running\\b`),
  );
  const afterJwt = await credentials();
  expect(afterJwt.anonKey).not.toBe(before.anonKey);
  expect(afterJwt.serviceRoleKey).not.toBe(before.serviceRoleKey);
  expect(afterJwt.dashboard).toEqual(before.dashboard);

  const dashboard = await supactl([
    'instances',
    'rotate',
    name,
    'dashboard',
    '--wait',
    '--timeout',
    '5m',
  ]);
  expect(dashboard.stderr).toBe('');
  expect(dashboard.code).toBe(0);
  const afterDashboard = await credentials();
  expect(afterDashboard.dashboard.password).not.toBe(
    afterJwt.dashboard.password,
  );
  expect(afterDashboard.anonKey).toBe(afterJwt.anonKey);

  const events = await supactl(['instances', 'events', name]);
  for (const action of ['pause', 'resume', 'restart', 'rotate']) {
    expect(events.stdout).toMatch(new RegExp(`\\s${action}\\s`));
  }

  const unprotected = await supactl([
    'instances',
    'update',
    name,
    '--deletion-protection',
    'false',
  ]);
  expect(unprotected.code).toBe(0);
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
  expect(lastLine(deleted.stdout)).toBe(`instance '${name}' deleted`);
});
