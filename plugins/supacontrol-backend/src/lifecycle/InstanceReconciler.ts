import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { InstanceStatus } from '@internal/plugin-supacontrol-common';
import { randomUUID } from 'node:crypto';
import { SupaControlConfig } from '../config/SupaControlConfig';
import { InstanceStore } from '../database/InstanceStore';
import { ExpectedWorkload, InstanceRecord } from '../database/types';
import { HelmError } from '../helm/HelmClient';
import { describeKubernetesError } from '../kubernetes/KubernetesClient';
import { removeCondition, setCondition } from './conditions';
import {
  ForeignNamespaceError,
  InstanceDriver,
  NamespaceTerminatingError,
  Workloads,
} from './InstanceDriver';
import { assertTransition } from './stateMachine';
import { isTransientError } from './transientErrors';

const TASK_ID = 'supacontrol-reconcile';
const ACTOR = 'supacontrol:reconciler';
/** How soon an instance that waits for the cluster (readiness, namespace deletion) is looked at again. */
const POLL_MS = 2_000;

/**
 * Crash injection for the lifecycle tests: when SUPACONTROL_FAILPOINT names this point, the
 * process kills itself with SIGKILL, exactly as a crash there would. Unset in production.
 */
function failpoint(name: string, delayMs = 0): void {
  if (process.env.SUPACONTROL_FAILPOINT !== name) return;
  const die = () => process.kill(process.pid, 'SIGKILL');
  if (delayMs > 0) setTimeout(die, delayMs);
  else die();
}

/** What one reconcile of an instance ended with. */
type Outcome = { record: InstanceRecord; waiting: boolean };

function describeError(error: unknown): string {
  if (error instanceof HelmError || error instanceof ForeignNamespaceError) {
    return error.message;
  }
  return describeKubernetesError(error);
}

/**
 * The level-triggered reconciler: the API records desired state and a generation, this moves each
 * instance toward it. Each pass claims due instances under a lease (so two replicas never work on
 * one), runs idempotent steps, and writes progress to the database before and after each step, so
 * that a crash at any point is finished by the next pass, here or on another replica. Failures
 * back off exponentially; after `maxAttempts` the instance is `Failed` until retried.
 */
export class InstanceReconciler {
  readonly #store: InstanceStore;
  readonly #driver: InstanceDriver;
  readonly #config: SupaControlConfig;
  readonly #logger: LoggerService;
  readonly #owner = `reconciler-${randomUUID()}`;
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Names triggered since the last coalesced pass. */
  readonly #triggered = new Set<string>();
  #triggerTimer?: NodeJS.Timeout;
  #stopped = false;
  /** Ids of the instances this process works on right now (at most `concurrency`). */
  readonly #inFlight = new Set<string>();
  /** Claims are made one at a time: each waits for the one before. */
  #claiming: Promise<unknown> = Promise.resolve();
  /** Names triggered while every worker was taken. */
  readonly #deferred = new Set<string>();
  /** Kubernetes requests of the last completed pass; reported by benchmarks. */
  lastPassRequests = 0;

  static create(options: {
    store: InstanceStore;
    driver: InstanceDriver;
    config: SupaControlConfig;
    logger: LoggerService;
  }): InstanceReconciler {
    return new InstanceReconciler(options);
  }

  private constructor(
    options: Parameters<typeof InstanceReconciler.create>[0],
  ) {
    this.#store = options.store;
    this.#driver = options.driver;
    this.#config = options.config;
    this.#logger = options.logger;
  }

  /** Registers the periodic pass as a global scheduler task (one replica at a time runs it). */
  async schedule(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: TASK_ID,
      scope: 'global',
      frequency: { seconds: this.#config.reconcile.intervalSeconds },
      timeout: { milliseconds: this.#config.reconcile.leaseMs },
      initialDelay: { seconds: 1 },
      fn: async () => {
        await this.reconcileAll();
      },
    });
  }

