import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createSupaControlInstanceCreateAction,
  createSupaControlInstanceDeleteAction,
  createSupaControlInstanceWaitAction,
} from './actions';
import { SupaControlInstanceClient } from './client/SupaControlInstanceClient';

/**
 * Adds the SupaControl actions to the scaffolder: `supacontrol:instance:create`,
 * `supacontrol:instance:wait` and `supacontrol:instance:delete`.
 *
 * @public
 */
export const scaffolderModuleSupaControl = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'supacontrol',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolderActions, discovery, auth }) {
        const client = SupaControlInstanceClient.create({ discovery, auth });
        scaffolderActions.addActions(
          createSupaControlInstanceCreateAction({ client }),
          createSupaControlInstanceWaitAction({ client }),
          createSupaControlInstanceDeleteAction({ client }),
        );
      },
    });
  },
});
