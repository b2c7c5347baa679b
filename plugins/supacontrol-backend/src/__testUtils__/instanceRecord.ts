import { randomUUID } from 'node:crypto';
import { InstanceRecord } from '../database/types';

/** A new Pending instance record of the small plan, for store and reconciler tests. */
export function instanceRecord(
  name: string,
  patch: Partial<InstanceRecord> = {},
): InstanceRecord {
  const now = new Date('2026-12-01T10:00:00.000Z');
  return {
    id: randomUUID(),
    name,
    namespace: `supa-${name}`,
    owner: 'group:default/team-a',
    createdBy: 'user:default/alice',
    plan: 'small',
    cluster: 'default',
    region: 'default',
    chartName: 'supabase',
    chartVersion: '0.1.0',
    status: 'Pending',
    desiredState: 'running',
    generation: 1,
    failureCount: 0,
    observedGeneration: 0,
    conditions: [],
    components: [],
    deletionProtection: false,
    restarts: {},
    rotations: { jwt: 0, dashboard: 0 },
    createdAt: now,
    updatedAt: now,
    ...patch,
  };
}
