import { createApiRef } from '@backstage/core-plugin-api';
import { HealthResponse } from '@internal/plugin-supacontrol-common';

/**
 * Client of the SupaControl backend, used by every component of the plugin. Components never call
 * `fetch` themselves.
 *
 * @public
 */
export interface SupaControlApi {
  /** Reads `GET /api/supacontrol/health`. */
  getHealth(): Promise<HealthResponse>;
}

/**
 * API reference for {@link SupaControlApi}.
 *
 * @public
 */
export const supacontrolApiRef = createApiRef<SupaControlApi>({
  id: 'plugin.supacontrol.service',
});
