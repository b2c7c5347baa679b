import { AppsV1Api, KubeConfig, type CoreV1Api } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testHelmPath } from '../src/testBed';
import { apiClient, BackendProcess, eventually } from './backendProcess';
import { LifecycleBed, startLifecycleBed } from './lifecycleBed';

/*
 * Failures the engine must survive: a chart version Helm cannot find (Failed with Helm's
 * message, then retry once it exists), and changes made behind its back (drift): repaired, except
 * a deleted instance Secret, which is never generated anew (the instance's database keeps the old
 * passwords) and must be restored. Runs with the cluster admin's kubeconfig: RBAC is covered by
 * lifecycle.test.ts.
 */

jest.setTimeout(600_000);

const run = promisify(execFile);
const chartDir = join(__dirname, '../../charts/supabase');

let bed: LifecycleBed;
let core: CoreV1Api;
let backend: BackendProcess;
let api: ReturnType<typeof apiClient>;
let repo: Server;
let repoDir: string;
let repoUrl: string;
// Unique per run, so that a rerun on a developer's cluster meets no leftovers.
const suffix = Date.now().toString(36).slice(-4);
const BAD = `bad-version-${suffix}`;
const DRIFTY = `drifty-${suffix}`;
const UPGRADED = `upgraded-${suffix}`;
const SECRETLESS = `secretless-${suffix}`;

/** Packages the bundled chart at `version` into the repository and re-indexes it. */
async function publish(version: string, dir = chartDir) {
  await run(testHelmPath(), [
    'package',
    dir,
    '--version',
    version,
    '-d',
    repoDir,
  ]);
  await run(testHelmPath(), ['repo', 'index', repoDir, '--url', repoUrl]);
}

beforeAll(async () => {
  // A chart repository over HTTP, as operators point SupaControl at one.
  repoDir = mkdtempSync(join(tmpdir(), 'supacontrol-chart-repo-'));
  repo = createServer((req, res) => {
    try {
      res.end(
        readFileSync(
          join(repoDir, (req.url ?? '/').replace(/^\/+/, '').split('?')[0]),
        ),
      );
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>(resolve =>
    repo.listen(0, '127.0.0.1', () => resolve()),
  );
  repoUrl = `http://127.0.0.1:${(repo.address() as { port: number }).port}`;
  await publish('0.1.0');
  await publish('0.2.0');
  // A version whose templates do not render, as a chart with a mistake in it would not.
  const broken = mkdtempSync(join(tmpdir(), 'supacontrol-broken-chart-'));
  cpSync(chartDir, broken, { recursive: true });
  writeFileSync(
    join(broken, 'templates', 'broken.yaml'),
    '{{ fail "this chart version is broken on purpose" }}\n',
  );
  await publish('0.3.0', broken);

  bed = await startLifecycleBed({
    prepare: async () => ({
      supacontrol: {
        chart: {
          name: 'supabase',
          version: '0.1.0',
          // 9.9.9 is allowed before it is published (the first test publishes it late).
          versions: ['0.2.0', '0.3.0', '9.9.9'],
          source: repoUrl,
        },
        plans: {
          small: {
            default: true,
            values: { persistence: { enabled: false } },
          },
          // Volumes of the test bed's default StorageClass (hostPath, bound at once).
          persistent: { values: {} },
        },
      },
    }),
  });
  ({ core, backend, api } = bed);
});

afterAll(async () => {
  await bed?.stop();
  await new Promise(resolve => repo?.close(resolve));
});

async function waitFor(name: string, status: string) {
  return eventually(
    `${name} to be ${status} (log:\n${backend.log().slice(-1500)})`,
    async () => {
      const res = await api.get(`/v1/instances/${name}`);
      return res.body?.status === status ? res.body : undefined;
    },
    180_000,
  );
}

it('fails with Helm’s message on a chart version that does not exist, and recovers on retry once it does', async () => {
  const created = await api.post('/v1/instances', {
    name: BAD,
    owner: 'group:default/team-a',
    chartVersion: '9.9.9',
  });
  expect(created.status).toBe(201);

  const failed = await waitFor(BAD, 'Failed');
  expect(failed.lastError).toContain('helm upgrade failed');
  expect(failed.lastError).toMatch(/9\.9\.9/);
  expect(
    failed.conditions.find((c: any) => c.type === 'Reconciled'),
  ).toMatchObject({
    status: 'False',
    message: expect.stringContaining('Attempt 3 of 3'),
  });

  // Retrying before anything changed is allowed; it fails the same way.
  await publish('9.9.9');
  const retried = await api.post(`/v1/instances/${BAD}/retry`);
  expect(retried.status).toBe(202);
  expect(retried.body.status).toBe('Pending');
  const running = await waitFor(BAD, 'Running');
  expect(running.chart).toEqual({ name: 'supabase', version: '9.9.9' });
  expect(running.lastError).toBeUndefined();

  const again = await api.post(`/v1/instances/${BAD}/retry`);
  expect(again.status).toBe(409);
  expect(again.body.error.message).toContain(
    'only Failed instances can be retried',
  );
});

it('repairs a namespace deleted out of band and records the drift', async () => {
  expect(
    (
      await api.post('/v1/instances', {
        name: DRIFTY,
        owner: 'group:default/team-a',
      })
    ).status,
  ).toBe(201);
  const running = await waitFor(DRIFTY, 'Running');

  const before = await core.readNamespace({ name: `supa-${DRIFTY}` });
  await core.deleteNamespace({ name: `supa-${DRIFTY}` });
  // The reconciler may recreate it faster than a poll can see it gone: look for a new uid.
  await eventually('the namespace to be recreated', async () => {
    try {
      const now = await core.readNamespace({ name: `supa-${DRIFTY}` });
      return now.metadata?.uid !== before.metadata?.uid ? true : undefined;
    } catch {
      return undefined;
    }
  });

  const repaired = await eventually(
    `${DRIFTY} to be repaired`,
    async () => {
      const res = await api.get(`/v1/instances/${DRIFTY}`);
      return res.body.status === 'Running' &&
        res.body.updatedAt !== running.updatedAt &&
        res.body.components.every((c: any) => c.ready)
        ? res.body
        : undefined;
    },
    180_000,
  );
  expect(repaired.components).toHaveLength(8);
  const events = await api.get(`/v1/instances/${DRIFTY}/events`);
  expect(events.body.items).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        fromStatus: 'Running',
        toStatus: 'Provisioning',
        message: `Repairing: namespace supa-${DRIFTY} was removed out of band`,
      }),
    ]),
  );
  const secret = await core.readNamespacedSecret({
    name: 'supabase-secrets',
    namespace: `supa-${DRIFTY}`,
  });
  expect(Object.keys(secret.data ?? {})).toHaveLength(10);
});

