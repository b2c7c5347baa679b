import { IS_IN_REGION_RULE } from './clusters';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  createPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/** Resource type of instances in the permission framework. @public */
export const RESOURCE_TYPE_SUPACONTROL_INSTANCE = 'supacontrol-instance';

/** Resource type of plugin API keys in the permission framework. @public */
export const RESOURCE_TYPE_SUPACONTROL_API_KEY = 'supacontrol-apikey';

/** @public */
export type SupaControlInstancePermission = ResourcePermission<
  typeof RESOURCE_TYPE_SUPACONTROL_INSTANCE
>;

/** Create an instance. @public */
export const supacontrolInstanceCreatePermission = createPermission({
  name: 'supacontrol.instance.create',
  attributes: { action: 'create' },
});

/** Read an instance, its events and its status. @public */
export const supacontrolInstanceReadPermission = createPermission({
  name: 'supacontrol.instance.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_SUPACONTROL_INSTANCE,
});

/** Change an instance (retry, pause, resume, upgrade). @public */
export const supacontrolInstanceUpdatePermission = createPermission({
  name: 'supacontrol.instance.update',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_SUPACONTROL_INSTANCE,
});

/** Delete an instance. @public */
export const supacontrolInstanceDeletePermission = createPermission({
  name: 'supacontrol.instance.delete',
  attributes: { action: 'delete' },
  resourceType: RESOURCE_TYPE_SUPACONTROL_INSTANCE,
});

/** Read an instance's credentials (service_role key, database password). @public */
export const supacontrolInstanceCredentialsReadPermission = createPermission({
  name: 'supacontrol.instance.credentials.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_SUPACONTROL_INSTANCE,
});

/** Create, list and revoke plugin API keys. @public */
export const supacontrolApiKeyManagePermission = createPermission({
  name: 'supacontrol.apikey.manage',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_SUPACONTROL_API_KEY,
});

/** Every SupaControl permission. @public */
export const supacontrolPermissions = [
  supacontrolInstanceCreatePermission,
  supacontrolInstanceReadPermission,
  supacontrolInstanceUpdatePermission,
  supacontrolInstanceDeletePermission,
  supacontrolInstanceCredentialsReadPermission,
  supacontrolApiKeyManagePermission,
];

/** Resource permissions on instances. @public */
export const supacontrolInstancePermissions = [
  supacontrolInstanceReadPermission,
  supacontrolInstanceUpdatePermission,
  supacontrolInstanceDeletePermission,
  supacontrolInstanceCredentialsReadPermission,
];

/** Name of the rule "the resource's owner is one of the given entity refs". @public */
export const IS_OWNER_RULE = 'IS_OWNER';

/**
 * A conditional decision that allows the permission on instances or API keys owned by one of
 * `claims` (usually the user's ownership entity refs). For permission policies.
 *
 * @public
 */
export function createOwnerConditionalDecision(
  resourceType:
    | typeof RESOURCE_TYPE_SUPACONTROL_INSTANCE
    | typeof RESOURCE_TYPE_SUPACONTROL_API_KEY,
  claims: string[],
): ConditionalPolicyDecision {
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'supacontrol',
    resourceType,
    conditions: { rule: IS_OWNER_RULE, resourceType, params: { claims } },
  };
}

/**
 * A conditional decision that allows the permission on instances placed in one of `regions`
 * (the `IS_IN_REGION` rule), e.g. for a team that may only see its data-residency region. Combine
 * it with the owner rule through the permission framework's `allOf` / `anyOf` for both.
 *
 * @public
 */
export function createRegionConditionalDecision(
  regions: string[],
): ConditionalPolicyDecision {
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'supacontrol',
    resourceType: RESOURCE_TYPE_SUPACONTROL_INSTANCE,
    conditions: {
      rule: IS_IN_REGION_RULE,
      resourceType: RESOURCE_TYPE_SUPACONTROL_INSTANCE,
      params: { regions },
    },
  };
}
