import {
  AppsV1Api,
  AuthorizationV1Api,
  KubeConfig,
  KubernetesObjectApi,
  V1ResourceRule,
} from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { startCluster, type TestCluster } from '../cluster/src/index.ts';
import { testKubeconfigPath } from '../src/testBed';
import {
  applyDeployManifests,
  PORTAL_CHART,
  PORTAL_NAMESPACE,
  PORTAL_RELEASE,
  PORTAL_REQUIRED_VALUES,
} from './deployManifests';

/*
 * The portal chart (deploy/charts/supacontrol) installed by the real helm on the test bed: the
 * apiserver accepts every object, the Deployments come up (kwok marks their pods Ready; no
 * container runs, so the image is never pulled), and the ServiceAccount has exactly the rights
 * the reconciler needs, as `kubectl auth can-i --list --as` would show them (a
 * SelfSubjectRulesReview made with the ServiceAccount's own token).
 *
 * The release stays installed afterwards: lifecycle.test.ts and admission.test.ts apply the same
 * RBAC and policies (rendered from this chart, with Helm's ownership annotations, so that this
 * install adopts them) and may run in parallel jest workers.
 */

jest.setTimeout(240_000);

const run = promisify(execFile);
const SA_USER = `system:serviceaccount:${PORTAL_NAMESPACE}:supacontrol`;

let cluster: TestCluster;
let adminConfig: KubeConfig;
let manifest: any[];

/** `verb group/resource[/name]` for every rule, so that rule sets compare as sets. */
function flatten(rules: V1ResourceRule[]): Set<string> {
  const out = new Set<string>();
  for (const rule of rules) {
    for (const group of rule.apiGroups ?? ['']) {
      for (const resource of rule.resources ?? []) {
        for (const name of rule.resourceNames?.length
          ? rule.resourceNames
          : ['']) {
          for (const verb of rule.verbs) {
            out.add(
              `${verb} ${group || 'core'}/${resource}${name ? `/${name}` : ''}`,
            );
          }
        }
      }
    }
  }
  return out;
}

/** What an account may do in `namespace` (its own token), beyond what `baseline` may. */
async function rulesOf(
  authz: AuthorizationV1Api,
  baseline: AuthorizationV1Api,
  namespace: string,
): Promise<string[]> {
  const review = async (api: AuthorizationV1Api) =>
    flatten(
      (
        await api.createSelfSubjectRulesReview({
          body: { spec: { namespace } },
        })
      ).status!.resourceRules,
    );
  const own = await review(authz);
  const everyone = await review(baseline);
  return [...own].filter(rule => !everyone.has(rule)).sort();
}

beforeAll(async () => {
  testKubeconfigPath();
  cluster = await startCluster();
  adminConfig = new KubeConfig();
  adminConfig.loadFromFile(cluster.kubeconfigPath);
  // What other test files apply, first: then the install always adopts existing objects, never
  // races another file's apply to create one.
  await applyDeployManifests(
    KubernetesObjectApi.makeApiClient(adminConfig),
    'portal-chart-test',
    cluster.helmPath,
  );
  const helm = (...args: string[]) =>
    run(cluster.helmPath, [...args, '--kubeconfig', cluster.kubeconfigPath], {
      maxBuffer: 16 * 2 ** 20,
    });
  await helm(
    'upgrade',
    '--install',
    PORTAL_RELEASE,
    PORTAL_CHART,
    '--namespace',
    PORTAL_NAMESPACE,
    '--create-namespace',
    ...PORTAL_REQUIRED_VALUES.flatMap(v => ['--set', v]),
    '--set',
    'apiOnlyReplicas=1',
    '--set',
    'ingress.enabled=true',
    '--set',
    'ingress.tlsSecretName=portal-tls',
    '--set',
    'clusterKubeconfigs.existingSecret=portal-clusters',
    '--wait',
    '--timeout',
    '180s',
  );
  const { stdout } = await helm(
    'get',
    'manifest',
    PORTAL_RELEASE,
    '--namespace',
    PORTAL_NAMESPACE,
  );
  manifest = parseAllDocuments(stdout)
    .map(d => d.toJS())
    .filter(Boolean);
});

