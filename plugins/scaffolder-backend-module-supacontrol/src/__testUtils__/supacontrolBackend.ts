import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Instance,
  InstanceStatus,
} from '@supacontrol/plugin-supacontrol-common';
// The tests run against the real backend plugin, talking to it over HTTP only.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import supacontrolBackend from '@supacontrol/plugin-supacontrol-backend';
import { SupaControlInstanceClient } from '../client/SupaControlInstanceClient';

/**
 * Helpers for running the actions against a real SupaControl backend in a test backend. The
 * backend needs a Kubernetes cluster to accept new instances; reconciling is off, so instances
 * stay Pending unless a test says otherwise.
 */

export function testKubeconfigPath(): string {
  const path = process.env.SUPACONTROL_TEST_KUBECONFIG;
  if (!path) {
    throw new Error(
      'SUPACONTROL_TEST_KUBECONFIG is not set: run the tests with ./scripts/test, or ./scripts/cluster up and source <(./scripts/cluster env)',
    );
  }
  return path;
}

/** Unique per run, because the test cluster is shared: `<prefix>-<random>`, a valid name. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(
    Math.random() * 46656,
  )
    .toString(36)
    .padStart(3, '0')}`;
}

export const ALICE = 'user:default/alice'; // member of group:default/team-a
/** May read instances, but neither create nor delete them. */
export const MALLORY = 'user:default/mallory';

export const supacontrolConfig = () =>
  mockServices.rootConfig.factory({
    data: {
      supacontrol: {
        kubernetes: { kubeconfigPath: testKubeconfigPath() },
        reconcile: { enabled: false },
      },
    },
  });

export const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs:
          ref === ALICE ? [ref, 'group:default/team-a'] : [ref],
      };
    },
  }),
});

/** Allows everything, except creating and deleting instances to {@link MALLORY}. */
export const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => {
    const decide = (
      requests: { permission: { name: string } }[],
      credentials: BackstageCredentials,
    ) =>
      requests.map(({ permission }) => ({
        result:
          (credentials.principal as { userEntityRef?: string })
            .userEntityRef === MALLORY &&
          [
            'supacontrol.instance.create',
            'supacontrol.instance.delete',
          ].includes(permission.name)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }));
    return {
      async authorize(requests: any[], options: any) {
        return decide(requests, options.credentials) as any;
      },
      async authorizeConditional(requests: any[], options: any) {
        return decide(requests, options.credentials) as any;
      },
    };
  },
});

/**
 * A plugin with the scaffolder's id that hands out its discovery and auth services, so that the
 * actions talk to SupaControl exactly as they do inside the scaffolder.
 */
export function scaffolderStandIn(pluginId: string) {
  let services: { discovery: DiscoveryService; auth: AuthService } | undefined;
  const feature = createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({
        deps: { discovery: coreServices.discovery, auth: coreServices.auth },
        async init(deps) {
          services = deps;
        },
      });
    },
  });
  return {
    feature,
    services: () => {
      if (!services) throw new Error('the test backend has not started');
      return services;
    },
  };
}

// Created when a test file imports this module: TestDatabases registers jest hooks.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

type Knex = Awaited<ReturnType<TestDatabases['init']>>;

/** What the reconciler would write when an instance moves on. */
export async function setInstanceStatus(
  knex: Knex,
  name: string,
  status: InstanceStatus,
  extra: { lastError?: string } = {},
) {
  const updated = await knex('instances')
    .where({ name })
    .whereNull('deleted_at')
    .update({
      status,
      last_error: extra.lastError ?? null,
      updated_at: new Date(),
      ...(status === 'Deleted' && { deleted_at: new Date() }),
    });
  if (updated !== 1) {
    throw new Error(`setup: no live instance named '${name}'`);
  }
}

export type SupaControlTestBackend = Awaited<
  ReturnType<typeof startSupaControl>
>;

/**
 * A test backend with the real SupaControl backend (SQLite, the test bed's cluster, reconciling
 * off) and a stand-in for the scaffolder plugin, whose services the actions use (`client`).
 */
export async function startSupaControl(
  options: {
    features?: Parameters<typeof startTestBackend>[0]['features'];
    /** Another id when the real scaffolder is part of the backend. */
    standInPluginId?: string;
  } = {},
) {
  const knex = await databases.init('SQLITE_3');
  // SupaControl's database is the one tests write to; every other plugin gets its own.
  const databaseFactory = createServiceFactory({
    service: coreServices.database,
    deps: { plugin: coreServices.pluginMetadata },
    factory: async ({ plugin }) => {
      const client =
        plugin.getId() === 'supacontrol'
          ? knex
          : await databases.init('SQLITE_3');
      return { getClient: async () => client };
    },
  });
  const standIn = scaffolderStandIn(options.standInPluginId ?? 'scaffolder');
  const backend = await startTestBackend({
    features: [
      supacontrolBackend,
      standIn.feature,
      supacontrolConfig(),
      databaseFactory,
      userInfoFactory,
      permissionsFactory,
      ...(options.features ?? []),
    ],
  });
  const client = SupaControlInstanceClient.create(standIn.services());
  const getInstance = (name: string, user: string) =>
    client.getInstance(name, { credentials: mockCredentials.user(user) });
  return {
    server: backend.server,
    knex,
    client,
    getInstance,
    /** Waits (briefly) until the instance exists with the given status. */
    async waitForStatus(name: string, status: InstanceStatus) {
      for (let i = 0; i < 100; i++) {
        const instance: Instance | undefined = await getInstance(name, ALICE);
        if (instance?.status === status) return;
        await new Promise(resolve => setTimeout(resolve, 50));
      }
      throw new Error(`setup: instance '${name}' did not become ${status}`);
    },
    stop: () => backend.stop(),
  };
}
