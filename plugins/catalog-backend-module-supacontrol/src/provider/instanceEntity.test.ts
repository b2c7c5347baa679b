import { Instance } from '@supacontrol/plugin-supacontrol-common';
import { instanceEntity } from './instanceEntity';

function instance(overrides: Partial<Instance> = {}): Instance {
  return {
    name: 'orders',
    namespace: 'supa-orders',
    owner: 'group:default/team-a',
    createdBy: 'user:default/alice',
    plan: 'small',
    status: 'Running',
    desiredState: 'running',
    generation: 1,
    observedGeneration: 1,
    conditions: [],
    components: [],
    endpoints: {
      api: 'https://orders.supa.example.com',
      studio: 'https://studio-orders.supa.example.com',
    },
    cluster: 'eu-1',
    region: 'eu-west',
    chart: { name: 'supabase', version: '0.1.0' },
    mail: { smtp: false, autoconfirm: true },
    deletionProtection: false,
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:05:00.000Z',
    ...overrides,
  };
}

describe('instanceEntity', () => {
  it('is a Resource owned by the instance owner, with its annotations', () => {
    const entity = instanceEntity(instance(), {
      appBaseUrl: 'https://portal.example.com',
    });

    expect(entity).toMatchObject({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'orders',
        namespace: 'default',
        annotations: {
          'backstage.io/managed-by-location': 'supacontrol:instance/orders',
          'backstage.io/managed-by-origin-location':
            'supacontrol:instance/orders',
          'supacontrol.io/instance': 'orders',
          'supacontrol.io/status': 'Running',
          'supacontrol.io/plan': 'small',
        },
        tags: ['supabase'],
      },
      spec: { type: 'supabase-instance', owner: 'group:default/team-a' },
    });
    expect(entity.metadata.links?.map(link => link.title)).toEqual([
      'Supabase Studio',
      'Supabase API',
      'SupaControl',
    ]);
  });

  it('says where the instance runs, in annotations and in labels the catalog can filter on', () => {
    const entity = instanceEntity(instance(), {});

    expect(entity.metadata.annotations).toMatchObject({
      'supacontrol.io/cluster': 'eu-1',
      'supacontrol.io/region': 'eu-west',
    });
    expect(entity.metadata.labels).toEqual({
      'supacontrol.io/cluster': 'eu-1',
      'supacontrol.io/region': 'eu-west',
    });
    expect(entity.metadata.description).toContain(
      'of cluster eu-1 (region eu-west',
    );
  });

  it('keeps a name that is not a valid label value out of the labels, so the catalog accepts the entity', () => {
    // Cluster names may end with '-'; label values may not.
    const entity = instanceEntity(instance({ cluster: 'edge-' }), {});

    expect(entity.metadata.annotations?.['supacontrol.io/cluster']).toBe(
      'edge-',
    );
    expect(entity.metadata.labels).toEqual({
      'supacontrol.io/region': 'eu-west',
    });
  });
});
