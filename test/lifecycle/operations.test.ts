import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { jwtVerify } from 'jose';
import { apiClient, eventually } from './backendProcess';
import { LifecycleBed, startLifecycleBed } from './lifecycleBed';

/*
 * Day-2 operations carried out by the real reconciler on the test bed: pause and resume, restart,
 * JWT rotation and deletion protection. kwok plays the kubelet, so "pods" are real pod objects
 * that kwok marks Ready and removes when their workload scales down.
 */

jest.setTimeout(600_000);

const suffix = Date.now().toString(36).slice(-4);
const NAME = `ops-${suffix}`;
const STUCK = `stuck-${suffix}`;
const DEGRADED = `degraded-${suffix}`;
const NAMESPACE = `supa-${NAME}`;

let bed: LifecycleBed;
let api: ReturnType<typeof apiClient>;
let core: CoreV1Api;
let apps: AppsV1Api;

async function waitForStatus(status: string, timeoutMs = 240_000) {
  let last = '';
  return eventually(
    () => `${NAME} to be ${status} (last: ${last})`,
    async () => {
      const res = await api.get(`/v1/instances/${NAME}`);
      last = `${res.status} ${res.body?.status} gen ${res.body?.generation}/${res.body?.observedGeneration}`;
      return res.body?.status === status &&
        (status === 'Deleted' ||
          res.body.observedGeneration >= res.body.generation)
        ? res.body
        : undefined;
    },
    timeoutMs,
  );
}

async function secretValue(key: string): Promise<string> {
  const secret = await core.readNamespacedSecret({
    namespace: NAMESPACE,
    name: 'supabase-secrets',
  });
  return Buffer.from(secret.data![key], 'base64').toString('utf8');
}

const livePods = async () =>
  (await core.listNamespacedPod({ namespace: NAMESPACE })).items.filter(
    p => !p.metadata?.deletionTimestamp,
  );

beforeAll(async () => {
  bed = await startLifecycleBed({
    prepare: async () => ({
      supacontrol: {
        reconcile: {
          intervalSeconds: 2,
          backoffBaseSeconds: 1,
          backoffMaxSeconds: 2,
          maxAttempts: 3,
          leaseSeconds: 6,
          // Long enough for a loaded machine to make a healthy instance ready.
          progressDeadlineSeconds: 90,
        },
        plans: {
          // kwok nodes run no storage provisioner: instances keep their data in emptyDir.
          small: { default: true, values: { persistence: { enabled: false } } },
          roomy: {
            quota: { pods: '60', 'requests.cpu': '16' },
            values: { persistence: { enabled: false } },
          },
          // Claims of a StorageClass that does not exist never bind: the database never starts.
          unbound: {
            values: { persistence: { storageClass: 'no-such-class' } },
          },
        },
      },
    }),
  });
  api = bed.api;
  core = bed.core;
  const kc = new KubeConfig();
  kc.loadFromFile(bed.cluster.kubeconfigPath);
  apps = kc.makeApiClient(AppsV1Api);
  const created = await api.post('/v1/instances', {
    name: NAME,
    owner: 'group:default/team-a',
    deletionProtection: true,
  });
  if (created.status !== 201 || created.body.deletionProtection !== true) {
    throw new Error(
      `setup: create answered ${created.status} ${JSON.stringify(
        created.body,
      )}`,
    );
  }
  await waitForStatus('Running');
});

afterAll(async () => {
  await bed?.stop();
});

it('pauses to zero pods keeping the Secret, and resumes to Running', async () => {
  const password = await secretValue('db-password');
  const paused = await api.post(`/v1/instances/${NAME}/pause`);
  expect(paused.status).toBe(202);
  expect(paused.body.desiredState).toBe('paused');
  expect((await api.post(`/v1/instances/${NAME}/pause`)).status).toBe(409);

  await waitForStatus('Paused');
  const deployments = await apps.listNamespacedDeployment({
    namespace: NAMESPACE,
  });
  expect(deployments.items.length).toBeGreaterThan(0);
  expect(deployments.items.map(d => d.spec?.replicas)).toEqual(
    deployments.items.map(() => 0),
  );
  await eventually('every pod to be gone', async () =>
    (await livePods()).length === 0 ? true : undefined,
  );
  expect(await secretValue('db-password')).toBe(password);

  const restart = await api.post(`/v1/instances/${NAME}/restart`);
  expect(restart.status).toBe(409);
  expect(restart.body.error.message).toContain('(paused)');

  const resumed = await api.post(`/v1/instances/${NAME}/resume`);
  expect(resumed.status).toBe(202);
  await waitForStatus('Running');
  expect((await livePods()).length).toBeGreaterThan(0);
  expect(await secretValue('db-password')).toBe(password);

  const history = await api.get(`/v1/instances/${NAME}/events`);
  const steps = history.body.items.map(
    (e: any) => `${e.action}:${e.toStatus ?? ''}`,
  );
  expect(steps).toEqual(
    expect.arrayContaining([
      'pause:',
      'status:Updating',
      'status:Paused',
      'resume:',
      'status:Running',
    ]),
  );
});

