import {
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
} from '@backstage/plugin-permission-node';
import {
  ApiKeyScope,
  RESOURCE_TYPE_SUPACONTROL_INSTANCE,
  supacontrolInstanceCreatePermission,
  supacontrolInstanceCredentialsReadPermission,
  supacontrolInstanceDeletePermission,
  supacontrolInstanceReadPermission,
} from '@supacontrol/plugin-supacontrol-common';
import { ServiceAccessRule, ServiceOperation } from '../config/accessConfig';
import { InstanceRecord, OwnerCriteria } from '../database/types';
import { instancePermissionResourceRef } from '../permissions/rules';
import { Caller } from './callers';

type InstancePermission = ResourcePermission<
  typeof RESOURCE_TYPE_SUPACONTROL_INSTANCE
>;

/** The key scope that stands for a permission when an API key calls. */
function scopeFor(
  permission: BasicPermission | InstancePermission,
): ApiKeyScope {
  if (permission.name === supacontrolInstanceReadPermission.name) {
    return 'instances:read';
  }
  if (permission.name === supacontrolInstanceCredentialsReadPermission.name) {
    return 'instances:credentials';
  }
  return 'instances:write';
}

/** The `supacontrol.serviceAccess` operation that stands for a permission. */
function operationFor(
  permission: BasicPermission | InstancePermission,
): ServiceOperation {
  switch (permission.name) {
    case supacontrolInstanceReadPermission.name:
      return 'read';
    case supacontrolInstanceCredentialsReadPermission.name:
      return 'credentials';
    case supacontrolInstanceCreatePermission.name:
      return 'create';
    case supacontrolInstanceDeletePermission.name:
      return 'delete';
    default:
      return 'update';
  }
}

const OPERATION_WORDS: Record<ServiceOperation, string> = {
  read: 'read instances',
  create: 'create instances',
  update: 'change instances',
  delete: 'delete instances',
  credentials: 'read instance credentials',
};

function requireScope(
  caller: Extract<Caller, { kind: 'key' }>,
  scope: ApiKeyScope,
) {
  if (!caller.key.scopes.includes(scope)) {
    throw new NotAllowedError(
      `API key ${caller.key.prefix} lacks the scope '${scope}'; create a key with that scope`,
    );
  }
}

/**
 * Decides what a caller may do with instances:
 * - users through the permission framework (policy decisions, conditional ones evaluated here);
 * - services first through `supacontrol.serviceAccess` (the framework allows every service
 *   principal without access restrictions, so this is what keeps a leaked token from being an
 *   admin), then through the framework as well;
 * - API keys through their scopes intersected with their owner's current ownership.
 */
export class InstanceAuthorizer {
  readonly #permissions: PermissionsService;
  readonly #serviceAccess: Map<string, ServiceAccessRule>;
  readonly #isAllowed: ReturnType<
    typeof createConditionAuthorizer<InstanceRecord>
  >;
  readonly #toCriteria: ReturnType<
    typeof createConditionTransformer<{
      key: 'owner' | 'region';
      values: string[];
    }>
  >;

  static create(options: {
    permissions: PermissionsService;
    permissionsRegistry: PermissionsRegistryService;
    serviceAccess: ServiceAccessRule[];
  }): InstanceAuthorizer {
    return new InstanceAuthorizer(options);
  }

