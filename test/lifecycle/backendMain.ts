/*
 * A real Backstage backend with only the SupaControl plugin, run as its own process by the
 * lifecycle tests so that they can kill -9 it and start it again. Config comes from --config.
 * SUPACONTROL_TEST_CATALOG=1 adds Backstage's catalog (the API benchmark reads API key owners
 * from it, and uses its entities/by-name route as the baseline).
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('@supacontrol/plugin-supacontrol-backend'));
if (process.env.SUPACONTROL_TEST_CATALOG === '1') {
  backend.add(import('@backstage/plugin-catalog-backend'));
}
// A plugin that fails at start-up would otherwise leave the process listening, answering 503.
backend.start().catch(error => {
  console.error(error);
  process.exit(1);
});
