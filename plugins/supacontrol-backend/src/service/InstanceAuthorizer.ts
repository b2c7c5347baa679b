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
  supacontrolInstanceReadPermission,
} from '@internal/plugin-supacontrol-common';
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
 * Decides what a caller may do with instances: users and services through the permission
 * framework (policy decisions, conditional ones evaluated here), API keys through their scopes
 * intersected with their owner's instances.
 */
export class InstanceAuthorizer {
  readonly #permissions: PermissionsService;
  readonly #isAllowed: ReturnType<
    typeof createConditionAuthorizer<InstanceRecord>
  >;
  readonly #toCriteria: ReturnType<
    typeof createConditionTransformer<{ key: 'owner'; values: string[] }>
  >;

  static create(options: {
    permissions: PermissionsService;
    permissionsRegistry: PermissionsRegistryService;
  }): InstanceAuthorizer {
    return new InstanceAuthorizer(
      options.permissions,
      options.permissionsRegistry,
    );
  }

  private constructor(
    permissions: PermissionsService,
    registry: PermissionsRegistryService,
  ) {
    this.#permissions = permissions;
    const ruleset = registry.getPermissionRuleset(
      instancePermissionResourceRef,
    );
    this.#isAllowed = createConditionAuthorizer(ruleset);
    this.#toCriteria = createConditionTransformer(ruleset);
  }

  /** Throws unless the caller may create instances. */
  async authorizeCreate(caller: Caller): Promise<void> {
    if (caller.kind === 'key') {
      requireScope(caller, 'instances:write');
      return;
    }
    const [decision] = await this.#permissions.authorize(
      [{ permission: supacontrolInstanceCreatePermission }],
      { credentials: caller.credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You are not allowed to create instances');
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
        caller.key.ownershipRefs.includes(instance.owner)
      );
    }
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission }],
      { credentials: caller.credentials },
    );
    return this.#isAllowed(decision, instance);
  }

  /**
   * Throws unless the caller may do `permission` on `instance`. An instance the caller may not
   * even read is reported as not found, so that names of others' instances do not leak.
   */
  async authorize(
    caller: Caller,
    permission: InstancePermission,
    instance: InstanceRecord,
  ): Promise<void> {
    if (
      caller.kind === 'key' &&
      caller.key.ownershipRefs.includes(instance.owner)
    ) {
      requireScope(caller, scopeFor(permission));
      return;
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
      return { key: 'owner', values: caller.key.ownershipRefs };
    }
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission: supacontrolInstanceReadPermission }],
      { credentials: caller.credentials },
    );
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError('You are not allowed to read instances');
    }
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return this.#toCriteria(decision.conditions);
    }
    return undefined;
  }
}