afterAll(async () => {
  await cluster?.stop();
});

it('installs every object of the chart, which the apiserver keeps as rendered', async () => {
  const objects = KubernetesObjectApi.makeApiClient(adminConfig);
  expect(manifest.map(o => o.kind).sort()).toEqual(
    [
      'ClusterRole',
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'Deployment',
      'Deployment',
      'Ingress',
      'PodDisruptionBudget',
      'Role',
      'Role',
      'RoleBinding',
      'RoleBinding',
      'Service',
      'ServiceAccount',
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
      'ValidatingAdmissionPolicyBinding',
    ].sort(),
  );
  for (const object of manifest) {
    const stored = await objects.read({
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: {
        name: object.metadata.name,
        namespace: object.metadata.namespace,
      },
    });
    expect(stored.metadata?.annotations?.['meta.helm.sh/release-name']).toBe(
      PORTAL_RELEASE,
    );
  }
});

it('runs two portal replicas apart, one API-only replica, with probes on Backstage health', async () => {
  const apps = adminConfig.makeApiClient(AppsV1Api);
  const portal = await apps.readNamespacedDeployment({
    name: PORTAL_RELEASE,
    namespace: PORTAL_NAMESPACE,
  });
  const apiOnly = await apps.readNamespacedDeployment({
    name: `${PORTAL_RELEASE}-api-only`,
    namespace: PORTAL_NAMESPACE,
  });
  expect(portal.status?.readyReplicas).toBe(2);
  expect(apiOnly.status?.readyReplicas).toBe(1);

  const pod = portal.spec!.template.spec!;
  expect(pod.serviceAccountName).toBe('supacontrol');
  expect(
    pod.affinity?.podAntiAffinity
      ?.preferredDuringSchedulingIgnoredDuringExecution?.[0].podAffinityTerm
      .topologyKey,
  ).toBe('kubernetes.io/hostname');
  const [container] = pod.containers;
  expect(container.readinessProbe?.httpGet?.path).toBe(
    '/.backstage/health/v1/readiness',
  );
  expect(container.livenessProbe?.httpGet?.path).toBe(
    '/.backstage/health/v1/liveness',
  );
  // Secrets by reference only: the database password and the OAuth secret are never values.
  const env = Object.fromEntries(container.env!.map(e => [e.name, e]));
  expect(env.POSTGRES_PASSWORD.valueFrom?.secretKeyRef?.name).toBe(
    'portal-database',
  );
  expect(env.AUTH_GITHUB_CLIENT_SECRET.valueFrom?.secretKeyRef?.name).toBe(
    'portal-github',
  );
  // The Prometheus endpoint on a port of its own, reachable from outside the pod.
  expect(env.OTEL_EXPORTER_PROMETHEUS_HOST.value).toBe('0.0.0.0');
  expect(env.OTEL_EXPORTER_PROMETHEUS_PORT.value).toBe('9464');
  expect(container.ports).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ name: 'metrics', containerPort: 9464 }),
    ]),
  );
  expect(portal.spec!.template.metadata?.annotations).toMatchObject({
    'prometheus.io/scrape': 'true',
    'prometheus.io/port': '9464',
  });
  expect(container.args).not.toContain(
    '/etc/supacontrol/app-config.api-only.yaml',
  );
  expect(apiOnly.spec!.template.spec!.containers[0].args).toContain(
    '/etc/supacontrol/app-config.api-only.yaml',
  );
  // Other clusters' kubeconfigs, from a Secret, read-only and readable by the process only.
  expect(container.volumeMounts).toContainEqual({
    name: 'cluster-kubeconfigs',
    mountPath: '/etc/supacontrol-clusters',
    readOnly: true,
  });
  expect(pod.volumes).toContainEqual({
    name: 'cluster-kubeconfigs',
    secret: { secretName: 'portal-clusters', defaultMode: 0o400 },
  });
  const config = manifest.find(o => o.kind === 'ConfigMap');
  expect(config.data['app-config.api-only.yaml']).toContain('enabled: false');
  expect(config.data['app-config.chart.yaml']).toContain('inCluster: true');
});

