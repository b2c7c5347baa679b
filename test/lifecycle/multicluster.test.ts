import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startCluster, type TestCluster } from '../cluster/src/index.ts';
import { testPostgresConnection } from '../src/testBed';
import {
  apiClient,
  BackendProcess,
  createBackendProcess,
  eventually,
} from './backendProcess';

/*
 * Several clusters: two test clusters of this file's own, started at once, behind one backend.
 * Instances go where their region (or cluster) says, a full cluster refuses with 409 naming its
 * limit, a drained one takes nothing new, and while one cluster's apiserver is stopped the other
 * keeps creating and deleting; the stopped one's instances are marked and recover when it
 * returns.
 */

jest.setTimeout(900_000);

let eu: TestCluster;
let us: TestCluster;
let backend: BackendProcess;
let api: ReturnType<typeof apiClient>;
const core: Record<string, CoreV1Api> = {};
const OWNER = 'group:default/team-a';

beforeAll(async () => {
  const started = Date.now();
  [eu, us] = await Promise.all([
    startCluster({ existingKubeconfig: false }),
    startCluster({ existingKubeconfig: false }),
  ]);
  // eslint-disable-next-line no-console
  console.log(`two clusters started at once in ${Date.now() - started} ms`);
  for (const [name, cluster] of [
    ['eu', eu],
    ['us', us],
  ] as const) {
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    core[name] = kc.makeApiClient(CoreV1Api);
  }
  backend = await createBackendProcess({
    kubeconfigPath: eu.kubeconfigPath,
    helmPath: eu.helmPath,
    postgres: testPostgresConnection(),
    supacontrol: {
      clusters: [
        {
          name: 'eu-1',
          region: 'eu',
          labels: { tier: 'test' },
          kubeconfigPath: eu.kubeconfigPath,
        },
        {
          name: 'us-1',
          region: 'us',
          kubeconfigPath: us.kubeconfigPath,
          maxInstances: 2,
        },
        // Drained: the same apiserver as eu-1, no new instances.
        {
          name: 'eu-old',
          region: 'eu',
          kubeconfigPath: eu.kubeconfigPath,
          enabled: false,
        },
      ],
    },
  });
  await backend.start();
  api = apiClient(backend);
});

afterAll(async () => {
  await backend?.kill();
  await Promise.all([eu?.stop(), us?.stop()]);
});

async function namespaceIn(
  cluster: 'eu' | 'us',
  name: string,
): Promise<boolean> {
  try {
    await core[cluster].readNamespace({ name });
    return true;
  } catch {
    return false;
  }
}

function untilStatus(name: string, status: string, timeoutMs = 180_000) {
  return eventually(
    () => `${name} to be ${status} (backend log:\n${backend.log(3000)})`,
    async () => {
      const res = await api.get(`/v1/instances/${name}`);
      return res.body?.status === status ? res.body : undefined;
    },
    timeoutMs,
  );
}

async function create(body: Record<string, unknown>) {
  return api.post('/v1/instances', { owner: OWNER, ...body });
}

it('lists the clusters, each reachable, without connection details', async () => {
  const clusters = await eventually('every cluster probed', async () => {
    const res = await api.get('/v1/clusters');
    return res.body.items.every((c: any) => c.status === 'reachable')
      ? res.body.items
      : undefined;
  });
  expect(clusters).toEqual([
    {
      name: 'eu-1',
      region: 'eu',
      labels: { tier: 'test' },
      enabled: true,
      instances: 0,
      status: 'reachable',
    },
    {
      name: 'us-1',
      region: 'us',
      labels: {},
      enabled: true,
      maxInstances: 2,
      instances: 0,
      status: 'reachable',
    },
    {
      name: 'eu-old',
      region: 'eu',
      labels: {},
      enabled: false,
      instances: 0,
      status: 'reachable',
    },
  ]);
  expect(JSON.stringify(clusters)).not.toContain('kubeconfig');
  const health = await fetch(`${backend.url}/api/supacontrol/health`);
  expect(health.status).toBe(200);
  expect((await health.json()).clusters.map((c: any) => c.status)).toEqual([
    'ok',
    'ok',
    'ok',
  ]);
});