it('fails, saying how to restore it, an instance whose Secret was deleted by hand, and never generates a new one', async () => {
  expect(
    (
      await api.post('/v1/instances', {
        name: SECRETLESS,
        owner: 'group:default/team-a',
      })
    ).status,
  ).toBe(201);
  await waitFor(SECRETLESS, 'Running');
  const namespace = `supa-${SECRETLESS}`;
  const original = await core.readNamespacedSecret({
    name: 'supabase-secrets',
    namespace,
  });

  await core.deleteNamespacedSecret({ name: 'supabase-secrets', namespace });
  // A component goes down too (as pods restarting without their Secret would), so the
  // reconciler looks at the instance again.
  const kc = new KubeConfig();
  kc.loadFromFile(bed.cluster.kubeconfigPath);
  await kc
    .makeApiClient(AppsV1Api)
    .deleteNamespacedDeployment({ name: `${SECRETLESS}-rest`, namespace });

  const restore = `Restore the Secret supabase-secrets in namespace ${namespace} from your backup`;
  const failed = await waitFor(SECRETLESS, 'Failed');
  expect(failed.lastError).toContain(restore);
  expect(failed.lastError).toContain('db-password');
  expect(failed.lastError).toContain(
    `POST /v1/instances/${SECRETLESS}/retry or supactl instances retry ${SECRETLESS}`,
  );
  expect(
    failed.conditions.find((c: any) => c.type === 'SecretReady'),
  ).toMatchObject({ status: 'False', reason: 'Missing' });
  const secretExists = async () =>
    core.readNamespacedSecret({ name: 'supabase-secrets', namespace }).then(
      () => true,
      (error: any) => {
        if (error?.code === 404) return false;
        throw error;
      },
    );
  expect(await secretExists()).toBe(false);

  // A retry while it is still missing ends the same way, without generating one.
  const retried = await api.post(`/v1/instances/${SECRETLESS}/retry`);
  expect(retried.status).toBe(202);
  await eventually(`${SECRETLESS} to fail again`, async () => {
    const events = await api.get(`/v1/instances/${SECRETLESS}/events`);
    const last = events.body.items[events.body.items.length - 1];
    return last?.action === 'status' && last.toStatus === 'Failed'
      ? true
      : undefined;
  });
  const again = (await api.get(`/v1/instances/${SECRETLESS}`)).body;
  expect(again.status).toBe('Failed');
  expect(again.lastError).toContain(restore);
  expect(await secretExists()).toBe(false);

  // Restored from "backup": a retry brings the instance back, with the very same Secret.
  await core.createNamespacedSecret({
    namespace,
    body: {
      metadata: {
        name: 'supabase-secrets',
        labels: original.metadata?.labels,
      },
      type: original.type,
      data: original.data,
    },
  });
  expect((await api.post(`/v1/instances/${SECRETLESS}/retry`)).status).toBe(
    202,
  );
  const back = await waitFor(SECRETLESS, 'Running');
  expect(back.lastError).toBeUndefined();
  const after = await core.readNamespacedSecret({
    name: 'supabase-secrets',
    namespace,
  });
  expect(after.data).toEqual(original.data);
  expect(after.metadata?.uid).not.toBe(original.metadata?.uid);
});

