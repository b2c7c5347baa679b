import { Config } from '@backstage/config';

/**
 * Stops start-up when guest sign-in is enabled on a PostgreSQL-backed portal.
 *
 * Guest sign-in lets anyone who reaches the portal act as `user:development/guest`. That is fine
 * on a laptop with SQLite, but PostgreSQL means a shared or production portal, where a guest
 * could create and delete instances and read their credentials. `backstage-cli package start`
 * runs with NODE_ENV=development, so Backstage's own guest check does not catch a production
 * configuration started that way; this one does, from the configuration alone.
 *
 * A shared test portal that wants guests anyway sets `supacontrol.allowGuestSignIn: true`.
 */
export function assertNoGuestWithPostgres(rootConfig: Config): void {
  const guest = rootConfig.has('auth.providers.guest');
  const postgres =
    rootConfig.getOptionalString('backend.database.client') === 'pg';
  const allowed =
    rootConfig.getOptionalBoolean('supacontrol.allowGuestSignIn') === true;
  if (guest && postgres && !allowed) {
    throw new Error(
      'Guest sign-in (auth.providers.guest) is enabled on a portal backed by PostgreSQL ' +
        '(backend.database.client: pg), so anyone who reaches it could sign in. Remove ' +
        'auth.providers.guest and configure a real sign-in provider (see backstage.production.yaml), ' +
        'or, for a shared test portal only, set supacontrol.allowGuestSignIn: true.',
    );
  }
}