it('restarts one component: its pod template gets a new stamp', async () => {
  const res = await api.post(`/v1/instances/${NAME}/restart`, {
    component: 'rest',
  });
  expect(res.status).toBe(202);
  await waitForStatus('Running');
  const rest = await apps.readNamespacedDeployment({
    namespace: NAMESPACE,
    name: `${NAME}-rest`,
  });
  const auth = await apps.readNamespacedDeployment({
    namespace: NAMESPACE,
    name: `${NAME}-auth`,
  });
  expect(
    rest.spec?.template.metadata?.annotations?.['supacontrol.io/restarted-at'],
  ).toMatch(/^\/\d{4}-\d\d-\d\dT/);
  expect(
    auth.spec?.template.metadata?.annotations?.['supacontrol.io/restarted-at'],
  ).toBeUndefined();
});

it('rotates the JWT secret: new keys verify against it, the old ones do not', async () => {
  const before = (await api.get(`/v1/instances/${NAME}/credentials`)).body;
  const oldSecret = await secretValue('jwt-secret');

  const refused = await api.post(`/v1/instances/${NAME}/rotate`, {
    what: 'database',
  });
  expect(refused.status).toBe(400);
  expect(refused.body.error.message).toContain(
    'Postgres keeps the password it was first given',
  );

  expect(
    (await api.post(`/v1/instances/${NAME}/rotate`, { what: 'jwt' })).status,
  ).toBe(202);
  await waitForStatus('Running');
  const after = (await api.get(`/v1/instances/${NAME}/credentials`)).body;
  const newSecret = await secretValue('jwt-secret');
  expect(newSecret).not.toBe(oldSecret);
  expect(after.anonKey).not.toBe(before.anonKey);
  expect(after.serviceRoleKey).not.toBe(before.serviceRoleKey);
  expect(after.postgresUrl).toBe(before.postgresUrl);

  const key = new TextEncoder().encode(newSecret);
  const { payload } = await jwtVerify(after.anonKey, key);
  expect(payload.role).toBe('anon');
  expect((await jwtVerify(after.serviceRoleKey, key)).payload.role).toBe(
    'service_role',
  );
  await expect(jwtVerify(before.anonKey, key)).rejects.toThrow();
  await expect(jwtVerify(before.serviceRoleKey, key)).rejects.toThrow();

  // Every component rolls onto the new keys.
  const deployments = await apps.listNamespacedDeployment({
    namespace: NAMESPACE,
  });
  for (const d of deployments.items) {
    expect(
      d.spec?.template.metadata?.annotations?.[
        'supacontrol.io/secret-revision'
      ],
    ).toBe('jwt-1.dashboard-0');
  }
});

it('rotates the Studio password only', async () => {
  const before = (await api.get(`/v1/instances/${NAME}/credentials`)).body;
  expect(
    (await api.post(`/v1/instances/${NAME}/rotate`, { what: 'dashboard' }))
      .status,
  ).toBe(202);
  await waitForStatus('Running');
  const after = (await api.get(`/v1/instances/${NAME}/credentials`)).body;
  expect(after.dashboard.password).not.toBe(before.dashboard.password);
  expect(after.dashboard.username).toBe(before.dashboard.username);
  expect(after.anonKey).toBe(before.anonKey);
  expect(after.postgresUrl).toBe(before.postgresUrl);
});

it('moves to another plan: its quota applies', async () => {
  const res = await api.patch(`/v1/instances/${NAME}`, { plan: 'roomy' });
  expect(res.status).toBe(200);
  expect(res.body.plan).toBe('roomy');
  await waitForStatus('Running');
  await eventually('the new quota', async () => {
    const quotas = await core.listNamespacedResourceQuota({
      namespace: NAMESPACE,
    });
    const hard = quotas.items.find(q => q.metadata?.name === 'supacontrol-plan')
      ?.spec?.hard;
    return hard?.pods === '60' && hard?.['requests.cpu'] === '16'
      ? true
      : undefined;
  });
});

