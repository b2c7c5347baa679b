import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  NetworkingV1Api,
} from '@kubernetes/client-node';
import { jwtVerify } from 'jose';
import { testKubeconfigPath } from '../src/testBed';
import { apiClient, BackendProcess, eventually } from './backendProcess';
import {
  applyDeployManifests,
  waitForAdmissionPolicy,
} from './deployManifests';
import { LifecycleBed, startLifecycleBed } from './lifecycleBed';

/*
 * The lifecycle engine against the real test cluster, with the real chart and Helm, run as the
 * ServiceAccount of deploy/charts/supacontrol/templates/rbac.yaml and nothing more, under deploy/charts/supacontrol/templates/admission-policy.yaml.
 */

jest.setTimeout(900_000);

let bed: LifecycleBed;
let core: CoreV1Api;
let backend: BackendProcess;
let api: ReturnType<typeof apiClient>;
// Unique per run, so that a rerun on a developer's cluster meets no leftovers.
const suffix = Date.now().toString(36).slice(-4);
const LIFE = `life-${suffix}`;
const SMTP_PASSWORD = `smtp-${suffix}-password`;

async function namespaceExists(name: string): Promise<boolean> {
  try {
    await core.readNamespace({ name });
    return true;
  } catch (error: any) {
    if (error?.code === 404) return false;
    throw error;
  }
}

