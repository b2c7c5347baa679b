import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import type { InstanceStatus } from '@supacontrol/plugin-supacontrol-common';
import type { InstanceStore } from '../database/InstanceStore';
import type { InstanceRecord } from '../database/types';

/** Seconds, from a few milliseconds to ten minutes: steps, Helm commands, reconcile passes. */
const STEP_BUCKETS = [
  0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
];
/** Seconds from a create to Running: seconds to half an hour. */
const CREATE_BUCKETS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800];
/** Instances worked on in one pass. */
const PASS_BUCKETS = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/** What one lifecycle step, Helm command or pass came to. */
export type Outcome = 'success' | 'failure';

/** The lifecycle steps measured, as `step` attribute values. */
export type LifecycleStep =
  | 'namespace'
  | 'secret'
  | 'release'
  | 'readiness'
  | 'deletion';

/**
 * SupaControl's metrics, through Backstage's `MetricsService` (OpenTelemetry): named like the core
 * plugins' (`catalog.processing.duration`), durations in seconds. The backend's OpenTelemetry set-up
 * decides where they go (the portal's: a Prometheus endpoint, see README.md "Metrics").
 */
export class SupaControlMetrics {
  readonly #passDuration;
  readonly #passInstances;
  readonly #stepDuration;
  readonly #helmDuration;
  readonly #helmFailures;
  readonly #kubernetesRequests;
  readonly #createToRunning;
  readonly #apiKeyAuthentications;
  readonly #apiRequests;
  readonly #apiRequestDuration;
  #clusters: () => { name: string; region: string; status: string }[] =
    () => [];

  static create(options: {
    metrics: MetricsService;
    store: Pick<InstanceStore, 'countByStatusAndPlan'>;
  }): SupaControlMetrics {
    return new SupaControlMetrics(options);
  }

  private constructor(
    options: Parameters<typeof SupaControlMetrics.create>[0],
  ) {
    const { metrics, store } = options;
    // Series seen once are reported as 0 when nothing has that status, plan and cluster any
    // more: OpenTelemetry would otherwise go on exporting their last value.
    const seen = new Map<
      string,
      { status: string; plan: string; cluster: string }
    >();
    metrics
      .createObservableGauge('supacontrol.instances', {
        description:
          'Instances by status, plan and cluster (deleted ones excepted), read from the database at each collection',
        unit: '{instance}',
      })
      .addCallback(async result => {
        const counts = new Map<string, number>();
        for (const row of await store.countByStatusAndPlan()) {
          const key = `${row.status}\u0000${row.plan}\u0000${row.cluster}`;
          seen.set(key, {
            status: row.status,
            plan: row.plan,
            cluster: row.cluster,
          });
          counts.set(key, row.count);
        }
        for (const [key, attributes] of seen) {
          result.observe(counts.get(key) ?? 0, attributes);
        }
      });
    metrics
      .createObservableGauge('supacontrol.cluster.reachable', {
        description:
          "1 when the cluster's apiserver answered SupaControl's last probe, 0 when it did not (not reported before the first probe)",
      })
      .addCallback(result => {
        for (const cluster of this.#clusters()) {
          if (cluster.status === 'unknown') continue;
          result.observe(cluster.status === 'reachable' ? 1 : 0, {
            cluster: cluster.name,
            region: cluster.region,
          });
        }
      });
    const histogram = (
      name: string,
      description: string,
      unit: string,
      buckets: number[],
    ) =>
      metrics.createHistogram(name, {
        description,
        unit,
        advice: { explicitBucketBoundaries: buckets },
      });
    this.#passDuration = histogram(
      'supacontrol.reconcile.pass.duration',
      'Duration of reconcile passes, by outcome and cluster',
      's',
      STEP_BUCKETS,
    );
    this.#passInstances = histogram(
      'supacontrol.reconcile.pass.instances',
      'Instances worked on in a reconcile pass',
      '{instance}',
      PASS_BUCKETS,
    );
    this.#stepDuration = histogram(
      'supacontrol.lifecycle.step.duration',
      'Duration of lifecycle steps (namespace, secret, release, readiness, deletion), by outcome',
      's',
      STEP_BUCKETS,
    );
    this.#helmDuration = histogram(
      'supacontrol.helm.command.duration',
      'Duration of helm commands, by command and outcome',
      's',
      STEP_BUCKETS,
    );
    this.#createToRunning = histogram(
      'supacontrol.instance.create_to_running.duration',
      'Time from the create request to the first Running, by plan',
      's',
      CREATE_BUCKETS,
    );
    this.#apiRequestDuration = histogram(
      'supacontrol.api.request.duration',
      'Duration of API requests, by route and method',
      's',
      STEP_BUCKETS,
    );
    this.#helmFailures = metrics.createCounter(
      'supacontrol.helm.command.failures',
      { description: 'helm commands that failed, by command' },
    );
    this.#kubernetesRequests = metrics.createCounter(
      'supacontrol.kubernetes.requests',
      {
        description:
          'Kubernetes API requests (informer lists and watches included), by verb and outcome',
      },
    );
    this.#apiKeyAuthentications = metrics.createCounter(
      'supacontrol.api_key.authentications',
      { description: 'API key authentications, by outcome' },
    );
    this.#apiRequests = metrics.createCounter('supacontrol.api.requests', {
      description: 'API requests, by route, method and status code',
    });
  }

  /** Where `supacontrol.cluster.reachable` reads each cluster's last probe. */
  observeClusters(
    source: () => { name: string; region: string; status: string }[],
  ): void {
    this.#clusters = source;
  }

  passDone(
    seconds: number,
    worked: number,
    outcome: Outcome,
    cluster: string,
  ): void {
    this.#passDuration.record(seconds, { outcome, cluster });
    this.#passInstances.record(worked, { cluster });
  }

  stepDone(step: LifecycleStep, seconds: number, outcome: Outcome): void {
    this.#stepDuration.record(seconds, { step, outcome });
  }

  helmCommand(
    command: string,
    seconds: number,
    outcome: Outcome,
    cluster: string,
  ): void {
    this.#helmDuration.record(seconds, { command, outcome, cluster });
    if (outcome === 'failure') this.#helmFailures.add(1, { command, cluster });
  }

  kubernetesRequest(verb: string, outcome: string, cluster: string): void {
    this.#kubernetesRequests.add(1, { verb, outcome, cluster });
  }

  /** A status change: the first Running after a create counts its time from the create. */
  statusChanged(record: InstanceRecord, from: InstanceStatus): void {
    if (
      record.status === 'Running' &&
      (from === 'Provisioning' || from === 'Pending')
    ) {
      this.#createToRunning.record(
        (Date.now() - record.createdAt.getTime()) / 1000,
        { plan: record.plan },
      );
    }
  }

  apiKeyAuthentication(outcome: string): void {
    this.#apiKeyAuthentications.add(1, { outcome });
  }

  apiRequest(
    route: string,
    method: string,
    status: number,
    seconds: number,
  ): void {
    this.#apiRequests.add(1, { route, method, status: String(status) });
    this.#apiRequestDuration.record(seconds, { route, method });
  }
}
