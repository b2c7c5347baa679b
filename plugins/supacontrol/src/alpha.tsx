/**
 * The SupaControl frontend plugin for the new frontend system.
 *
 * @packageDocumentation
 */

import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import StorageIcon from '@material-ui/icons/Storage';
import { supacontrolApiRef, SupaControlClient } from './api';
import { instanceRouteRef, rootRouteRef, settingsRouteRef } from './routes';

/** The {@link SupaControlApi} implementation as an extension. @alpha */
export const supacontrolApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: supacontrolApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new SupaControlClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The SupaControl pages at `/supacontrol` (dashboard, `instances/:name`, `settings`), with a
 * sidebar entry. One page with the plugin's own router rather than sub-pages, because the instance
 * page has a path parameter and is not a tab.
 *
 * @alpha
 */
export const supacontrolPage = PageBlueprint.make({
  params: {
    path: '/supacontrol',
    routeRef: rootRouteRef,
    title: 'SupaControl',
    icon: <StorageIcon fontSize="inherit" />,
    loader: () =>
      import('./components/Router').then(m => <m.SupaControlRouter />),
  },
});

/**
 * The SupaControl plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'supacontrol',
  title: 'SupaControl',
  icon: <StorageIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: {
    root: rootRouteRef,
    instance: instanceRouteRef,
    settings: settingsRouteRef,
  },
  extensions: [supacontrolApi, supacontrolPage],
});
