import {
  coreServices,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import catalogBackend from '@backstage/plugin-catalog-backend';
// The tests run against the real backend plugin, talking to it over HTTP only.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import supacontrolBackend from '@supacontrol/plugin-supacontrol-backend';
import request from 'supertest';
import catalogModuleSupaControl from '..';
import { SupaControlEntityProvider } from './SupaControlEntityProvider';

/*
 * The provider in a real catalog, reading a real SupaControl backend (SQLite, the test bed's
 * cluster, reconciling off): instances are created and deleted through the SupaControl API, the
 * reconciler's status changes are written to its database, and the provider's scheduled tasks are
 * triggered by hand. What counts is what the catalog's API then serves.
 */

jest.setTimeout(90_000);

function testKubeconfigPath(): string {
  const path = process.env.SUPACONTROL_TEST_KUBECONFIG;
  if (!path) {
    throw new Error(
      'SUPACONTROL_TEST_KUBECONFIG is not set: run the tests with ./scripts/test, or ./scripts/cluster up and source <(./scripts/cluster env)',
    );
  }
  return path;
}

/** Unique per run, because the test cluster is shared. */
const uniqueName = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 46656)
    .toString(36)
    .padStart(3, '0')}`;

const ALICE = 'user:default/alice';
const REFRESH = 'supacontrol-entity-provider:refresh';
const CHANGES = 'supacontrol-entity-provider:changes';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** A scheduler that runs nothing by itself: tests trigger the provider's tasks by id. */
function manualScheduler() {
  const tasks = new Map<string, () => Promise<void> | void>();
  const service: SchedulerService = {
    async scheduleTask(task) {
      tasks.set(task.id, () => task.fn(new AbortController().signal));
    },
    createScheduledTaskRunner: () => ({
      async run(task) {
        tasks.set(task.id, () => task.fn(new AbortController().signal));
      },
    }),
    async triggerTask(id) {
      await tasks.get(id)?.();
    },
    async cancelTask() {},
    async getScheduledTasks() {
      return [];
    },
  };
  return {
    factory: createServiceFactory({
      service: coreServices.scheduler,
      deps: {},
      factory: () => service,
    }),
    async triggerTask(id: string) {
      const task = tasks.get(id);
      if (!task) throw new Error(`setup: no task ${id} was scheduled`);
      await task();
    },
  };
}

describe('SupaControlEntityProvider', () => {
  let server: any;
  let backend: { stop(): Promise<void> } | undefined;
  let supacontrolDb: Awaited<ReturnType<TestDatabases['init']>>;
  const scheduler = manualScheduler();
  const user = mockCredentials.user.header(ALICE);

  beforeAll(async () => {
    supacontrolDb = await databases.init('SQLITE_3');
    const databaseFactory = createServiceFactory({
      service: coreServices.database,
      deps: { plugin: coreServices.pluginMetadata },
      factory: async ({ plugin }) => {
        const client =
          plugin.getId() === 'supacontrol'
            ? supacontrolDb
            : await databases.init('SQLITE_3');
        return { getClient: async () => client };
      },
    });
    const started = await startTestBackend({
      features: [
        catalogBackend,
        catalogModuleSupaControl,
        supacontrolBackend,
        databaseFactory,
        scheduler.factory,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'https://portal.example.com' },
            supacontrol: {
              kubernetes: { kubeconfigPath: testKubeconfigPath() },
              reconcile: { enabled: false },
            },
          },
        }),
      ],
    });
    server = started.server;
    backend = started;
  });

  afterAll(async () => {
    await backend?.stop();
  });

  async function createInstance(name: string) {
    const res = await request(server)
      .post('/api/supacontrol/v1/instances')
      .set('Authorization', user)
      .send({ name });
    if (res.status !== 201) {
      throw new Error(`setup: create answered ${res.status}: ${res.text}`);
    }
  }

  async function deleteInstance(name: string) {
    const res = await request(server)
      .delete(`/api/supacontrol/v1/instances/${name}`)
      .set('Authorization', user);
    if (res.status !== 202) {
      throw new Error(`setup: delete answered ${res.status}: ${res.text}`);
    }
  }

  /** What the reconciler writes. */
  async function setStatus(name: string, status: string) {
    await supacontrolDb('instances')
      .where({ name })
      .whereNull('deleted_at')
      .update({
        status,
        updated_at: new Date(),
        ...(status === 'Deleted' && { deleted_at: new Date() }),
      });
  }

  const getEntity = (name: string) =>
    request(server)
      .get(`/api/catalog/entities/by-name/resource/default/${name}`)
      .set('Authorization', user);

  /** Polls the catalog until `check` holds for the entity (or its absence). */
  async function eventually(
    name: string,
    check: (res: request.Response) => boolean,
  ): Promise<request.Response> {
    let res = await getEntity(name);
    for (let i = 0; i < 150 && !check(res); i++) {
      await new Promise(r => setTimeout(r, 200));
      res = await getEntity(name);
    }
    return res;
  }

  it('publishes an instance as a Resource owned by its owner, with links, its annotations and its placement labels', async () => {
    const name = uniqueName('cat');
    await createInstance(name);

    await scheduler.triggerTask(REFRESH);
    const res = await eventually(name, r => r.status === 200);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name,
        namespace: 'default',
        annotations: {
          'supacontrol.io/instance': name,
          'supacontrol.io/status': 'Pending',
          // The backend's one cluster, configured as `kubernetes:`, is `default` in `default`.
          'supacontrol.io/cluster': 'default',
          'supacontrol.io/region': 'default',
          'backstage.io/managed-by-location': `supacontrol:instance/${name}`,
          'backstage.io/managed-by-origin-location': `supacontrol:instance/${name}`,
        },
        labels: {
          'supacontrol.io/cluster': 'default',
          'supacontrol.io/region': 'default',
        },
      },
      spec: { type: 'supabase-instance', owner: ALICE },
    });
    expect(res.body.metadata.links).toEqual([
      expect.objectContaining({
        title: 'Supabase Studio',
        url: expect.stringContaining(name),
      }),
      expect.objectContaining({
        title: 'Supabase API',
        url: expect.stringContaining(name),
      }),
      {
        title: 'SupaControl',
        url: `https://portal.example.com/supacontrol/instances/${name}`,
        icon: 'dashboard',
        type: 'supacontrol',
      },
    ]);
    expect(res.body.relations).toEqual(
      expect.arrayContaining([{ type: 'ownedBy', targetRef: ALICE }]),
    );
  });

  it('picks up new instances and changes with the change check, between full refreshes', async () => {
    const name = uniqueName('cat');
    await createInstance(name);

    await scheduler.triggerTask(CHANGES);
    const appeared = await eventually(name, r => r.status === 200);
    expect(appeared.status).toBe(200);

    await setStatus(name, 'Running');
    await scheduler.triggerTask(CHANGES);
    const changed = await eventually(
      name,
      r =>
        r.body?.metadata?.annotations?.['supacontrol.io/status'] === 'Running',
    );
    expect(changed.body.metadata.annotations['supacontrol.io/status']).toBe(
      'Running',
    );
  });

  it('removes deleted instances, with the change check and with a full refresh', async () => {
    const viaChanges = uniqueName('cat');
    const viaRefresh = uniqueName('cat');
    await createInstance(viaChanges);
    await createInstance(viaRefresh);
    await scheduler.triggerTask(REFRESH);
    expect((await eventually(viaChanges, r => r.status === 200)).status).toBe(
      200,
    );
    expect((await eventually(viaRefresh, r => r.status === 200)).status).toBe(
      200,
    );

    // Deleting is not gone: the entity stays, with its status, until the instance is Deleted.
    await deleteInstance(viaChanges);
    await scheduler.triggerTask(CHANGES);
    const deleting = await eventually(
      viaChanges,
      r =>
        r.body?.metadata?.annotations?.['supacontrol.io/status'] === 'Deleting',
    );
    expect(deleting.status).toBe(200);

    await setStatus(viaChanges, 'Deleted');
    await scheduler.triggerTask(CHANGES);
    expect((await eventually(viaChanges, r => r.status === 404)).status).toBe(
      404,
    );

    await deleteInstance(viaRefresh);
    await setStatus(viaRefresh, 'Deleted');
    await scheduler.triggerTask(REFRESH);
    expect((await eventually(viaRefresh, r => r.status === 404)).status).toBe(
      404,
    );
  });
});

describe('SupaControlEntityProvider without SupaControl', () => {
  it('applies nothing when the instances cannot be read, so no entity is lost', async () => {
    const logger = mockServices.logger.mock();
    logger.child.mockReturnValue(logger);
    const provider = SupaControlEntityProvider.fromConfig(
      mockServices.rootConfig(),
      {
        logger,
        scheduler: mockServices.scheduler(),
        // Nothing listens on port 9.
        discovery: {
          getBaseUrl: async () => 'http://127.0.0.1:9/api/x',
        } as any,
        auth: mockServices.auth(),
      },
    );
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await provider.connect(connection);

    await provider.refresh();
    await provider.applyChanges();

    expect(connection.applyMutation).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Could not read SupaControl instances; the catalog keeps the entities it has: /,
      ),
    );
  });
});