async function statusOf(name: string): Promise<any> {
  const res = await api.get(`/v1/instances/${name}`);
  if (res.status !== 200)
    throw new Error(`GET ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function waitForStatus(
  name: string,
  status: string,
  timeoutMs = 240_000,
) {
  return eventually(
    `${name} to be ${status} (backend log:\n${backend.log().slice(-1500)})`,
    async () => {
      const instance = await statusOf(name);
      return instance.status === status ? instance : undefined;
    },
    timeoutMs,
  );
}

beforeAll(async () => {
  testKubeconfigPath();
  bed = await startLifecycleBed({
    // The backend runs as the ServiceAccount of deploy/charts/supacontrol/templates/rbac.yaml, held to
    // deploy/charts/supacontrol/templates/admission-policy.yaml: provisioning and deletion must pass the policy
    // (admission.test.ts checks what it refuses).
    prepare: async started => {
      const kc = new KubeConfig();
      kc.loadFromFile(started.kubeconfigPath);
      await applyDeployManifests(
        KubernetesObjectApi.makeApiClient(kc),
        'lifecycle-test',
      );
      // The SMTP credentials, in the Secret deploy/charts/supacontrol/templates/rbac.yaml lets the backend read (applied, so
      // that a rerun on a developer's cluster finds it updated).
      await KubernetesObjectApi.makeApiClient(kc).patch(
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: 'smtp-credentials',
            namespace: 'supacontrol-system',
          },
          stringData: { username: 'mailer', password: SMTP_PASSWORD },
        } as any,
        undefined,
        undefined,
        'lifecycle-test',
        true,
        'application/apply-patch+yaml',
      );
      const kubeconfigPath = await started.issueServiceAccountKubeconfig({
        namespace: 'supacontrol-system',
        name: 'supacontrol',
      });
      const asServiceAccount = new KubeConfig();
      asServiceAccount.loadFromFile(kubeconfigPath);
      await waitForAdmissionPolicy(
        KubernetesObjectApi.makeApiClient(asServiceAccount),
      );
      return {
        kubeconfigPath,
        // An allowed range that holds the apiserver: the backend must cut the apiserver out.
        supacontrol: {
          smtp: {
            host: 'smtp.example.com',
            senderEmail: 'noreply@example.com',
            credentials: {
              namespace: 'supacontrol-system',
              name: 'smtp-credentials',
            },
          },
          networkPolicy: {
            egress: { allow: [{ cidr: '0.0.0.0/0', ports: [{ port: 587 }] }] },
          },
        },
      };
    },
  });
  ({ core, backend, api } = bed);
});

afterAll(() => bed?.stop());

it('creates an instance that reaches Running, with valid credentials, and deletes it completely', async () => {
  const created = await api.post('/v1/instances', {
    name: LIFE,
    owner: 'group:default/team-a',
  });
  expect(created.status).toBe(201);

  const running = await waitForStatus(LIFE, 'Running');
  expect(running.components.map((c: any) => c.name)).toEqual([
    'auth',
    'db',
    'kong',
    'meta',
    'realtime',
    'rest',
    'storage',
    'studio',
  ]);
  expect(running.components.every((c: any) => c.ready)).toBe(true);
  expect(running.observedGeneration).toBe(running.generation);
  expect(running.conditions.find((c: any) => c.type === 'Ready')).toMatchObject(
    { status: 'True' },
  );

  const namespace = await core.readNamespace({ name: `supa-${LIFE}` });
  expect(namespace.metadata?.labels).toMatchObject({
    'app.kubernetes.io/managed-by': 'supacontrol',
    'supacontrol.io/instance': LIFE,
    'pod-security.kubernetes.io/enforce': 'baseline',
  });
  const quota = await core.readNamespacedResourceQuota({
    name: 'supacontrol-plan',
    namespace: `supa-${LIFE}`,
  });
  expect(quota.spec?.hard?.pods).toBe('40');

  // The egress policy allows SMTP anywhere but the metadata address and the apiserver, whose
  // addresses the backend read with deploy/charts/supacontrol/templates/rbac.yaml's rights (kwok enforces no traffic).
  const apiServer = await core.readNamespacedService({
    namespace: 'default',
    name: 'kubernetes',
  });
  const admin = new KubeConfig();
  admin.loadFromFile(bed.cluster.kubeconfigPath);
  const egress = await admin
    .makeApiClient(NetworkingV1Api)
    .readNamespacedNetworkPolicy({
      name: `${LIFE}-egress`,
      namespace: `supa-${LIFE}`,
    });
  const smtp = egress.spec!.egress!.find(rule =>
    rule.ports?.some(p => p.port === 587),
  );
  expect(smtp?.to?.[0].ipBlock).toEqual({
    cidr: '0.0.0.0/0',
    except: expect.arrayContaining([
      '169.254.169.254/32',
      `${apiServer.spec!.clusterIP}/32`,
    ]),
  });

  const credentials = await api.get(`/v1/instances/${LIFE}/credentials`);
  expect(credentials.status).toBe(200);
  const secret = await core.readNamespacedSecret({
    name: 'supabase-secrets',
    namespace: `supa-${LIFE}`,
  });
  const jwtSecret = Buffer.from(
    secret.data!['jwt-secret'],
    'base64',
  ).toString();
  // SMTP: the credentials copied from their Secret, the server set, sign-ups confirmed by mail.
  expect(Buffer.from(secret.data!['smtp-password'], 'base64').toString()).toBe(
    SMTP_PASSWORD,
  );
  expect(running.mail).toEqual({ smtp: true, autoconfirm: false });
  const auth = await admin.makeApiClient(AppsV1Api).readNamespacedDeployment({
    name: `${LIFE}-auth`,
    namespace: `supa-${LIFE}`,
  });
  const authEnv = auth.spec!.template.spec!.containers[0].env!;
  expect(authEnv.find(e => e.name === 'GOTRUE_SMTP_HOST')?.value).toBe(
    'smtp.example.com',
  );
  expect(authEnv.find(e => e.name === 'GOTRUE_MAILER_AUTOCONFIRM')?.value).toBe(
    'false',
  );
  for (const [key, role] of [
    ['anonKey', 'anon'],
    ['serviceRoleKey', 'service_role'],
  ] as const) {
    const { payload } = await jwtVerify(
      credentials.body[key],
      new TextEncoder().encode(jwtSecret),
      {
        issuer: 'supabase',
        algorithms: ['HS256'],
      },
    );
    expect(payload.role).toBe(role);
  }
  expect(credentials.body.postgresUrl).toMatch(
    new RegExp(
      `^postgresql://postgres:[A-Za-z0-9]{32}@${LIFE}-db\\.supa-${LIFE}\\.svc:5432/postgres$`,
    ),
  );
  // Secrets never appear in the instance record or lists.
  const list = await api.get('/v1/instances');
  expect(JSON.stringify(list.body)).not.toContain(credentials.body.anonKey);

  expect((await api.delete(`/v1/instances/${LIFE}`)).status).toBe(202);
  const deleted = await waitForStatus(LIFE, 'Deleted');
  expect(deleted.deletedAt).toBeDefined();
  expect(await namespaceExists(`supa-${LIFE}`)).toBe(false);
  const events = await api.get(`/v1/instances/${LIFE}/events`);
  expect(
    events.body.items.map(
      (e: any) => `${e.fromStatus ?? ''}>${e.toStatus ?? ''}`,
    ),
  ).toEqual([
    '>Pending',
    'Pending>Provisioning',
    'Provisioning>Running',
    'Running>Deleting',
    'Deleting>Deleted',
  ]);
});

