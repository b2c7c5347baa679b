import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createRegionConditionalDecision,
  RESOURCE_TYPE_SUPACONTROL_INSTANCE,
} from '@supacontrol/plugin-supacontrol-common';
import {
  ALICE,
  apiAs,
  BOB,
  CAROL,
  ensureStatus,
  service,
  startBackend,
  testKubeconfigPath,
  user,
} from './__testUtils__/apiTestBackend';

/*
 * The IS_IN_REGION rule through the real permission backend: a policy that lets bob read only
 * instances in region eu. Two clusters (both the test bed's apiserver; this test does not
 * reconcile) in regions eu and us.
 */

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** Carol may do everything; everyone else may create, and read instances in region eu only. */
const euOnlyPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'eu-only-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy }) {
        policy.setPolicy({
          async handle(request, who) {
            if (who?.info.userEntityRef === CAROL) {
              return { result: AuthorizeResult.ALLOW };
            }
            if (
              isResourcePermission(
                request.permission,
                RESOURCE_TYPE_SUPACONTROL_INSTANCE,
              )
            ) {
              return createRegionConditionalDecision(['eu']);
            }
            return { result: AuthorizeResult.ALLOW };
          },
        });
      },
    });
  },
});

describe.each(databases.eachSupportedId())('IS_IN_REGION (%s)', databaseId => {
  it('lets a policy limit reads to a region, in lists and for one instance', async () => {
    const knex = await databases.init(databaseId);
    const { server } = await startBackend(databases, knex, databaseId, {
      policy: euOnlyPolicy,
      supacontrol: {
        clusters: [
          { name: 'eu-1', region: 'eu', kubeconfigPath: testKubeconfigPath() },
          { name: 'us-1', region: 'us', kubeconfigPath: testKubeconfigPath() },
        ],
      },
    });
    const carol = apiAs(server, user(CAROL));
    const ci = apiAs(server, service);
    const suffix = `${databaseId === 'SQLITE_3' ? 's' : 'p'}${Date.now()
      .toString(36)
      .slice(-4)}`;
    for (const region of ['eu', 'us']) {
      ensureStatus(
        await ci.post('/v1/instances', {
          name: `reg-${region}-${suffix}`,
          owner: 'group:default/team-b',
          region,
        }),
        201,
      );
    }

    const bob = apiAs(server, user(BOB));
    const listed = await bob.get('/v1/instances');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((i: any) => [i.name, i.region])).toEqual([
      [`reg-eu-${suffix}`, 'eu'],
    ]);
    expect((await bob.get(`/v1/instances/reg-eu-${suffix}`)).status).toBe(200);
    expect(
      (await bob.get(`/v1/instances/reg-us-${suffix}`)).status,
    ).toBeGreaterThanOrEqual(403);
    // Carol sees both; a region filter narrows it.
    expect(
      (await carol.get('/v1/instances?region=us')).body.items.map(
        (i: any) => i.cluster,
      ),
    ).toEqual(['us-1']);
    // Alice reads nothing outside eu either, even of her own team.
    const alice = await apiAs(server, user(ALICE)).get(
      '/v1/instances?region=us',
    );
    expect(alice.body.items).toEqual([]);
  });
});
