// Proves the test bed is a real cluster: controllers, scheduler, kwok nodes,
// Helm and RBAC all do their part. Runs against the cluster of
// `./scripts/cluster up` (SUPACONTROL_TEST_KUBECONFIG, SUPACONTROL_TEST_HELM).

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  type V1Pod,
} from '@kubernetes/client-node';
import { startCluster, type TestCluster } from './src/index.ts';

const run = promisify(execFile);
const chartDir = join(__dirname, 'fixtures', 'smoke-chart');
const namespace = `smoke-${Date.now().toString(36)}`;

jest.setTimeout(120_000);

function requiredEnv(): { kubeconfig: string; helm: string } {
  const kubeconfig = process.env.SUPACONTROL_TEST_KUBECONFIG;
  const helm = process.env.SUPACONTROL_TEST_HELM;
  if (!kubeconfig || !helm) {
    throw new Error(
      'SUPACONTROL_TEST_KUBECONFIG and SUPACONTROL_TEST_HELM are not set. Start the test bed and load its env first: ' +
        'eval "$(./scripts/cluster up)" (./scripts/test does this for you).',
    );
  }
  return { kubeconfig, helm };
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    await new Promise(r => setTimeout(r, 250));
  }
}

const isReady = (pod: V1Pod): boolean =>
  pod.status?.phase === 'Running' &&
  !!pod.status.conditions?.some(c => c.type === 'Ready' && c.status === 'True');

describe('test cluster', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let helm: (...args: string[]) => Promise<string>;

  beforeAll(async () => {
    const env = requiredEnv();
    cluster = await startCluster();
    const kc = new KubeConfig();
    kc.loadFromFile(env.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    helm = async (...args) =>
      (
        await run(env.helm, [...args, '--kubeconfig', env.kubeconfig], {
          timeout: 90_000,
        })
      ).stdout;
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('creates a namespace', async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const ns = await core.readNamespace({ name: namespace });
    expect(ns.status?.phase).toBe('Active');
  });

  it('runs a Deployment: ReplicaSet, two pods bound to kwok nodes, both Ready', async () => {
    const labels = { app: 'smoke-deploy' };
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'smoke-deploy' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                { name: 'app', image: 'registry.invalid/smoke:1.0.0' },
              ],
            },
          },
        },
      },
    });

    const replicaSets = await eventually(
      'a ReplicaSet from the deployment controller',
      async () => {
        const list = await apps.listNamespacedReplicaSet({
          namespace,
          labelSelector: 'app=smoke-deploy',
        });
        return list.items.length ? list.items : undefined;
      },
    );
    expect(replicaSets).toHaveLength(1);
    expect(replicaSets[0]!.metadata?.ownerReferences?.[0]?.name).toBe(
      'smoke-deploy',
    );

    const pods = await eventually('two Ready pods', async () => {
      const list = await core.listNamespacedPod({
        namespace,
        labelSelector: 'app=smoke-deploy',
      });
      return list.items.length === 2 && list.items.every(isReady)
        ? list.items
        : undefined;
    });
    const nodes = await core.listNode();
    const kwokNodes = new Set(
      nodes.items
        .filter(n => n.metadata?.annotations?.['kwok.x-k8s.io/node'] === 'fake')
        .map(n => n.metadata!.name),
    );
    for (const pod of pods) {
      expect(kwokNodes.has(pod.spec?.nodeName)).toBe(true);
      expect(pod.status?.podIP).toBeTruthy();
    }

    const deployment = await eventually(
      'the deployment to report 2 ready replicas',
      async () => {
        const d = await apps.readNamespacedDeployment({
          name: 'smoke-deploy',
          namespace,
        });
        return d.status?.readyReplicas === 2 ? d : undefined;
      },
    );
    expect(deployment.status?.availableReplicas).toBe(2);
  });

  it('installs a chart with helm and reports it deployed', async () => {
    await helm(
      'install',
      'smoke',
      chartDir,
      '--namespace',
      namespace,
      '--wait',
      '--timeout',
      '60s',
    );
    const status = JSON.parse(
      await helm('status', 'smoke', '--namespace', namespace, '-o', 'json'),
    );
    expect(status.name).toBe('smoke');
    expect(status.info.status).toBe('deployed');
    const config = await core.readNamespacedConfigMap({
      name: 'smoke-config',
      namespace,
    });
    expect(config.data?.message).toBe('hello from the smoke chart');
  });

  it('uninstalls the chart', async () => {
    await helm(
      'uninstall',
      'smoke',
      '--namespace',
      namespace,
      '--wait',
      '--timeout',
      '60s',
    );
    const releases = JSON.parse(
      await helm('list', '--namespace', namespace, '-o', 'json'),
    );
    expect(releases).toEqual([]);
    await expect(
      core.readNamespacedConfigMap({ name: 'smoke-config', namespace }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('refuses a ServiceAccount without rights (403 listing namespaces)', async () => {
    const path = await cluster.issueServiceAccountKubeconfig({
      namespace,
      name: 'no-rights',
    });
    const kc = new KubeConfig();
    kc.loadFromFile(path);
    const asServiceAccount = kc.makeApiClient(CoreV1Api);
    const error = await asServiceAccount.listNamespace().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException<unknown>).code).toBe(403);
    const body = (error as ApiException<unknown>).body;
    expect(typeof body === 'string' ? body : JSON.stringify(body)).toContain(
      `system:serviceaccount:${namespace}:no-rights`,
    );
  });

  it('deletes the namespace and the namespace controller finalizes it', async () => {
    await core.deleteNamespace({ name: namespace });
    const gone = await eventually(
      'the namespace to disappear',
      async () => {
        try {
          await core.readNamespace({ name: namespace });
          return undefined;
        } catch (e) {
          if (e instanceof ApiException && e.code === 404) return true;
          throw e;
        }
      },
      90_000,
    );
    expect(gone).toBe(true);
  });
});
