import {
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  IS_IN_REGION_RULE,
  IS_OWNER_RULE,
  RESOURCE_TYPE_SUPACONTROL_API_KEY,
  RESOURCE_TYPE_SUPACONTROL_INSTANCE,
} from '@supacontrol/plugin-supacontrol-common';
import { ApiKeyRecord, InstanceRecord } from '../database/types';

type OwnerQuery = { key: 'owner'; values: string[] };
type InstanceQuery = { key: 'owner' | 'region'; values: string[] };

/** Instances as a permission resource: conditions filter on the owner or the region. */
export const instancePermissionResourceRef = createPermissionResourceRef<
  InstanceRecord,
  InstanceQuery
>().with({
  pluginId: 'supacontrol',
  resourceType: RESOURCE_TYPE_SUPACONTROL_INSTANCE,
});

/** API keys as a permission resource: conditions filter on the owner. */
export const apiKeyPermissionResourceRef = createPermissionResourceRef<
  ApiKeyRecord,
  OwnerQuery
>().with({
  pluginId: 'supacontrol',
  resourceType: RESOURCE_TYPE_SUPACONTROL_API_KEY,
});

// Entity refs compare case-insensitively in Backstage; owners are stored lower-cased.
const normalize = (claims: string[]) =>
  claims.map(c => c.toLocaleLowerCase('en-US'));

/** `IS_OWNER` on instances: the owner is one of `claims`. */
export const isInstanceOwner = createPermissionRule<
  typeof instancePermissionResourceRef,
  { claims: string[] }
>({
  name: IS_OWNER_RULE,
  description: 'Allow instances whose owner is one of the given entity refs',
  resourceRef: instancePermissionResourceRef,
  apply: (resource, { claims }) => normalize(claims).includes(resource.owner),
  toQuery: ({ claims }) => ({ key: 'owner', values: normalize(claims) }),
});

/** `IS_IN_REGION` on instances: the instance's cluster is in one of `regions`. */
export const isInstanceInRegion = createPermissionRule<
  typeof instancePermissionResourceRef,
  { regions: string[] }
>({
  name: IS_IN_REGION_RULE,
  description:
    'Allow instances placed in one of the given regions (of supacontrol.clusters)',
  resourceRef: instancePermissionResourceRef,
  apply: (resource, { regions }) => regions.includes(resource.region),
  toQuery: ({ regions }) => ({ key: 'region', values: regions }),
});

/** `IS_OWNER` on API keys: the owner is one of `claims`. */
export const isApiKeyOwner = createPermissionRule<
  typeof apiKeyPermissionResourceRef,
  { claims: string[] }
>({
  name: IS_OWNER_RULE,
  description: 'Allow API keys whose owner is one of the given entity refs',
  resourceRef: apiKeyPermissionResourceRef,
  apply: (resource, { claims }) => normalize(claims).includes(resource.owner),
  toQuery: ({ claims }) => ({ key: 'owner', values: normalize(claims) }),
});
