import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import {
  InstanceComponent,
  InstanceStatus,
} from '@supacontrol/plugin-supacontrol-common';
import { randomUUID } from 'node:crypto';
import { SupaControlConfig } from '../config/SupaControlConfig';
import {
  GenerationChangedError,
  InstanceLease,
  InstancePatch,
  InstanceStore,
  LeaseLostError,
} from '../database/InstanceStore';
import {
  ExpectedWorkload,
  InstanceEventRecord,
  InstanceRecord,
} from '../database/types';
import { HelmError } from '../helm/HelmClient';
import type { ClusterOutage } from '../clusters/ClusterOutage';
import { CachedInstance, ClusterCache } from '../kubernetes/ClusterCache';
import { describeKubernetesError } from '../kubernetes/KubernetesClient';
import { removeCondition, setCondition } from './conditions';
import {
  ForeignNamespaceError,
  InstanceDriver,
  InstanceSecretMissingError,
  NamespaceTerminatingError,
  UpgradeRejectedError,
  Workloads,
} from './InstanceDriver';
import { keepLease } from './leaseKeeper';
import { assertTransition } from './stateMachine';
import { isTransientError } from './transientErrors';
import type {
  LifecycleStep,
  Outcome as MetricOutcome,
} from '../telemetry/SupaControlMetrics';

/**
 * What the reconciler reports as it goes, for metrics, notifications and signals. Called after
 * the write it reports has succeeded; a throwing observer does not stop the reconciler.
 */
export interface ReconcileObserver {
  passDone?(seconds: number, report: PassReport, outcome: MetricOutcome): void;
  stepDone?(step: LifecycleStep, seconds: number, outcome: MetricOutcome): void;
  /** A status change written by the reconciler; `record` is the instance as written. */
  statusChanged?(
    record: InstanceRecord,
    from: InstanceStatus,
    message: string,
  ): void;
}

const emptyReport = (): PassReport => ({
  instances: 0,
  settled: 0,
  worked: 0,
  kubernetesRequests: 0,
  databaseQueries: 0,
});

/** The lifecycle steps measured, by the condition each one sets. */
const MEASURED_STEPS: Record<string, LifecycleStep> = {
  NamespaceReady: 'namespace',
  SecretReady: 'secret',
  ReleaseDeployed: 'release',
};

const TASK_ID = 'supacontrol-reconcile';
/** The actor of the history entries the reconciler writes. */
export const RECONCILER_ACTOR = 'supacontrol:reconciler';
const ACTOR = RECONCILER_ACTOR;
/** How soon an instance that waits for the cluster (readiness, namespace deletion) is looked at again. */
const POLL_MS = 2_000;
/**
 * The same while the informers follow the cluster: their events bring the instance back as soon
 * as something changes, so this is only a safety net.
 */
const WATCHED_POLL_MS = 15_000;

/** A delay with ±20% jitter, so that instances failing or waiting together spread out. */
function jitter(ms: number): number {
  return ms <= 0 ? 0 : Math.round(ms * (0.8 + Math.random() * 0.4));
}

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
type Outcome = {
  record: InstanceRecord;
  waiting: boolean;
  /** When to look again while waiting; default `POLL_MS`. */
  pollMs?: number;
};

/**
 * What the reconcile of one claimed instance works with: the lease that fences every write (owner
 * and generation), and the signal that stops its helm processes once the lease is lost.
 */
type Claim = { lease: InstanceLease; signal: AbortSignal };

/** Why a worker had to let go of an instance: not a failure of the instance. */
function isLetGo(error: unknown, claim: Claim): boolean {
  return (
    error instanceof LeaseLostError ||
    error instanceof GenerationChangedError ||
    claim.signal.aborted
  );
}

function describeError(error: unknown): string {
  if (
    error instanceof HelmError ||
    error instanceof ForeignNamespaceError ||
    error instanceof InstanceSecretMissingError
  ) {
    return error.message;
  }
  return describeKubernetesError(error);
}

/**
 * Whether the instance Secret is in use: created by a completed Secret step, or the release was
 * installed with it. Such a Secret is restored by its owner when lost, never generated again.
 */
function secretInUse(record: InstanceRecord): boolean {
  return (
    record.observedGeneration > 0 ||
    record.conditions.some(c => c.type === 'SecretReady' && c.status === 'True')
  );
}

/**
 * The level-triggered reconciler: the API records desired state and a generation, this moves each
 * instance toward it. Each pass claims due instances under a lease (so two replicas never work on
 * one), runs idempotent steps, and writes progress to the database before and after each step, so
 * that a crash at any point is finished by the next pass, here or on another replica. Failures
 * back off exponentially; after `maxAttempts` the instance is `Failed` until retried.
 *
 * The lease is a fence, not advice: every write is conditional on still holding it (by the
 * database's clock) and on the generation it was claimed at, and a step that loses it is stopped
 * with its helm process killed. So a replica that stalled past its lease, or whose instance got a
 * new desired state meanwhile, never overwrites what came after it.
 */
