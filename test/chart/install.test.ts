/*
 * charts/supabase on the test cluster: server-side dry run, install, upgrade and uninstall of a
 * real release. The cluster's nodes are kwok nodes, so pods turn Ready without running their
 * containers, and there is no storage provisioner: the test pre-binds PersistentVolumes to the
 * chart's claims.
 */
import { createHmac, randomBytes } from 'node:crypto';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  NetworkingV1Api,
  V1Deployment,
  V1StatefulSet,
  V1Toleration,
} from '@kubernetes/client-node';
import { testKubeconfigPath } from '../src/testBed';
import {
  CHART_DIR,
  K8sObject,
  Values,
  parseObjects,
  runHelm,
  workloads,
} from './helm';

jest.setTimeout(15 * 60_000);

const RELEASE = 't1';
const FULLNAME = `${RELEASE}-supabase`;
const SECRET = 't1-secrets';
const NAMESPACE = `supa-chart-test-${randomBytes(3).toString('hex')}`;
/** Where the pods that promise Pod Security restricted are tried (dry run only). */
const RESTRICTED_NAMESPACE = `${NAMESPACE}-restricted`;
const RESTRICTED_COMPONENTS = ['auth', 'rest', 'storage', 'kong', 'realtime'];
/** Not backed by a provisioner: only the PersistentVolumes made below carry it. */
const STORAGE_CLASS = 'supacontrol-chart-test';
const CLAIMS = {
  db: `${FULLNAME}-db-data`,
  storage: `${FULLNAME}-storage-data`,
  studio: `${FULLNAME}-studio-data`,
};
/** Egress beyond the namespace and DNS: an SMTP relay anywhere and HTTPS inside 10/8. */
const EGRESS = {
  allow: [
    { cidr: '0.0.0.0/0', ports: [{ port: 587 }] },
    { cidr: '10.0.0.0/8', ports: [{ port: 443 }] },
  ],
  deny: ['169.254.169.254/32', '10.96.0.1/32'],
};
const READY_TIMEOUT_MS = 5 * 60_000;
/** 7 Deployments and the database StatefulSet (Edge Functions are off by default). */
const WORKLOADS = 8;

function base64Url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** An HS256 JWT, the way the SupaControl backend makes the anon and service_role keys. */
function signJwt(secret: string, role: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64Url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64Url(
    JSON.stringify({
      role,
      iss: 'supabase',
      iat: now,
      exp: now + 5 * 365 * 24 * 3600,
    }),
  );
  const signature = createHmac('sha256', secret)
    .update(`${header}.${payload}`)
    .digest();
  return `${header}.${payload}.${base64Url(signature)}`;
}

/** Every key of the chart's Secret contract (charts/supabase/README.md). */
function instanceSecret(): Record<string, string> {
  const jwtSecret = randomBytes(32).toString('base64');
  return {
    'jwt-secret': jwtSecret,
    'anon-key': signJwt(jwtSecret, 'anon'),
    'service-role-key': signJwt(jwtSecret, 'service_role'),
    'db-password': randomBytes(16).toString('hex'),
    'dashboard-username': 'supabase-admin',
    'dashboard-password': randomBytes(16).toString('hex'),
    'realtime-secret-key-base': randomBytes(48).toString('base64'),
    'realtime-db-enc-key': randomBytes(8).toString('hex'),
    'meta-crypto-key': randomBytes(24).toString('base64'),
    'vault-enc-key': randomBytes(32).toString('hex'),
  };
}