  private constructor(
    options: Parameters<typeof InstanceAuthorizer.create>[0],
  ) {
    this.#permissions = options.permissions;
    this.#serviceAccess = new Map(
      options.serviceAccess.map(rule => [rule.subject, rule]),
    );
    const ruleset = options.permissionsRegistry.getPermissionRuleset(
      instancePermissionResourceRef,
    );
    this.#isAllowed = createConditionAuthorizer(ruleset);
    this.#toCriteria = createConditionTransformer(ruleset);
  }

  /** The service's rule, if it allows `operation`; else throws `NotAllowedError`. */
  #serviceRule(
    caller: Extract<Caller, { kind: 'service' }>,
    operation: ServiceOperation,
  ): ServiceAccessRule {
    const rule = this.#serviceAccess.get(caller.subject);
    if (!rule?.allow.includes(operation)) {
      throw new NotAllowedError(
        `The service '${caller.subject}' may not ${OPERATION_WORDS[operation]}: ` +
          `an operator must list it in supacontrol.serviceAccess with allow: [${operation}]`,
      );
    }
    return rule;
  }

  /**
   * Throws when the caller is a service that may not do `permission` at all, before anything is
   * looked up: such a caller learns nothing, not even whether an instance exists.
   */
  checkServiceOperation(caller: Caller, permission: InstancePermission): void {
    if (caller.kind === 'service') {
      this.#serviceRule(caller, operationFor(permission));
    }
  }

  /**
   * Throws unless the caller may read what SupaControl offers (plans' placement, clusters): API
   * keys need `instances:read`, services a `read` rule.
   */
  checkReadScope(caller: Caller): void {
    if (caller.kind === 'key') requireScope(caller, 'instances:read');
    if (caller.kind === 'service') this.#serviceRule(caller, 'read');
  }

  /** Throws unless the caller may create instances. */
  async authorizeCreate(caller: Caller): Promise<void> {
    if (caller.kind === 'key') {
      requireScope(caller, 'instances:write');
      return;
    }
    if (caller.kind === 'service') {
      this.#serviceRule(caller, 'create');
    }
    const [decision] = await this.#permissions.authorize(
      [{ permission: supacontrolInstanceCreatePermission }],
      { credentials: caller.credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You are not allowed to create instances');
    }
  }

  /** Throws unless a service restricted to some owners may create an instance for `owner`. */
  authorizeOwner(caller: Caller, owner: string): void {
    if (caller.kind !== 'service') return;
    const { owners } = this.#serviceRule(caller, 'create');
    if (owners && !owners.includes(owner)) {
      throw new NotAllowedError(
        `The service '${
          caller.subject
        }' may only create instances owned by ${owners.join(
          ', ',
        )} (supacontrol.serviceAccess); got '${owner}'`,
      );
    }
  }

  /** True when the caller may do `permission` on `instance`. */
  async isAllowed(
    caller: Caller,
    permission: InstancePermission,
    instance: InstanceRecord,
  ): Promise<boolean> {
    if (caller.kind === 'key') {
      return (
        caller.key.scopes.includes(scopeFor(permission)) &&
        caller.ownershipRefs.includes(instance.owner)
      );
    }
    if (caller.kind === 'service') {
      const rule = this.#serviceAccess.get(caller.subject);
      if (
        !rule?.allow.includes(operationFor(permission)) ||
        (rule.owners && !rule.owners.includes(instance.owner))
      ) {
        return false;
      }
    }
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission }],
      { credentials: caller.credentials },
    );
    return this.#isAllowed(decision, instance);
  }

  /**
   * Throws unless the caller may do `permission` on `instance`. An instance the caller may not
   * even read is reported as not found, so that names of others' instances do not leak. A service
   * not allowed the operation at all is told so (403), whatever the instance.
   */
  async authorize(
    caller: Caller,
    permission: InstancePermission,
    instance: InstanceRecord,
  ): Promise<void> {
    if (
      caller.kind === 'key' &&
      caller.ownershipRefs.includes(instance.owner)
    ) {
      requireScope(caller, scopeFor(permission));
      return;
    }
    if (caller.kind === 'service') {
      this.#serviceRule(caller, operationFor(permission));
      this.#serviceRule(caller, 'read');
    }
    if (
      !(await this.isAllowed(
        caller,
        supacontrolInstanceReadPermission,
        instance,
      ))
    ) {
      throw new NotFoundError(`No instance named '${instance.name}'`);
    }
    if (
      permission.name !== supacontrolInstanceReadPermission.name &&
      !(await this.isAllowed(caller, permission, instance))
    ) {
      throw new NotAllowedError(
        `You are not allowed to ${
          permission.attributes.action ?? 'use'
        } instance '${instance.name}' (${permission.name})`,
      );
    }
  }

  /**
   * The filter for listing instances the caller may read, or undefined when it may read all.
   * Throws when it may read none.
   */
  async readCriteria(caller: Caller): Promise<OwnerCriteria | undefined> {
    if (caller.kind === 'key') {
      requireScope(caller, 'instances:read');
      return { key: 'owner', values: caller.ownershipRefs };
    }
    const owners =
      caller.kind === 'service'
        ? this.#serviceRule(caller, 'read').owners
        : undefined;
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission: supacontrolInstanceReadPermission }],
      { credentials: caller.credentials },
    );
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError('You are not allowed to read instances');
    }
    const criteria: OwnerCriteria[] = [];
    if (owners) criteria.push({ key: 'owner', values: owners });
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      criteria.push(this.#toCriteria(decision.conditions));
    }
    if (criteria.length === 0) return undefined;
    return criteria.length === 1
      ? criteria[0]
      : { allOf: [criteria[0], ...criteria.slice(1)] };
  }
}
