import {
  ApiException,
  type KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The portal chart, which holds the backend's RBAC and admission policies. */
export const PORTAL_CHART = join(__dirname, '../../deploy/charts/supacontrol');
/** Where the tests run the backend's ServiceAccount, as the README's production install does. */
export const PORTAL_NAMESPACE = 'supacontrol-system';
export const PORTAL_RELEASE = 'supacontrol';
/** The values the chart requires; the tests that only need the RBAC install nothing else. */
export const PORTAL_REQUIRED_VALUES = [
  'baseUrl=https://portal.test.invalid',
  'database.existingSecret=portal-database',
  'auth.existingSecret=portal-github',
];

/**
 * The ServiceAccount, RBAC and admission policies of the portal chart, rendered by `helm template`
 * and applied as an operator would (`helm template --show-only … | kubectl apply
 * --server-side`), with the admin client `objects`. Server-side apply with force, so that test
 * files applying them at the same time, or a rerun, never conflict. They carry the annotations
 * Helm adopts objects by, so that portalChart.test.ts can install the chart as release
 * `supacontrol` over them.
 */
export async function applyDeployManifests(
  objects: KubernetesObjectApi,
  fieldManager: string,
  helmPath = process.env.SUPACONTROL_TEST_HELM ?? 'helm',
): Promise<void> {
  const rendered = execFileSync(
    helmPath,
    [
      'template',
      PORTAL_RELEASE,
      PORTAL_CHART,
      '--namespace',
      PORTAL_NAMESPACE,
      ...PORTAL_REQUIRED_VALUES.flatMap(v => ['--set', v]),
      ...['serviceaccount.yaml', 'rbac.yaml', 'admission-policy.yaml'].flatMap(
        t => ['--show-only', `templates/${t}`],
      ),
    ],
    { encoding: 'utf8' },
  );
  const docs = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: PORTAL_NAMESPACE },
    },
    ...parseAllDocuments(rendered)
      .map(d => d.toJS())
      .filter(Boolean),
  ];
  for (const doc of docs) {
    if (doc.kind !== 'Namespace') {
      doc.metadata.annotations = {
        ...doc.metadata.annotations,
        'meta.helm.sh/release-name': PORTAL_RELEASE,
        'meta.helm.sh/release-namespace': PORTAL_NAMESPACE,
      };
    }
    await objects.patch(
      doc,
      undefined,
      undefined,
      fieldManager,
      true,
      'application/apply-patch+yaml',
    );
  }
}

/** The status and message of a refused request; fails when the request succeeded. */
export async function refusal(
  request: Promise<unknown>,
): Promise<{ code: number; message: string }> {
  try {
    await request;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body =
      typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    return { code: error.code, message: String(body?.message ?? '') };
  }
  throw new Error('the request was allowed');
}

/**
 * Waits until both policies of deploy/charts/supacontrol/templates/admission-policy.yaml refuse requests of the ServiceAccount
 * `asServiceAccount` acts as: the apiserver type-checks a policy and loads it a moment after it
 * is applied, and RBAC's new grants take a moment too. The probes are dry runs that the policies
 * refuse, so nothing is created while they are not yet in force.
 */
export async function waitForAdmissionPolicy(
  asServiceAccount: KubernetesObjectApi,
  timeoutMs = 60_000,
): Promise<void> {
  const probes = [
    {
      policy: 'supacontrol-namespaces',
      object: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'not-supa-admission-probe',
          labels: { 'app.kubernetes.io/managed-by': 'supacontrol' },
        },
      },
    },
    {
      policy: 'supacontrol-rolebindings',
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'admission-probe', namespace: 'kube-system' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'supacontrol-instance',
        },
        subjects: [
          {
            kind: 'ServiceAccount',
            namespace: 'supacontrol-system',
            name: 'supacontrol',
          },
        ],
      },
    },
  ];
  const deadline = Date.now() + timeoutMs;
  for (const { policy, object } of probes) {
    for (;;) {
      // A dry run that passes (the policy not loaded yet) is an answer too: try again.
      const message = await refusal(
        asServiceAccount.patch(
          object as any,
          undefined,
          'All',
          'supacontrol',
          true,
          PatchStrategy.ServerSideApply,
        ),
      ).then(
        refused => refused.message,
        (error: Error) => error.message,
      );
      if (message.includes(`ValidatingAdmissionPolicy '${policy}'`)) break;
      if (Date.now() > deadline) {
        throw new Error(
          `ValidatingAdmissionPolicy ${policy} not in force after ${timeoutMs} ms; last answer: ${message}`,
        );
      }
      await new Promise(r => setTimeout(r, 500));
    }
  }
}
