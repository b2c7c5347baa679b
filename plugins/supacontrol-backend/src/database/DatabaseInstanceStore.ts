import {
  DatabaseService,
  isDatabaseConflictError,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  ClusterFullError,
  GenerationChangedError,
  InstanceLease,
  InstancePatch,
  InstanceStore,
  LeaseLostError,
} from './InstanceStore';
import { InstanceStatus } from '@supacontrol/plugin-supacontrol-common';
import {
  InstanceEventRecord,
  InstanceRecord,
  ListInstancesQuery,
} from './types';
import { applyOwnerCriteria, toDate, toOptionalDate } from './util';

const migrationsDir = resolvePackagePath(
  '@supacontrol/plugin-supacontrol-backend',
  'migrations',
);

/** Runs the plugin's migrations unless the backend is configured to skip them. */
export async function migrateSupaControlDatabase(
  database: DatabaseService,
  options?: { skipMigrations?: boolean },
): Promise<Knex> {
  const client = await database.getClient();
  if (!database.migrations?.skip && !options?.skipMigrations) {
    await client.migrate.latest({ directory: migrationsDir });
  }
  return client;
}

type InstanceRow = {
  id: string;
  name: string;
  namespace: string;
  owner: string;
  created_by: string;
  plan: string;
  cluster: string;
  region: string;
  chart_name: string;
  chart_version: string;
  status: string;
  desired_state: string;
  generation: number;
  observed_generation: number;
  conditions: string;
  components: string;
  last_error: string | null;
  created_at: unknown;
  updated_at: unknown;
  deleted_at: unknown;
  failure_count: number;
  next_attempt_at: unknown;
  expected_workloads: string | null;
  idempotency_key: string | null;
  deletion_protection: boolean | number;
  restarts: string | null;
  rotations: string | null;
};

function fromRow(row: InstanceRow): InstanceRecord {
  return {
    id: row.id,
    name: row.name,
    namespace: row.namespace,
    owner: row.owner,
    createdBy: row.created_by,
    plan: row.plan,
    cluster: row.cluster,
    region: row.region,
    chartName: row.chart_name,
    chartVersion: row.chart_version,
    status: row.status as InstanceRecord['status'],
    desiredState: row.desired_state as InstanceRecord['desiredState'],
    generation: Number(row.generation),
    observedGeneration: Number(row.observed_generation),
    conditions: JSON.parse(row.conditions),
    components: JSON.parse(row.components),
    lastError: row.last_error ?? undefined,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    deletedAt: toOptionalDate(row.deleted_at),
    failureCount: Number(row.failure_count ?? 0),
    nextAttemptAt: toOptionalDate(row.next_attempt_at),
    expectedWorkloads: row.expected_workloads
      ? JSON.parse(row.expected_workloads)
      : undefined,
    idempotencyKey: row.idempotency_key ?? undefined,
    deletionProtection: Boolean(row.deletion_protection),
    restarts: row.restarts ? JSON.parse(row.restarts) : {},
    rotations: row.rotations
      ? JSON.parse(row.rotations)
      : { jwt: 0, dashboard: 0 },
  };
}

