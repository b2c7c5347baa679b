import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { Knex } from 'knex';
import request from 'supertest';

const LOCATION = 'test-org:users-and-groups';

/** A User entity that is a direct member of `groups` (names in the default namespace). */
export function userEntity(name: string, groups: string[]): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name },
    spec: { profile: {}, memberOf: groups },
  };
}

export function groupEntity(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name },
    spec: { type: 'team', children: [] },
  };
}

/**
 * The people of a test: Users and Groups given to the real catalog backend by an entity provider,
 * as an organisation's directory (LDAP, Microsoft Graph, GitHub) would. `set` replaces them all,
 * as the next directory sync would; the catalog processes and stitches them as in production.
 */
export function testOrg(initial: Entity[]) {
  let connection: EntityProviderConnection | undefined;
  let entities = initial;
  const apply = async () =>
    connection?.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        locationKey: LOCATION,
        entity: {
          ...entity,
          metadata: {
            ...entity.metadata,
            annotations: {
              'backstage.io/managed-by-location': LOCATION,
              'backstage.io/managed-by-origin-location': LOCATION,
            },
          },
        },
      })),
    });
  const module = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-org',
    register(env) {
      env.registerInit({
        deps: { catalog: catalogProcessingExtensionPoint },
        async init({ catalog }) {
          catalog.addEntityProvider({
            getProviderName: () => 'test-org',
            async connect(c) {
              connection = c;
              await apply();
            },
          });
        },
      });
    },
  });
  return {
    module,
    async set(next: Entity[]) {
      entities = next;
      await apply();
    },
  };
}

/**
 * Waits until the catalog of `server` serves `userRef` with exactly these `memberOf` targets, or
 * no such user when `groups` is undefined.
 */
export async function waitForCatalogUser(
  server: any,
  userRef: string,
  groups: string[] | undefined,
  timeoutMs = 60_000,
): Promise<void> {
  const [, name] = userRef.split('/');
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const res = await request(server)
      .get(`/api/catalog/entities/by-name/user/default/${name}`)
      .set('Authorization', mockCredentials.service.header());
    const memberOf =
      res.status === 200
        ? (res.body.relations ?? [])
            .filter((r: any) => r.type === 'memberOf')
            .map((r: any) => r.targetRef)
            .sort()
        : undefined;
    last = `${res.status} ${JSON.stringify(memberOf)}`;
    if (
      groups === undefined
        ? res.status === 404
        : JSON.stringify(memberOf) === JSON.stringify([...groups].sort())
    ) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the catalog did not show ${userRef} as ${JSON.stringify(
          groups,
        )} in ${timeoutMs} ms; last: ${last}`,
      );
    }
    await new Promise(r => setTimeout(r, 200));
  }
}

/**
 * Every plugin gets its own database, as in production: `supacontrol` the given one, the others
 * (the catalog) a fresh one from `databases`, which destroys them after the file.
 */
export function databasePerPlugin(
  databases: TestDatabases,
  databaseId: Parameters<TestDatabases['init']>[0],
  supacontrol: Knex,
) {
  return createServiceFactory({
    service: coreServices.database,
    deps: { plugin: coreServices.pluginMetadata },
    async factory({ plugin }) {
      const knex =
        plugin.getId() === 'supacontrol'
          ? supacontrol
          : await databases.init(databaseId);
      return { getClient: async () => knex };
    },
  });
}
