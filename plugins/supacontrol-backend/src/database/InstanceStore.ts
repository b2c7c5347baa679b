import { CustomErrorBase } from '@backstage/errors';
import { InstanceStatus } from '@supacontrol/plugin-supacontrol-common';
import {
  InstanceEventRecord,
  InstanceRecord,
  ListInstancesQuery,
} from './types';

/** The fields of an instance a write may change. */
export type InstancePatch = Partial<
  Omit<InstanceRecord, 'id' | 'name' | 'createdAt'>
>;

/**
 * What a reconciler holds while it works on an instance: the lease (by owner) and the generation
 * it claimed, i.e. the desired state it is moving the instance toward.
 */
export interface InstanceLease {
  id: string;
  owner: string;
  generation: number;
}

/**
 * A fenced write found that its lease had been taken by another owner or had run out (by the
 * database's clock). Nothing was written; the holder must stop, since another replica may now be
 * working on the instance.
 */
export class LeaseLostError extends CustomErrorBase {
  name = 'LeaseLostError' as const;
}

/**
 * A fenced write found the instance at a newer generation than the one its lease was taken for
 * (the API recorded a new desired state meanwhile). Nothing was written; the next pass works
 * toward the new generation.
 */
export class GenerationChangedError extends CustomErrorBase {
  name = 'GenerationChangedError' as const;
}

/**
 * A cluster already holds its `maxInstances` live instances; nothing was written. Answered as 409,
 * naming the limit.
 */
export class ClusterFullError extends CustomErrorBase {
  name = 'ClusterFullError' as const;
  constructor(cluster: string, maxInstances: number) {
    super(
      `Cluster '${cluster}' is full: it holds its limit of ${maxInstances} live instances (maxInstances in supacontrol.clusters); delete one, choose another cluster or region, or raise the limit`,
    );
  }
}

/** Persistence of instances and their history. */
export interface InstanceStore {
  /**
   * Inserts a new instance; throws `ConflictError` when a live instance has the name, and
   * {@link ClusterFullError} when its cluster already holds `maxInstances` live instances
   * (checked in the same transaction, one create per cluster at a time).
   */
  createInstance(
    record: InstanceRecord,
    options?: { maxInstances?: number },
  ): Promise<InstanceRecord>;
  /** The live instance with the name, else the most recently deleted one. */
  getInstance(name: string): Promise<InstanceRecord | undefined>;
  listInstances(query: ListInstancesQuery): Promise<{
    items: InstanceRecord[];
    totalCount: number;
    nextCursor?: string;
  }>;
  /** Live (not deleted) instances, of one owner or all. */
  countLive(query: { owner?: string }): Promise<number>;
  /** Writes the changed fields of an instance, keyed by id, unconditionally. */
  updateInstance(id: string, patch: InstancePatch): Promise<InstanceRecord>;
  /**
   * Writes the patch (and the event, in the same transaction) only if the instance is still at
   * `generation`; undefined, with nothing written, when another write changed it first. For API
   * writes, which record a new desired state on top of the one they read.
   */
  updateAtGeneration(
    id: string,
    generation: number,
    patch: InstancePatch,
    options?: { event?: InstanceEventRecord },
  ): Promise<InstanceRecord | undefined>;
  /**
   * The reconciler's write: the patch (and the event, in the same transaction) only while the
   * lease is held by `lease.owner` and has not run out by the database's clock, and the instance
   * is still at `lease.generation`. Otherwise nothing is written and it throws
   * {@link LeaseLostError} or {@link GenerationChangedError}. `retryInMs` sets the next attempt
   * that long after the database's now.
   */
  updateLeased(
    lease: InstanceLease,
    patch: InstancePatch,
    options?: { event?: InstanceEventRecord; retryInMs?: number },
  ): Promise<InstanceRecord>;
  /** The database's clock, which every lease is measured by (replicas' clocks may disagree). */
  databaseTime(): Promise<Date>;
  /**
   * Takes the lease of up to `limit` instances that need work (not Deleted, not Failed, due) and
   * whose lease is free or expired, for `leaseMs` from the database's now. Atomic per instance,
   * so replicas never work on one at once.
   */
  claimDue(options: {
    owner: string;
    leaseMs: number;
    limit: number;
    /** Only these instances (by name). */
    names?: string[];
    /** Only instances last worked on (lease taken or released) before this database time. */
    workedBefore?: Date;
    /** Never these instances (by id). */
    exclude?: string[];
    /**
     * Instances worked on before come first, least recently worked first; by default those
     * never worked on come first (fairness for new instances).
     */
    startedFirst?: boolean;
    /** Only instances on this cluster. */
    cluster?: string;
  }): Promise<InstanceRecord[]>;
  /**
   * Every instance `claimDue` could take now, leased or not (or only the named ones): one query,
   * so that a pass can leave the steady ones alone without claiming each.
   */
  listReconcilable(
    names?: string[],
    cluster?: string,
  ): Promise<InstanceRecord[]>;
  /** Live instances by cluster name (clusters without any are absent). */
  countLiveByCluster(): Promise<Record<string, number>>;
  /** Every live instance on a cluster (to mark them while it cannot be reached). */
  listLiveOnCluster(cluster: string): Promise<InstanceRecord[]>;
  /**
   * Sets each instance's region to its cluster's (the configuration may have changed it);
   * returns how many changed.
   */
  syncClusterRegions(
    clusters: { name: string; region: string }[],
  ): Promise<number>;
  /** How many live (not deleted) instances there are of each status and plan, per cluster. */
  countByStatusAndPlan(): Promise<
    { status: InstanceStatus; plan: string; cluster: string; count: number }[]
  >;
  /** Queries sent on the store's database client so far (by anything that uses the client). */
  readonly queryCount: number;
  /**
   * Extends a held lease to `leaseMs` from the database's now; false when another owner has
   * taken it or it has already run out (then it is lost, even if nobody took it yet).
   */
  renewLease(id: string, owner: string, leaseMs: number): Promise<boolean>;
  releaseLease(id: string, owner: string): Promise<void>;
  addEvent(event: InstanceEventRecord): Promise<void>;
  listEvents(instanceId: string): Promise<InstanceEventRecord[]>;
}
