// First: metrics must be set up before any plugin asks for a meter.
import './instrumentation';
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// The frontend bundle, served by the backend in production builds.
backend.add(import('@backstage/plugin-app-backend'));

// Sign-in. A provider module stays inactive until auth.providers.<id> configures it: guest in
// backstage.development.yaml (local use), GitHub in backstage.production.yaml.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));

// Software catalog.
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// SupaControl instances as Resource entities.
backend.add(import('@supacontrol/plugin-catalog-backend-module-supacontrol'));

// Software Templates.
backend.add(import('@backstage/plugin-scaffolder-backend'));
// supacontrol:instance:create, :wait and :delete.
backend.add(
  import('@supacontrol/plugin-scaffolder-backend-module-supacontrol'),
);

// Notifications (the bell in the portal) and Signals (pushes to open pages), which SupaControl
// uses to tell owners about their instances and to update pages without polling. Events carry
// signals between replicas.
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));

// Permissions, decided by SupaControl's policy.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));

// SupaControl.
backend.add(import('@supacontrol/plugin-supacontrol-backend'));

// A plugin that fails start-up (e.g. SupaControl refusing guest sign-in on PostgreSQL) makes
// start() reject, but Backstage only logs that and keeps the process listening, answering 503.
// Exit instead, so that a refused configuration stops the deployment where it is noticed.
backend.start().catch(error => {
  console.error(error);
  process.exit(1);
});