  /**
   * Reconciles an instance soon, on this replica, after an API change or while it waits for the
   * cluster. Triggers arriving together are served by one pass (one workload listing).
   */
  trigger(name: string): void {
    if (this.#stopped) return;
    this.#triggered.add(name);
    if (this.#triggerTimer) return;
    this.#triggerTimer = setTimeout(() => {
      this.#triggerTimer = undefined;
      const names = [...this.#triggered];
      this.#triggered.clear();
      this.reconcileAll({ names }).catch(error =>
        this.#logger.error('Reconcile failed', {
          instances: names.join(', '),
          error: String(error),
        }),
      );
    }, 200);
    this.#triggerTimer.unref?.();
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.#triggerTimer) clearTimeout(this.#triggerTimer);
  }

  /**
   * One pass over every due instance (or the named ones): each gets one step. At most
   * `concurrency` instances are worked on at once in this process, across overlapping passes, and
   * an instance is claimed only when a worker is free to start on it, so that no lease runs out
   * while its instance waits in a queue (and another pass takes it a second time).
   */
  async reconcileAll(options?: { names?: string[] }): Promise<void> {
    if (this.#stopped) return;
    const passStart = new Date();
    const before = this.#driver.kubernetes.requestCount;
    // One listing of every instance's workloads per pass, however many instances there are.
    let workloads: Promise<Workloads | undefined> | undefined;
    const listWorkloads = () =>
      (workloads ??= this.#driver.kubernetes
        .listWorkloads()
        .catch((error): undefined => {
          this.#logger.warn('Could not list workloads', {
            error: describeKubernetesError(error),
          });
          return undefined;
        }));
    let worked = 0;
    let busy = false;
    const worker = async () => {
      for (;;) {
        const next = await this.#claimNext(passStart, options?.names);
        if (next === 'busy') busy = true;
        if (!next || next === 'busy') return;
        worked += 1;
        try {
          await this.#reconcileClaimed(next, await listWorkloads());
        } finally {
          this.#inFlight.delete(next.id);
          this.#serveDeferred();
        }
      }
    };
    await Promise.all(
      Array.from({ length: this.#config.reconcile.concurrency }, worker),
    );
    if (busy && options?.names) {
      // Every worker of this process is taken: serve these as soon as one is free.
      for (const name of options.names) this.#deferred.add(name);
      this.#serveDeferred();
    }
    if (worked === 0) return;
    this.lastPassRequests = this.#driver.kubernetes.requestCount - before;
    this.#logger.debug('Reconcile pass done', {
      instances: worked,
      kubernetesRequests: this.lastPassRequests,
    });
  }

  /**
   * The lease of the next instance due in this pass (one not worked on since the pass began), or
   * `'busy'` when `concurrency` instances are already in flight here. Claims are made one at a
   * time in this process, so two workers never take the same instance.
   */
  #claimNext(
    passStart: Date,
    names: string[] | undefined,
  ): Promise<InstanceRecord | 'busy' | undefined> {
    const claim = this.#claiming.then(async () => {
      if (this.#stopped) return undefined;
      if (this.#inFlight.size >= this.#config.reconcile.concurrency) {
        return 'busy' as const;
      }
      const [record] = await this.#store.claimDue({
        owner: this.#owner,
        now: new Date(),
        leaseMs: this.#config.reconcile.leaseMs,
        limit: 1,
        names,
        workedBefore: passStart,
        exclude: [...this.#inFlight],
      });
      if (record) this.#inFlight.add(record.id);
      return record;
    });
    this.#claiming = claim.catch(() => undefined);
    return claim;
  }

  /** Triggers what arrived while every worker was taken, once one is free. */
  #serveDeferred() {
    if (
      this.#deferred.size === 0 ||
      this.#inFlight.size >= this.#config.reconcile.concurrency
    ) {
      return;
    }
    const names = [...this.#deferred];
    this.#deferred.clear();
    for (const name of names) this.trigger(name);
  }

  async #reconcileClaimed(
    record: InstanceRecord,
    workloads: Workloads | undefined,
  ) {
    const renew = setInterval(() => {
      this.#store
        .renewLease(
          record.id,
          this.#owner,
          new Date(Date.now() + this.#config.reconcile.leaseMs),
        )
        .then(held => {
          if (!held) {
            this.#logger.warn(
              'Lost the lease of an instance while working on it',
              {
                instance: record.name,
              },
            );
          }
        })
        .catch(() => {});
    }, Math.max(1000, this.#config.reconcile.leaseMs / 3));
    let waiting = false;
    try {
      const outcome =
        record.desiredState === 'deleted'
          ? await this.#reconcileDeletion(record)
          : await this.#reconcileRunning(record, workloads);
      waiting = outcome.waiting;
      if (
        waiting ||
        record.failureCount > 0 ||
        record.lastError ||
        record.nextAttemptAt
      ) {
        await this.#store.updateInstance(record.id, {
          failureCount: 0,
          nextAttemptAt: waiting ? new Date(Date.now() + POLL_MS) : undefined,
          lastError: undefined,
          updatedAt: new Date(),
        });
      }
    } catch (error) {
      await this.#recordFailure(record, error);
    } finally {
      clearInterval(renew);
      await this.#store.releaseLease(record.id, this.#owner).catch(() => {});
    }
    if (waiting) this.#followUp(record.name, POLL_MS);
  }

  #followUp(name: string, delayMs: number) {
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.trigger(name);
    }, delayMs);
    timer.unref?.();
    this.#timers.add(timer);
  }

  async #recordFailure(record: InstanceRecord, error: unknown) {
    const fresh = (await this.#store.getInstance(record.name)) ?? record;
    const message = describeError(error);
    const failures = fresh.failureCount + 1;
    const { maxAttempts, backoffBaseMs, backoffMaxMs } = this.#config.reconcile;
    this.#logger.warn('Reconcile step failed', {
      instance: record.name,
      attempt: failures,
      error: message,
    });
    let conditions = setCondition(fresh.conditions, {
      type: 'Reconciled',
      status: 'False',
      reason: 'StepFailed',
      message: `Attempt ${failures} of ${maxAttempts}: ${message}`,
    });
    const transient = isTransientError(error);
    if (transient) {
      conditions = setCondition(fresh.conditions, {
        type: 'Reconciled',
        status: 'False',
        reason: 'ClusterUnreachable',
        message: `The cluster did not answer (attempt ${failures}); retrying: ${message}`,
      });
    }
    if (failures >= maxAttempts && !transient) {
      await this.#transition(
        fresh,
        'Failed',
        `Gave up after ${failures} attempts: ${message}`,
        {
          failureCount: failures,
          lastError: message,
          conditions,
          nextAttemptAt: undefined,
        },
      );
      return;
    }
    const delay = Math.min(backoffMaxMs, backoffBaseMs * 2 ** (failures - 1));
    await this.#store.updateInstance(record.id, {
      failureCount: failures,
      lastError: message,
      conditions,
      nextAttemptAt: new Date(Date.now() + delay),
      updatedAt: new Date(),
    });
    this.#followUp(record.name, delay);
  }

  /** Writes a status change (checked against the state machine) and its history entry. */
  async #transition(
    record: InstanceRecord,
    to: InstanceStatus,
    message: string,
    patch: Partial<InstanceRecord> = {},
  ): Promise<InstanceRecord> {
    if (record.status === to) {
      return this.#store.updateInstance(record.id, {
        ...patch,
        updatedAt: new Date(),
      });
    }
    assertTransition(record.status, to);
    const now = new Date();
    const updated = await this.#store.updateInstance(record.id, {
      ...patch,
      status: to,
      updatedAt: now,
    });
    await this.#store.addEvent({
      id: randomUUID(),
      instanceId: record.id,
      instanceName: record.name,
      actor: ACTOR,
      action: 'status',
      fromStatus: record.status,
      toStatus: to,
      message,
      createdAt: now,
    });
    this.#logger.info(`Instance ${record.name}: ${record.status} → ${to}`, {
      instance: record.name,
    });
    return updated;
  }

  async #step(
    record: InstanceRecord,
    type: string,
    reason: string,
    message: string,
    run: () => Promise<void>,
  ): Promise<InstanceRecord> {
    // Before: the step is under way. After: it is done. A crash between the two leaves Unknown,
    // and the next pass repeats the (idempotent) step.
    let current = await this.#store.updateInstance(record.id, {
      conditions: setCondition(record.conditions, {
        type,
        status: 'Unknown',
        reason,
        message,
      }),
    });
    failpoint(`${type}:before`);
    failpoint(`${type}:during`, 300);
    await run();
    failpoint(`${type}:after`);
    current = await this.#store.updateInstance(record.id, {
      conditions: setCondition(current.conditions, {
        type,
        status: 'True',
        reason: 'Done',
        message,
      }),
    });
    return current;
  }

  async #reconcileRunning(
    initial: InstanceRecord,
    workloads: Workloads | undefined,
  ): Promise<Outcome> {
    let record = initial;
    const plan =
      this.#config.plans.find(p => p.name === record.plan) ??
      this.#config.plans.find(p => p.name === this.#config.defaultPlan)!;

    const components = workloads
      ? this.#driver.components(record, workloads)
      : undefined;
    const settled =
      record.status === 'Running' &&
      record.observedGeneration >= record.generation &&
      components !== undefined &&
      components.length > 0 &&
      components.every(c => c.ready);
    if (settled) {
      // The steady state costs no request of its own: the shared listing says all is well, and
      // nothing is written unless something changed.
      const readyBefore =
        record.conditions.find(c => c.type === 'Ready')?.status === 'True';
      if (
        !readyBefore ||
        JSON.stringify(components) !== JSON.stringify(record.components)
      ) {
        await this.#store.updateInstance(record.id, {
          components,
          conditions: setCondition(record.conditions, {
            type: 'Ready',
            status: 'True',
            reason: 'AllComponentsReady',
            message: `${components!.length} of ${
              components!.length
            } components ready`,
          }),
        });
      }
      return { record, waiting: false };
    }

    if (record.status === 'Pending') {
      record = await this.#transition(
        record,
        'Provisioning',
        'Provisioning started',
      );
    } else if (record.status === 'Running') {
      const drift = await this.#findDrift(record);
      if (drift) {
        record = await this.#transition(
          record,
          'Provisioning',
          `Repairing: ${drift}`,
          {
            conditions: setCondition(record.conditions, {
              type: 'Drifted',
              status: 'True',
              reason: 'OutOfBandChange',
              message: drift,
            }),
          },
        );
      } else if (record.observedGeneration < record.generation) {
        record = await this.#transition(
          record,
          'Updating',
          'Applying the new generation',
        );
      }
    }

    if (record.status === 'Provisioning' || record.status === 'Updating') {
      try {
        record = await this.#step(
          record,
          'NamespaceReady',
          'Ensuring',
          `Namespace ${record.namespace}, quota and limits`,
          () => this.#driver.ensureNamespace(record, plan),
        );
      } catch (error) {
        if (!(error instanceof NamespaceTerminatingError)) throw error;
        // Deleted out of band and still going: nothing failed, the namespace is recreated once
        // the cluster has finished with it.
        const fresh = (await this.#store.getInstance(record.name)) ?? record;
        record = await this.#store.updateInstance(record.id, {
          conditions: setCondition(fresh.conditions, {
            type: 'NamespaceReady',
            status: 'False',
            reason: 'Terminating',
            message: error.message,
          }),
        });
        return { record, waiting: true };
      }
      record = await this.#step(
        record,
        'SecretReady',
        'Ensuring',
        'Instance Secret with generated keys',
        () => this.#driver.ensureSecret(record, plan),
      );
      const release = await this.#driver.releaseStatus(record);
      let expected: ExpectedWorkload[] | undefined;
      const needsHelm =
        !release ||
        release.info.status !== 'deployed' ||
        record.observedGeneration < record.generation;
      if (needsHelm) {
        record = await this.#step(
          record,
          'ReleaseDeployed',
          'Installing',
          `Helm release ${record.name} of chart ${record.chartName} ${record.chartVersion}`,
          async () => {
            expected = await this.#driver.ensureRelease(record, plan);
          },
        );
        record = await this.#store.updateInstance(record.id, {
          expectedWorkloads: expected,
          observedGeneration: record.generation,
          conditions: removeCondition(record.conditions, 'Drifted'),
        });
      }
      if (!record.expectedWorkloads) {
        // Installed before a crash could record what it consists of: read it from the release.
        record = await this.#store.updateInstance(record.id, {
          expectedWorkloads: await this.#driver.expectedWorkloads(record),
        });
      }
    }

    // Readiness from the pass's listing; a release applied just now is seen by the next pass.
    const current = this.#driver.components(
      record,
      workloads ?? (await this.#driver.kubernetes.listWorkloads()),
    );
    const ready = current.length > 0 && current.every(c => c.ready);
    const readyCount = current.filter(c => c.ready).length;
    const conditions = setCondition(record.conditions, {
      type: 'Ready',
      status: ready ? 'True' : 'False',
      reason: ready ? 'AllComponentsReady' : 'ComponentsNotReady',
      message: `${readyCount} of ${current.length} components ready`,
    });
    if (ready && record.status !== 'Running') {
      record = await this.#transition(
        record,
        'Running',
        'All components are ready',
        {
          components: current,
          conditions,
        },
      );
      return { record, waiting: false };
    }
    record = await this.#store.updateInstance(record.id, {
      components: current,
      conditions,
    });
    return { record, waiting: !ready };
  }

  /** Why a Running instance no longer matches what was installed, or undefined. */
  async #findDrift(record: InstanceRecord): Promise<string | undefined> {
    const ownership = await this.#driver.namespaceOwnership(
      record.namespace,
      record.id,
    );
    if (ownership === 'absent' || ownership === 'terminating')
      return `namespace ${record.namespace} was removed out of band`;
    if (ownership === 'foreign')
      return `namespace ${record.namespace} is no longer labelled as ours`;
    if (!(await this.#driver.readSecret(record)))
      return 'the instance Secret was removed out of band';
    const release = await this.#driver.releaseStatus(record);
    if (!release) return `Helm release ${record.name} was removed out of band`;
    if (release.info.status !== 'deployed') {
      return `Helm release ${record.name} is ${release.info.status}`;
    }
    return undefined;
  }

  async #reconcileDeletion(initial: InstanceRecord): Promise<Outcome> {
    let record = initial;
    if (record.status !== 'Deleting') {
      record = await this.#transition(record, 'Deleting', 'Deletion started');
    }
    if (await this.#driver.releaseStatus(record).catch(() => undefined)) {
      record = await this.#step(
        record,
        'ReleaseRemoved',
        'Uninstalling',
        `helm uninstall ${record.name}`,
        () => this.#driver.uninstall(record),
      );
    }
    failpoint('NamespaceRemoved:before');
    const namespace = await this.#driver.deleteNamespace(record);
    if (namespace === 'terminating') {
      record = await this.#store.updateInstance(record.id, {
        conditions: setCondition(record.conditions, {
          type: 'NamespaceRemoved',
          status: 'False',
          reason: 'Terminating',
          message: `Waiting for namespace ${record.namespace} to disappear`,
        }),
      });
      return { record, waiting: true };
    }
    record = await this.#transition(
      record,
      'Deleted',
      'Release, namespace and Secret removed',
      {
        deletedAt: new Date(),
        components: [],
        conditions: setCondition(record.conditions, {
          type: 'NamespaceRemoved',
          status: 'True',
          reason: 'Done',
          message: `Namespace ${record.namespace} is gone`,
        }),
      },
    );
    return { record, waiting: false };
  }
}
