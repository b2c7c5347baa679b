import {
  ClusterSummary,
  HealthResponse,
} from '@supacontrol/plugin-supacontrol-common';
import { ClusterConfig } from '../config/SupaControlConfig';
import { InstanceStore } from '../database/InstanceStore';
import { KubernetesClient } from '../kubernetes/KubernetesClient';
import { InstanceDriver } from '../lifecycle/InstanceDriver';
import type { InstanceReconciler } from '../lifecycle/InstanceReconciler';
import { ClusterProbe } from './ClusterProbe';
import { placeInstance, PlacementRequest } from './placement';

/** One configured cluster and everything that works on it alone. */
export interface ClusterHandle {
  config: ClusterConfig;
  kube: KubernetesClient;
  driver: InstanceDriver;
  probe: ClusterProbe;
  /** Undefined on a replica that only serves the API. */
  reconciler?: InstanceReconciler;
}

/** How old a probe the health endpoint and placement accept. */
const HEALTH_PROBE_MAX_AGE_MS = 5_000;

/**
 * The clusters instances are placed on, by name: each with its own Kubernetes client, Helm,
 * reachability and reconcile queue, so that one cluster's outage stops only its own work.
 */
export class Clusters {
  readonly #handles: Map<string, ClusterHandle>;

  static create(handles: ClusterHandle[]): Clusters {
    return new Clusters(handles);
  }

  private constructor(handles: ClusterHandle[]) {
    this.#handles = new Map(handles.map(h => [h.config.name, h]));
  }

  get size(): number {
    return this.#handles.size;
  }

  all(): ClusterHandle[] {
    return [...this.#handles.values()];
  }

  get(name: string): ClusterHandle | undefined {
    return this.#handles.get(name);
  }

  /** The cluster a create goes to; see {@link placeInstance}. */
  async place(
    store: Pick<InstanceStore, 'countLiveByCluster'>,
    request: PlacementRequest,
  ): Promise<ClusterHandle> {
    const counts = await store.countLiveByCluster();
    const chosen = placeInstance(
      this.all().map(h => h.config),
      request,
      {
        counts,
        reachable: name => this.get(name)?.probe.last.status !== 'unreachable',
      },
    );
    return this.get(chosen.name)!;
  }

  /** `GET /v1/clusters`: configuration without connection details, counts, last probe. */
  async summaries(
    store: Pick<InstanceStore, 'countLiveByCluster'>,
  ): Promise<ClusterSummary[]> {
    const counts = await store.countLiveByCluster();
    return this.all().map(({ config, probe }) => ({
      name: config.name,
      region: config.region,
      labels: config.labels,
      enabled: config.enabled,
      ...(config.maxInstances !== undefined && {
        maxInstances: config.maxInstances,
      }),
      instances: counts[config.name] ?? 0,
      status: probe.last.status,
      ...(probe.last.message && { message: probe.last.message }),
    }));
  }

  /** Each cluster's reachability, probed now unless a probe of the last seconds is at hand. */
  async health(): Promise<HealthResponse['clusters']> {
    return Promise.all(
      this.all().map(async ({ config, probe }) => {
        const { name, region, enabled } = config;
        const found = await probe.check(HEALTH_PROBE_MAX_AGE_MS);
        return found.status === 'reachable'
          ? { name, region, enabled, status: 'ok' }
          : {
              name,
              region,
              enabled,
              status: 'error',
              message: `The apiserver of cluster '${name}' did not answer; see the backend log`,
            };
      }),
    );
  }
}
