import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ChartVersions,
  CreateInstanceRequest,
  Instance,
  InstanceCredentials,
  InstanceEvent,
  InstancePlan,
  InstanceStatus,
  ListInstancesResponse,
  SUPACONTROL_AUDIT_EVENTS,
  instanceNamespace,
  supacontrolInstanceCredentialsReadPermission,
  supacontrolInstanceDeletePermission,
  supacontrolInstanceReadPermission,
  supacontrolInstanceUpdatePermission,
  verifyInstance,
  VerifyResult,
  ListClustersResponse,
} from '@supacontrol/plugin-supacontrol-common';
import { randomUUID } from 'node:crypto';
import { ClusterFullError, InstanceStore } from '../database/InstanceStore';
import { Clusters } from '../clusters/Clusters';
import { InstanceRecord } from '../database/types';
import { SupaControlConfig } from '../config/SupaControlConfig';
import { actorOf, auditOptionsOf, Caller } from './callers';
import { fromCluster } from './clusterErrors';
import { assertAllowedChartVersion } from './InstanceOperations';
import { InstanceAuthorizer } from './InstanceAuthorizer';
import { instanceEndpoints } from '../lifecycle/InstanceDriver';

/**
 * How the instance's Auth confirms e-mail sign-ups, from its plan: through the plan's SMTP server,
 * or automatically when there is none (the chart's default, since no mail could be sent).
 */
export function mailOf(
  record: InstanceRecord,
  config: Pick<SupaControlConfig, 'plans'>,
): Instance['mail'] {
  const plan = config.plans.find(p => p.name === record.plan);
  const smtp = !!plan?.smtp;
  const configured = (plan?.values as any)?.auth?.email?.autoconfirm;
  return {
    smtp,
    autoconfirm: typeof configured === 'boolean' ? configured : !smtp,
  };
}

/** The ingress of the instance's cluster (its own, or `supacontrol.ingress`). */
function ingressOf(
  record: InstanceRecord,
  config: Pick<SupaControlConfig, 'ingress' | 'clusters'>,
): SupaControlConfig['ingress'] {
  const cluster = config.clusters.find(c => c.name === record.cluster);
  return cluster ? cluster.ingress : config.ingress;
}

/** The API's view of a record. */
export function toInstance(
  record: InstanceRecord,
  config: Pick<SupaControlConfig, 'ingress' | 'plans' | 'clusters'>,
): Instance {
  const ingress = ingressOf(record, config);
  return {
    name: record.name,
    namespace: record.namespace,
    owner: record.owner,
    createdBy: record.createdBy,
    plan: record.plan,
    cluster: record.cluster,
    region: record.region,
    status: record.status,
    desiredState: record.desiredState,
    generation: record.generation,
    observedGeneration: record.observedGeneration,
    conditions: record.conditions,
    components: record.components,
    endpoints: record.deletedAt ? {} : instanceEndpoints(record, ingress),
    chart: { name: record.chartName, version: record.chartVersion },
    mail: mailOf(record, config),
    deletionProtection: record.deletionProtection,
    lastError: record.lastError,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    deletedAt: record.deletedAt?.toISOString(),
  };
}

function normalizeOwner(owner: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    throw new InputError(
      `owner must be an entity ref such as group:default/team-a or user:default/jane; got '${owner}'`,
    );
  }
}

/**
 * Records what callers want of instances. It never talks to Kubernetes or Helm: it writes the
 * desired state and a new generation, and the reconciler moves the instance toward it.
 */
export class InstanceService {
  readonly #store: InstanceStore;
  readonly #authorizer: InstanceAuthorizer;
  readonly #auditor: AuditorService;
  readonly #logger: LoggerService;
  readonly #config: SupaControlConfig;
  readonly #onChange: (name: string) => void;
  readonly #clusters: Clusters;

  static create(options: {
    store: InstanceStore;
    authorizer: InstanceAuthorizer;
    auditor: AuditorService;
    logger: LoggerService;
    config: SupaControlConfig;
    /** Called after each recorded change, so the reconciler can act without waiting. */
    onChange?: (name: string) => void;
    /** None configured: instances can be read, not created. */
    clusters: Clusters;
  }): InstanceService {
    return new InstanceService(options);
  }

  private constructor(options: Parameters<typeof InstanceService.create>[0]) {
    this.#store = options.store;
    this.#authorizer = options.authorizer;
    this.#auditor = options.auditor;
    this.#logger = options.logger;
    this.#config = options.config;
    this.#onChange = options.onChange ?? (() => {});
    this.#clusters = options.clusters;
  }

