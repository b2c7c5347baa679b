import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/** Route of the SupaControl dashboard, `/supacontrol` in the portal. */
export const rootRouteRef = createRouteRef({ id: 'supacontrol' });

/** One instance's page, `/supacontrol/instances/:name`. */
export const instanceRouteRef = createSubRouteRef({
  id: 'supacontrol/instance',
  parent: rootRouteRef,
  path: '/instances/:name',
});

/** API keys and backend status, `/supacontrol/settings`. */
export const settingsRouteRef = createSubRouteRef({
  id: 'supacontrol/settings',
  parent: rootRouteRef,
  path: '/settings',
});
