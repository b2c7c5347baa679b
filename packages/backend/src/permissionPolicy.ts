import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createOwnerConditionalDecision,
  RESOURCE_TYPE_SUPACONTROL_API_KEY,
  RESOURCE_TYPE_SUPACONTROL_INSTANCE,
  supacontrolInstanceCreatePermission,
} from '@supacontrol/plugin-supacontrol-common';

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * The portal's permission policy.
 *
 * - Catalog, scaffolder and other core permissions: allowed to every signed-in user, as in a typical
 *   developer portal.
 * - SupaControl: members of a group in `supacontrol.admins` (or users listed there) may do
 *   everything. Everyone else may create instances, and may read, update, delete and read the
 *   credentials of instances owned by them or one of their groups, and manage their own API keys.
 * - Callers without a user are refused (service principals are decided by the framework).
 */
export class SupaControlPortalPolicy implements PermissionPolicy {
  readonly #admins: Set<string>;

  constructor(options: { admins: string[] }) {
    this.#admins = new Set(options.admins.map(lower));
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const { permission } = request;
    if (!permission.name.startsWith('supacontrol.')) {
      return { result: AuthorizeResult.ALLOW };
    }
    const claims = user.info.ownershipEntityRefs;
    if (
      [user.info.userEntityRef, ...claims].some(ref =>
        this.#admins.has(lower(ref)),
      )
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_SUPACONTROL_INSTANCE)) {
      return createOwnerConditionalDecision(
        RESOURCE_TYPE_SUPACONTROL_INSTANCE,
        claims,
      );
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_SUPACONTROL_API_KEY)) {
      return createOwnerConditionalDecision(RESOURCE_TYPE_SUPACONTROL_API_KEY, [
        user.info.userEntityRef,
      ]);
    }
    if (permission.name === supacontrolInstanceCreatePermission.name) {
      return { result: AuthorizeResult.ALLOW };
    }
    return { result: AuthorizeResult.DENY };
  }
}

/** Installs {@link SupaControlPortalPolicy} into the permission backend. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'supacontrol-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(
          new SupaControlPortalPolicy({
            admins: config.getOptionalStringArray('supacontrol.admins') ?? [],
          }),
        );
      },
    });
  },
});
