import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  startSupactlHarness,
  SupactlHarness,
  testBedValue,
} from './__testUtils__/harness';

/*
 * `supactl instances logs` and `cluster-events` against the real backend on the test bed. No
 * reconciler runs: the test makes the instance's namespace and a `rest` Deployment itself, and
 * kwok answers pods/log with the test bed's simulated lines (test/cluster/src/kwok.ts).
 */

jest.setTimeout(180_000);

/** What every container of the test bed has logged (test/cluster/src/kwok.ts). */
const LOG_LINE = /^supacontrol-testbed: simulated container log line 3 of 3/m;

const name = `cli-${Math.random().toString(36).slice(2, 8)}-logs`;
const namespace = `supa-${name}`;

let harness: SupactlHarness;
let supactl: (args: string[]) => ReturnType<SupactlHarness['supactl']>;
let core: CoreV1Api;

beforeAll(async () => {
  harness = await startSupactlHarness({ reconcile: { enabled: false } });
  supactl = harness.as(
    await harness.createKey(['instances:read', 'instances:write']),
  );
  await harness.api('POST', '/v1/instances', { body: { name } });

  const kc = new KubeConfig();
  kc.loadFromFile(testBedValue('SUPACONTROL_TEST_KUBECONFIG'));
  core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  // Pods are refused until the namespace's default ServiceAccount exists.
  for (let i = 0; ; i++) {
    try {
      await core.readNamespacedServiceAccount({ namespace, name: 'default' });
      break;
    } catch (error) {
      if (i > 100) throw error;
      await new Promise(r => setTimeout(r, 200));
    }
  }
  const labels = { 'app.kubernetes.io/component': 'rest' };
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: `${name}-rest` },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'rest', image: 'postgrest' }] },
        },
      },
    },
  });
  for (let i = 0; ; i++) {
    const pods = await core.listNamespacedPod({ namespace });
    if (pods.items.some(p => p.status?.phase === 'Running')) break;
    if (i > 100) throw new Error('the rest pod did not start');
    await new Promise(r => setTimeout(r, 200));
  }
});

afterAll(async () => {
  await core?.deleteNamespace({ name: namespace }).catch(() => {});
  await harness?.close();
});

it('prints the logs of the rest component by default', async () => {
  const result = await supactl(['instances', 'logs', name, '--tail', '1']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(LOG_LINE);
  expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);

  const since = await supactl([
    'instances',
    'logs',
    name,
    '-c',
    'rest',
    '--since',
    '24h',
  ]);
  expect(since.code).toBe(0);
  expect(since.stdout.trimEnd().split('\n')).toHaveLength(3);
});

it('says why a component without pods has no logs', async () => {
  const result = await supactl(['instances', 'logs', name, '-c', 'auth']);
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain(
    `Component 'auth' of instance '${name}' has no running pod`,
  );
});

it('refuses bad arguments before sending anything', async () => {
  const component = await supactl([
    'instances',
    'logs',
    name,
    '-c',
    'postgres',
  ]);
  expect(component.code).not.toBe(0);
  expect(component.stderr).toContain('component must be one of db, rest');
  const tail = await supactl(['instances', 'logs', name, '--tail', '0']);
  expect(tail.code).not.toBe(0);
  expect(tail.stderr).toContain(
    '--tail must be a whole number of lines from 1 to 10000',
  );
});

it('lists the Kubernetes events, Warnings first', async () => {
  const now = new Date();
  await core.createNamespacedEvent({
    namespace,
    body: {
      metadata: { name: `${name}-warning` },
      involvedObject: { kind: 'Deployment', name: `${name}-rest`, namespace },
      type: 'Warning',
      reason: 'TestWarning',
      message: 'made by cli.logs.test.ts',
      count: 2,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: 'supactl-test' },
    },
  });

  const table = await supactl(['instances', 'cluster-events', name]);
  expect(table.code).toBe(0);
  const [header, first] = table.stdout.split('\n');
  expect(header).toMatch(
    /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+COUNT\s+MESSAGE$/,
  );
  expect(first).toMatch(
    new RegExp(
      `Warning\\s+TestWarning\\s+Deployment/${name}-rest\\s+2\\s+made by`,
    ),
  );

  const json = await supactl([
    'instances',
    'cluster-events',
    name,
    '-o',
    'json',
  ]);
  expect(json.code).toBe(0);
  const items = JSON.parse(json.stdout).items;
  expect(items[0]).toMatchObject({
    type: 'Warning',
    reason: 'TestWarning',
    count: 2,
  });
  // The controllers' own events (ScalingReplicaSet, Scheduled…) follow.
  expect(items.some((e: { type: string }) => e.type === 'Normal')).toBe(true);
});
