import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  Instance,
  InstanceComponentName,
  RotatableCredential,
  SUPACONTROL_AUDIT_EVENTS,
  supacontrolInstanceUpdatePermission,
  UpdateInstanceRequest,
} from '@supacontrol/plugin-supacontrol-common';
import { randomUUID } from 'node:crypto';
import { SupaControlConfig } from '../config/SupaControlConfig';
import { InstancePatch, InstanceStore } from '../database/InstanceStore';
import { InstanceRecord } from '../database/types';
import { actorOf, auditOptionsOf, Caller } from './callers';
import { InstanceAuthorizer } from './InstanceAuthorizer';

/** Throws a 400 listing the allowed versions unless `version` is one of `chart.versions`. */
export function assertAllowedChartVersion(
  version: string,
  config: Pick<SupaControlConfig, 'chart'>,
): void {
  if (!config.chart.versions.includes(version)) {
    throw new InputError(
      `chartVersion must be one of ${config.chart.versions
        .map(v => `'${v}'`)
        .join(', ')} (supacontrol.chart.versions); got '${version}'`,
    );
  }
}

/** What an operation changes, decided from the instance as read; throws to refuse. */
type Change = {
  patch: InstancePatch;
  /** History message. */
  message: string;
  /** Whether the reconciler must act (a new generation); false for flags such as protection. */
  reconcile: boolean;
};

const ACTIVE = new Set(['Running', 'Updating', 'Degraded']);

/**
 * Day-2 operations on an instance: pause and resume, restart, plan and protection changes, and
 * credential rotation. Like every handler they only record intent: a new desired state or a new
 * stamp, with a new generation, which the reconciler carries out through the state machine. Each
 * is audited (`instance-update`, with the action), written to the instance's history, and written
 * only on top of the generation it read.
 */
export class InstanceOperations {
  readonly #store: InstanceStore;
  readonly #authorizer: InstanceAuthorizer;
  readonly #auditor: AuditorService;
  readonly #logger: LoggerService;
  readonly #config: SupaControlConfig;
  readonly #onChange: (name: string) => void;
  readonly #toInstance: (record: InstanceRecord) => Instance;

  static create(options: {
    store: InstanceStore;
    authorizer: InstanceAuthorizer;
    auditor: AuditorService;
    logger: LoggerService;
    config: SupaControlConfig;
    onChange?: (name: string) => void;
    toInstance: (record: InstanceRecord) => Instance;
  }): InstanceOperations {
    return new InstanceOperations(options);
  }

  private constructor(
    options: Parameters<typeof InstanceOperations.create>[0],
  ) {
    this.#store = options.store;
    this.#authorizer = options.authorizer;
    this.#auditor = options.auditor;
    this.#logger = options.logger;
    this.#config = options.config;
    this.#onChange = options.onChange ?? (() => {});
    this.#toInstance = options.toInstance;
  }