it('refuses to create an instance whose namespace exists and is not ours', async () => {
  await core.createNamespace({
    body: { metadata: { name: `supa-taken-${suffix}` } },
  });
  const res = await api.post('/v1/instances', {
    name: `taken-${suffix}`,
    owner: 'group:default/team-a',
  });
  expect(res.status).toBe(409);
  expect(res.body.error.message).toContain(
    `Namespace supa-taken-${suffix} already exists`,
  );
  await core.deleteNamespace({ name: `supa-taken-${suffix}` });
});

describe('a crash (kill -9) at any step', () => {
  const provisioningPoints = [
    'NamespaceReady:before',
    'NamespaceReady:after',
    'SecretReady:after',
    'ReleaseDeployed:before',
    'ReleaseDeployed:during',
    'ReleaseDeployed:after',
  ];
  const deletionPoints = [
    'ReleaseRemoved:before',
    'ReleaseRemoved:during',
    'ReleaseRemoved:after',
    'NamespaceRemoved:before',
  ];

  /** An instance name for a test at this failpoint, e.g. crash-ab12-namespaceready-before. */
  const instanceAt = (prefix: string, point: string) =>
    `${prefix}-${suffix}-${point
      .toLowerCase()
      .replace(/[^a-z]+/g, '-')
      .replace(/-$/, '')}`.slice(0, 40);

  /** Waits until the backend has killed itself at the failpoint. */
  const diesAt = (point: string) =>
    eventually(`the backend to die at ${point}`, async () =>
      (await Promise.race([
        backend.exited(),
        new Promise(r => setTimeout(() => r('alive'), 200)),
      ])) !== 'alive'
        ? true
        : undefined,
    );

  it.each(provisioningPoints)(
    'during provisioning at %s is finished by the next start',
    async point => {
      const name = instanceAt('crash', point);
      await backend.kill();
      await backend.start({ SUPACONTROL_FAILPOINT: point });
      expect(
        (
          await api.post('/v1/instances', {
            name,
            owner: 'group:default/team-a',
          })
        ).status,
      ).toBe(201);
      // The process kills itself at the failpoint.
      await diesAt(point);
      await backend.start();
      const running = await waitForStatus(name, 'Running');
      expect(running.components.every((c: any) => c.ready)).toBe(true);
      const secret = await core.readNamespacedSecret({
        name: 'supabase-secrets',
        namespace: `supa-${name}`,
      });
      // The ten generated keys and the two SMTP credentials of this bed's config.
      expect(Object.keys(secret.data ?? {}).sort()).toEqual([
        'anon-key',
        'dashboard-password',
        'dashboard-username',
        'db-password',
        'jwt-secret',
        'meta-crypto-key',
        'realtime-db-enc-key',
        'realtime-secret-key-base',
        'service-role-key',
        'smtp-password',
        'smtp-username',
        'vault-enc-key',
      ]);
    },
  );

  it.each(deletionPoints)(
    'during deletion at %s leaves nothing behind',
    async point => {
      const name = instanceAt('del', point);
      expect(
        (
          await api.post('/v1/instances', {
            name,
            owner: 'group:default/team-a',
          })
        ).status,
      ).toBe(201);
      await waitForStatus(name, 'Running');
      await backend.kill();
      await backend.start({ SUPACONTROL_FAILPOINT: point });
      expect((await api.delete(`/v1/instances/${name}`)).status).toBe(202);
      await diesAt(point);
      await backend.start();
      await waitForStatus(name, 'Deleted');
      expect(await namespaceExists(`supa-${name}`)).toBe(false);
    },
  );
});
