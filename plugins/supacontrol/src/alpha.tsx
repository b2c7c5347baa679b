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
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { SUPABASE_INSTANCE_RESOURCE_TYPE } from '@supacontrol/plugin-supacontrol-common';
import StorageIcon from '@material-ui/icons/Storage';
import { supacontrolApiRef, SupaControlClient } from './api';
import { instanceRouteRef, rootRouteRef, settingsRouteRef } from './routes';

/** The `SupaControlApi` implementation (`SupaControlClient`) as an extension. @alpha */
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

/** Resources published for SupaControl instances by the SupaControl catalog provider. */
const supabaseInstanceFilter = {
  kind: 'resource',
  'spec.type': SUPABASE_INSTANCE_RESOURCE_TYPE,
};

/**
 * Card on the overview of a SupaControl instance's Resource: live status, components, links.
 *
 * @alpha
 */
export const supabaseInstanceEntityCard = EntityCardBlueprint.make({
  name: 'supabase-instance',
  params: {
    filter: supabaseInstanceFilter,
    loader: () =>
      import('./components/Entity/EntitySupabaseInstanceCard').then(m => (
        <m.EntitySupabaseInstanceCard />
      )),
  },
});

/**
 * Tab `Supabase` on the entity page of a SupaControl instance's Resource: everything of the
 * instance page, credentials behind their permission.
 *
 * @alpha
 */
export const supabaseInstanceEntityContent = EntityContentBlueprint.make({
  name: 'supabase-instance',
  params: {
    path: 'supabase',
    title: 'Supabase',
    filter: supabaseInstanceFilter,
    loader: () =>
      import('./components/Entity/EntitySupabaseInstanceContent').then(m => (
        <m.EntitySupabaseInstanceContent />
      )),
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
  extensions: [
    supacontrolApi,
    supacontrolPage,
    supabaseInstanceEntityCard,
    supabaseInstanceEntityContent,
  ],
});
