import { DatabaseService, LoggerService } from '@backstage/backend-plugin-api';
import { HealthResponse } from '@supacontrol/plugin-supacontrol-common';
import packageJson from '../../package.json';
import { Clusters } from '../clusters/Clusters';

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
  readonly #clusters: Pick<Clusters, 'health' | 'size'>;
  readonly #logger: LoggerService;
  #last?: { at: number; health: Promise<HealthResponse> };

  static create(options: {
    database: DatabaseService;
    clusters: Pick<Clusters, 'health' | 'size'>;
    logger: LoggerService;
  }): DatabaseHealthCheck {
    return new DatabaseHealthCheck(options);
  }

  private constructor(
    options: Parameters<typeof DatabaseHealthCheck.create>[0],
  ) {
    this.#database = options.database;
    this.#clusters = options.clusters;
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
    const [database, clusters] = await Promise.all([
      this.#checkDatabase(),
      this.#clusters.health(),
    ]);
    const down = clusters.filter(c => c.status !== 'ok');
    for (const cluster of down) {
      this.#logger.warn(
        `Health check: the apiserver of cluster '${cluster.name}' did not answer`,
        { cluster: cluster.name },
      );
    }
    let kubernetes: HealthResponse['kubernetes'] = { status: 'ok' };
    if (clusters.length === 0) {
      kubernetes = {
        status: 'not-configured',
        message:
          'No cluster connected: set supacontrol.kubernetes.kubeconfigPath (or inCluster: true), or supacontrol.clusters',
      };
    } else if (down.length > 0) {
      kubernetes = {
        status: 'error',
        message: `Not answering: ${down
          .map(c => `cluster '${c.name}'`)
          .join(', ')}; see the backend log`,
      };
    }
    return {
      status: database.status === 'ok' && down.length === 0 ? 'ok' : 'degraded',
      version: packageJson.version,
      database,
      kubernetes,
      clusters,
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
}
