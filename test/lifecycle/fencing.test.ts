import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type TestCluster } from '../cluster/src/index.ts';
import { testPostgresConnection } from '../src/testBed';
import {
  apiClient,
  BackendProcess,
  createBackendProcess,
  eventually,
} from './backendProcess';

/*
 * Two replicas on one database. Replica A is inside the Helm step of an instance when its lease
 * runs out (forced, by the database's clock); replica B takes the instance over. A must notice,
 * kill its helm process and write nothing more, so that exactly one Helm operation is applied to
 * the release and the instance ends Running once, not twice.
 *
 * Each replica runs helm through a wrapper that logs every call; A's wrapper holds `helm
 * upgrade` back for a while before running it, which is the step A is caught in.
 */

jest.setTimeout(600_000);

const suffix = Date.now().toString(36).slice(-4);
const NAME = `fence-${suffix}`;
const NAMESPACE = `supa-${NAME}`;
/** How long A's wrapper holds an upgrade back: far longer than it takes A to notice the loss. */
const STALL_SECONDS = 25;

let cluster: TestCluster;
let core: CoreV1Api;
let a: BackendProcess;
let b: BackendProcess;
let db: Knex;
let helmLog: string;

/** A helm that logs each call as `<replica> <pid> start|exec <args>`, optionally stalling upgrades. */
function helmWrapper(dir: string, replica: string, stallSeconds: number) {
  const path = join(dir, `helm-${replica}`);
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      `echo "${replica} $$ start $*" >> '${helmLog}'`,
      stallSeconds > 0
        ? `if [ "$1" = upgrade ]; then sleep ${stallSeconds}; fi`
        : '',
      `echo "${replica} $$ exec $*" >> '${helmLog}'`,
      `exec '${cluster.helmPath}' "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return path;
}

type HelmCall = { replica: string; pid: number; phase: string; args: string };

function helmCalls(): HelmCall[] {
  return readFileSync(helmLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => {
      const [replica, pid, phase, ...args] = line.split(' ');
      return { replica, pid: Number(pid), phase, args: args.join(' ') };
    });
}

const upgradesOf = (calls: HelmCall[], phase: 'start' | 'exec') =>
  calls.filter(
    c => c.phase === phase && c.args.startsWith(`upgrade --install ${NAME} `),
  );

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function helmReleaseRevisions(): Promise<string[]> {
  const secrets = await core.listNamespacedSecret({
    namespace: NAMESPACE,
    labelSelector: `owner=helm,name=${NAME}`,
  });
  return secrets.items.map(s => s.metadata!.name!).sort();
}

beforeAll(async () => {
  const postgres = testPostgresConnection();
  cluster = await startCluster();
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);

  const dir = mkdtempSync(join(tmpdir(), 'supacontrol-fencing-'));
  helmLog = join(dir, 'helm.log');
  writeFileSync(helmLog, '');
  // Same database prefix: the two processes are replicas of one installation.
  const databasePrefix = `t${randomBytes(4).toString('hex')}_`;
  const replica = (name: string, stallSeconds: number) =>
    createBackendProcess({
      kubeconfigPath: cluster.kubeconfigPath,
      helmPath: helmWrapper(dir, name, stallSeconds),
      postgres,
      databasePrefix,
    });
  a = await replica('A', STALL_SECONDS);
  b = await replica('B', 0);

  const url = new URL(postgres);
  url.pathname = `/${databasePrefix}supacontrol`;
  db = knexFactory({ client: 'pg', connection: url.toString() });
});

afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
  await db?.destroy();
  await cluster?.stop();
});

it('stops a replica whose lease ran out inside the Helm step: one Helm operation, one Running', async () => {
  await a.start();
  const api = apiClient(a);
  expect(
    (
      await api.post('/v1/instances', {
        name: NAME,
        owner: 'group:default/team-a',
      })
    ).status,
  ).toBe(201);

  // A is inside the Helm step: its helm upgrade has started (and is held back).
  const [stalled] = await eventually(
    `A to start helm upgrade (log:\n${a.log().slice(-1500)})`,
    async () => {
      const started = upgradesOf(helmCalls(), 'start');
      return started.length > 0 ? started : undefined;
    },
    180_000,
  );
  expect(stalled.replica).toBe('A');
  expect(alive(stalled.pid)).toBe(true);

  // B joins; A's lease runs out by the database's clock while A is still in the step.
  await b.start();
  expect(
    await db('instances')
      .where({ name: NAME })
      .update({ lease_until: db.raw("now() - interval '1 minute'") }),
  ).toBe(1);

  // A notices at its next renewal, says so, and kills its helm process.
  await eventually(
    () => `A to log the lost lease (log:\n${a.log().slice(-2000)})`,
    async () =>
      a.log(200_000).includes(`Lost the lease of instance ${NAME}`)
        ? true
        : undefined,
    30_000,
  );
  expect(a.log(200_000)).toContain('killing its helm process');
  await eventually(`A's helm process ${stalled.pid} to be killed`, async () =>
    alive(stalled.pid) ? undefined : true,
  );

  const running = await eventually(
    () =>
      `${NAME} to be Running (A:\n${a.log().slice(-1500)}\nB:\n${b
        .log()
        .slice(-1500)})`,
    async () => {
      const res = await apiClient(b).get(`/v1/instances/${NAME}`);
      return res.body?.status === 'Running' ? res.body : undefined;
    },
    240_000,
  );
  expect(running.observedGeneration).toBe(running.generation);

  // Past the time A's held-back upgrade would have run had it not been killed.
  const startedAt = Date.now();
  await eventually('the stall to be over', async () =>
    Date.now() - startedAt > (STALL_SECONDS + 5) * 1000 ? true : undefined,
  );
  const calls = helmCalls();
  // The killed call never reached helm; exactly one upgrade ran, and one revision exists.
  expect(calls.filter(c => c.pid === stalled.pid).map(c => c.phase)).toEqual([
    'start',
  ]);
  expect(upgradesOf(calls, 'exec')).toHaveLength(1);
  expect(await helmReleaseRevisions()).toEqual([
    `sh.helm.release.v1.${NAME}.v1`,
  ]);

  // A wrote nothing after it lost the lease: one history, no second run of any transition.
  const events = await apiClient(b).get(`/v1/instances/${NAME}/events`);
  expect(
    events.body.items.map(
      (e: any) => `${e.fromStatus ?? ''}>${e.toStatus ?? ''}`,
    ),
  ).toEqual(['>Pending', 'Pending>Provisioning', 'Provisioning>Running']);
  const after = await apiClient(b).get(`/v1/instances/${NAME}`);
  expect(after.body.status).toBe('Running');
  expect(after.body.lastError).toBeUndefined();

  // Leave the shared cluster clean.
  expect((await apiClient(b).delete(`/v1/instances/${NAME}`)).status).toBe(202);
  await eventually(`${NAME} to be Deleted`, async () => {
    const res = await apiClient(b).get(`/v1/instances/${NAME}`);
    return res.body?.status === 'Deleted' ? true : undefined;
  });
});
