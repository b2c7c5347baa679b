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
  addEvent(event: InstanceEventRecord): Promise<void>;
  listEvents(instanceId: string): Promise<InstanceEventRecord[]>;
}