/** What one reconcile pass did; logged at debug level, and read by benchmarks. */
export type PassReport = {
  /** Instances looked at (from the database, when the informers follow the cluster). */
  instances: number;
  /** Of those, left alone because the informers show them as they should be. */
  settled: number;
  /** Instances claimed and worked on. */
  worked: number;
  /** Kubernetes requests made during the pass (the informers' own excepted). */
  kubernetesRequests: number;
  /** Queries on the plugin's database client during the pass (API requests' included). */
  databaseQueries: number;
};

export class InstanceReconciler {
  readonly #store: InstanceStore;
  readonly #driver: InstanceDriver;
  readonly #config: SupaControlConfig;
  readonly #logger: LoggerService;
  readonly #cache?: ClusterCache;
  readonly #cluster?: string;
  readonly #outage?: ClusterOutage;
  readonly #observer: ReconcileObserver;
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
  /** Names of the instances worked on here right now. */
  readonly #working = new Set<string>();
  /** Names triggered while they were worked on here: looked at again when that ends. */
  readonly #again = new Set<string>();

  static create(options: {
    store: InstanceStore;
    driver: InstanceDriver;
    config: SupaControlConfig;
    logger: LoggerService;
    /**
     * The informers. Without them every pass lists the workloads and every step asks the
     * cluster; with them a pass over steady instances makes no request at all.
     */
    cache?: ClusterCache;
    /**
     * The cluster whose instances this reconciler works on (its own queue); undefined: every
     * instance, for a single cluster.
     */
    cluster?: string;
    /** Stops the queue while the cluster's apiserver does not answer. */
    outage?: ClusterOutage;
    observer?: ReconcileObserver;
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
    this.#cache = options.cache;
    this.#cluster = options.cluster;
    this.#outage = options.outage;
    this.#observer = options.observer ?? {};
  }

  /** Tells the observer, which must never break a pass. */
  #observe(report: (observer: ReconcileObserver) => void) {
    try {
      report(this.#observer);
    } catch (error) {
      this.#logger.warn('Reconcile observer failed', { error: String(error) });
    }
  }

  /** Registers the periodic pass as a global scheduler task (one replica at a time runs it). */
  async schedule(scheduler: SchedulerService): Promise<void> {
    this.#cache?.start();
    await scheduler.scheduleTask({
      // One task per cluster: a slow or unreachable cluster does not hold up the others' passes.
      id:
        this.#cluster && this.#cluster !== 'default'
          ? `${TASK_ID}-${this.#cluster}`
          : TASK_ID,
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
    if (this.#working.has(name)) {
      // What changed may be what the worker waits for: look again when it is done.
      this.#again.add(name);
      return;
    }
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
    this.#cache?.stop();
  }

  /**
   * One pass over every due instance (or the named ones): each gets one step. At most
   * `concurrency` instances are worked on at once in this process, across overlapping passes, and
   * an instance is claimed only when a worker is free to start on it, so that no lease runs out
   * while its instance waits in a queue (and another pass takes it a second time).
   */
  async reconcileAll(options?: { names?: string[] }): Promise<PassReport> {
    return this.#timed(
      () => this.#reconcileAll(options),
      (seconds, outcome, report) =>
        this.#observe(o =>
          o.passDone?.(seconds, report ?? emptyReport(), outcome),
        ),
    );
  }

  async #reconcileAll(options?: { names?: string[] }): Promise<PassReport> {
    const report = emptyReport();
    if (this.#stopped) return report;
    if (this.#outage && !(await this.#outage.mayWork())) {
      this.#logPass(report);
      return report;
    }
    const before = this.#driver.kubernetes.requestCount;
    const queriesBefore = this.#store.queryCount;
    // From the informers, when they follow the cluster: then instances that are where they
    // should be are left alone without a claim, a query or a request each.
    const cached = this.#cache?.workloads();
    let names = options?.names;
    if (cached) {
      const candidates = await this.#store.listReconcilable(
        names,
        this.#cluster,
      );
      report.instances = candidates.length;
      const due = candidates.filter(r => !this.#settledInCache(r, cached));
      report.settled = candidates.length - due.length;
      names = due.map(r => r.name);
      if (names.length === 0) {
        report.databaseQueries = this.#store.queryCount - queriesBefore;
        this.#logPass(report);
        return report;
      }
    }
    // Compared with lease_until, which is database time.
    const passStart = await this.#store.databaseTime();
    // One listing of every instance's workloads per pass, however many instances there are.
    let workloads: Promise<Workloads | undefined> | undefined = cached
      ? Promise.resolve(cached)
      : undefined;
    const listWorkloads = () =>
      (workloads ??= this.#driver.kubernetes
        .listWorkloads()
        .catch((error): undefined => {
          this.#logger.warn('Could not list workloads', {
            error: describeKubernetesError(error),
          });
          return undefined;
        }));
    let busy = false;
    const worker = async () => {
      for (;;) {
        const next = await this.#claimNext(passStart, names);
        if (next === 'busy') busy = true;
        if (!next || next === 'busy') return;
        report.worked += 1;
        this.#working.add(next.name);
        try {
          // The informers' view as of now, not as of the pass's start: a pass can run for
          // minutes, and what became ready meanwhile must count.
          await this.#reconcileClaimed(
            next,
            this.#cache?.workloads() ?? (await listWorkloads()),
          );
        } finally {
          this.#inFlight.delete(next.id);
          this.#working.delete(next.name);
          if (this.#again.delete(next.name)) this.trigger(next.name);
        }
      }
    };
    await Promise.all(
      Array.from({ length: this.#config.reconcile.concurrency }, worker),
    );
    if (busy && options?.names) {
      // Every worker of this process is taken: the next claim of any worker takes these first.
      for (const name of names ?? []) this.#deferred.add(name);
    }
    this.#serveDeferred();
    report.kubernetesRequests = this.#driver.kubernetes.requestCount - before;
    report.databaseQueries = this.#store.queryCount - queriesBefore;
    this.#logPass(report);
    return report;
  }

  #logPass(report: PassReport) {
    this.#logger.debug('Reconcile pass done', {
      ...report,
      watches: this.#cache?.watches ?? 0,
    });
  }

  /**
   * Whether the informers show an instance as it should be, so that a pass has nothing to do:
   * Running at its generation with every component ready as recorded, its namespace, Secret and
   * release in place; or Paused at its generation.
   */
  #settledInCache(record: InstanceRecord, workloads: Workloads): boolean {
    if (record.observedGeneration < record.generation) return false;
    if (record.failureCount > 0 || record.lastError) return false;
    if (record.desiredState === 'deleted') return false;
    if (record.status === 'Paused') return true;
    if (record.status !== 'Running') return false;
    const components = this.#driver.components(record, workloads);
    const ready =
      components.length > 0 &&
      components.every(c => c.ready) &&
      record.conditions.some(c => c.type === 'Ready' && c.status === 'True') &&
      JSON.stringify(components) === JSON.stringify(record.components);
    return ready && this.#cachedDrift(record) === undefined;
  }

  /**
   * Why the informers say a Running instance no longer matches what was installed: undefined when
   * all is in place, or when they cannot tell (then nothing is assumed).
   */
  #cachedDrift(record: InstanceRecord): string | undefined {
    const seen = this.#cache?.instance(record);
    if (!seen) return undefined;
    if (seen.namespace !== 'ours') return `namespace is ${seen.namespace}`;
    if (!seen.secret) return 'instance Secret missing';
    if (seen.release?.status !== 'deployed') {
      return `release ${seen.release?.status ?? 'missing'}`;
    }
    return undefined;
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
      // What was triggered while every worker was taken comes first, and of that what was
      // worked on before: a watch event for an instance whose workloads became ready costs a
      // look at the informers' cache, and must not wait behind the helm releases of hundreds
      // of instances created at once (which were triggered too, by their creates).
      if (this.#deferred.size > 0) {
        const wanted = [...this.#deferred];
        this.#deferred.clear();
        const [first] = await this.#store.claimDue({
          owner: this.#owner,
          leaseMs: this.#config.reconcile.leaseMs,
          limit: 1,
          names: wanted,
          exclude: [...this.#inFlight],
          startedFirst: true,
          cluster: this.#cluster,
        });
        if (first) {
          // The others stay wanted; none claimable means they are leased elsewhere or not due.
          for (const name of wanted) {
            if (name !== first.name) this.#deferred.add(name);
          }
          this.#inFlight.add(first.id);
          return first;
        }
      }
      const [record] = await this.#store.claimDue({
        owner: this.#owner,
        leaseMs: this.#config.reconcile.leaseMs,
        limit: 1,
        names,
        workedBefore: passStart,
        exclude: [...this.#inFlight],
        cluster: this.#cluster,
      });
      if (record) this.#inFlight.add(record.id);
      return record;
    });
    this.#claiming = claim.catch(() => undefined);
    return claim;
  }

  /**
   * Serves what arrived while every worker was taken, when no worker is left to claim it (a
   * worker that goes on claims it first). Each such pass claims some of them or drops those
   * that cannot be claimed, so this ends.
   */
  #serveDeferred() {
    if (
      this.#stopped ||
      this.#deferred.size === 0 ||
      this.#inFlight.size >= this.#config.reconcile.concurrency
    ) {
      return;
    }
    const names = [...this.#deferred];
    this.reconcileAll({ names }).catch(error =>
      this.#logger.error('Reconcile failed', {
        instances: names.join(', '),
        error: String(error),
      }),
    );
  }

  async #reconcileClaimed(
    record: InstanceRecord,
    workloads: Workloads | undefined,
  ) {
    const lease: InstanceLease = {
      id: record.id,
      owner: this.#owner,
      generation: record.generation,
    };
    const kept = keepLease({
      store: this.#store,
      lease,
      instance: record.name,
      leaseMs: this.#config.reconcile.leaseMs,
      logger: this.#logger,
    });
    const claim: Claim = { lease, signal: kept.signal };
    let waiting = false;
    let pollMs = POLL_MS;
    try {
      try {
        const outcome =
          record.desiredState === 'deleted'
            ? await this.#measured('deletion', () =>
                this.#reconcileDeletion(claim, record),
              )
            : await this.#reconcileRunning(claim, record, workloads);
        waiting = outcome.waiting;
        pollMs = jitter(outcome.pollMs ?? POLL_MS);
        // While the informers follow the cluster, an instance that waits stays due: their
        // events (and the resync) bring it back, and a later look costs no request. Otherwise
        // it is not due again before the next poll.
        const polled = waiting && !this.#cache?.live;
        if (
          polled ||
          record.failureCount > 0 ||
          record.lastError ||
          record.nextAttemptAt
        ) {
          await this.#write(
            claim,
            {
              failureCount: 0,
              ...(!polled && { nextAttemptAt: undefined }),
              // A pass that ended Failed (the progress deadline) keeps saying why.
              ...(outcome.record.status !== 'Failed' && {
                lastError: undefined,
              }),
              updatedAt: new Date(),
            },
            { retryInMs: polled ? pollMs : undefined },
          );
        }
      } catch (error) {
        if (isLetGo(error, claim)) throw error;
        await this.#recordFailure(claim, record, error);
      }
    } catch (error) {
      if (!isLetGo(error, claim)) throw error;
      waiting = false;
      this.#letGo(record, error);
    } finally {
      kept.stop();
      await this.#store.releaseLease(record.id, this.#owner).catch(() => {});
    }
    if (waiting) this.#followUp(record.name, pollMs + 50);
  }

  /**
   * Stops working on an instance without recording a failure: its lease is gone (another replica
   * carries on), or it has a new generation (the next pass works toward that).
   */
  #letGo(record: InstanceRecord, error: unknown) {
    if (error instanceof GenerationChangedError) {
      this.#logger.info(
        `Instance ${record.name} got a new desired state while generation ${record.generation} was being applied; starting over`,
        { instance: record.name },
      );
      this.#followUp(record.name, 0);
      return;
    }
    this.#logger.warn(
      `Stopped working on instance ${
        record.name
      }: its lease was lost, so nothing more is written (${String(error)})`,
      { instance: record.name },
    );
  }

  /** A write of the reconciler: only while it holds the lease, at the claimed generation. */
  #write(
    claim: Claim,
    patch: InstancePatch,
    options?: { event?: InstanceEventRecord; retryInMs?: number },
  ): Promise<InstanceRecord> {
    // Lost locally (renewal refused or failing): no write, even if the database would still take it.
    claim.signal.throwIfAborted();
    return this.#store.updateLeased(claim.lease, patch, options);
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

  async #recordFailure(claim: Claim, record: InstanceRecord, error: unknown) {
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
    if (error instanceof InstanceSecretMissingError) {
      conditions = setCondition(conditions, {
        type: 'SecretReady',
        status: 'False',
        reason: 'Missing',
        message: error.message,
      });
    }
    if (transient) {
      conditions = setCondition(fresh.conditions, {
        type: 'Reconciled',
        status: 'False',
        reason: 'ClusterUnreachable',
        message: `The cluster did not answer (attempt ${failures}); retrying: ${message}`,
      });
    }
    // A missing Secret in use does not come back by trying again: it waits for its owner.
    const permanent = error instanceof InstanceSecretMissingError;
    if ((failures >= maxAttempts && !transient) || permanent) {
      // Fenced by the claimed generation: if a new desired state (a DELETE) arrived during this
      // last attempt, nothing is written and the instance is not Failed.
      await this.#transition(
        claim,
        fresh,
        'Failed',
        permanent ? message : `Gave up after ${failures} attempts: ${message}`,
        {
          failureCount: failures,
          lastError: message,
          conditions,
          nextAttemptAt: undefined,
        },
      );
      return;
    }
    // Not due again before then; the follow-up comes a little after, so that it finds it due.
    const delay = jitter(
      Math.min(backoffMaxMs, backoffBaseMs * 2 ** (failures - 1)),
    );
    await this.#write(
      claim,
      {
        failureCount: failures,
        lastError: message,
        conditions,
        updatedAt: new Date(),
      },
      { retryInMs: delay },
    );
    this.#followUp(record.name, delay + 50);
  }

  /**
   * Writes a status change (checked against the state machine) and its history entry, in one
   * fenced write: a worker that lost its lease records no event either.
   */
  async #transition(
    claim: Claim,
    record: InstanceRecord,
    to: InstanceStatus,
    message: string,
    patch: InstancePatch = {},
  ): Promise<InstanceRecord> {
    if (record.status === to) {
      return this.#write(claim, { ...patch, updatedAt: new Date() });
    }
    assertTransition(record.status, to);
    const now = new Date();
    const updated = await this.#write(
      claim,
      { ...patch, status: to, updatedAt: now },
      {
        event: {
          id: randomUUID(),
          instanceId: record.id,
          instanceName: record.name,
          actor: ACTOR,
          action: 'status',
          fromStatus: record.status,
          toStatus: to,
          message,
          createdAt: now,
          worker: this.#owner,
        },
      },
    );
    this.#logger.info(`Instance ${record.name}: ${record.status} → ${to}`, {
      instance: record.name,
    });
    this.#observe(o => o.statusChanged?.(updated, record.status, message));
    if (to === 'Running' || (to === 'Failed' && record.status !== 'Deleting')) {
      // Readiness: from the release being applied to every component ready (or the deadline).
      const since = this.#waitingSince(record);
      if (since !== undefined && record.observedGeneration > 0) {
        const seconds = (now.getTime() - since) / 1000;
        this.#observe(o =>
          o.stepDone?.(
            'readiness',
            seconds,
            to === 'Running' ? 'success' : 'failure',
          ),
        );
      }
    }
    return updated;
  }

  /** Runs `run` and tells `done` how long it took and how it ended (its result, if any). */
  async #timed<T>(
    run: () => Promise<T>,
    done: (seconds: number, outcome: MetricOutcome, result?: T) => void,
  ): Promise<T> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const result = await run();
      done(seconds(), 'success', result);
      return result;
    } catch (error) {
      done(seconds(), 'failure');
      throw error;
    }
  }

  /** Runs a lifecycle step and reports its duration and outcome. */
  #measured<T>(step: LifecycleStep, run: () => Promise<T>): Promise<T> {
    return this.#timed(run, (seconds, outcome) =>
      this.#observe(o => o.stepDone?.(step, seconds, outcome)),
    );
  }

  /** A history entry by the reconciler, written with a fenced write. */
  #event(record: InstanceRecord, action: string, message: string) {
    return {
      id: randomUUID(),
      instanceId: record.id,
      instanceName: record.name,
      actor: ACTOR,
      action,
      message,
      createdAt: new Date(),
      worker: this.#owner,
    };
  }

  async #step(
    claim: Claim,
    record: InstanceRecord,
    type: string,
    reason: string,
    message: string,
    run: () => Promise<void>,
  ): Promise<InstanceRecord> {
    // Before: the step is under way. After: it is done. A crash between the two leaves Unknown,
    // and the next pass repeats the (idempotent) step.
    let current = await this.#write(claim, {
      conditions: setCondition(record.conditions, {
        type,
        status: 'Unknown',
        reason,
        message,
      }),
    });
    failpoint(`${type}:before`);
    failpoint(`${type}:during`, 300);
    const measured = MEASURED_STEPS[type];
    await (measured ? this.#measured(measured, run) : run());
    failpoint(`${type}:after`);
    current = await this.#write(claim, {
      conditions: setCondition(current.conditions, {
        type,
        status: 'True',
        reason: 'Done',
        message,
        observedGeneration: claim.lease.generation,
      }),
    });
    return current;
  }

  /** Whether a step was done for the generation being applied (and what it made still exists). */
  #doneAtGeneration(
    claim: Claim,
    record: InstanceRecord,
    type: string,
    stillThere: boolean,
  ): boolean {
    return (
      stillThere &&
      record.conditions.some(
        c =>
          c.type === type &&
          c.status === 'True' &&
          c.observedGeneration === claim.lease.generation,
      )
    );
  }

  async #reconcileRunning(
    claim: Claim,
    initial: InstanceRecord,
    workloads: Workloads | undefined,
  ): Promise<Outcome> {
    const { signal } = claim;
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
      components.every(c => c.ready) &&
      this.#cachedDrift(record) === undefined;
    if (
      record.status === 'Paused' &&
      record.observedGeneration >= record.generation
    ) {
      // Scaled to zero as asked: nothing to watch until the next change (resume, plan).
      return { record, waiting: false };
    }
    if (settled) {
      // The steady state costs no request of its own: the shared listing says all is well, and
      // nothing is written unless something changed.
      const readyBefore =
        record.conditions.find(c => c.type === 'Ready')?.status === 'True';
      if (
        !readyBefore ||
        JSON.stringify(components) !== JSON.stringify(record.components)
      ) {
        await this.#write(claim, {
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
        claim,
        record,
        'Provisioning',
        'Provisioning started',
      );
    } else if (record.status === 'Running') {
      const drift = await this.#findDrift(record, signal);
      if (drift) {
        let conditions = setCondition(record.conditions, {
          type: 'Drifted',
          status: 'True',
          reason: 'OutOfBandChange',
          message: drift.message,
        });
        const patch: InstancePatch = {};
        if (drift.namespaceGone) {
          // The instance's data went with its namespace, so it is provisioned afresh, with a new
          // Secret: nothing of it is observed in the cluster any more.
          patch.observedGeneration = 0;
          conditions = setCondition(conditions, {
            type: 'SecretReady',
            status: 'False',
            reason: 'NamespaceRemoved',
            message: `Removed with namespace ${record.namespace}; generated anew`,
          });
        }
        record = await this.#transition(
          claim,
          record,
          'Provisioning',
          drift.secretMissing
            ? `Checking: ${drift.message}`
            : `Repairing: ${drift.message}`,
          { ...patch, conditions },
        );
      } else if (record.observedGeneration < record.generation) {
        record = await this.#transition(
          claim,
          record,
          'Updating',
          record.desiredState === 'paused'
            ? 'Pausing: scaling every component to zero'
            : 'Applying the new generation',
        );
      }
    } else if (
      record.status === 'Degraded' &&
      record.observedGeneration < record.generation
    ) {
      record = await this.#transition(
        claim,
        record,
        'Updating',
        'Applying the new generation',
      );
    } else if (
      record.status === 'Paused' &&
      record.observedGeneration < record.generation
    ) {
      record = await this.#transition(
        claim,
        record,
        'Updating',
        record.desiredState === 'paused'
          ? 'Applying the new generation (staying paused)'
          : 'Resuming: scaling every component back up',
      );
    }

    let appliedRelease = false;
    if (record.status === 'Provisioning' || record.status === 'Updating') {
      // Steps done for this generation are not repeated while their work is still in place (as
      // the informers see it): a pass that waits for readiness costs no request.
      let seen: CachedInstance | undefined = this.#cache?.instance(record);
      try {
        if (
          !this.#doneAtGeneration(
            claim,
            record,
            'NamespaceReady',
            seen?.namespace === 'ours',
          )
        ) {
          record = await this.#step(
            claim,
            record,
            'NamespaceReady',
            'Ensuring',
            `Namespace ${record.namespace}, quota and limits`,
            () => this.#driver.ensureNamespace(record, plan),
          );
          seen = undefined;
        }
      } catch (error) {
        if (!(error instanceof NamespaceTerminatingError)) throw error;
        // Deleted out of band and still going: nothing failed, the namespace is recreated once
        // the cluster has finished with it.
        const fresh = (await this.#store.getInstance(record.name)) ?? record;
        record = await this.#write(claim, {
          conditions: setCondition(fresh.conditions, {
            type: 'NamespaceReady',
            status: 'False',
            reason: 'Terminating',
            message: error.message,
          }),
        });
        return { record, waiting: true };
      }
      // A Secret in use that is missing is restored by its owner, never generated anew: the
      // instance's database keeps the old passwords.
      const mustExist = secretInUse(record);
      if (
        !this.#doneAtGeneration(claim, record, 'SecretReady', !!seen?.secret)
      ) {
        record = await this.#step(
          claim,
          record,
          'SecretReady',
          'Ensuring',
          'Instance Secret with generated keys',
          () => this.#driver.ensureSecret(record, plan, { mustExist }),
        );
      }
      const release = seen
        ? seen.release && { info: { status: seen.release.status } }
        : await this.#driver.releaseStatus(record, { signal });
      let expected: ExpectedWorkload[] | undefined;
      // The generation the release is applied for is the one claimed: every write is fenced by
      // it, so the spec read for the step is that generation's, and it is what gets observed.
      const applying = claim.lease.generation;
      const needsHelm =
        !release ||
        release.info.status !== 'deployed' ||
        record.observedGeneration < applying;
      if (needsHelm) {
        appliedRelease = true;
        let from: string | undefined;
        try {
          record = await this.#step(
            claim,
            record,
            'ReleaseDeployed',
            'Installing',
            `Helm release ${record.name} of chart ${record.chartName} ${record.chartVersion}`,
            async () => {
              const applied = await this.#driver.ensureRelease(record, plan, {
                signal,
              });
              expected = applied.workloads;
              from = applied.upgradedFrom;
            },
          );
          const upgraded = from !== undefined;
          const message = `Upgraded chart ${record.chartName} ${from} → ${record.chartVersion}`;
          record = await this.#write(
            claim,
            {
              expectedWorkloads: expected,
              observedGeneration: applying,
              conditions: upgraded
                ? setCondition(removeCondition(record.conditions, 'Drifted'), {
                    type: 'Upgraded',
                    status: 'True',
                    reason: 'Upgraded',
                    message,
                  })
                : removeCondition(record.conditions, 'Drifted'),
            },
            upgraded ? { event: this.#event(record, 'upgrade', message) } : {},
          );
        } catch (error) {
          if (!(error instanceof UpgradeRejectedError)) throw error;
          // The generation is done with: the instance stays on the version it runs, says why,
          // and goes back to Running once ready (a retry would fail the same way).
          const conditions = setCondition(
            setCondition(record.conditions, {
              type: 'ReleaseDeployed',
              status: 'True',
              reason: 'Done',
              message: `Helm release ${record.name} of chart ${record.chartName} ${error.from}`,
            }),
            {
              type: 'Upgraded',
              status: 'False',
              reason: 'UpgradeFailed',
              message: error.message,
            },
          );
          record = await this.#write(
            claim,
            {
              chartVersion: error.from,
              observedGeneration: applying,
              conditions,
            },
            { event: this.#event(record, 'upgrade-failed', error.message) },
          );
        }
      }
      if (!record.expectedWorkloads) {
        // Installed before a crash could record what it consists of: read it from the release.
        record = await this.#write(claim, {
          expectedWorkloads: await this.#driver.expectedWorkloads(record, {
            signal,
          }),
        });
      }
    }

    // Readiness from the pass's listing, unless this pass applied a release: the listing predates
    // it and would call the old workloads ready. A fresh one shows the new generation, which
    // the workload controllers have not yet observed.
    const current = this.#driver.components(
      record,
      !workloads || appliedRelease
        ? await this.#driver.kubernetes.listWorkloads()
        : workloads,
    );
    if (record.desiredState === 'paused') {
      return this.#settlePause(claim, record, current);
    }
    const ready = current.length > 0 && current.every(c => c.ready);
    const readyCount = current.filter(c => c.ready).length;
    let conditions = setCondition(record.conditions, {
      type: 'Ready',
      status: ready ? 'True' : 'False',
      reason: ready ? 'AllComponentsReady' : 'ComponentsNotReady',
      message: `${readyCount} of ${current.length} components ready`,
    });
    if (ready) {
      conditions = removeCondition(conditions, 'Progressing');
      if (record.status !== 'Running') {
        record = await this.#transition(
          claim,
          record,
          'Running',
          'All components are ready',
          { components: current, conditions },
        );
        return { record, waiting: false };
      }
    } else {
      const overdue = await this.#overdue(claim, record, current, conditions);
      if (overdue) return overdue;
    }
    record = await this.#write(claim, {
      components: current,
      conditions,
    });
    return { record, waiting: !ready, pollMs: this.#pollDelay(record) };
  }

  /** Since when the instance has been waiting for readiness: when its release was last applied. */
  #waitingSince(record: InstanceRecord): number | undefined {
    const applied = record.conditions.find(
      c => c.type === 'ReleaseDeployed' && c.status === 'True',
    );
    return applied ? new Date(applied.lastTransitionTime).getTime() : undefined;
  }

  /**
   * Readiness is polled often right after a release is applied and less and less often after
   * that (a tenth of the time waited so far, 2 to 30 s), instead of every few seconds forever.
   */
  #pollDelay(record: InstanceRecord): number {
    const since = this.#waitingSince(record);
    const waited = since === undefined ? 0 : Date.now() - since;
    const least = this.#cache?.live ? WATCHED_POLL_MS : POLL_MS;
    return Math.min(30_000, Math.max(least, Math.round(waited / 10)));
  }

  /**
   * Past `reconcile.progressDeadlineSeconds` without readiness, the instance gets
   * `Progressing=False` with its pods' reasons and becomes Failed (while provisioning: nothing
   * ever worked) or Degraded (after a change to a working instance). Undefined when not overdue.
   */
  async #overdue(
    claim: Claim,
    record: InstanceRecord,
    current: InstanceComponent[],
    conditions: InstanceRecord['conditions'],
  ): Promise<Outcome | undefined> {
    // A working instance counts from when it stopped being ready; one being set up or changed,
    // from when its release was applied.
    const notReadySince = conditions.find(
      c => c.type === 'Ready' && c.status === 'False',
    )?.lastTransitionTime;
    let since: number | undefined;
    if (record.status === 'Running') {
      since = notReadySince ? new Date(notReadySince).getTime() : undefined;
    } else if (
      record.status === 'Provisioning' ||
      record.status === 'Updating'
    ) {
      since = this.#waitingSince(record);
    }
    const deadline = this.#config.reconcile.progressDeadlineMs;
    if (since === undefined || Date.now() - since < deadline) {
      return undefined;
    }
    const problems = await this.#driver
      .podProblems(record)
      .catch(error => [`the pods could not be read: ${describeError(error)}`]);
    const notReady = current.filter(c => !c.ready).map(c => c.name);
    const message = `Not ready ${Math.round(
      deadline / 1000,
    )} s after the release was applied (${
      notReady.join(', ') || 'no workloads'
    }): ${problems.length ? problems.join('; ') : 'no pod says why'}`;
    const progressing = setCondition(conditions, {
      type: 'Progressing',
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message,
    });
    const to = record.status === 'Provisioning' ? 'Failed' : 'Degraded';
    const updated = await this.#transition(claim, record, to, message, {
      components: current,
      conditions: progressing,
      ...(to === 'Failed' && { lastError: message }),
    });
    // Degraded keeps being watched (it recovers by itself once ready); Failed waits for a retry.
    return {
      record: updated,
      waiting: to === 'Degraded',
      pollMs: 30_000,
    };
  }

  /** A paused instance is `Paused` once every workload runs no pod any more. */
  async #settlePause(
    claim: Claim,
    record: InstanceRecord,
    current: InstanceComponent[],
  ): Promise<Outcome> {
    const running = current.filter(c => c.replicas > 0 || c.readyReplicas > 0);
    const stopped = running.length === 0 && current.every(c => c.ready);
    const conditions = setCondition(record.conditions, {
      type: 'Ready',
      status: 'False',
      reason: stopped ? 'Paused' : 'Pausing',
      message: stopped
        ? 'Paused: every component is scaled to zero; volumes and the Secret are kept'
        : `Waiting for ${
            running.map(c => c.name).join(', ') || 'the workloads'
          } to stop`,
    });
    if (stopped) {
      return {
        record: await this.#transition(
          claim,
          record,
          'Paused',
          'Every component is scaled to zero',
          { components: current, conditions },
        ),
        waiting: false,
      };
    }
    return {
      record: await this.#write(claim, { components: current, conditions }),
      waiting: true,
    };
  }

  /** Why a Running instance no longer matches what was installed, or undefined. */
  async #findDrift(
    record: InstanceRecord,
    signal: AbortSignal,
  ): Promise<
    | { message: string; namespaceGone?: boolean; secretMissing?: boolean }
    | undefined
  > {
    // The informers saw everything in place: nothing to ask the cluster.
    if (this.#cache?.instance(record) && !this.#cachedDrift(record)) {
      return undefined;
    }
    const ownership = await this.#driver.namespaceOwnership(
      record.namespace,
      record.id,
    );
    if (ownership === 'absent' || ownership === 'terminating') {
      return {
        message: `namespace ${record.namespace} was removed out of band`,
        namespaceGone: true,
      };
    }
    if (ownership === 'foreign') {
      return {
        message: `namespace ${record.namespace} is no longer labelled as ours`,
      };
    }
    if (!(await this.#driver.readSecret(record))) {
      return {
        message: 'the instance Secret was removed out of band',
        secretMissing: true,
      };
    }
    const release = await this.#driver.releaseStatus(record, { signal });
    if (!release) {
      return { message: `Helm release ${record.name} was removed out of band` };
    }
    if (release.info.status !== 'deployed') {
      return {
        message: `Helm release ${record.name} is ${release.info.status}`,
      };
    }
    return undefined;
  }

  async #reconcileDeletion(
    claim: Claim,
    initial: InstanceRecord,
  ): Promise<Outcome> {
    const { signal } = claim;
    let record = initial;
    if (record.status !== 'Deleting') {
      record = await this.#transition(
        claim,
        record,
        'Deleting',
        'Deletion started',
      );
    }
    const release = await this.#driver
      .releaseStatus(record, { signal })
      .catch(error => {
        if (signal.aborted) throw error;
        return undefined;
      });
    if (release) {
      record = await this.#step(
        claim,
        record,
        'ReleaseRemoved',
        'Uninstalling',
        `helm uninstall ${record.name}`,
        () => this.#driver.uninstall(record, { signal }),
      );
    }
    failpoint('NamespaceRemoved:before');
    signal.throwIfAborted();
    const namespace = await this.#driver.deleteNamespace(record);
    if (namespace === 'terminating') {
      record = await this.#write(claim, {
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
      claim,
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