function toRow(
  patch: Partial<InstanceRecord>,
): Partial<Record<keyof InstanceRow, unknown>> {
  const row: Partial<Record<keyof InstanceRow, unknown>> = {};
  const set = (key: keyof InstanceRow, value: unknown) => {
    if (value !== undefined) row[key] = value;
  };
  set('id', patch.id);
  set('name', patch.name);
  set('namespace', patch.namespace);
  set('owner', patch.owner);
  set('created_by', patch.createdBy);
  set('plan', patch.plan);
  set('cluster', patch.cluster);
  set('region', patch.region);
  set('chart_name', patch.chartName);
  set('chart_version', patch.chartVersion);
  set('status', patch.status);
  set('desired_state', patch.desiredState);
  set('generation', patch.generation);
  set('observed_generation', patch.observedGeneration);
  set('conditions', patch.conditions && JSON.stringify(patch.conditions));
  set('components', patch.components && JSON.stringify(patch.components));
  if ('lastError' in patch) row.last_error = patch.lastError ?? null;
  set('created_at', patch.createdAt);
  set('updated_at', patch.updatedAt);
  if ('deletedAt' in patch) row.deleted_at = patch.deletedAt ?? null;
  set('failure_count', patch.failureCount);
  if ('nextAttemptAt' in patch)
    row.next_attempt_at = patch.nextAttemptAt ?? null;
  set('idempotency_key', patch.idempotencyKey);
  set('deletion_protection', patch.deletionProtection);
  set('restarts', patch.restarts && JSON.stringify(patch.restarts));
  set('rotations', patch.rotations && JSON.stringify(patch.rotations));
  if ('expectedWorkloads' in patch) {
    row.expected_workloads = patch.expectedWorkloads
      ? JSON.stringify(patch.expectedWorkloads)
      : null;
  }
  return row;
}

async function insertEvent(db: Knex, event: InstanceEventRecord) {
  await db('instance_events').insert({
    id: event.id,
    instance_id: event.instanceId ?? null,
    instance_name: event.instanceName,
    actor: event.actor,
    action: event.action,
    from_status: event.fromStatus ?? null,
    to_status: event.toStatus ?? null,
    message: event.message,
    created_at: event.createdAt,
    worker: event.worker ?? null,
  });
}

// Cursors are opaque to clients: the sort key of the last item, base64url-encoded.
/**
 * A page cursor: `<name>.<id>` of the last instance of the previous page, the keyset the next
 * page starts after. Any value of this form is a valid position, whether or not that instance
 * exists, so the API document can state the rule exactly.
 */
export const INSTANCE_CURSOR_PATTERN =
  /^([a-z0-9-]{1,40})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

function encodeCursor(record: InstanceRecord): string {
  return `${record.name}.${record.id}`;
}

function decodeCursor(cursor: string): [string, string] {
  const match = INSTANCE_CURSOR_PATTERN.exec(cursor);
  if (!match) {
    throw new InputError(
      'cursor is not valid: pass the nextCursor value of the previous page unchanged',
    );
  }
  return [match[1], match[2]];
}

/** {@link InstanceStore} on the plugin's knex database (SQLite or PostgreSQL). */
export class DatabaseInstanceStore implements InstanceStore {
  readonly #db: Knex;
  #queries = 0;

  /** Takes a client on which {@link migrateSupaControlDatabase} has run. */
  static create(options: { client: Knex }): DatabaseInstanceStore {
    return new DatabaseInstanceStore(options.client);
  }

  private constructor(db: Knex) {
    this.#db = db;
    // Counted for the reconciler's pass report (benchmarks): every query on this client.
    db.on('query', () => {
      this.#queries += 1;
    });
  }

  get queryCount(): number {
    return this.#queries;
  }