it('gives the ServiceAccount exactly the rights the reconciler needs', async () => {
  const authzOf = async (name: string) => {
    const kc = new KubeConfig();
    kc.loadFromFile(
      await cluster.issueServiceAccountKubeconfig({
        namespace: PORTAL_NAMESPACE,
        name,
      }),
    );
    return kc.makeApiClient(AuthorizationV1Api);
  };
  const sa = await authzOf('supacontrol');
  // An account of the same namespace that the chart grants nothing: what every account may do.
  const nobody = await authzOf('portal-chart-test-nobody');

  // Cluster-wide, the same in any namespace the chart has no Role in.
  const clusterWide = [
    // Instance namespaces: ownership check, informer, server-side apply, deletion.
    'create core/namespaces',
    'delete core/namespaces',
    'get core/namespaces',
    'list core/namespaces',
    'patch core/namespaces',
    'watch core/namespaces',
    // Readiness: one label-selected watch of each kind, whatever the number of instances.
    'list apps/deployments',
    'list apps/statefulsets',
    'watch apps/deployments',
    'watch apps/statefulsets',
    // The RoleBinding of supacontrol-instance in each instance namespace.
    'bind rbac.authorization.k8s.io/clusterroles/supacontrol-instance',
    'create rbac.authorization.k8s.io/rolebindings',
    'patch rbac.authorization.k8s.io/rolebindings',
  ].sort();
  expect(await rulesOf(sa, nobody, 'kube-system')).toEqual(clusterWide);
  // In `default`, only the apiserver's own addresses (for the egress NetworkPolicy).
  expect(await rulesOf(sa, nobody, 'default')).toEqual(
    [
      ...clusterWide,
      'get core/services/kubernetes',
      'get discovery.k8s.io/endpointslices/kubernetes',
    ].sort(),
  );
  // In its own namespace, only the SMTP credentials Secret.
  expect(await rulesOf(sa, nobody, PORTAL_NAMESPACE)).toEqual(
    [...clusterWide, 'get core/secrets/smtp-credentials'].sort(),
  );

  // The same as `kubectl auth can-i --as`: a SubjectAccessReview by the admin.
  const admin = adminConfig.makeApiClient(AuthorizationV1Api);
  const can = async (attributes: Record<string, string>) =>
    (
      await admin.createSubjectAccessReview({
        body: {
          spec: {
            user: SA_USER,
            groups: [
              'system:serviceaccounts',
              `system:serviceaccounts:${PORTAL_NAMESPACE}`,
              'system:authenticated',
            ],
            resourceAttributes: attributes,
          },
        },
      })
    ).status?.allowed === true;
  expect(await can({ verb: 'create', resource: 'namespaces' })).toBe(true);
  expect(
    await can({ verb: 'watch', group: 'apps', resource: 'deployments' }),
  ).toBe(true);
  expect(await can({ verb: 'list', resource: 'secrets' })).toBe(false);
  expect(
    await can({ verb: 'get', resource: 'secrets', namespace: 'kube-system' }),
  ).toBe(false);
  expect(
    await can({
      verb: 'bind',
      group: 'rbac.authorization.k8s.io',
      resource: 'clusterroles',
      name: 'cluster-admin',
    }),
  ).toBe(false);
  expect(
    await can({ verb: 'delete', resource: 'pods', namespace: 'default' }),
  ).toBe(false);
});
