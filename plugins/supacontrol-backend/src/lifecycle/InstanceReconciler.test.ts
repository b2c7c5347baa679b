import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { V1Deployment } from '@kubernetes/client-node';
import { instanceRecord } from '../__testUtils__/instanceRecord';
import { readSupaControlConfig } from '../config/SupaControlConfig';
import {
  DatabaseInstanceStore,
  migrateSupaControlDatabase,
} from '../database/DatabaseInstanceStore';
import { LeaseLostError } from '../database/InstanceStore';
import { ExpectedWorkload, InstanceRecord } from '../database/types';
import { HelmError } from '../helm/HelmClient';
import { LABELS } from '../kubernetes/KubernetesClient';
import { InstanceDriver, Workloads } from './InstanceDriver';
import { InstanceReconciler } from './InstanceReconciler';

/*
 * The reconciler's scheduling, with the cluster replaced by a driver whose Helm step is slower
 * than the lease (a unit test of one class: the lifecycle tests run it against the test bed).
 */

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** A driver whose installs take `installMs`, and which counts who works on what at once. */
function slowDriver(installMs: number) {
  const installed = new Set<string>();
  const active = new Map<string, number>();
  const seen = { maxPerInstance: 0, maxActive: 0, installs: 0 };
  const expected = (name: string): ExpectedWorkload[] => [
    { kind: 'Deployment', name: `${name}-rest`, component: 'rest' },
  ];
  const deployment = (record: InstanceRecord): V1Deployment => ({
    metadata: {
      name: `${record.name}-rest`,
      namespace: record.namespace,
      generation: 1,
      labels: {
        [LABELS.instance]: record.name,
        'app.kubernetes.io/component': 'rest',
      },
    },
    spec: { replicas: 1 } as V1Deployment['spec'],
    status: { observedGeneration: 1, updatedReplicas: 1, readyReplicas: 1 },
  });
  const records = new Map<string, InstanceRecord>();
  /** Marks the instance as worked on for the duration of `work`. */
  const working = async <T>(record: InstanceRecord, work: () => Promise<T>) => {
    const mine = (active.get(record.name) ?? 0) + 1;
    active.set(record.name, mine);
    seen.maxPerInstance = Math.max(seen.maxPerInstance, mine);
    const total = [...active.values()].reduce((a, b) => a + b, 0);
    seen.maxActive = Math.max(seen.maxActive, total);
    try {
      return await work();
    } finally {
      active.set(record.name, (active.get(record.name) ?? 1) - 1);
    }
  };
  const driver = {
    kubernetes: {
      requestCount: 0,
      listWorkloads: async (): Promise<Workloads> => ({
        deployments: [...installed].map(name => deployment(records.get(name)!)),
        statefulSets: [],
      }),
    },
    components(record: InstanceRecord, workloads: Workloads) {
      return InstanceDriver.prototype.components.call(this, record, workloads);
    },
    ensureNamespace: async () => {},
    ensureSecret: async () => {},
    releaseStatus: async (record: InstanceRecord) =>
      installed.has(record.name)
        ? { version: 1, info: { status: 'deployed' } }
        : undefined,
    ensureRelease: (record: InstanceRecord) =>
      working(record, async () => {
        seen.installs += 1;
        records.set(record.name, record);
        await sleep(installMs);
        installed.add(record.name);
        return expected(record.name);
      }),
    expectedWorkloads: async (record: InstanceRecord) => expected(record.name),
    namespaceOwnership: async () => 'ours' as const,
    readSecret: async () => ({}),
  };
  return { driver: driver as unknown as InstanceDriver, seen };
}

it('works on each instance once at a time, within the concurrency, when steps outlast the lease', async () => {
  const knex = await databases.init('SQLITE_3');
  const store = DatabaseInstanceStore.create({
    client: await migrateSupaControlDatabase({ getClient: async () => knex }),
  });
  const names = Array.from({ length: 6 }, (_, i) => `slow-${i}`);
  for (const name of names) await store.createInstance(instanceRecord(name));

  const config = readSupaControlConfig(
    new ConfigReader({
      supacontrol: { reconcile: { concurrency: 2, leaseSeconds: 1 } },
    }),
  );
  const { driver, seen } = slowDriver(1_500);
  const reconciler = InstanceReconciler.create({
    store,
    driver,
    config,
    logger: mockServices.logger.mock(),
  });
  try {
    // Passes overlap, as the scheduled task's and the API triggers' do.
    const passes: Promise<unknown>[] = [];
    for (let i = 0; i < 12; i++) {
      passes.push(reconciler.reconcileAll());
      if (i % 3 === 0) passes.push(reconciler.reconcileAll({ names }));
      await sleep(500);
    }
    await Promise.all(passes);
    for (let i = 0; i < 20; i++) {
      const { items } = await store.listInstances({ limit: 10 });
      if (items.every(item => item.status === 'Running')) break;
      await reconciler.reconcileAll();
      await sleep(100);
    }
  } finally {
    reconciler.stop();
  }

  const { items } = await store.listInstances({ limit: 10 });
  expect(items.map(i => [i.name, i.status])).toEqual(
    names.map(name => [name, 'Running']),
  );
  expect(seen.maxPerInstance).toBe(1);
  expect(seen.maxActive).toBe(2);
  // One install each: no instance was taken again while its install ran.
  expect(seen.installs).toBe(6);
});