  #toInstance(record: InstanceRecord): Instance {
    return toInstance(record, this.#config);
  }

  /** The names the API document lists for placement: clusters and their regions. */
  placementNames(): { clusters: string[]; regions: string[] } {
    const clusters = this.#config.clusters;
    return {
      clusters: clusters.map(c => c.name),
      regions: [...new Set(clusters.map(c => c.region))],
    };
  }

  /** The chart and the versions `supacontrol.chart.versions` allows. */
  chartVersions(): ChartVersions {
    const { name, version, versions } = this.#config.chart;
    return { name, default: version, versions };
  }

  listPlans(): InstancePlan[] {
    return this.#config.plans.map(({ name, description, default: d }) => ({
      name,
      description,
      default: d,
    }));
  }

  /**
   * Records a new Pending instance. With an `idempotencyKey`, a repeat of the same request (same
   * key, same caller) while the instance lives answers with that instance (`replayed`) instead
   * of "name taken": for clients that lost the first answer.
   */
  async createInstance(
    input: CreateInstanceRequest,
    caller: Caller,
    options: { idempotencyKey?: string } = {},
  ): Promise<{ instance: Instance; replayed: boolean }> {
    const audit = auditOptionsOf(caller);
    const auditorEvent = await this.#auditor.createEvent({
      eventId: SUPACONTROL_AUDIT_EVENTS.instanceCreate,
      severityLevel: 'medium',
      request: audit.request,
      meta: { ...audit.meta, name: input.name },
    });
    try {
      await this.#authorizer.authorizeCreate(caller);
      const plan = input.plan ?? this.#config.defaultPlan;
      if (!this.#config.plans.some(p => p.name === plan)) {
        throw new InputError(
          `plan must be one of ${this.#config.plans
            .map(p => `'${p.name}'`)
            .join(', ')}; got '${plan}'`,
        );
      }
      if (input.chartVersion !== undefined) {
        assertAllowedChartVersion(input.chartVersion, this.#config);
      }
      const owner = this.#resolveOwner(input.owner, caller);
      this.#authorizer.authorizeOwner(caller, owner);
      if (options.idempotencyKey) {
        const existing = await this.#store.getInstance(input.name);
        if (
          existing &&
          !existing.deletedAt &&
          existing.idempotencyKey === options.idempotencyKey &&
          existing.createdBy === actorOf(caller)
        ) {
          await auditorEvent.success({
            meta: { instanceId: existing.id, replayed: true },
          });
          return { instance: this.#toInstance(existing), replayed: true };
        }
      }
      if (this.#clusters.size === 0) {
        throw new ServiceUnavailableError(
          'No Kubernetes cluster is configured, so instances cannot be created: set ' +
            'supacontrol.kubernetes.kubeconfigPath (or supacontrol.kubernetes.inCluster: true, or supacontrol.clusters) in backstage.yaml',
        );
      }
      const namespace = instanceNamespace(input.name);
      await this.#checkLimits(owner);
      const placed = await this.#clusters.place(this.#store, {
        cluster: input.cluster,
        region: input.region,
        plan: this.#config.plans.find(p => p.name === plan)!,
      });
      const { driver } = placed;
      const ownership = await fromCluster(
        `check namespace ${namespace}`,
        this.#logger,
        () => driver.namespaceOwnership(namespace),
      );
      if (ownership !== 'absent') {
        throw new ConflictError(
          `Namespace ${namespace} already exists in the cluster and is not this instance's; choose another name`,
        );
      }
      const now = new Date();
      const record: InstanceRecord = {
        id: randomUUID(),
        name: input.name,
        namespace,
        owner,
        createdBy: actorOf(caller),
        plan,
        cluster: placed.config.name,
        region: placed.config.region,
        chartName: this.#config.chart.name,
        chartVersion: input.chartVersion ?? this.#config.chart.version,
        status: 'Pending',
        desiredState: 'running',
        generation: 1,
        failureCount: 0,
        observedGeneration: 0,
        conditions: [],
        components: [],
        createdAt: now,
        updatedAt: now,
        idempotencyKey: options.idempotencyKey,
        deletionProtection: input.deletionProtection ?? false,
        restarts: {},
        rotations: { jwt: 0, dashboard: 0 },
      };
      try {
        await this.#store.createInstance(record, {
          maxInstances: placed.config.maxInstances,
        });
      } catch (error) {
        // Placement saw room, but a create that raced this one took the last place.
        if (error instanceof ClusterFullError) {
          throw new ConflictError(error.message);
        }
        throw error;
      }
      await this.#store.addEvent({
        id: randomUUID(),
        instanceId: record.id,
        instanceName: record.name,
        actor: record.createdBy,
        action: 'create',
        toStatus: 'Pending',
        message: `Created with plan '${plan}', owned by ${owner}, on cluster '${record.cluster}' (region ${record.region})`,
        createdAt: now,
      });
      this.#logger.info('Instance requested', {
        instance: record.name,
        owner,
        plan,
        cluster: record.cluster,
      });
      await auditorEvent.success({ meta: { instanceId: record.id } });
      this.#onChange(record.name);
      return { instance: this.#toInstance(record), replayed: false };
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  }

  async listInstances(
    query: {
      owner?: string;
      status?: InstanceStatus;
      cluster?: string;
      region?: string;
      limit: number;
      cursor?: string;
    },
    caller: Caller,
  ): Promise<ListInstancesResponse> {
    const { clusters, regions } = this.placementNames();
    for (const [key, value, known] of [
      ['cluster', query.cluster, clusters],
      ['region', query.region, regions],
    ] as const) {
      if (value !== undefined && !known.includes(value)) {
        throw new InputError(
          `${key} must be one of ${
            known.map(k => `'${k}'`).join(', ') ||
            `the configured ${key}s (none)`
          }; got '${value}'`,
        );
      }
    }
    const criteria = await this.#authorizer.readCriteria(caller);
    const page = await this.#store.listInstances({
      ...query,
      owner: query.owner && normalizeOwner(query.owner),
      criteria,
    });
    return {
      items: page.items.map(r => this.#toInstance(r)),
      totalCount: page.totalCount,
      nextCursor: page.nextCursor,
    };
  }

  /** `GET /v1/clusters`: any caller who may list instances may see where they can go. */
  async listClusters(caller: Caller): Promise<ListClustersResponse> {
    this.#authorizer.checkReadScope(caller);
    return { items: await this.#clusters.summaries(this.#store) };
  }

  async getInstance(name: string, caller: Caller): Promise<Instance> {
    this.#authorizer.checkServiceOperation(
      caller,
      supacontrolInstanceReadPermission,
    );
    const record = await this.#find(name);
    await this.#authorizer.authorize(
      caller,
      supacontrolInstanceReadPermission,
      record,
    );
    return this.#toInstance(record);
  }

  async listEvents(
    name: string,
    caller: Caller,
  ): Promise<{ items: InstanceEvent[] }> {
    this.#authorizer.checkServiceOperation(
      caller,
      supacontrolInstanceReadPermission,
    );
    const record = await this.#find(name);
    await this.#authorizer.authorize(
      caller,
      supacontrolInstanceReadPermission,
      record,
    );
    const events = await this.#store.listEvents(record.id);
    return {
      items: events.map(e => ({
        id: e.id,
        instanceName: e.instanceName,
        actor: e.actor,
        action: e.action,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        message: e.message,
        createdAt: e.createdAt.toISOString(),
      })),
    };
  }

  /**
   * Records the wish to delete; repeating it while the deletion runs changes nothing, and on a
   * deletion that Failed it starts the deletion over. Written only on top of the generation read
   * (a change in between is read again once, else a ConflictError asks the caller to retry).
   */
  async deleteInstance(name: string, caller: Caller): Promise<Instance> {
    const audit = auditOptionsOf(caller);
    const auditorEvent = await this.#auditor.createEvent({
      eventId: SUPACONTROL_AUDIT_EVENTS.instanceDelete,
      severityLevel: 'medium',
      request: audit.request,
      meta: { ...audit.meta, name },
    });
    let record: InstanceRecord | undefined;
    try {
      this.#authorizer.checkServiceOperation(
        caller,
        supacontrolInstanceDeletePermission,
      );
      record = await this.#find(name);
      await this.#authorizer.authorize(
        caller,
        supacontrolInstanceDeletePermission,
        record,
      );
      if (record.deletionProtection && !record.deletedAt) {
        throw new ConflictError(
          `Instance '${name}' has deletion protection, so it is not deleted. Clear it first: ` +
            `PATCH /v1/instances/${name} {"deletionProtection": false}, or ` +
            `supactl instances update ${name} --deletion-protection false`,
        );
      }
      let updated: InstanceRecord | undefined;
      for (let attempt = 1; !updated; attempt++) {
        if (attempt > 1) record = await this.#find(name);
        const rearm =
          record.desiredState === 'deleted' && record.status === 'Failed';
        if (record.desiredState === 'deleted' && !rearm) {
          await auditorEvent.success({
            meta: { instanceId: record.id, alreadyDeleting: true },
          });
          return this.#toInstance(record);
        }
        const now = new Date();
        // A new generation with a fresh count of attempts: whatever the reconciler was doing
        // for the old one is fenced off by it, and a failed deletion starts over.
        updated = await this.#store.updateAtGeneration(
          record.id,
          record.generation,
          {
            desiredState: 'deleted',
            status: 'Deleting',
            generation: record.generation + 1,
            failureCount: 0,
            nextAttemptAt: undefined,
            lastError: undefined,
            updatedAt: now,
          },
          {
            event: {
              id: randomUUID(),
              instanceId: record.id,
              instanceName: record.name,
              actor: actorOf(caller),
              action: 'delete',
              fromStatus: record.status,
              toStatus: 'Deleting',
              message: rearm
                ? `Deletion requested again after: ${
                    record.lastError ?? 'failure'
                  }`
                : 'Deletion requested',
              createdAt: now,
            },
          },
        );
        if (!updated && attempt >= 2) {
          throw new ConflictError(
            `Instance '${name}' changed twice while its deletion was being recorded; retry the request`,
          );
        }
      }
      this.#logger.info('Instance deletion requested', { instance: name });
      await auditorEvent.success({ meta: { instanceId: record.id } });
      this.#onChange(name);
      return this.#toInstance(updated);
    } catch (error) {
      if (record && error instanceof NotAllowedError) {
        // A refused attempt on an instance the caller can see belongs in its history.
        await this.#store.addEvent({
          id: randomUUID(),
          instanceId: record.id,
          instanceName: record.name,
          actor: actorOf(caller),
          action: 'delete-refused',
          message: error.message,
          createdAt: new Date(),
        });
      }
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  }

  /** Re-arms a Failed instance: back to Pending (or Deleting, if it failed while deleting). */
  async retryInstance(name: string, caller: Caller): Promise<Instance> {
    const audit = auditOptionsOf(caller);
    const auditorEvent = await this.#auditor.createEvent({
      eventId: SUPACONTROL_AUDIT_EVENTS.instanceUpdate,
      severityLevel: 'medium',
      request: audit.request,
      meta: { ...audit.meta, name, action: 'retry' },
    });
    try {
      this.#authorizer.checkServiceOperation(
        caller,
        supacontrolInstanceUpdatePermission,
      );
      let record = await this.#find(name);
      await this.#authorizer.authorize(
        caller,
        supacontrolInstanceUpdatePermission,
        record,
      );
      let updated: InstanceRecord | undefined;
      for (let attempt = 1; !updated; attempt++) {
        if (attempt > 1) record = await this.#find(name);
        if (record.status !== 'Failed') {
          throw new ConflictError(
            `Instance '${name}' is ${record.status}; only Failed instances can be retried`,
          );
        }
        const to = record.desiredState === 'deleted' ? 'Deleting' : 'Pending';
        const now = new Date();
        // Only on top of the Failed generation read: a DELETE in between is not undone.
        updated = await this.#store.updateAtGeneration(
          record.id,
          record.generation,
          {
            status: to,
            failureCount: 0,
            nextAttemptAt: undefined,
            lastError: undefined,
            generation: record.generation + 1,
            updatedAt: now,
          },
          {
            event: {
              id: randomUUID(),
              instanceId: record.id,
              instanceName: name,
              actor: actorOf(caller),
              action: 'retry',
              fromStatus: 'Failed',
              toStatus: to,
              message: `Retry requested after: ${
                record.lastError ?? 'failure'
              }`,
              createdAt: now,
            },
          },
        );
        if (!updated && attempt >= 2) {
          throw new ConflictError(
            `Instance '${name}' changed twice while its retry was being recorded; retry the request`,
          );
        }
      }
      await auditorEvent.success({ meta: { instanceId: record.id } });
      this.#onChange(name);
      return this.#toInstance(updated);
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  }

  /** Connection details from the instance Secret in the cluster; audited as a sensitive read. */
  async getCredentials(
    name: string,
    caller: Caller,
  ): Promise<InstanceCredentials> {
    const audit = auditOptionsOf(caller);
    const auditorEvent = await this.#auditor.createEvent({
      eventId: SUPACONTROL_AUDIT_EVENTS.instanceCredentialsRead,
      severityLevel: 'high',
      request: audit.request,
      meta: { ...audit.meta, name },
    });
    try {
      this.#authorizer.checkServiceOperation(
        caller,
        supacontrolInstanceCredentialsReadPermission,
      );
      const record = await this.#find(name);
      await this.#authorizer.authorize(
        caller,
        supacontrolInstanceCredentialsReadPermission,
        record,
      );
      if (record.deletedAt) {
        throw new NotFoundError(
          `Instance '${name}' was deleted; its credentials are gone`,
        );
      }
      const cluster = this.#clusters.get(record.cluster);
      if (!cluster) {
        throw new ServiceUnavailableError(
          `Cluster '${record.cluster}' of this instance is not configured (supacontrol.clusters); its credentials live there`,
        );
      }
      const { driver } = cluster;
      const secret = await fromCluster(
        `read the Secret of instance ${name}`,
        this.#logger,
        () => driver.readSecret(record),
      );
      if (!secret?.['anon-key'] || !secret['db-password']) {
        throw new ConflictError(
          `Credentials of '${name}' do not exist yet (status ${record.status}); they are created while provisioning`,
        );
      }
      const endpoints = instanceEndpoints(
        record,
        ingressOf(record, this.#config),
      );
      await auditorEvent.success({ meta: { instanceId: record.id } });
      return {
        apiUrl: endpoints.api,
        studioUrl: endpoints.studio,
        anonKey: secret['anon-key'],
        serviceRoleKey: secret['service-role-key'] ?? '',
        postgresUrl: `postgresql://postgres:${encodeURIComponent(
          secret['db-password'],
        )}@${record.name}-db.${record.namespace}.svc:5432/postgres`,
        dashboard: {
          username: secret['dashboard-username'] ?? '',
          password: secret['dashboard-password'] ?? '',
        },
      };
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  }

  /**
   * Runs {@link verifyInstance} from this backend against the instance, with its credentials
   * (read, permission-checked and audited as by `getCredentials`).
   */
  async verify(name: string, caller: Caller): Promise<VerifyResult> {
    return verifyInstance(await this.getCredentials(name, caller));
  }

  /** Refuses a new instance of `owner` past `supacontrol.limits`. */
  async #checkLimits(owner: string): Promise<void> {
    const { instancesPerOwner, instancesTotal } = this.#config.limits;
    const [mine, all] = await Promise.all([
      this.#store.countLive({ owner }),
      this.#store.countLive({}),
    ]);
    if (mine >= instancesPerOwner) {
      throw new ConflictError(
        `${owner} already has ${mine} instances, the most one owner may have ` +
          `(supacontrol.limits.instancesPerOwner = ${instancesPerOwner}); delete one first, or ask an operator to raise the limit`,
      );
    }
    if (all >= instancesTotal) {
      throw new ConflictError(
        `SupaControl already manages ${all} instances, its limit ` +
          `(supacontrol.limits.instancesTotal = ${instancesTotal}); ask an operator to raise it`,
      );
    }
  }

  async #find(name: string): Promise<InstanceRecord> {
    const record = await this.#store.getInstance(name);
    if (!record) {
      throw new NotFoundError(`No instance named '${name}'`);
    }
    return record;
  }

  #resolveOwner(requested: string | undefined, caller: Caller): string {
    if (caller.kind === 'service') {
      if (!requested) {
        throw new InputError(
          'owner is required when a service creates an instance, e.g. "owner": "group:default/team-a"',
        );
      }
      return normalizeOwner(requested);
    }
    const own =
      caller.kind === 'user'
        ? caller.ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US'))
        : caller.ownershipRefs;
    const self =
      caller.kind === 'user' ? caller.userEntityRef : caller.key.owner;
    if (!requested) {
      return self.toLocaleLowerCase('en-US');
    }
    const owner = normalizeOwner(requested);
    if (!own.includes(owner)) {
      throw new NotAllowedError(
        `You can only create instances owned by yourself or your groups (${own.join(
          ', ',
        )}); got '${requested}'`,
      );
    }
    return owner;
  }
}
