import { ConflictError, InputError } from '@backstage/errors';
import { ClusterConfig, PlanConfig } from '../config/SupaControlConfig';
import { placeInstance } from './placement';

const cluster = (
  name: string,
  region: string,
  extra: Partial<ClusterConfig> = {},
): ClusterConfig => ({
  name,
  region,
  labels: {},
  connection: { type: 'kubeconfig', path: `/${name}.kubeconfig` },
  enabled: true,
  ...extra,
});

const plan = (regions?: string[]): PlanConfig => ({
  name: regions ? 'eu-only' : 'small',
  description: '',
  default: false,
  quota: {},
  values: {},
  regions,
});

const clusters = [
  cluster('eu-1', 'eu', { maxInstances: 10 }),
  cluster('eu-2', 'eu', { maxInstances: 4 }),
  cluster('us-1', 'us'),
  cluster('eu-old', 'eu', { enabled: false }),
];

const state = (counts: Record<string, number>, unreachable: string[] = []) => ({
  counts,
  reachable: (name: string) => !unreachable.includes(name),
});

describe('placeInstance', () => {
  it('puts a region request on the enabled cluster of that region with the most room', () => {
    expect(
      placeInstance(
        clusters,
        { region: 'eu', plan: plan() },
        state({ 'eu-1': 8, 'eu-2': 1 }),
      ).name,
    ).toBe('eu-2');
    expect(
      placeInstance(
        clusters,
        { region: 'eu', plan: plan() },
        state({ 'eu-1': 2, 'eu-2': 1 }),
      ).name,
    ).toBe('eu-1');
  });

  it('without a request takes the most room anywhere (unlimited first), or in the plan regions', () => {
    expect(placeInstance(clusters, { plan: plan() }, state({})).name).toBe(
      'us-1',
    );
    expect(
      placeInstance(clusters, { plan: plan(['eu']) }, state({})).name,
    ).toBe('eu-1');
  });

  it('prefers a reachable cluster, but uses an unreachable one rather than refusing', () => {
    expect(
      placeInstance(
        clusters,
        { region: 'eu', plan: plan() },
        state({}, ['eu-1']),
      ).name,
    ).toBe('eu-2');
    expect(
      placeInstance(
        clusters,
        { region: 'us', plan: plan() },
        state({}, ['us-1']),
      ).name,
    ).toBe('us-1');
  });

  it('takes a named cluster as asked', () => {
    expect(
      placeInstance(clusters, { cluster: 'eu-2', plan: plan() }, state({}))
        .name,
    ).toBe('eu-2');
  });

  it('refuses a full or drained cluster with 409 naming the limit', () => {
    expect(() =>
      placeInstance(
        clusters,
        { cluster: 'eu-2', plan: plan() },
        state({ 'eu-2': 4 }),
      ),
    ).toThrow(
      new ConflictError(
        "Cluster 'eu-2' (maxInstances 4) is full; delete an instance there, choose another cluster or region, or raise maxInstances",
      ),
    );
    expect(() =>
      placeInstance(
        clusters,
        { region: 'eu', plan: plan() },
        state({ 'eu-1': 10, 'eu-2': 4 }),
      ),
    ).toThrow(
      /Every cluster in region 'eu' is full: 'eu-1' \(maxInstances 10\), 'eu-2' \(maxInstances 4\)/,
    );
    expect(() =>
      placeInstance(clusters, { cluster: 'eu-old', plan: plan() }, state({})),
    ).toThrow(ConflictError);
    expect(() =>
      placeInstance(
        [cluster('a', 'x', { enabled: false })],
        { plan: plan() },
        state({}),
      ),
    ).toThrow("No cluster in any region takes new instances: 'a' is drained");
  });

  it('refuses with 400 what the request can fix', () => {
    const cases: [object, RegExp][] = [
      [{ cluster: 'eu-1', region: 'eu' }, /not both/],
      [
        { cluster: 'mars-1' },
        /cluster must be one of 'eu-1', 'eu-2', 'us-1', 'eu-old'; got 'mars-1'/,
      ],
      [{ region: 'mars' }, /region must be one of 'eu', 'us'; got 'mars'/],
    ];
    for (const [request, message] of cases) {
      expect(() =>
        placeInstance(clusters, { ...request, plan: plan() }, state({})),
      ).toThrow(message);
    }
    expect(() =>
      placeInstance(clusters, { region: 'us', plan: plan(['eu']) }, state({})),
    ).toThrow(
      new InputError(
        "plan 'eu-only' may be placed in region 'eu' only; got 'us'",
      ),
    );
    expect(() =>
      placeInstance(
        clusters,
        { cluster: 'us-1', plan: plan(['eu']) },
        state({}),
      ),
    ).toThrow(InputError);
  });
});
