import {
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { startCluster, type TestCluster } from '../cluster/src/index.ts';
import { testKubeconfigPath } from '../src/testBed';
import {
  applyDeployManifests,
  refusal,
  waitForAdmissionPolicy,
} from './deployManifests';

/*
 * deploy/charts/supacontrol/templates/admission-policy.yaml on the real apiserver: what the SupaControl ServiceAccount may
 * not do although deploy/charts/supacontrol/templates/rbac.yaml's cluster-wide grants let it, and that what ensureNamespace
 * and deleteNamespace do still passes. lifecycle.test.ts proves the same end to end with a real
 * backend.
 *
 * The policies (cluster-scoped) stay installed afterwards: lifecycle.test.ts applies the same
 * file and may run in a parallel jest worker, and deleting them under it would let its backend
 * run unchecked. Applying them again is idempotent, and they only concern that ServiceAccount.
 */

jest.setTimeout(120_000);

const SELF = {
  kind: 'ServiceAccount',
  namespace: 'supacontrol-system',
  name: 'supacontrol',
};
// Unique per run, so that a rerun on a developer's cluster meets no leftovers.
const suffix = `${Date.now().toString(36).slice(-4)}${Math.random()
  .toString(36)
  .slice(2, 5)}`;
const OURS = `supa-adm-${suffix}`;
const FOREIGN = `foreign-adm-${suffix}`;

let cluster: TestCluster;
let admin: CoreV1Api;
let adminObjects: KubernetesObjectApi;
let sa: KubernetesObjectApi;
let saCore: CoreV1Api;
let saAuthz: AuthorizationV1Api;

/** What ensureNamespace applies, with `labels` changed. */
function namespace(name: string, labels: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

const OUR_LABELS = {
  'app.kubernetes.io/managed-by': 'supacontrol',
  'supacontrol.io/instance': OURS.slice('supa-'.length),
  'supacontrol.io/instance-id': `id-${suffix}`,
  'pod-security.kubernetes.io/enforce': 'baseline',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
};

function roleBinding(
  ns: string,
  name: string,
  roleName: string,
  subjects: object[],
) {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: ns },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: roleName,
    },
    subjects,
  };
}

/** Server-side apply as the ServiceAccount, as KubernetesClient.apply does. */
function applyAsServiceAccount(object: object) {
  return sa.patch(
    object as KubernetesObject,
    undefined,
    undefined,
    'supacontrol',
    true,
    PatchStrategy.ServerSideApply,
  );
}

/** A JSON merge patch as the ServiceAccount: what `kubectl label` would send. */
function mergePatchAsServiceAccount(object: object) {
  return sa.patch(
    object as KubernetesObject,
    undefined,
    undefined,
    'supacontrol',
    undefined,
    PatchStrategy.MergePatch,
  );
}

/** Asserts a 403 from `policy` whose own message contains `because`. */
async function expectPolicyRefusal(
  request: Promise<unknown>,
  policy: 'supacontrol-namespaces' | 'supacontrol-rolebindings',
  because: string,
) {
  const { code, message } = await refusal(request);
  expect({ code, message }).toEqual({
    code: 403,
    message: expect.stringContaining(
      `ValidatingAdmissionPolicy '${policy}' with binding '${policy}' denied request: ${because}`,
    ),
  });
}

/** Whether RBAC alone lets the ServiceAccount do this (SelfSubjectAccessReview). */
async function rbacAllows(attributes: {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}): Promise<boolean> {
  const review = await saAuthz.createSelfSubjectAccessReview({
    body: { spec: { resourceAttributes: attributes } },
  });
  return review.status?.allowed === true;
}

async function deleteNamespaceAsAdmin(name: string) {
  await admin.deleteNamespace({ name }).catch(error => {
    if (error?.code !== 404) throw error;
  });
}

