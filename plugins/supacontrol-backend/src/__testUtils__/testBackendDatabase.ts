import { mockServices, TestDatabases } from '@backstage/backend-test-utils';

// Created when a test file imports this module: TestDatabases registers jest hooks and destroys
// its databases after the file. The test backend's default SQLite database is never destroyed
// (Backstage's DatabaseManager skips SQLite clients at shutdown), and its connection pool's timer
// would keep the jest worker alive after the tests.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** A database service for `startTestBackend` on a SQLite database that is destroyed after the file. */
export async function testBackendDatabase() {
  return mockServices.database.factory({
    knex: await databases.init('SQLITE_3'),
  });
}