  async createInstance(
    record: InstanceRecord,
    options: { maxInstances?: number } = {},
  ): Promise<InstanceRecord> {
    const { maxInstances } = options;
    try {
      if (maxInstances === undefined) {
        await this.#db('instances').insert(toRow(record));
      } else {
        await this.#db.transaction(async trx => {
          // Creates on one cluster queue here, so that two of them never both take its last
          // place (SQLite runs one write transaction at a time anyway).
          if (!this.#isSqlite()) {
            await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [
              `supacontrol-cluster:${record.cluster}`,
            ]);
          }
          const [{ count }] = await trx('instances')
            .where({ cluster: record.cluster })
            .whereNull('deleted_at')
            .count({ count: '*' });
          if (Number(count) >= maxInstances) {
            throw new ClusterFullError(record.cluster, maxInstances);
          }
          await trx('instances').insert(toRow(record));
        });
      }
    } catch (error) {
      if (isDatabaseConflictError(error)) {
        throw new ConflictError(
          `An instance named '${record.name}' already exists; choose another name`,
        );
      }
      throw error;
    }
    return record;
  }

  async getInstance(name: string): Promise<InstanceRecord | undefined> {
    const row = await this.#db<InstanceRow>('instances')
      .where({ name })
      // Live first (NULL deleted_at), then the most recently deleted.
      .orderByRaw('CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END')
      .orderBy('deleted_at', 'desc')
      .first();
    return row ? fromRow(row) : undefined;
  }

  async listInstances(query: ListInstancesQuery) {
    const filtered = () => {
      const builder = this.#db<InstanceRow>('instances');
      if (query.status) {
        builder.where({ status: query.status });
      } else {
        builder.whereNull('deleted_at');
      }
      if (query.owner) {
        builder.where({ owner: query.owner });
      }
      if (query.cluster) {
        builder.where({ cluster: query.cluster });
      }
      if (query.region) {
        builder.where({ region: query.region });
      }
      if (query.criteria) {
        applyOwnerCriteria(builder, query.criteria);
      }
      return builder;
    };

    const page = filtered()
      .orderBy([
        { column: 'name', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(query.limit + 1);
    if (query.cursor) {
      const [name, id] = decodeCursor(query.cursor);
      // `name >= ?` is implied by the condition after it, but PostgreSQL uses only it as a
      // range of the name index: without it, it read every row before the cursor and filtered
      // them out (1.7 ms against 0.13 ms in the middle of 10,000; bench/README.md). SQLite
      // finds the range either way.
      page
        .where('name', '>=', name)
        .where(b =>
          b
            .where('name', '>', name)
            .orWhere(inner =>
              inner.where('name', '=', name).andWhere('id', '>', id),
            ),
        );
    }
    const [rows, [{ count }]] = await Promise.all([
      page,
      filtered().count({ count: '*' }),
    ]);
    const items = (rows as InstanceRow[]).slice(0, query.limit).map(fromRow);
    return {
      items,
      totalCount: Number(count),
      nextCursor:
        rows.length > query.limit
          ? encodeCursor(items[items.length - 1])
          : undefined,
    };
  }

  async updateInstance(
    id: string,
    patch: InstancePatch,
  ): Promise<InstanceRecord> {
    await this.#db('instances').where({ id }).update(toRow(patch));
    const row = await this.#db<InstanceRow>('instances').where({ id }).first();
    if (!row) {
      throw new Error(`Instance ${id} disappeared while it was being updated`);
    }
    return fromRow(row);
  }

  async updateAtGeneration(
    id: string,
    generation: number,
    patch: InstancePatch,
    options: { event?: InstanceEventRecord } = {},
  ): Promise<InstanceRecord | undefined> {
    return this.#db.transaction(async trx => {
      const count = await trx('instances')
        .where({ id, generation })
        .update(toRow(patch));
      if (count === 0) return undefined;
      if (options.event) await insertEvent(trx, options.event);
      return fromRow(
        (await trx<InstanceRow>('instances').where({ id }).first())!,
      );
    });
  }

  async updateLeased(
    lease: InstanceLease,
    patch: InstancePatch,
    options: { event?: InstanceEventRecord; retryInMs?: number } = {},
  ): Promise<InstanceRecord> {
    const row: Record<string, unknown> = toRow(patch);
    if (options.retryInMs !== undefined) {
      row.next_attempt_at = this.#databaseNow(options.retryInMs);
    }
    return this.#db.transaction(async trx => {
      // One statement decides: of a write racing a claim by another replica, or a renewal that
      // came too late, exactly one side sees the lease as its own.
      const count = await trx('instances')
        .where({
          id: lease.id,
          lease_owner: lease.owner,
          generation: lease.generation,
        })
        .where('lease_until', '>', this.#databaseNow())
        .update(row);
      if (count === 0) throw await this.#whyNotHeld(trx, lease);
      if (options.event) await insertEvent(trx, options.event);
      return fromRow(
        (await trx<InstanceRow>('instances').where({ id: lease.id }).first())!,
      );
    });
  }

  /** The error a fenced write of `lease` that matched no row stands for. */
  async #whyNotHeld(trx: Knex.Transaction, lease: InstanceLease) {
    const current = await trx('instances')
      .where({ id: lease.id })
      .select(
        'generation',
        trx.raw(
          `CASE WHEN lease_owner = ? AND lease_until > ${this.#nowSql()} THEN 1 ELSE 0 END AS held`,
          [lease.owner],
        ),
      )
      .first();
    if (!current) {
      return new NotFoundError(`Instance ${lease.id} no longer exists`);
    }
    if (Number(current.held) !== 1) {
      return new LeaseLostError(
        `The lease of instance ${lease.id} was lost (taken by another replica or run out)`,
      );
    }
    return new GenerationChangedError(
      `Instance ${lease.id} moved on to generation ${current.generation} while generation ${lease.generation} was being worked on`,
    );
  }

  /**
   * The database's clock as SQL, in the representation of the timestamp columns: PostgreSQL's
   * timestamptz, and on SQLite the epoch milliseconds knex stores a Date as. `clock_timestamp()`
   * rather than `now()`, which stands still for a whole transaction.
   */
  #nowSql(): string {
    return this.#isSqlite()
      ? "CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)"
      : 'clock_timestamp()';
  }

  /** The database's now plus `plusMs`, as a value for a timestamp column or a comparison. */
  #databaseNow(plusMs = 0): Knex.Raw {
    return this.#isSqlite()
      ? this.#db.raw(`(${this.#nowSql()} + ?)`, [Math.round(plusMs)])
      : this.#db.raw(
          `(${this.#nowSql()} + ?::double precision * interval '1 millisecond')`,
          [Math.round(plusMs)],
        );
  }

  #isSqlite(): boolean {
    return String(this.#db.client.config.client).includes('sqlite');
  }

  async databaseTime(): Promise<Date> {
    const row = await this.#db
      .select(this.#db.raw(`${this.#nowSql()} AS now`))
      .first();
    return toDate(row.now);
  }

  async claimDue(options: {
    owner: string;
    leaseMs: number;
    limit: number;
    names?: string[];
    workedBefore?: Date;
    exclude?: string[];
    startedFirst?: boolean;
    cluster?: string;
  }): Promise<InstanceRecord[]> {
    const { owner, leaseMs, limit, names, exclude, workedBefore, cluster } =
      options;
    const neverWorked = options.startedFirst ? 1 : 0;
    // lease_until is the end of a held lease, or when the last one was released; either way it
    // is free once the database's clock has passed it.
    const free = (b: Knex.QueryBuilder) =>
      b.whereNull('lease_until').orWhere(inner => {
        inner.where('lease_until', '<=', this.#databaseNow());
        if (workedBefore) inner.where('lease_until', '<', workedBefore);
      });
    const due = this.#db<InstanceRow>('instances')
      .whereNull('deleted_at')
      .whereNot({ status: 'Failed' })
      .where(b =>
        b
          .whereNull('next_attempt_at')
          .orWhere('next_attempt_at', '<=', this.#databaseNow()),
      )
      .where(free)
      // Least recently worked on first (lease_until is kept as "last worked" after release), so
      // that with more due instances than `limit` every one gets its turn.
      .orderByRaw(
        `CASE WHEN lease_until IS NULL THEN ${neverWorked} ELSE ${
          1 - neverWorked
        } END`,
      )
      .orderBy('lease_until', 'asc')
      .limit(limit)
      .select('id');
    if (names) due.whereIn('name', names);
    if (cluster) due.where({ cluster });
    if (exclude?.length) due.whereNotIn('id', exclude);
    const claimed: InstanceRecord[] = [];
    for (const { id } of await due) {
      // The lease is taken by a conditional UPDATE; of two replicas racing, one updates 1 row.
      const count = await this.#db('instances')
        .where({ id })
        .where(free)
        .update({
          lease_owner: owner,
          lease_until: this.#databaseNow(leaseMs),
        });
      if (count === 1) {
        const row = await this.#db<InstanceRow>('instances')
          .where({ id })
          .first();
        if (row) claimed.push(fromRow(row));
      }
    }
    return claimed;
  }

  async listReconcilable(
    names?: string[],
    cluster?: string,
  ): Promise<InstanceRecord[]> {
    const query = this.#db<InstanceRow>('instances')
      .whereNull('deleted_at')
      .whereNot({ status: 'Failed' })
      .where(b =>
        b
          .whereNull('next_attempt_at')
          .orWhere('next_attempt_at', '<=', this.#databaseNow()),
      );
    if (names) query.whereIn('name', names);
    if (cluster) query.where({ cluster });
    return (await query).map(fromRow);
  }

  async countByStatusAndPlan(): Promise<
    { status: InstanceStatus; plan: string; cluster: string; count: number }[]
  > {
    const rows: {
      status: string;
      plan: string;
      cluster: string;
      count: string | number;
    }[] = await this.#db('instances')
      .whereNull('deleted_at')
      .select('status', 'plan', 'cluster')
      .count({ count: '*' })
      .groupBy('status', 'plan', 'cluster');
    return rows.map(row => ({
      status: row.status as InstanceStatus,
      plan: String(row.plan),
      cluster: String(row.cluster),
      count: Number(row.count),
    }));
  }

  async renewLease(
    id: string,
    owner: string,
    leaseMs: number,
  ): Promise<boolean> {
    const count = await this.#db('instances')
      .where({ id, lease_owner: owner })
      .where('lease_until', '>', this.#databaseNow())
      .update({ lease_until: this.#databaseNow(leaseMs) });
    return count === 1;
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    await this.#db('instances')
      .where({ id, lease_owner: owner })
      .update({ lease_owner: null, lease_until: this.#databaseNow() });
  }

  async countLiveByCluster(): Promise<Record<string, number>> {
    const rows: { cluster: string; count: string | number }[] = await this.#db(
      'instances',
    )
      .whereNull('deleted_at')
      .select('cluster')
      .count({ count: '*' })
      .groupBy('cluster');
    return Object.fromEntries(rows.map(r => [r.cluster, Number(r.count)]));
  }

  async listLiveOnCluster(cluster: string): Promise<InstanceRecord[]> {
    const rows = await this.#db<InstanceRow>('instances')
      .whereNull('deleted_at')
      .where({ cluster });
    return rows.map(fromRow);
  }

  async syncClusterRegions(
    clusters: { name: string; region: string }[],
  ): Promise<number> {
    let changed = 0;
    for (const { name, region } of clusters) {
      changed += await this.#db('instances')
        .where({ cluster: name })
        .whereNot({ region })
        .update({ region });
    }
    return changed;
  }

  async countLive(query: { owner?: string }): Promise<number> {
    const builder = this.#db('instances').whereNull('deleted_at');
    if (query.owner) builder.where({ owner: query.owner });
    const [{ count }] = await builder.count({ count: '*' });
    return Number(count);
  }

  async addEvent(event: InstanceEventRecord): Promise<void> {
    await insertEvent(this.#db, event);
  }

  async listEvents(instanceId: string): Promise<InstanceEventRecord[]> {
    const rows = await this.#db('instance_events')
      .where({ instance_id: instanceId })
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(row => ({
      id: row.id,
      instanceId: row.instance_id ?? undefined,
      instanceName: row.instance_name,
      actor: row.actor,
      action: row.action,
      fromStatus: row.from_status ?? undefined,
      toStatus: row.to_status ?? undefined,
      message: row.message,
      createdAt: toDate(row.created_at),
      worker: row.worker ?? undefined,
    }));
  }
}