beforeAll(async () => {
  testKubeconfigPath();
  cluster = await startCluster();
  const adminConfig = new KubeConfig();
  adminConfig.loadFromFile(cluster.kubeconfigPath);
  admin = adminConfig.makeApiClient(CoreV1Api);
  adminObjects = KubernetesObjectApi.makeApiClient(adminConfig);
  await applyDeployManifests(adminObjects, 'admission-test');

  const saConfig = new KubeConfig();
  saConfig.loadFromFile(
    await cluster.issueServiceAccountKubeconfig({
      namespace: SELF.namespace,
      name: SELF.name,
    }),
  );
  sa = KubernetesObjectApi.makeApiClient(saConfig);
  saCore = saConfig.makeApiClient(CoreV1Api);
  saAuthz = saConfig.makeApiClient(AuthorizationV1Api);
  await waitForAdmissionPolicy(sa);

  await admin.createNamespace({ body: { metadata: { name: FOREIGN } } });
});

afterAll(async () => {
  if (admin) {
    await deleteNamespaceAsAdmin(FOREIGN);
    await deleteNamespaceAsAdmin(OURS);
  }
  await cluster?.stop();
});

it('refuses a RoleBinding in kube-system, which RBAC alone allows', async () => {
  // Without the policy this would succeed: the denial below is the policy's, not RBAC's.
  expect(
    await rbacAllows({
      verb: 'create',
      group: 'rbac.authorization.k8s.io',
      resource: 'rolebindings',
      namespace: 'kube-system',
    }),
  ).toBe(true);
  expect(
    await rbacAllows({
      verb: 'bind',
      group: 'rbac.authorization.k8s.io',
      resource: 'clusterroles',
      name: 'supacontrol-instance',
    }),
  ).toBe(true);

  await expectPolicyRefusal(
    applyAsServiceAccount(
      roleBinding('kube-system', `adm-${suffix}`, 'supacontrol-instance', [
        SELF,
      ]),
    ),
    'supacontrol-rolebindings',
    'SupaControl may only create or change RoleBindings in namespaces it created (label app.kubernetes.io/managed-by=supacontrol); namespace kube-system is not one of them',
  );
});

it('refuses namespaces without its label or outside supa-*', async () => {
  expect(
    await rbacAllows({ verb: 'create', group: '', resource: 'namespaces' }),
  ).toBe(true);

  await expectPolicyRefusal(
    applyAsServiceAccount(namespace(`supa-x-${suffix}`, {})),
    'supacontrol-namespaces',
    `SupaControl may only create namespace supa-x-${suffix} with the label app.kubernetes.io/managed-by=supacontrol`,
  );
  await expectPolicyRefusal(
    applyAsServiceAccount(namespace(`not-supa-${suffix}`, OUR_LABELS)),
    'supacontrol-namespaces',
    `SupaControl may only create namespaces named supa-<instance>, not not-supa-${suffix}`,
  );
  const unenforced = Object.fromEntries(
    Object.entries(OUR_LABELS).filter(
      ([key]) => key !== 'pod-security.kubernetes.io/enforce',
    ),
  );
  await expectPolicyRefusal(
    applyAsServiceAccount(namespace(`supa-y-${suffix}`, unenforced)),
    'supacontrol-namespaces',
    `SupaControl may not weaken Pod Security on namespace supa-y-${suffix}`,
  );
});

it('neither deletes nor relabels a namespace it did not create', async () => {
  expect(
    await rbacAllows({ verb: 'delete', group: '', resource: 'namespaces' }),
  ).toBe(true);

  await expectPolicyRefusal(
    saCore.deleteNamespace({ name: FOREIGN }),
    'supacontrol-namespaces',
    `SupaControl may only delete namespaces it created (label app.kubernetes.io/managed-by=supacontrol); namespace ${FOREIGN} is not one of them`,
  );
  // Taking it over by adding the label is the same refusal.
  await expectPolicyRefusal(
    applyAsServiceAccount(namespace(FOREIGN, OUR_LABELS)),
    'supacontrol-namespaces',
    `SupaControl may only change namespaces it created (label app.kubernetes.io/managed-by=supacontrol); namespace ${FOREIGN} is not one of them`,
  );
  const foreign = await admin.readNamespace({ name: FOREIGN });
  expect(foreign.metadata?.deletionTimestamp).toBeUndefined();
  expect(
    foreign.metadata?.labels?.['app.kubernetes.io/managed-by'],
  ).toBeUndefined();
});

