import { Instance } from '@supacontrol/plugin-supacontrol-common';

/** An instance as the API returns it, Pending on the cluster `default`, for unit tests. */
export function instanceFixture(overrides: Partial<Instance> = {}): Instance {
  return {
    name: 'pr-1',
    namespace: 'supa-pr-1',
    owner: 'user:default/alice',
    createdBy: 'user:default/alice',
    plan: 'small',
    status: 'Pending',
    desiredState: 'running',
    generation: 1,
    observedGeneration: 0,
    conditions: [],
    components: [],
    endpoints: {},
    cluster: 'default',
    region: 'default',
    chart: { name: 'supabase', version: '0.1.0' },
    mail: { smtp: false, autoconfirm: true },
    deletionProtection: false,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    ...overrides,
  };
}
