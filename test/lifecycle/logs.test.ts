import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { simulatedLogLines } from '../cluster/src/index.ts';
import { testKubeconfigPath } from '../src/testBed';
import { apiClient, BackendProcess, eventually } from './backendProcess';
import {
  applyDeployManifests,
  waitForAdmissionPolicy,
} from './deployManifests';
import { LifecycleBed, startLifecycleBed } from './lifecycleBed';

/*
 * Logs and Kubernetes events of a running instance, read by the backend as the ServiceAccount of
 * deploy/charts/supacontrol/templates/rbac.yaml (pods/log and events through the per-namespace `supacontrol-instance` role).
 * The log lines are the test bed's: kwok serves them for every container from its ClusterLogs
 * (test/cluster/src/kwok.ts), through the apiserver's pods/log like a kubelet.
 */

jest.setTimeout(600_000);

let bed: LifecycleBed;
let backend: BackendProcess;
let api: ReturnType<typeof apiClient>;
const NAME = `logs-${Date.now().toString(36).slice(-4)}`;
const NAMESPACE = `supa-${NAME}`;

/** GET with the test's token, the body as text. */
async function getText(
  path: string,
  signal?: AbortSignal,
): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${backend.url}/api/supacontrol${path}`, {
    headers: { authorization: `Bearer ${backend.token}` },
    signal,
  });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text: await res.text(),
  };
}

beforeAll(async () => {
  testKubeconfigPath();
  bed = await startLifecycleBed({
    prepare: async started => {
      const kc = new KubeConfig();
      kc.loadFromFile(started.kubeconfigPath);
      await applyDeployManifests(
        KubernetesObjectApi.makeApiClient(kc),
        'logs-test',
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
      return { kubeconfigPath };
    },
  });
  ({ backend, api } = bed);
  const created = await api.post('/v1/instances', {
    name: NAME,
    owner: 'group:default/team-a',
  });
  if (created.status !== 201) {
    throw new Error(
      `create: ${created.status} ${JSON.stringify(created.body)}`,
    );
  }
  await eventually(
    () => `${NAME} to be Running (backend log:\n${backend.log().slice(-1500)})`,
    async () => {
      const res = await api.get(`/v1/instances/${NAME}`);
      return res.body?.status === 'Running' ? true : undefined;
    },
    240_000,
  );
});

afterAll(async () => {
  if (api) await api.delete(`/v1/instances/${NAME}`);
  await bed?.stop();
});

it('returns the log lines of a component as text, honouring tail and since', async () => {
  const all = await getText(`/v1/instances/${NAME}/logs?component=rest`);
  expect(all).toMatchObject({
    status: 200,
    type: 'text/plain; charset=utf-8',
  });
  // One pod: no prefix.
  expect(all.text).toBe(`${simulatedLogLines.join('\n')}\n`);

  const last = await getText(`/v1/instances/${NAME}/logs?component=db&tail=1`);
  expect(last.text).toBe(`${simulatedLogLines.at(-1)}\n`);

  const recent = await getText(
    `/v1/instances/${NAME}/logs?component=auth&since=604800`,
  );
  expect(recent.text).toContain(simulatedLogLines[0]);
});

it('prefixes each line with its pod when the component has several', async () => {
  const kc = new KubeConfig();
  kc.loadFromFile(bed.cluster.kubeconfigPath);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  // A second pod with the component's label, next to the chart's.
  await objects.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'kong-extra',
      namespace: NAMESPACE,
      labels: { 'app.kubernetes.io/component': 'kong' },
    },
    spec: {
      containers: [
        {
          name: 'kong',
          image: 'kong',
          resources: {
            requests: { cpu: '10m', memory: '16Mi' },
            limits: { cpu: '10m', memory: '16Mi' },
          },
        },
      ],
    },
  } as any);
  const res = await eventually('two kong pods with logs', async () => {
    const got = await getText(`/v1/instances/${NAME}/logs?component=kong`);
    return got.status === 200 && got.text.includes('[kong-extra] ')
      ? got
      : undefined;
  });
  const lines = res.text.trimEnd().split('\n');
  expect(lines).toHaveLength(2 * simulatedLogLines.length);
  expect(lines).toContain(`[kong-extra] ${simulatedLogLines[0]}`);
  expect(
    lines.filter(
      l => /^\[[a-z0-9-]+\] /.test(l) && !l.startsWith('[kong-extra]'),
    ),
  ).toHaveLength(simulatedLogLines.length);
});

it('follows: lines arrive while the answer stays open, until the client leaves', async () => {
  const leave = new AbortController();
  const res = await fetch(
    `${backend.url}/api/supacontrol/v1/instances/${NAME}/logs?component=rest&follow=true&tail=1`,
    {
      headers: { authorization: `Bearer ${backend.token}` },
      signal: leave.signal,
    },
  );
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  let timer: NodeJS.Timeout | undefined;
  const { value } = await Promise.race([
    reader.read(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('no line within 10 s')),
        10_000,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  expect(new TextDecoder().decode(value)).toBe(`${simulatedLogLines.at(-1)}\n`);
  // Still open: nothing more comes, and the stream has not ended.
  const more = await Promise.race([
    reader.read().then(r => (r.done ? 'ended' : 'data')),
    new Promise(r => setTimeout(() => r('open'), 1500)),
  ]).catch(() => 'ended');
  expect(more).toBe('open');
  leave.abort();
  // The backend is still fine after the client left.
  expect((await api.get(`/v1/instances/${NAME}`)).status).toBe(200);
});

it('refuses bad queries with 400 and unknown instances with 404', async () => {
  const missing = await getText(`/v1/instances/${NAME}/logs`);
  expect(missing.status).toBe(400);
  expect(JSON.parse(missing.text).error.message).toContain(
    'component must be one of db, rest',
  );
  const unknown = await getText(`/v1/instances/x${NAME}/logs?component=rest`);
  expect(unknown.status).toBe(404);
});

it('lists the namespace events, Warnings first, then newest first', async () => {
  const kc = new KubeConfig();
  kc.loadFromFile(bed.cluster.kubeconfigPath);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const now = new Date();
  await objects.create({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${NAME}-test-warning`, namespace: NAMESPACE },
    involvedObject: {
      kind: 'Deployment',
      name: `${NAME}-rest`,
      namespace: NAMESPACE,
    },
    type: 'Warning',
    reason: 'TestWarning',
    message: 'made by logs.test.ts',
    count: 3,
    firstTimestamp: now.toISOString(),
    lastTimestamp: now.toISOString(),
    source: { component: 'logs-test' },
  } as any);

  const res = await api.get(`/v1/instances/${NAME}/cluster-events`);
  expect(res.status).toBe(200);
  const items: any[] = res.body.items;
  expect(items.length).toBeGreaterThan(1);
  expect(items.length).toBeLessThanOrEqual(200);
  // The controllers add Warnings of their own (e.g. FailedToUpdateEndpoint on the test bed).
  expect(items.find(e => e.reason === 'TestWarning')).toMatchObject({
    type: 'Warning',
    message: 'made by logs.test.ts',
    object: `Deployment/${NAME}-rest`,
    count: 3,
    lastTimestamp: expect.any(String),
  });
  expect(items[0].type).toBe('Warning');
  const firstNormal = items.findIndex(e => e.type === 'Normal');
  expect(firstNormal).toBeGreaterThan(0);
  expect(items.slice(firstNormal).every(e => e.type === 'Normal')).toBe(true);
  const warnings = items.slice(0, firstNormal).map(e => e.lastTimestamp ?? '');
  expect([...warnings].sort().reverse()).toEqual(warnings);
  const normals = items.slice(firstNormal).map(e => e.lastTimestamp ?? '');
  expect([...normals].sort().reverse()).toEqual(normals);
});
