import { LoggerService } from '@backstage/backend-plugin-api';
import { InstanceStatus } from '@supacontrol/plugin-supacontrol-common';
import { randomUUID } from 'node:crypto';
import { InstanceStore } from '../database/InstanceStore';
import { InstanceRecord } from '../database/types';
import { removeCondition, setCondition } from '../lifecycle/conditions';
import { RECONCILER_ACTOR } from '../lifecycle/InstanceReconciler';
import { assertTransition } from '../lifecycle/stateMachine';
import { ClusterProbe } from './ClusterProbe';

/** The condition an instance carries while its cluster cannot be reached. */
export const CLUSTER_REACHABLE = 'ClusterReachable';
/** How old a probe a reconcile pass accepts: passes come often, probes at most this often. */
const PASS_PROBE_MAX_AGE_MS = 5_000;

function isMarked(record: InstanceRecord): boolean {
  return record.conditions.some(
    c => c.type === CLUSTER_REACHABLE && c.status === 'False',
  );
}

/**
 * A cluster's reconcile queue stands still while its apiserver does not answer: nothing is
 * claimed there (so no instance burns its attempts on an outage), and each of its live instances
 * gets `ClusterReachable=False`, Running ones becoming Degraded, as the status no one can check.
 * When the apiserver answers again the condition goes and the instances are reconciled at once:
 * Degraded ones return to Running as soon as their workloads are seen ready. Other clusters'
 * queues are not touched.
 */
export class ClusterOutage {
  readonly #cluster: string;
  readonly #probe: ClusterProbe;
  readonly #store: InstanceStore;
  readonly #logger: LoggerService;
  readonly #statusChanged: (
    record: InstanceRecord,
    from: InstanceStatus,
    message: string,
  ) => void;
  readonly #recovered: (name: string) => void;
  /** Whether some instance may carry the condition (at start: perhaps, from before a restart). */
  #marked = true;
  #lastStatus?: string;

  static create(options: {
    cluster: string;
    probe: ClusterProbe;
    store: InstanceStore;
    logger: LoggerService;
    statusChanged(
      record: InstanceRecord,
      from: InstanceStatus,
      message: string,
    ): void;
    /** An instance to reconcile now that its cluster answers again. */
    recovered(name: string): void;
  }): ClusterOutage {
    return new ClusterOutage(options);
  }

  private constructor(options: Parameters<typeof ClusterOutage.create>[0]) {
    this.#cluster = options.cluster;
    this.#probe = options.probe;
    this.#store = options.store;
    this.#logger = options.logger;
    this.#statusChanged = options.statusChanged;
    this.#recovered = options.recovered;
  }

  /**
   * Whether a pass may work on the cluster's instances: probes it (at most every few seconds),
   * marks its instances while it is down and unmarks them once it is back.
   */
  async mayWork(): Promise<boolean> {
    const found = await this.#probe.check(PASS_PROBE_MAX_AGE_MS);
    if (found.status !== this.#lastStatus) {
      this.#lastStatus = found.status;
      if (found.status === 'unreachable') {
        this.#logger.warn(
          `Cluster '${this.#cluster}' is unreachable; its instances wait`,
          { cluster: this.#cluster, error: found.message },
        );
      } else {
        this.#logger.info(`Cluster '${this.#cluster}' is reachable`, {
          cluster: this.#cluster,
        });
      }
    }
    if (found.status === 'unreachable') {
      await this.#mark(found.message ?? 'no answer');
      return false;
    }
    if (this.#marked) await this.#unmark();
    return true;
  }

  /** Writes the instance's change with its history entry, unless an API write came first. */
  #write(
    record: InstanceRecord,
    patch: Pick<InstanceRecord, 'conditions'> & { status?: InstanceStatus },
    event: { action: string; message: string },
  ): Promise<InstanceRecord | undefined> {
    const now = new Date();
    const changes =
      patch.status !== undefined && patch.status !== record.status;
    return this.#store.updateAtGeneration(
      record.id,
      record.generation,
      { ...patch, updatedAt: now },
      {
        event: {
          id: randomUUID(),
          instanceId: record.id,
          instanceName: record.name,
          actor: RECONCILER_ACTOR,
          ...event,
          ...(changes && { fromStatus: record.status, toStatus: patch.status }),
          createdAt: now,
        },
      },
    );
  }

  async #mark(reason: string) {
    this.#marked = true;
    const message = `Cluster '${this.#cluster}' is unreachable: ${reason}`;
    for (const record of await this.#store.listLiveOnCluster(this.#cluster)) {
      if (isMarked(record)) continue;
      const to: InstanceStatus =
        record.status === 'Running' ? 'Degraded' : record.status;
      assertTransition(record.status, to);
      const written = await this.#write(
        record,
        {
          status: to,
          conditions: setCondition(record.conditions, {
            type: CLUSTER_REACHABLE,
            status: 'False',
            reason: 'ApiserverUnreachable',
            message,
          }),
        },
        { action: 'cluster-unreachable', message },
      );
      if (written && to !== record.status) {
        this.#statusChanged(written, record.status, message);
      }
    }
  }

  async #unmark() {
    const message = `Cluster '${this.#cluster}' is reachable again`;
    let all = true;
    for (const record of await this.#store.listLiveOnCluster(this.#cluster)) {
      if (!isMarked(record)) continue;
      const written = await this.#write(
        record,
        { conditions: removeCondition(record.conditions, CLUSTER_REACHABLE) },
        { action: 'cluster-reachable', message },
      );
      if (!written) all = false;
      this.#recovered(record.name);
    }
    // A write that lost to an API change is tried again by the next pass.
    this.#marked = !all;
  }
}
