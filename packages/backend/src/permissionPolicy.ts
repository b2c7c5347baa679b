import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

/**
 * The portal's permission policy.
 *
 * Catalog and scaffolder permissions are allowed to every signed-in user, as in a typical developer
 * portal. SupaControl's own permissions (`supacontrol.*`) are decided by the rules the SupaControl
 * backend defines; until those exist every signed-in user is allowed, and the policy refuses
 * callers that are not users.
 */
export class SupaControlPortalPolicy implements PermissionPolicy {
  async handle(
    _request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs {@link SupaControlPortalPolicy} into the permission backend. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'supacontrol-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, logger: coreServices.logger },
      async init({ policy }) {
        policy.setPolicy(new SupaControlPortalPolicy());
      },
    });
  },
});
