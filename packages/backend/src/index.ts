import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// The frontend bundle, served by the backend in production builds.
backend.add(import('@backstage/plugin-app-backend'));

// Sign-in. The guest provider is for local use; configure a real provider in production.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// Software catalog.
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// SupaControl instances as Resource entities.
backend.add(import('@internal/plugin-catalog-backend-module-supacontrol'));

// Software Templates.
backend.add(import('@backstage/plugin-scaffolder-backend'));
// supacontrol:instance:create, :wait and :delete.
backend.add(import('@internal/plugin-scaffolder-backend-module-supacontrol'));

// Permissions, decided by SupaControl's policy.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));

// SupaControl.
backend.add(import('@internal/plugin-supacontrol-backend'));

backend.start();