it('upgrades to another allowed chart version keeping the Secret, and stays on it when the next one does not render', async () => {
  const created = await api.post('/v1/instances', {
    name: UPGRADED,
    owner: 'group:default/team-a',
    plan: 'persistent',
  });
  expect(created.status).toBe(201);
  await waitFor(UPGRADED, 'Running');
  const claims = async () =>
    (
      await core.listNamespacedPersistentVolumeClaim({
        namespace: `supa-${UPGRADED}`,
      })
    ).items
      .map(c => `${c.metadata?.name} ${c.spec?.volumeName}`)
      .sort();
  const claimsBefore = await claims();
  expect(claimsBefore.length).toBeGreaterThanOrEqual(2);
  const secretBefore = (
    await core.readNamespacedSecret({
      namespace: `supa-${UPGRADED}`,
      name: 'supabase-secrets',
    })
  ).data;

  const refused = await api.patch(`/v1/instances/${UPGRADED}`, {
    chartVersion: '7.7.7',
  });
  expect(refused.status).toBe(400);
  expect(refused.body.error.message).toBe(
    "chartVersion must be one of '0.1.0', '0.2.0', '0.3.0', '9.9.9' (supacontrol.chart.versions); got '7.7.7'",
  );

  const settled = async (version: string) =>
    eventually(
      `${UPGRADED} to settle on ${version}`,
      async () => {
        const res = await api.get(`/v1/instances/${UPGRADED}`);
        return res.body?.status === 'Running' &&
          res.body.observedGeneration >= res.body.generation &&
          res.body.chart.version === version
          ? res.body
          : undefined;
      },
      180_000,
    );

  const upgrade = await api.patch(`/v1/instances/${UPGRADED}`, {
    chartVersion: '0.2.0',
  });
  expect(upgrade.status).toBe(200);
  const upgraded = await settled('0.2.0');
  expect(
    upgraded.conditions.find((c: any) => c.type === 'Upgraded'),
  ).toMatchObject({
    status: 'True',
    message: 'Upgraded chart supabase 0.1.0 → 0.2.0',
  });
  const { stdout } = await run(testHelmPath(), [
    'get',
    'metadata',
    UPGRADED,
    '--namespace',
    `supa-${UPGRADED}`,
    '-o',
    'json',
    '--kubeconfig',
    bed.cluster.kubeconfigPath,
  ]);
  expect(JSON.parse(stdout).version).toBe('0.2.0');
  const secretAfter = (
    await core.readNamespacedSecret({
      namespace: `supa-${UPGRADED}`,
      name: 'supabase-secrets',
    })
  ).data;
  expect(secretAfter).toEqual(secretBefore);
  // The same claims, bound to the same volumes: the data stays.
  expect(await claims()).toEqual(claimsBefore);

  expect(
    (await api.patch(`/v1/instances/${UPGRADED}`, { chartVersion: '0.3.0' }))
      .status,
  ).toBe(200);
  const kept = await eventually(
    `${UPGRADED} to refuse 0.3.0`,
    async () => {
      const res = await api.get(`/v1/instances/${UPGRADED}`);
      const condition = res.body?.conditions.find(
        (c: any) => c.type === 'Upgraded' && c.status === 'False',
      );
      return condition && res.body.status === 'Running' ? res.body : undefined;
    },
    180_000,
  );
  expect(kept.chart.version).toBe('0.2.0');
  expect(
    kept.conditions.find((c: any) => c.type === 'Upgraded').message,
  ).toMatch(
    /^Upgrade of chart 0\.2\.0 to 0\.3\.0 failed, still on 0\.2\.0: it did not render: .*broken on purpose/,
  );
  const history = (await api.get(`/v1/instances/${UPGRADED}/events`)).body
    .items;
  expect(history.map((e: any) => e.action)).toEqual(
    expect.arrayContaining(['update', 'upgrade', 'upgrade-failed']),
  );
  expect(history.find((e: any) => e.action === 'update').message).toBe(
    'Changed: chart 0.1.0 → 0.2.0',
  );
  expect(secretAfter).toEqual(
    (
      await core.readNamespacedSecret({
        namespace: `supa-${UPGRADED}`,
        name: 'supabase-secrets',
      })
    ).data,
  );
});