it('refuses DELETE while deletion protection is on, and deletes once it is cleared', async () => {
  const refused = await api.delete(`/v1/instances/${NAME}`);
  expect(refused.status).toBe(409);
  expect(refused.body.error.message).toContain('has deletion protection');

  const cleared = await api.patch(`/v1/instances/${NAME}`, {
    deletionProtection: false,
  });
  expect(cleared.status).toBe(200);
  expect(cleared.body.deletionProtection).toBe(false);
  expect((await api.delete(`/v1/instances/${NAME}`)).status).toBe(202);
  await waitForStatus('Deleted');
});

it("fails an instance that never becomes ready, with the pods' reason, after the progress deadline", async () => {
  const created = await api.post('/v1/instances', {
    name: STUCK,
    owner: 'group:default/team-a',
    plan: 'unbound',
  });
  expect(created.status).toBe(201);
  const failed = await eventually(
    `${STUCK} to fail`,
    async () => {
      const res = await api.get(`/v1/instances/${STUCK}`);
      return res.body?.status === 'Failed' ? res.body : undefined;
    },
    240_000,
  );
  const progressing = failed.conditions.find(
    (c: any) => c.type === 'Progressing',
  );
  expect(progressing).toMatchObject({
    status: 'False',
    reason: 'ProgressDeadlineExceeded',
  });
  expect(progressing.message).toContain(
    'Not ready 90 s after the release was applied',
  );
  expect(progressing.message).toMatch(/unbound .*PersistentVolumeClaims/);
  expect(failed.lastError).toBe(progressing.message);
  expect((await api.delete(`/v1/instances/${STUCK}`)).status).toBe(202);
});

it('degrades a working instance whose change never becomes ready, and recovers when changed back', async () => {
  const created = await api.post('/v1/instances', {
    name: DEGRADED,
    owner: 'group:default/team-a',
  });
  expect(created.status).toBe(201);
  const status = async (name: string, wanted: string) =>
    eventually(
      `${name} to be ${wanted}`,
      async () => {
        const res = await api.get(`/v1/instances/${name}`);
        return res.body?.status === wanted &&
          res.body.observedGeneration >= res.body.generation
          ? res.body
          : undefined;
      },
      300_000,
    );
  await status(DEGRADED, 'Running');

  // Its database moves to a claim that never binds: the change cannot become ready.
  expect(
    (await api.patch(`/v1/instances/${DEGRADED}`, { plan: 'unbound' })).status,
  ).toBe(200);
  const degraded = await status(DEGRADED, 'Degraded');
  expect(
    degraded.conditions.find((c: any) => c.type === 'Progressing'),
  ).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });

  expect(
    (await api.patch(`/v1/instances/${DEGRADED}`, { plan: 'small' })).status,
  ).toBe(200);
  // Kubernetes' "forced rollback": a StatefulSet whose pod never became ready waits for it
  // even after its template is reverted; the stuck pod must be deleted by hand
  // (kubernetes.io/docs/concepts/workloads/controllers/statefulset/#forced-rollback).
  await eventually('the reverted template, without the claim', async () => {
    const sts = await apps.readNamespacedStatefulSet({
      namespace: `supa-${DEGRADED}`,
      name: `${DEGRADED}-db`,
    });
    const claims = (sts.spec?.template.spec?.volumes ?? []).filter(
      v => v.persistentVolumeClaim,
    );
    return claims.length === 0 &&
      (sts.status?.observedGeneration ?? 0) >= (sts.metadata?.generation ?? 0)
      ? true
      : undefined;
  });
  await core.deleteNamespacedPod({
    namespace: `supa-${DEGRADED}`,
    name: `${DEGRADED}-db-0`,
  });
  const recovered = await status(DEGRADED, 'Running');
  expect(
    recovered.conditions.find((c: any) => c.type === 'Progressing'),
  ).toBeUndefined();
  const steps = (
    await api.get(`/v1/instances/${DEGRADED}/events`)
  ).body.items.map((e: any) => e.toStatus ?? e.action);
  expect(steps).toEqual(
    expect.arrayContaining(['Updating', 'Degraded', 'Running']),
  );
  expect((await api.delete(`/v1/instances/${DEGRADED}`)).status).toBe(202);
});