  /** Scales every component to zero, keeping volumes and the Secret; ends `Paused`. */
  pause(name: string, caller: Caller): Promise<Instance> {
    return this.#operate(name, caller, 'pause', record => {
      if (record.desiredState === 'paused') {
        throw new ConflictError(`Instance '${name}' is already paused`);
      }
      if (!ACTIVE.has(record.status)) {
        throw new ConflictError(
          `Instance '${name}' is ${record.status}; only Running, Updating or Degraded instances can be paused`,
        );
      }
      return {
        patch: { desiredState: 'paused' },
        message: 'Pause requested',
        reconcile: true,
      };
    });
  }

  /** Brings a paused instance back; it is Running once every component is Ready. */
  resume(name: string, caller: Caller): Promise<Instance> {
    return this.#operate(name, caller, 'resume', record => {
      if (record.desiredState !== 'paused') {
        throw new ConflictError(
          `Instance '${name}' is not paused (it is ${record.status}); only paused instances can be resumed`,
        );
      }
      return {
        patch: { desiredState: 'running' },
        message: 'Resume requested',
        reconcile: true,
      };
    });
  }

  /** A rolling restart of one component, or of all. */
  restart(
    name: string,
    input: { component?: InstanceComponentName },
    caller: Caller,
  ): Promise<Instance> {
    const which = input.component ?? 'all';
    return this.#operate(name, caller, 'restart', record => {
      this.#requireActive(record, 'restarted');
      return {
        patch: {
          restarts: { ...record.restarts, [which]: new Date().toISOString() },
        },
        message:
          which === 'all'
            ? 'Restart of every component requested'
            : `Restart of ${which} requested`,
        reconcile: true,
      };
    });
  }

  /** A new plan (quota, limits and chart values) and/or deletion protection. */
  update(
    name: string,
    input: UpdateInstanceRequest,
    caller: Caller,
  ): Promise<Instance> {
    return this.#operate(name, caller, 'update', record => {
      const patch: InstancePatch = {};
      const said: string[] = [];
      let reconcile = false;
      if (input.plan !== undefined && input.plan !== record.plan) {
        if (!this.#config.plans.some(p => p.name === input.plan)) {
          throw new InputError(
            `plan must be one of ${this.#config.plans
              .map(p => `'${p.name}'`)
              .join(', ')}; got '${input.plan}'`,
          );
        }
        if (record.desiredState === 'deleted' || record.status === 'Failed') {
          throw new ConflictError(
            `Instance '${name}' is ${record.status}; its plan cannot change now`,
          );
        }
        patch.plan = input.plan;
        said.push(`plan ${record.plan} → ${input.plan}`);
        reconcile = true;
      }
      if (
        input.chartVersion !== undefined &&
        input.chartVersion !== record.chartVersion
      ) {
        assertAllowedChartVersion(input.chartVersion, this.#config);
        if (record.desiredState === 'deleted' || record.status === 'Failed') {
          throw new ConflictError(
            `Instance '${name}' is ${record.status}; it cannot be upgraded now`,
          );
        }
        patch.chartVersion = input.chartVersion;
        said.push(`chart ${record.chartVersion} → ${input.chartVersion}`);
        reconcile = true;
      }
      if (
        input.deletionProtection !== undefined &&
        input.deletionProtection !== record.deletionProtection
      ) {
        patch.deletionProtection = input.deletionProtection;
        said.push(
          `deletion protection ${input.deletionProtection ? 'on' : 'off'}`,
        );
      }
      return {
        patch,
        message: said.length ? `Changed: ${said.join(', ')}` : '',
        reconcile,
      };
    });
  }

  /**
   * New credentials: `jwt` (JWT secret, anon and service_role keys; every component restarts)
   * or `dashboard` (Studio password). The database password is refused: Postgres keeps the one
   * it was first given, so a new value in the Secret would only lock the services out.
   */
  rotate(
    name: string,
    input: { what: RotatableCredential },
    caller: Caller,
  ): Promise<Instance> {
    return this.#operate(name, caller, 'rotate', record => {
      if (input.what === 'database') {
        throw new InputError(
          'The database password cannot be rotated: Postgres keeps the password it was first given, ' +
            'so a new one in the Secret would lock every service out of the database. Change it in ' +
            'Postgres yourself (ALTER ROLE for each role) and then in the instance Secret',
        );
      }
      if (!ACTIVE.has(record.status) && record.status !== 'Paused') {
        throw new ConflictError(
          `Instance '${name}' is ${record.status}; credentials can be rotated when it is Running, Updating or Paused`,
        );
      }
      return {
        patch: {
          rotations: {
            ...record.rotations,
            [input.what]: record.rotations[input.what] + 1,
          },
        },
        message:
          input.what === 'jwt'
            ? 'Rotation of the JWT secret, anon and service_role keys requested; every component restarts'
            : 'Rotation of the Studio dashboard password requested',
        reconcile: true,
      };
    });
  }

  #requireActive(record: InstanceRecord, what: string) {
    if (record.desiredState !== 'running' || !ACTIVE.has(record.status)) {
      throw new ConflictError(
        `Instance '${record.name}' is ${record.status}${
          record.desiredState === 'paused' ? ' (paused)' : ''
        }; only Running, Updating or Degraded instances can be ${what}`,
      );
    }
  }

  async #operate(
    name: string,
    caller: Caller,
    action: string,
    decide: (record: InstanceRecord) => Change,
  ): Promise<Instance> {
    const audit = auditOptionsOf(caller);
    const auditorEvent = await this.#auditor.createEvent({
      eventId: SUPACONTROL_AUDIT_EVENTS.instanceUpdate,
      severityLevel: 'medium',
      request: audit.request,
      meta: { ...audit.meta, name, action },
    });
    let record: InstanceRecord | undefined;
    try {
      this.#authorizer.checkServiceOperation(
        caller,
        supacontrolInstanceUpdatePermission,
      );
      record = await this.#find(name);
      await this.#authorizer.authorize(
        caller,
        supacontrolInstanceUpdatePermission,
        record,
      );
      let updated: InstanceRecord | undefined;
      for (let attempt = 1; !updated; attempt++) {
        if (attempt > 1) record = await this.#find(name);
        if (record.deletedAt || record.desiredState === 'deleted') {
          throw new ConflictError(
            `Instance '${name}' is being deleted; it cannot be changed`,
          );
        }
        const change = decide(record);
        if (Object.keys(change.patch).length === 0) {
          await auditorEvent.success({
            meta: { instanceId: record.id, unchanged: true },
          });
          return this.#toInstance(record);
        }
        const now = new Date();
        updated = await this.#store.updateAtGeneration(
          record.id,
          record.generation,
          {
            ...change.patch,
            ...(change.reconcile && {
              generation: record.generation + 1,
              failureCount: 0,
              nextAttemptAt: undefined,
              lastError: undefined,
            }),
            updatedAt: now,
          },
          {
            event: {
              id: randomUUID(),
              instanceId: record.id,
              instanceName: record.name,
              actor: actorOf(caller),
              action,
              fromStatus: record.status,
              message: change.message,
              createdAt: now,
            },
          },
        );
        if (!updated && attempt >= 2) {
          throw new ConflictError(
            `Instance '${name}' changed twice while this request was being recorded; retry it`,
          );
        }
      }
      this.#logger.info(`Instance ${action} requested`, { instance: name });
      await auditorEvent.success({ meta: { instanceId: record.id } });
      this.#onChange(name);
      return this.#toInstance(updated);
    } catch (error) {
      if (record && error instanceof NotAllowedError) {
        await this.#store.addEvent({
          id: randomUUID(),
          instanceId: record.id,
          instanceName: record.name,
          actor: actorOf(caller),
          action: `${action}-refused`,
          message: error.message,
          createdAt: new Date(),
        });
      }
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  }

  async #find(name: string): Promise<InstanceRecord> {
    const record = await this.#store.getInstance(name);
    if (!record || record.deletedAt) {
      throw new NotFoundError(`No instance named '${name}'`);
    }
    return record;
  }
}
