/*
 * A test backend with the SupaControl API, the portal's real permission backend and policy, and
 * the real catalog with a test organisation: alice (team-a), bob (team-b), carol (admins).
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { permissionsRegistryServiceFactory } from '@backstage/backend-defaults/permissionsRegistry';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import catalogBackend from '@backstage/plugin-catalog-backend';
import permissionBackend from '@backstage/plugin-permission-backend';
import supacontrolBackend from '@supacontrol/plugin-supacontrol-backend';
import permissionPolicyModule from '../permissionPolicy';
import {
  databasePerPlugin,
  groupEntity,
  testOrg,
  userEntity,
  waitForCatalogUser,
} from './testOrg';

export function testKubeconfigPath(): string {
  const path = process.env.SUPACONTROL_TEST_KUBECONFIG;
  if (!path) {
    throw new Error(
      'SUPACONTROL_TEST_KUBECONFIG is not set: run the tests with ./scripts/test, or ./scripts/cluster up and source <(./scripts/cluster env)',
    );
  }
  return path;
}

export const ALICE = 'user:default/alice'; // member of group:default/team-a
export const BOB = 'user:default/bob'; // member of group:default/team-b
export const CAROL = 'user:default/carol'; // member of group:default/admins
export const memberships: Record<string, string[]> = {
  [ALICE]: [ALICE, 'group:default/team-a'],
  [BOB]: [BOB, 'group:default/team-b'],
  [CAROL]: [CAROL, 'group:default/admins'],
};

const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: memberships[ref] ?? [ref],
      };
    },
  }),
});

/*
 * The mock auth service turns a user's delegated token into a plain user token, which the
 * permission backend rightly refuses for conditional decisions. The real auth service adds the
 * calling plugin as actor; this does the same on top of the mock.
 */
const delegatingAuthFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory: ({ plugin }) => {
    const inner = mockServices.auth({ pluginId: plugin.getId() });
    return {
      authenticate: (token, options) => inner.authenticate(token, options),
      isPrincipal: inner.isPrincipal.bind(inner) as typeof inner.isPrincipal,
      getNoneCredentials: () => inner.getNoneCredentials(),
      getOwnServiceCredentials: () => inner.getOwnServiceCredentials(),
      getLimitedUserToken: credentials =>
        inner.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => inner.listPublicServiceKeys(),
      async getPluginRequestToken(options) {
        const principal = options.onBehalfOf.principal as any;
        if (principal.type === 'user') {
          return {
            token: mockCredentials.user.token(principal.userEntityRef, {
              actor: { subject: `plugin:${plugin.getId()}` },
            }),
          };
        }
        return inner.getPluginRequestToken(options);
      },
    };
  },
});

/** The catalog's view of the people above, as a directory sync would give it. */
export function orgEntities(users: Record<string, string[]> = memberships) {
  const groups = new Set<string>();
  const entities = Object.entries(users).map(([ref, refs]) => {
    const own = refs
      .filter(r => r.startsWith('group:'))
      .map(r => r.split('/')[1]);
    own.forEach(g => groups.add(g));
    return userEntity(ref.split('/')[1], own);
  });
  return [...entities, ...[...groups].map(groupEntity)];
}

/** A service allowed everything through supacontrol.serviceAccess, like a trusted CI pipeline. */
export const CI_SUBJECT = 'external:ci-pipeline';

export async function startBackend(
  databases: TestDatabases,
  knex: Knex,
  databaseId: Parameters<TestDatabases['init']>[0],
  options: {
    supacontrol?: Record<string, unknown>;
    features?: any[];
    /** A permission policy module in place of the portal's. */
    policy?: any;
  } = {},
) {
  const org = testOrg(orgEntities());
  const { server } = await startTestBackend({
    features: [
      supacontrolBackend,
      catalogBackend,
      org.module,
      permissionBackend,
      options.policy ?? permissionPolicyModule,
      databasePerPlugin(databases, databaseId, knex),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          supacontrol: {
            admins: ['group:default/admins'],
            // The API checks namespaces in the cluster; this test leaves reconciling to others.
            ...(!options.supacontrol?.clusters && {
              kubernetes: { kubeconfigPath: testKubeconfigPath() },
            }),
            reconcile: { enabled: false },
            serviceAccess: [
              {
                subject: CI_SUBJECT,
                allow: ['read', 'create', 'update', 'delete', 'credentials'],
              },
              {
                subject: 'external:team-b-deployer',
                allow: ['read', 'create'],
                owners: ['group:default/team-b'],
              },
            ],
            ...options.supacontrol,
          },
        },
      }),
      userInfoFactory,
      delegatingAuthFactory,
      permissionsServiceFactory,
      permissionsRegistryServiceFactory,
      ...(options.features ?? []),
    ],
  });
  // Keys are checked against the catalog: wait until it has processed the people.
  for (const [ref, refs] of Object.entries(memberships)) {
    await waitForCatalogUser(
      server,
      ref,
      refs.filter(r => r.startsWith('group:')),
    );
  }
  return { server, org };
}

/** For setup steps in beforeAll, where expect() does not belong. */
export function ensureStatus(res: request.Response, status: number) {
  if (res.status !== status) {
    throw new Error(
      `setup: expected ${status}, got ${res.status}: ${res.text}`,
    );
  }
}

export const user = (ref: string) => mockCredentials.user.header(ref);
export const service = mockCredentials.service.header({
  onBehalfOf: mockCredentials.service('external:ci-pipeline'),
  targetPluginId: 'supacontrol',
});

/** Calls to the SupaControl API of `server` as a user (a header) or with an API key. */
export function apiAs(server: any, auth: string | { key: string }) {
  const set = (r: request.Test) =>
    typeof auth === 'string'
      ? r.set('Authorization', auth)
      : r.set('X-Api-Key', auth.key);
  return {
    get: (path: string) => set(request(server).get(`/api/supacontrol${path}`)),
    post: (path: string, body: object) =>
      set(request(server).post(`/api/supacontrol${path}`)).send(body),
    patch: (path: string, body: object) =>
      set(request(server).patch(`/api/supacontrol${path}`)).send(body),
    delete: (path: string) =>
      set(request(server).delete(`/api/supacontrol${path}`)),
  };
}

/** A log line as a plugin wrote it, with the fields of every `child()` on the way. */
export interface LogLine {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  meta: Record<string, unknown>;
}

/**
 * Every plugin's logger (and so the auditor, which writes through it) records into `lines`,
 * for tests that check what was logged and audited.
 */
export function recordingLogger(lines: LogLine[]) {
  return createServiceFactory({
    service: coreServices.logger,
    deps: { plugin: coreServices.pluginMetadata },
    factory({ plugin }) {
      const make = (fields: Record<string, unknown>): any => {
        const log =
          (level: LogLine['level']) =>
          (message: string, meta?: Error | Record<string, unknown>) => {
            lines.push({
              level,
              message,
              meta: { ...fields, ...(meta instanceof Error ? {} : meta) },
            });
          };
        return {
          error: log('error'),
          warn: log('warn'),
          info: log('info'),
          debug: log('debug'),
          child: (more: Record<string, unknown>) =>
            make({ ...fields, ...more }),
        };
      };
      return make({ plugin: plugin.getId() });
    },
  });
}
