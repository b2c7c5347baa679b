import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { SUPACONTROL_PLUGIN_ID } from '@internal/plugin-supacontrol-common';
import { createRouter } from './service/router';
import { DatabaseHealthCheck } from './service/DatabaseHealthCheck';

/**
 * The SupaControl backend plugin, mounted at `/api/supacontrol`.
 *
 * @public
 */
export const supacontrolPlugin = createBackendPlugin({
  pluginId: SUPACONTROL_PLUGIN_ID,
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        database: coreServices.database,
      },
      async init({ httpRouter, database }) {
        const healthCheck = DatabaseHealthCheck.create({ database });
        httpRouter.use(await createRouter({ healthCheck }));
        // Load balancers and the portal's status view probe this without a user.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
