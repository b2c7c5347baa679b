import {
  DesiredState,
  InstanceComponent,
  InstanceCondition,
  InstanceStatus,
  ApiKeyScope,
} from '@supacontrol/plugin-supacontrol-common';
import { PermissionCriteria } from '@backstage/plugin-permission-common';

/** An instance row, as the services see it. */
export interface InstanceRecord {
  id: string;
  name: string;
  namespace: string;
  owner: string;
  createdBy: string;
  plan: string;
  /** The cluster it was placed on; never changes. */
  cluster: string;
  /** That cluster's region (kept in step with the configuration at start-up). */
  region: string;
  chartName: string;
  chartVersion: string;
  status: InstanceStatus;
  desiredState: DesiredState;
  generation: number;
  observedGeneration: number;
  conditions: InstanceCondition[];
  components: InstanceComponent[];
  lastError?: string;
  createdAt: Date;
  updatedAt: Date;
  deletedAt?: Date;
  /** Consecutive failed reconcile attempts. */
  failureCount: number;
  /** Not before this time does the reconciler try again (backoff). */
  nextAttemptAt?: Date;
  /** Workloads of the installed release, from its manifest; undefined before the first install. */
  expectedWorkloads?: ExpectedWorkload[];
  /** The Idempotency-Key of the create request, if it had one. */
  idempotencyKey?: string;
  /** While true, DELETE is refused. */
  deletionProtection: boolean;
  /** Restart stamps by component (or `all`), given to the chart as `restarts`. */
  restarts: Record<string, string>;
  /** How many rotations of each credential were asked for; the Secret records the ones applied. */
  rotations: CredentialRotations;
}

/** Rotation counters of the instance Secret's credentials. */
export interface CredentialRotations {
  jwt: number;
  dashboard: number;
}

/** A Deployment or StatefulSet the release's manifest declares. */
export interface ExpectedWorkload {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  component: string;
}

/**
 * A filter the permission framework produced: `IS_OWNER` conditions over the owner column and,
 * for instances, `IS_IN_REGION` over the region column.
 */
export type OwnerCriteria = PermissionCriteria<{
  key: 'owner' | 'region';
  values: string[];
}>;

export interface ListInstancesQuery {
  owner?: string;
  status?: InstanceStatus;
  cluster?: string;
  region?: string;
  /** Restricts the result to what the caller may read; undefined means no restriction. */
  criteria?: OwnerCriteria;
  limit: number;
  cursor?: string;
}

export interface InstanceEventRecord {
  id: string;
  instanceId?: string;
  instanceName: string;
  actor: string;
  action: string;
  fromStatus?: InstanceStatus;
  toStatus?: InstanceStatus;
  message: string;
  createdAt: Date;
  /** The reconciler replica that wrote it (its lease owner id); never in API responses. */
  worker?: string;
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  owner: string;
  prefix: string;
  secretHash: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  expiresAt?: Date;
  lastUsedAt?: Date;
  revokedAt?: Date;
}
