import {
  apiClient,
  BackendProcess,
  eventually,
  loggedPasses,
} from './backendProcess';
import { LifecycleBed, startLifecycleBed } from './lifecycleBed';

/*
 * The reconciler on informers: once instances are Running, a pass over them makes no Kubernetes
 * request (their state comes from the watches), and an out-of-band change to a steady instance
 * is noticed through a watch event, without anything else happening to the instance.
 */

jest.setTimeout(600_000);

let bed: LifecycleBed;
let backend: BackendProcess;

beforeAll(async () => {
  // Passes are reported at debug level.
  bed = await startLifecycleBed({ backendEnv: { LOG_LEVEL: 'debug' } });
  ({ backend } = bed);
});

afterAll(() => bed?.stop());

it('makes no Kubernetes request in a pass over steady instances, and notices a deleted Secret by its watch', async () => {
  const api = apiClient(backend);
  const suffix = Date.now().toString(36).slice(-4);
  const names = [0, 1, 2].map(i => `informed-${suffix}-${i}`);
  for (const name of names) {
    expect(
      (await api.post('/v1/instances', { name, owner: 'group:default/team-a' }))
        .status,
    ).toBe(201);
  }
  await eventually(
    () => `all to be Running (backend log:\n${backend.log(3000)})`,
    async () => {
      const list = await api.get('/v1/instances?limit=100');
      const mine = list.body.items.filter((i: any) => names.includes(i.name));
      return mine.length === 3 && mine.every((i: any) => i.status === 'Running')
        ? mine
        : undefined;
    },
    300_000,
  );

  // The scheduled resync (every 2 s here) over the three: all left alone, no request.
  const mark = backend.log(Infinity).length;
  const steady = await eventually(
    'two passes that found all three steady',
    async () => {
      const found = loggedPasses(backend, mark).filter(
        p => p.instances === 3 && p.settled === 3,
      );
      return found.length >= 2 ? found : undefined;
    },
    60_000,
  );
  for (const pass of steady) {
    expect(pass).toMatchObject({ worked: 0, kubernetesRequests: 0 });
    // One watch per cluster-wide informer, one per instance namespace's Secrets.
    expect(pass.watches).toBe(3 + 3);
  }

  // Only the Secret goes: no workload changes, so only its watch can tell.
  const namespace = `supa-${names[0]}`;
  await bed.core.deleteNamespacedSecret({
    name: 'supabase-secrets',
    namespace,
  });
  const failed = await eventually(
    () => `${names[0]} to be Failed (backend log:\n${backend.log(3000)})`,
    async () => {
      const res = await api.get(`/v1/instances/${names[0]}`);
      return res.body.status === 'Failed' ? res.body : undefined;
    },
    60_000,
  );
  expect(failed.lastError).toContain(
    `Restore the Secret supabase-secrets in namespace ${namespace}`,
  );
  // The others are untouched.
  for (const name of names.slice(1)) {
    expect((await api.get(`/v1/instances/${name}`)).body.status).toBe(
      'Running',
    );
  }
  for (const name of names) {
    await api.delete(`/v1/instances/${name}`);
  }
});
