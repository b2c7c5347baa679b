import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { supacontrolApiRef, SupaControlClient } from './api';
import { instanceRouteRef, rootRouteRef, settingsRouteRef } from './routes';

/**
 * The SupaControl frontend plugin for apps on the legacy frontend system. Apps on the new frontend
 * system use the default export of `@supacontrol/plugin-supacontrol/alpha`.
 *
 * @public
 */
export const supacontrolPlugin = createPlugin({
  id: 'supacontrol',
  apis: [
    createApiFactory({
      api: supacontrolApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new SupaControlClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    instance: instanceRouteRef,
    settings: settingsRouteRef,
  },
});

/**
 * The SupaControl pages (dashboard, `instances/:name` and `settings`), to be mounted at
 * `/supacontrol` of a legacy app.
 *
 * @public
 */
export const SupaControlPage = supacontrolPlugin.provide(
  createRoutableExtension({
    name: 'SupaControlPage',
    component: () =>
      import('./components/SupaControlPage').then(m => m.SupaControlPage),
    mountPoint: rootRouteRef,
  }),
);
