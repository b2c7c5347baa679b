import { createRouteRef } from '@backstage/core-plugin-api';

/** Route of the SupaControl dashboard, `/supacontrol` in the portal. */
export const rootRouteRef = createRouteRef({ id: 'supacontrol' });