it('places instances by region on the right cluster, and by room without one', async () => {
  const inEu = await create({ name: 'mc-eu', region: 'eu' });
  expect(inEu.status).toBe(201);
  expect(inEu.body).toMatchObject({ cluster: 'eu-1', region: 'eu' });
  const inUs = await create({ name: 'mc-us', region: 'us' });
  expect(inUs.body).toMatchObject({ cluster: 'us-1', region: 'us' });
  // No region: eu-1 has no limit, so the most room.
  const anywhere = await create({ name: 'mc-any' });
  expect(anywhere.body).toMatchObject({ cluster: 'eu-1', region: 'eu' });

  for (const name of ['mc-eu', 'mc-us', 'mc-any']) {
    await untilStatus(name, 'Running');
  }
  expect(await namespaceIn('eu', 'supa-mc-eu')).toBe(true);
  expect(await namespaceIn('us', 'supa-mc-eu')).toBe(false);
  expect(await namespaceIn('us', 'supa-mc-us')).toBe(true);
  expect(await namespaceIn('eu', 'supa-mc-us')).toBe(false);
  expect(await namespaceIn('eu', 'supa-mc-any')).toBe(true);

  const names = async (query: string) =>
    (await api.get(`/v1/instances?${query}`)).body.items.map(
      (i: any) => i.name,
    );
  expect(await names('region=us')).toEqual(['mc-us']);
  expect(await names('cluster=eu-1')).toEqual(['mc-any', 'mc-eu']);
});

it('refuses a full cluster with 409 naming the limit, and a drained one', async () => {
  expect((await create({ name: 'mc-us2', cluster: 'us-1' })).status).toBe(201);
  const full = await create({ name: 'mc-us3', region: 'us' });
  expect(full.status).toBe(409);
  expect(full.body.error.message).toContain(
    "Every cluster in region 'us' is full: 'us-1' (maxInstances 2)",
  );
  const named = await create({ name: 'mc-us3', cluster: 'us-1' });
  expect(named.status).toBe(409);
  expect(named.body.error.message).toContain('maxInstances 2');
  const drained = await create({ name: 'mc-old', cluster: 'eu-old' });
  expect(drained.status).toBe(409);
  expect(drained.body.error.message).toContain('drained');
  const both = await create({ name: 'mc-x', cluster: 'eu-1', region: 'eu' });
  expect(both.status).toBe(400);
  expect((await api.get('/v1/instances/mc-us3')).status).toBe(404);
  await untilStatus('mc-us2', 'Running');
});

it('keeps creating and deleting on one cluster while the other apiserver is stopped, and recovers the stopped one', async () => {
  await us.stopApiserver();

  // The stopped cluster's Running instance is marked; nothing else of it is touched.
  const marked = await untilStatus('mc-us', 'Degraded', 120_000);
  expect(marked.conditions).toContainEqual(
    expect.objectContaining({ type: 'ClusterReachable', status: 'False' }),
  );
  expect((await api.delete('/v1/instances/mc-us2')).status).toBe(202);

  // The other cluster works as before: a create reaches Running, a delete finishes.
  expect((await create({ name: 'mc-eu2', region: 'eu' })).status).toBe(201);
  expect((await api.delete('/v1/instances/mc-eu')).status).toBe(202);
  await untilStatus('mc-eu2', 'Running');
  await untilStatus('mc-eu', 'Deleted');
  expect(await namespaceIn('eu', 'supa-mc-eu')).toBe(false);
  expect(await namespaceIn('eu', 'supa-mc-eu2')).toBe(true);

  // Still down all along: the deletion there waits, health names the cluster.
  expect((await api.get('/v1/instances/mc-us2')).body.status).toBe('Deleting');
  expect((await api.get('/v1/instances/mc-any')).body.status).toBe('Running');
  const health = await fetch(`${backend.url}/api/supacontrol/health`);
  expect(health.status).toBe(200);
  const body = await health.json();
  expect(body.status).toBe('degraded');
  expect(body.clusters.find((c: any) => c.name === 'us-1').status).toBe(
    'error',
  );
  expect(body.kubernetes.message).toContain("cluster 'us-1'");
  const clusters = (await api.get('/v1/clusters')).body.items;
  expect(clusters.find((c: any) => c.name === 'us-1').status).toBe(
    'unreachable',
  );

  await us.startApiserver();
  const recovered = await untilStatus('mc-us', 'Running');
  expect(
    recovered.conditions.some((c: any) => c.type === 'ClusterReachable'),
  ).toBe(false);
  await untilStatus('mc-us2', 'Deleted');
  expect(await namespaceIn('us', 'supa-mc-us2')).toBe(false);
  const events = (await api.get('/v1/instances/mc-us/events')).body.items.map(
    (e: any) => e.action,
  );
  expect(events).toEqual(
    expect.arrayContaining(['cluster-unreachable', 'cluster-reachable']),
  );
});