function describeError(error: unknown): string {
  if (error instanceof ApiException) {
    return `${error.code}: ${
      typeof error.body === 'string' ? error.body : JSON.stringify(error.body)
    }`;
  }
  return String(error);
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('charts/supabase on the test cluster', () => {
  const kc = new KubeConfig();
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let objectsApi: KubernetesObjectApi;
  let tolerations: V1Toleration[] = [];
  let installed = false;

  function values(overrides: Values = {}): Values {
    return {
      secretName: SECRET,
      persistence: {
        storageClass: STORAGE_CLASS,
        db: { size: '1Gi' },
        storage: { size: '1Gi' },
        studio: { size: '1Gi' },
      },
      networkPolicy: { egress: EGRESS },
      tolerations,
      ...overrides,
    };
  }

  async function helm(args: string[], vals?: Values) {
    const result = await runHelm(
      [...args, '--kubeconfig', testKubeconfigPath()],
      {
        values: vals,
        timeoutMs: 11 * 60_000,
      },
    );
    if (result.code !== 0) {
      throw new Error(
        `helm ${args.join(' ')} failed (${result.code}):\n${result.stderr}`,
      );
    }
    return result;
  }

  /** The release's Deployments and StatefulSets as the cluster has them now. */
  async function listWorkloads(): Promise<(V1Deployment | V1StatefulSet)[]> {
    const selector = `app.kubernetes.io/instance=${RELEASE}`;
    const [deployments, statefulSets] = await Promise.all([
      apps.listNamespacedDeployment({
        namespace: NAMESPACE,
        labelSelector: selector,
      }),
      apps.listNamespacedStatefulSet({
        namespace: NAMESPACE,
        labelSelector: selector,
      }),
    ]);
    return [...deployments.items, ...statefulSets.items];
  }

  /** Waits until every Deployment and StatefulSet of the release has all replicas Ready. */
  async function waitForReady(): Promise<void> {
    const began = Date.now();
    let pending: string[] = [];
    for (;;) {
      const all = await listWorkloads();
      pending = all
        .filter(w => {
          const want = w.spec?.replicas ?? 1;
          const s = w.status;
          return (
            (s?.observedGeneration ?? 0) < (w.metadata?.generation ?? 0) ||
            (s?.readyReplicas ?? 0) !== want ||
            (s?.updatedReplicas ?? 0) !== want
          );
        })
        .map(w => `${w.metadata?.name}: ${JSON.stringify(w.status)}`);
      if (all.length === WORKLOADS && pending.length === 0) {
        return;
      }
      if (Date.now() - began > READY_TIMEOUT_MS) {
        throw new Error(
          `not Ready after ${READY_TIMEOUT_MS / 1000} s (${
            all.length
          } workloads):\n${pending.join('\n')}`,
        );
      }
      await sleep(2000);
    }
  }

  /** The Secret references of every container of the release, as "workload/container ENV=secret:key". */
  async function secretReferences(): Promise<string[]> {
    const refs: string[] = [];
    for (const w of await listWorkloads()) {
      const pod = w.spec!.template.spec!;
      for (const c of pod.containers) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref) {
            refs.push(
              `${w.metadata!.name}/${c.name} ${e.name}=${ref.name}:${ref.key}`,
            );
          }
        }
      }
      for (const v of pod.volumes ?? []) {
        if (v.secret) {
          refs.push(
            `${w.metadata!.name} volume ${v.name}=${v.secret.secretName}`,
          );
        }
      }
    }
    return refs.sort();
  }

  async function claimUid(name: string): Promise<string | undefined> {
    const claim = await core.readNamespacedPersistentVolumeClaim({
      name,
      namespace: NAMESPACE,
    });
    return claim.metadata?.deletionTimestamp ? undefined : claim.metadata?.uid;
  }

  beforeAll(async () => {
    kc.loadFromFile(testKubeconfigPath());
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    objectsApi = KubernetesObjectApi.makeApiClient(kc);

    // Tolerate whatever the test nodes are tainted with, so that the pods land on them.
    const nodes = await core.listNode();
    const taints = nodes.items
      .flatMap(n => n.spec?.taints ?? [])
      .filter(
        t =>
          t.effect !== 'PreferNoSchedule' &&
          !t.key.startsWith('node.kubernetes.io/'),
      );
    tolerations = [
      ...new Map(
        taints.map(t => [`${t.key}=${t.value}:${t.effect}`, t]),
      ).values(),
    ].map(t =>
      t.value
        ? { key: t.key, operator: 'Equal', value: t.value, effect: t.effect }
        : { key: t.key, operator: 'Exists', effect: t.effect },
    );

    // The chart promises baseline for every pod: the cluster refuses any pod that breaks it.
    for (const [name, level] of [
      [NAMESPACE, 'baseline'],
      [RESTRICTED_NAMESPACE, 'restricted'],
    ]) {
      await core.createNamespace({
        body: {
          metadata: {
            name,
            labels: {
              'pod-security.kubernetes.io/enforce': level,
              'pod-security.kubernetes.io/enforce-version': 'latest',
              'app.kubernetes.io/managed-by': 'supacontrol-tests',
            },
          },
        },
      });
    }
    await core.createNamespacedSecret({
      namespace: NAMESPACE,
      body: {
        metadata: { name: SECRET },
        type: 'Opaque',
        stringData: instanceSecret(),
      },
    });
    for (const [component, claim] of Object.entries(CLAIMS)) {
      await core.createPersistentVolume({
        body: {
          metadata: {
            name: `${NAMESPACE}-${component}`,
            labels: { 'app.kubernetes.io/managed-by': 'supacontrol-tests' },
          },
          spec: {
            capacity: { storage: '1Gi' },
            accessModes: ['ReadWriteOnce'],
            persistentVolumeReclaimPolicy: 'Retain',
            storageClassName: STORAGE_CLASS,
            hostPath: {
              path: `/srv/supacontrol-chart-test/${NAMESPACE}/${component}`,
            },
            claimRef: { namespace: NAMESPACE, name: claim },
          },
        },
      });
    }
  });

  afterAll(async () => {
    if (installed) {
      await runHelm([
        'uninstall',
        RELEASE,
        '-n',
        NAMESPACE,
        '--kubeconfig',
        testKubeconfigPath(),
      ]);
    }
    for (const name of [NAMESPACE, RESTRICTED_NAMESPACE]) {
      await core?.deleteNamespace({ name }).catch(() => undefined);
    }
    for (const component of Object.keys(CLAIMS)) {
      await core
        ?.deletePersistentVolume({ name: `${NAMESPACE}-${component}` })
        .catch(() => undefined);
    }
  });

  it('passes a server-side dry run', async () => {
    await helm(
      ['install', RELEASE, CHART_DIR, '-n', NAMESPACE, '--dry-run=server'],
      values(),
    );

    // And every rendered object, sent to the API server with dryRun=All, passes validation
    // and admission.
    const rendered = await helm(
      ['template', RELEASE, CHART_DIR, '-n', NAMESPACE],
      values(),
    );
    const refused: string[] = [];
    for (const o of parseObjects(rendered.stdout)) {
      const spec: K8sObject = {
        ...o,
        metadata: { ...o.metadata, namespace: NAMESPACE },
      };
      try {
        await objectsApi.create(spec, undefined, 'All');
      } catch (error) {
        refused.push(`${o.kind}/${o.metadata.name}: ${describeError(error)}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('admits every pod under Pod Security baseline, and auth, rest, storage, kong and realtime under restricted', async () => {
    const rendered = await helm(
      ['template', RELEASE, CHART_DIR, '-n', NAMESPACE],
      values({ functions: { enabled: true } }),
    );
    const refused: string[] = [];
    for (const w of workloads(parseObjects(rendered.stdout))) {
      const component =
        w.metadata.labels?.['app.kubernetes.io/component'] ?? '';
      const namespaces = RESTRICTED_COMPONENTS.includes(component)
        ? [NAMESPACE, RESTRICTED_NAMESPACE]
        : [NAMESPACE];
      // The release's ServiceAccount does not exist yet; Pod Security does not look at it.
      const { serviceAccountName: _, ...spec } = w.spec.template.spec;
      for (const namespace of namespaces) {
        try {
          await core.createNamespacedPod({
            namespace,
            body: { metadata: { name: w.metadata.name }, spec },
            dryRun: 'All',
          });
        } catch (error) {
          refused.push(
            `${w.metadata.name} in ${namespace}: ${describeError(error)}`,
          );
        }
      }
    }
    expect(refused).toEqual([]);
  });

  it('installs into a namespace with the Secret, and every workload turns Ready', async () => {
    await helm(
      [
        'install',
        RELEASE,
        CHART_DIR,
        '-n',
        NAMESPACE,
        '--wait',
        '--timeout',
        '10m',
      ],
      values(),
    );
    installed = true;
    await waitForReady();
    for (const claim of Object.values(CLAIMS)) {
      const status = await core.readNamespacedPersistentVolumeClaim({
        name: claim,
        namespace: NAMESPACE,
      });
      expect([claim, status.status?.phase]).toEqual([claim, 'Bound']);
    }
  });

  it('installs the NetworkPolicies with their egress rules, as the apiserver reads them back', async () => {
    // kwok runs no CNI, so nothing enforces these rules here: this checks what the apiserver
    // accepted and stores, which a real cluster's network plugin then enforces.
    const networking = kc.makeApiClient(NetworkingV1Api);
    const policies = await networking.listNamespacedNetworkPolicy({
      namespace: NAMESPACE,
    });
    const byName = new Map(
      policies.items.map(p => [p.metadata!.name!, p.spec!]),
    );
    expect([...byName.keys()].sort()).toEqual([
      `${FULLNAME}-egress`,
      `${FULLNAME}-same-namespace`,
    ]);
    const egress = byName.get(`${FULLNAME}-egress`)!;
    expect(egress.policyTypes).toEqual(['Egress']);
    expect(egress.egress).toEqual([
      { to: [{ podSelector: {} }] },
      {
        to: [
          {
            namespaceSelector: {
              matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
            },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
      {
        to: [
          {
            ipBlock: {
              cidr: '0.0.0.0/0',
              except: ['169.254.169.254/32', '10.96.0.1/32'],
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 587 }],
      },
      {
        to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.1/32'] } }],
        ports: [{ protocol: 'TCP', port: 443 }],
      },
    ]);
  });

  it('upgrades with changed resources and keeps the secret references and the volume', async () => {
    const claimsBefore = await Promise.all(Object.values(CLAIMS).map(claimUid));
    const refsBefore = await secretReferences();
    expect(refsBefore.length).toBeGreaterThan(0);

    await helm(
      [
        'upgrade',
        RELEASE,
        CHART_DIR,
        '-n',
        NAMESPACE,
        '--wait',
        '--timeout',
        '10m',
      ],
      values({
        auth: {
          resources: {
            requests: { cpu: '75m', memory: '96Mi' },
            limits: { memory: '384Mi' },
          },
        },
        db: { resources: { limits: { memory: '3Gi' } } },
      }),
    );
    await waitForReady();

    const auth = await apps.readNamespacedDeployment({
      name: `${FULLNAME}-auth`,
      namespace: NAMESPACE,
    });
    expect(auth.spec?.template.spec?.containers[0].resources).toEqual({
      requests: { cpu: '75m', memory: '96Mi' },
      limits: { memory: '384Mi' },
    });
    const db = await apps.readNamespacedStatefulSet({
      name: `${FULLNAME}-db`,
      namespace: NAMESPACE,
    });
    expect(db.spec?.template.spec?.containers[0].resources?.limits).toEqual({
      memory: '3Gi',
    });
    const dataVolume = db.spec?.template.spec?.volumes?.find(
      v => v.name === 'data',
    );
    expect(dataVolume?.persistentVolumeClaim?.claimName).toBe(CLAIMS.db);

    expect(await secretReferences()).toEqual(refsBefore);
    expect(refsBefore.every(r => r.includes(`=${SECRET}`))).toBe(true);
    expect(await Promise.all(Object.values(CLAIMS).map(claimUid))).toEqual(
      claimsBefore,
    );
  });

  it('uninstalls and keeps the data volumes', async () => {
    const claimsBefore = await Promise.all(Object.values(CLAIMS).map(claimUid));
    await helm([
      'uninstall',
      RELEASE,
      '-n',
      NAMESPACE,
      '--wait',
      '--timeout',
      '5m',
    ]);
    installed = false;

    expect((await listWorkloads()).map(w => w.metadata?.name)).toEqual([]);
    // Still there, and not on their way out.
    expect(await Promise.all(Object.values(CLAIMS).map(claimUid))).toEqual(
      claimsBefore,
    );
  });

  it('installs again and adopts the kept volumes', async () => {
    const claimsBefore = await Promise.all(Object.values(CLAIMS).map(claimUid));
    await helm(
      [
        'install',
        RELEASE,
        CHART_DIR,
        '-n',
        NAMESPACE,
        '--wait',
        '--timeout',
        '10m',
      ],
      values(),
    );
    installed = true;
    await waitForReady();
    expect(await Promise.all(Object.values(CLAIMS).map(claimUid))).toEqual(
      claimsBefore,
    );
  });
});
