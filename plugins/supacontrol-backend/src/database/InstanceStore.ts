import {
  InstanceEventRecord,
  InstanceRecord,
  ListInstancesQuery,
} from './types';

/** Persistence of instances and their history. */
export interface InstanceStore {
  /** Inserts a new instance; throws `ConflictError` when a live instance has the name. */
  createInstance(record: InstanceRecord): Promise<InstanceRecord>;
  /** The live instance with the name, else the most recently deleted one. */
  getInstance(name: string): Promise<InstanceRecord | undefined>;
  listInstances(query: ListInstancesQuery): Promise<{
    items: InstanceRecord[];
    totalCount: number;
    nextCursor?: string;
  }>;
  /** Writes the changed fields of an instance, keyed by id. */
  updateInstance(
    id: string,
    patch: Partial<Omit<InstanceRecord, 'id' | 'name' | 'createdAt'>>,
  ): Promise<InstanceRecord>;
  /**
   * Takes the lease of up to `limit` instances that need work (not Deleted, not Failed, due) and
   * whose lease is free or expired. Atomic per instance, so replicas never work on one at once.
   */
  claimDue(options: {
    owner: string;
    now: Date;
    leaseMs: number;
    limit: number;
    /** Only these instances (by name). */
    names?: string[];
    /** Only instances last worked on (lease taken or released) before this time. */
    workedBefore?: Date;
    /** Never these instances (by id). */
    exclude?: string[];
  }): Promise<InstanceRecord[]>;
  /** Extends a held lease; false when another owner has taken it. */
  renewLease(id: string, owner: string, until: Date): Promise<boolean>;
  releaseLease(id: string, owner: string): Promise<void>;
  addEvent(event: InstanceEventRecord): Promise<void>;
  listEvents(instanceId: string): Promise<InstanceEventRecord[]>;
}
