/**
 * Access to the test bed that `./scripts/test` (or `./scripts/cluster up`) starts: a real
 * Kubernetes control plane, the helm binary and PostgreSQL 15. Tests that need it call these and
 * fail with instructions when it is missing; they never skip.
 */

function required(name: string, what: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: ${what} comes from the test bed. Run the tests with ./scripts/test, ` +
        `or start the bed with './scripts/cluster up --with-postgres' and ` +
        `'source <(./scripts/cluster env)' in this shell.`,
    );
  }
  return value;
}

/** Path of an admin kubeconfig for the test cluster. */
export function testKubeconfigPath(): string {
  return required(
    'SUPACONTROL_TEST_KUBECONFIG',
    'the kubeconfig of the test cluster',
  );
}

/** Path of the helm binary built for the test bed. */
export function testHelmPath(): string {
  return required('SUPACONTROL_TEST_HELM', 'the helm binary');
}

/** Connection string of the test bed's PostgreSQL 15. */
export function testPostgresConnection(): string {
  return required(
    'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
    'the PostgreSQL 15 connection string',
  );
}
