import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { SupaControlEntityProvider } from './provider/SupaControlEntityProvider';

/**
 * Adds the {@link SupaControlEntityProvider} to the catalog.
 *
 * @public
 */
export const catalogModuleSupaControlEntityProvider = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'supacontrol-entity-provider',
  register({ registerInit }) {
    registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ catalog, config, ...services }) {
        catalog.addEntityProvider(
          SupaControlEntityProvider.fromConfig(config, services),
        );
      },
    });
  },
});
