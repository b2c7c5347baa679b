/*
 * A real Backstage backend with only the SupaControl plugin, run as its own process by the
 * lifecycle tests so that they can kill -9 it and start it again. Config comes from --config.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('@internal/plugin-supacontrol-backend'));
// A plugin that fails at start-up would otherwise leave the process listening, answering 503.
backend.start().catch(error => {
  console.error(error);
  process.exit(1);
});
