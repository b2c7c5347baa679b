import { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import { HealthResponse } from '@supacontrol/plugin-supacontrol-common';
import packageJson from '../../package.json';
import {
  describeKubernetesError,
  KubernetesClient,
} from '../kubernetes/KubernetesClient';

/** How long one answer is reused: probes and anonymous callers cannot make it query more often. */
const CACHE_MS = 5_000;

/**
 * Answers the health endpoint: the plugin's version, whether its database answers a query, and
 * whether the Kubernetes cluster answers (or that none is configured). The endpoint needs no
 * authentication, so an answer is reused for a few seconds, and it never carries an internal
 * error's text: that goes to the log.
 *
 * @internal
 */
export class DatabaseHealthCheck {
  readonly #database: DatabaseService;
  readonly #kubernetes?: KubernetesClient;
  readonly #logger: LoggerService;
  #last?: { at: number; health: Promise<HealthResponse> };

  static create(options: {
    database: DatabaseService;
    kubernetes?: KubernetesClient;
    logger: LoggerService;
  }): DatabaseHealthCheck {
    return new DatabaseHealthCheck(options);
  }

  private constructor(
    options: Parameters<typeof DatabaseHealthCheck.create>[0],
  ) {
    this.#database = options.database;
    this.#kubernetes = options.kubernetes;
    this.#logger = options.logger;
  }

  async check(): Promise<HealthResponse> {
    const now = Date.now();
    if (!this.#last || now - this.#last.at >= CACHE_MS) {
      this.#last = { at: now, health: this.#check() };
    }
    return this.#last.health;
  }

  async #check(): Promise<HealthResponse> {
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
      this.#logger.warn('Health check: the database did not answer', {
        error: String(error),
      });
      return {
        status: 'error',
        client,
        message: 'The database did not answer a query; see the backend log',
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
      this.#logger.warn('Health check: the Kubernetes cluster did not answer', {
        error: describeKubernetesError(error),
      });
      return {
        status: 'error',
        message: 'The Kubernetes cluster did not answer; see the backend log',
      };
    }
  }
}
