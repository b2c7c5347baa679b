import { DatabaseService } from '@backstage/backend-plugin-api';
import { HealthResponse } from '@internal/plugin-supacontrol-common';
import packageJson from '../../package.json';

/**
 * Answers the health endpoint: the plugin's version and whether its database answers a query.
 *
 * @internal
 */
export class DatabaseHealthCheck {
  readonly #database: DatabaseService;

  static create(options: { database: DatabaseService }): DatabaseHealthCheck {
    return new DatabaseHealthCheck(options.database);
  }

  private constructor(database: DatabaseService) {
    this.#database = database;
  }

  async check(): Promise<HealthResponse> {
    let client = 'unknown';
    try {
      const knex = await this.#database.getClient();
      client = String(knex.client.config.client);
      await knex.raw('select 1 as ok');
      return {
        status: 'ok',
        version: packageJson.version,
        database: { status: 'ok', client },
      };
    } catch (error) {
      return {
        status: 'degraded',
        version: packageJson.version,
        database: {
          status: 'error',
          client,
          message: error instanceof Error ? error.message : String(error),
        },
      };
    }
  }
}
