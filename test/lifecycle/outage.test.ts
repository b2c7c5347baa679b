import type { TestCluster } from '../cluster/src/index.ts';
import { apiClient, BackendProcess, eventually } from './backendProcess';
import { LifecycleBed, startLifecycleBed } from './lifecycleBed';

/*
 * The apiserver stops answering for 30 s while instances are being provisioned; when it comes
 * back, they reach Running without anyone retrying them. This test starts a cluster of its own,
 * so that freezing its apiserver disturbs no other test.
 */

jest.setTimeout(600_000);

let bed: LifecycleBed;
let cluster: TestCluster;
let backend: BackendProcess;

beforeAll(async () => {
  bed = await startLifecycleBed({ cluster: { existingKubeconfig: false } });
  ({ cluster, backend } = bed);
});

afterAll(() => bed?.stop());

it('recovers instances when the apiserver returns after 30 s', async () => {
  const api = apiClient(backend);
  const names = ['outage-a', 'outage-b', 'outage-c'];
  for (const name of names) {
    expect(
      (await api.post('/v1/instances', { name, owner: 'group:default/team-a' }))
        .status,
    ).toBe(201);
  }
  // Freeze it while the first steps run.
  await eventually('provisioning to start', async () => {
    const res = await api.get('/v1/instances/outage-a');
    return res.body.status === 'Provisioning' ? true : undefined;
  });
  await cluster.suspendApiserver(30_000);

  await eventually(
    `all three to be Running after the outage (log:\n${backend
      .log()
      .slice(-1500)})`,
    async () => {
      const list = await api.get('/v1/instances?status=Running');
      return list.body.items.length === 3 ? true : undefined;
    },
    300_000,
  );
  for (const name of names) {
    const instance = (await api.get(`/v1/instances/${name}`)).body;
    expect(instance.status).toBe('Running');
    expect(instance.components.every((c: any) => c.ready)).toBe(true);
  }
});