/** A driver for one instance whose Helm step runs `install` (given the step's signal). */
function scriptedDriver(
  install: (record: InstanceRecord, signal?: AbortSignal) => Promise<void>,
) {
  const driver = {
    kubernetes: {
      requestCount: 0,
      listWorkloads: async (): Promise<Workloads> => ({
        deployments: [],
        statefulSets: [],
      }),
    },
    components: () => [],
    ensureNamespace: async () => {},
    ensureSecret: async () => {},
    releaseStatus: async () => undefined,
    ensureRelease: async (
      record: InstanceRecord,
      _plan: unknown,
      options: { signal?: AbortSignal } = {},
    ) => {
      await install(record, options.signal);
      return [];
    },
    expectedWorkloads: async () => [],
    namespaceOwnership: async () => 'ours' as const,
    readSecret: async () => ({}),
    uninstall: async () => {},
    deleteNamespace: async () => 'gone' as const,
  };
  return driver as unknown as InstanceDriver;
}

async function sqliteStore() {
  const knex = await databases.init('SQLITE_3');
  const store = DatabaseInstanceStore.create({
    client: await migrateSupaControlDatabase({ getClient: async () => knex }),
  });
  return { knex, store };
}

it('stops a step whose lease is lost, aborting its helm call, and writes nothing more', async () => {
  const { knex, store } = await sqliteStore();
  const record = await store.createInstance(instanceRecord('lost'));
  let aborted: unknown;
  const reconciler = InstanceReconciler.create({
    store,
    driver: scriptedDriver(async (_record, signal) => {
      // Another replica's claim: the lease ran out by the database's clock.
      await knex('instances')
        .where({ id: record.id })
        .update({ lease_until: Date.now() - 60_000 });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, 10_000);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          aborted = signal.reason;
          reject(signal.reason);
        });
      });
    }),
    config: readSupaControlConfig(
      new ConfigReader({
        supacontrol: { reconcile: { leaseSeconds: 1, maxAttempts: 1 } },
      }),
    ),
    logger: mockServices.logger.mock(),
  });
  try {
    await reconciler.reconcileAll({ names: ['lost'] });
  } finally {
    reconciler.stop();
  }
  expect(aborted).toBeInstanceOf(LeaseLostError);
  const after = (await store.getInstance('lost'))!;
  // Still in the step it lost: no failure recorded, no step completed, not Failed.
  expect(after.status).toBe('Provisioning');
  expect(after.failureCount).toBe(0);
  expect(after.lastError).toBeUndefined();
  expect(after.observedGeneration).toBe(0);
  expect(after.conditions.find(c => c.type === 'ReleaseDeployed')?.status).toBe(
    'Unknown',
  );
  expect((await store.listEvents(record.id)).map(e => e.toStatus)).toEqual([
    'Provisioning',
  ]);
});

it('does not mark Failed an instance whose desired state changed during its last failing attempt', async () => {
  const { store } = await sqliteStore();
  const record = await store.createInstance(instanceRecord('moved'));
  const reconciler = InstanceReconciler.create({
    store,
    driver: scriptedDriver(async () => {
      // A DELETE arrives while the last allowed attempt is failing.
      await store.updateAtGeneration(record.id, 1, {
        desiredState: 'deleted',
        status: 'Deleting',
        generation: 2,
      });
      throw new HelmError('helm upgrade failed: boom', 'boom', 1);
    }),
    config: readSupaControlConfig(
      new ConfigReader({
        supacontrol: { reconcile: { leaseSeconds: 5, maxAttempts: 1 } },
      }),
    ),
    logger: mockServices.logger.mock(),
  });
  try {
    await reconciler.reconcileAll({ names: ['moved'] });
    expect((await store.getInstance('moved'))!).toMatchObject({
      status: 'Deleting',
      failureCount: 0,
      lastError: undefined,
    });
    // The next pass works toward the new desired state.
    await reconciler.reconcileAll({ names: ['moved'] });
  } finally {
    reconciler.stop();
  }
  expect((await store.getInstance('moved'))!.status).toBe('Deleted');
  expect(
    (await store.listEvents(record.id)).map(
      e => `${e.fromStatus}>${e.toStatus}`,
    ),
  ).toEqual(['Pending>Provisioning', 'Deleting>Deleted']);
});
