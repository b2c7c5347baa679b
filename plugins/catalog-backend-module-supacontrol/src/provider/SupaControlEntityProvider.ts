import {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { instanceEntity, instanceEntityRef } from './instanceEntity';
import { readProviderConfig } from './readProviderConfig';
import { SupaControlInstanceReader } from './SupaControlInstanceReader';

const PROVIDER_NAME = 'supacontrol';
const LOCATION_KEY = 'supacontrol-entity-provider';

/**
 * Publishes every SupaControl instance that is not Deleted as a `Resource` of
 * `spec.type: supabase-instance`, owned by the instance's owner.
 *
 * Two scheduled tasks keep the catalog in step without an events bus: a full refresh (every 30 s
 * by default) replaces the provider's entities, and a change check (every 5 s) reads the same
 * list but applies a delta only for entities that differ from what this provider last published,
 * so that the catalog only processes real changes. When SupaControl cannot be read, nothing is
 * applied: an empty list must never remove every entity.
 *
 * @public
 */
export class SupaControlEntityProvider implements EntityProvider {
  readonly #reader: SupaControlInstanceReader;
  readonly #logger: LoggerService;
  readonly #refreshRunner: SchedulerServiceTaskRunner;
  readonly #changeRunner: SchedulerServiceTaskRunner;
  readonly #appBaseUrl?: string;
  #connection?: EntityProviderConnection;
  /** Entity JSON by instance name, as last applied by this replica. */
  #published = new Map<string, string>();
  /** Refresh and change check run one after the other, never interleaved. */
  #queue: Promise<unknown> = Promise.resolve();

  static fromConfig(
    config: Config,
    options: {
      logger: LoggerService;
      scheduler: SchedulerService;
      discovery: DiscoveryService;
      auth: AuthService;
    },
  ): SupaControlEntityProvider {
    const providerConfig = readProviderConfig(config);
    return new SupaControlEntityProvider({
      reader: SupaControlInstanceReader.create(options),
      logger: options.logger,
      refreshRunner: options.scheduler.createScheduledTaskRunner(
        providerConfig.schedule,
      ),
      changeRunner: options.scheduler.createScheduledTaskRunner(
        providerConfig.changeCheck,
      ),
      appBaseUrl: providerConfig.appBaseUrl,
    });
  }

  private constructor(options: {
    reader: SupaControlInstanceReader;
    logger: LoggerService;
    refreshRunner: SchedulerServiceTaskRunner;
    changeRunner: SchedulerServiceTaskRunner;
    appBaseUrl?: string;
  }) {
    this.#reader = options.reader;
    this.#logger = options.logger.child({ provider: PROVIDER_NAME });
    this.#refreshRunner = options.refreshRunner;
    this.#changeRunner = options.changeRunner;
    this.#appBaseUrl = options.appBaseUrl;
  }

  /** {@inheritdoc @backstage/plugin-catalog-node#EntityProvider.getProviderName} */
  getProviderName(): string {
    return PROVIDER_NAME;
  }

  /** {@inheritdoc @backstage/plugin-catalog-node#EntityProvider.connect} */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    await this.#refreshRunner.run({
      id: `${LOCATION_KEY}:refresh`,
      fn: () => this.refresh(),
    });
    await this.#changeRunner.run({
      id: `${LOCATION_KEY}:changes`,
      fn: () => this.applyChanges(),
    });
  }

  /** Replaces the provider's entities with one per live instance. */
  refresh(): Promise<void> {
    return this.#serially(async () => {
      const connection = this.#requireConnection();
      const entities = await this.#readEntities();
      if (!entities) return;
      await connection.applyMutation({
        type: 'full',
        entities: [...entities.values()].map(deferred),
      });
      this.#published = new Map(
        [...entities].map(([name, entity]) => [name, JSON.stringify(entity)]),
      );
      this.#logger.info(`Published ${entities.size} SupaControl instances`);
    });
  }

  /** Adds changed and new instances and removes gone ones, if anything changed. */
  applyChanges(): Promise<void> {
    return this.#serially(async () => {
      const connection = this.#requireConnection();
      const entities = await this.#readEntities();
      if (!entities) return;
      const added = [...entities]
        .filter(
          ([name, entity]) =>
            this.#published.get(name) !== JSON.stringify(entity),
        )
        .map(([, entity]) => entity);
      const removed = [...this.#published.keys()].filter(
        name => !entities.has(name),
      );
      if (added.length === 0 && removed.length === 0) return;
      await connection.applyMutation({
        type: 'delta',
        added: added.map(deferred),
        removed: removed.map(name => ({
          entityRef: instanceEntityRef(name),
          locationKey: LOCATION_KEY,
        })),
      });
      for (const entity of added) {
        this.#published.set(entity.metadata.name, JSON.stringify(entity));
      }
      for (const name of removed) {
        this.#published.delete(name);
      }
      this.#logger.info(
        `Applied SupaControl changes: ${added.length} added or changed, ${removed.length} removed`,
      );
    });
  }

  /** Entities by instance name, or undefined (logged) when SupaControl could not be read. */
  async #readEntities() {
    let instances;
    try {
      instances = await this.#reader.listInstances();
    } catch (error) {
      this.#logger.warn(
        `Could not read SupaControl instances; the catalog keeps the entities it has: ${
          (error as Error).message
        }`,
      );
      return undefined;
    }
    return new Map(
      instances
        .filter(instance => instance.status !== 'Deleted')
        .map(instance => [
          instance.name,
          instanceEntity(instance, { appBaseUrl: this.#appBaseUrl }),
        ]),
    );
  }

  #requireConnection(): EntityProviderConnection {
    if (!this.#connection) {
      throw new Error(
        'SupaControlEntityProvider is not connected to the catalog yet',
      );
    }
    return this.#connection;
  }

  #serially(fn: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }
}

function deferred(entity: ReturnType<typeof instanceEntity>): DeferredEntity {
  return { entity, locationKey: LOCATION_KEY };
}
