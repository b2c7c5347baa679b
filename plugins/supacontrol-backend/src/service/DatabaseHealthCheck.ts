import { DatabaseService } from '@backstage/backend-plugin-api';
import { HealthResponse } from '@internal/plugin-supacontrol-common';
import packageJson from '../../package.json';
import {
  describeKubernetesError,
  KubernetesClient,
} from '../kubernetes/KubernetesClient';

/**
 * Answers the health endpoint: the plugin's version, whether its database answers a query, and
 * whether the Kubernetes cluster answers (or that none is configured).
 *
 * @internal
 */
export class DatabaseHealthCheck {
  readonly #database: DatabaseService;
  readonly #kubernetes?: KubernetesClient;

  static create(options: {
    database: DatabaseService;
    kubernetes?: KubernetesClient;
  }): DatabaseHealthCheck {
    return new DatabaseHealthCheck(options.database, options.kubernetes);
  }

  private constructor(
    database: DatabaseService,
    kubernetes?: KubernetesClient,
  ) {
    this.#database = database;
    this.#kubernetes = kubernetes;
  }

  async check(): Promise<HealthResponse> {
    const [database, kubernetes] = await Promise.all([
      this.#checkDatabase(),
      this.#checkCluster(),
    ]);
    return {
      status:
        database.status === 'ok' && kubernetes.status !== 'error'
          ? 'ok'
          : 'degraded',
      version: packageJson.version,
      database,
      kubernetes,
    };
  }

  async #checkDatabase(): Promise<HealthResponse['database']> {
    let client = 'unknown';
    try {
      const knex = await this.#database.getClient();
      client = String(knex.client.config.client);
      await knex.raw('select 1 as ok');
      return { status: 'ok', client };
    } catch (error) {
      return {
        status: 'error',
        client,
        message: error instanceof Error ? error.message : String(error),
      };
    }
  }

  async #checkCluster(): Promise<HealthResponse['kubernetes']> {
    if (!this.#kubernetes) {
      return {
        status: 'not-configured',
        message:
          'No cluster connected: set supacontrol.kubernetes.kubeconfigPath (or inCluster: true)',
      };
    }
    try {
      await this.#kubernetes.version();
      return { status: 'ok' };
    } catch (error) {
      return { status: 'error', message: describeKubernetesError(error) };
    }
  }
}