it('provisions and deletes its own namespace, and nothing weaker or wider', async () => {
  // What ensureNamespace does: the labelled namespace, then the RoleBinding to itself; applying
  // both again (every reconcile pass does) is an UPDATE that passes too.
  await applyAsServiceAccount(namespace(OURS, OUR_LABELS));
  const self = roleBinding(OURS, 'supacontrol', 'supacontrol-instance', [SELF]);
  await applyAsServiceAccount(self);
  await applyAsServiceAccount(namespace(OURS, OUR_LABELS));
  await applyAsServiceAccount(self);

  // supacontrol-instance for anyone else, or for itself and someone else, in its own namespace.
  const other = {
    kind: 'ServiceAccount',
    namespace: 'default',
    name: 'default',
  };
  for (const subjects of [[other], [SELF, other]]) {
    await expectPolicyRefusal(
      applyAsServiceAccount(
        roleBinding(OURS, `other-${suffix}`, 'supacontrol-instance', subjects),
      ),
      'supacontrol-rolebindings',
      `SupaControl may only bind supacontrol-instance to its own ServiceAccount (system:serviceaccount:supacontrol-system:supacontrol), as the only subject of RoleBinding other-${suffix}`,
    );
  }

  // Pod Security below SupaControl's levels, or pinned to an older version of the standards.
  await expectPolicyRefusal(
    applyAsServiceAccount(
      namespace(OURS, {
        ...OUR_LABELS,
        'pod-security.kubernetes.io/enforce': 'privileged',
      }),
    ),
    'supacontrol-namespaces',
    `SupaControl may not weaken Pod Security on namespace ${OURS}`,
  );
  await expectPolicyRefusal(
    mergePatchAsServiceAccount({
      ...namespace(OURS, {}),
      metadata: {
        name: OURS,
        labels: { 'pod-security.kubernetes.io/enforce-version': 'v1.24' },
      },
    }),
    'supacontrol-namespaces',
    `SupaControl may not set or change the pod-security.kubernetes.io/*-version labels of namespace ${OURS}`,
  );
  // Giving the namespace up, or moving it to another instance.
  await expectPolicyRefusal(
    mergePatchAsServiceAccount({
      ...namespace(OURS, {}),
      metadata: {
        name: OURS,
        labels: { 'app.kubernetes.io/managed-by': null },
      },
    }),
    'supacontrol-namespaces',
    `SupaControl may only update namespace ${OURS} with the label app.kubernetes.io/managed-by=supacontrol`,
  );
  await expectPolicyRefusal(
    mergePatchAsServiceAccount({
      ...namespace(OURS, {}),
      metadata: {
        name: OURS,
        labels: { 'supacontrol.io/instance-id': 'someone-else' },
      },
    }),
    'supacontrol-namespaces',
    `SupaControl may not change or remove the labels supacontrol.io/instance and supacontrol.io/instance-id of namespace ${OURS}`,
  );

  // An operator who tightened the namespace gets SupaControl's level back on the next pass: the
  // policy sets a floor, it does not freeze the level.
  await adminObjects.patch(
    namespace(OURS, { 'pod-security.kubernetes.io/enforce': 'restricted' }),
    undefined,
    undefined,
    'operator',
    undefined,
    PatchStrategy.MergePatch,
  );
  await applyAsServiceAccount(namespace(OURS, OUR_LABELS));
  expect(
    (await admin.readNamespace({ name: OURS })).metadata?.labels?.[
      'pod-security.kubernetes.io/enforce'
    ],
  ).toBe('baseline');

  await saCore.deleteNamespace({ name: OURS });
  expect(
    (await admin.readNamespace({ name: OURS })).metadata?.deletionTimestamp,
  ).toBeDefined();
});
