/**
 * Every status an instance can be in. The backend's state machine moves instances between them;
 * clients only read them.
 *
 * @public
 */
export const INSTANCE_STATUSES = [
  'Pending',
  'Provisioning',
  'Running',
  'Degraded',
  'Paused',
  'Updating',
  'Deleting',
  'Deleted',
  'Failed',
] as const;

/** @public */
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

/**
 * Statuses in which the reconciler is still working toward the desired state.
 *
 * @public
 */
export const TRANSITIONAL_STATUSES: readonly InstanceStatus[] = [
  'Pending',
  'Provisioning',
  'Updating',
  'Deleting',
];

/** What the owner asked for; the reconciler moves the instance toward it. @public */
export type DesiredState = 'running' | 'paused' | 'deleted';

/**
 * One observation about an instance, in the style of Kubernetes conditions.
 *
 * @public
 */
export interface InstanceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  /** The instance generation the condition was set for, where that matters (a step done). */
  observedGeneration?: number;
}

/** Readiness of one Supabase component (a Deployment or StatefulSet). @public */
export interface InstanceComponent {
  name: string;
  kind: 'Deployment' | 'StatefulSet';
  ready: boolean;
  readyReplicas: number;
  replicas: number;
}

/**
 * A Supabase instance as the API returns it. Secrets are never part of it.
 *
 * @public
 */
export interface Instance {
  name: string;
  namespace: string;
  owner: string;
  createdBy: string;
  plan: string;
  status: InstanceStatus;
  desiredState: DesiredState;
  generation: number;
  observedGeneration: number;
  conditions: InstanceCondition[];
  components: InstanceComponent[];
  endpoints: { api?: string; studio?: string };
  /** The Kubernetes cluster the instance was placed on (`supacontrol.clusters[].name`); it never changes. */
  cluster: string;
  /** The region of that cluster. */
  region: string;
  chart: { name: string; version: string };
  /**
   * E-mail of the instance's Auth: `smtp` when its plan has an SMTP server; `autoconfirm` when
   * e-mail sign-ups are confirmed without a mail (always so without SMTP).
   */
  mail: { smtp: boolean; autoconfirm: boolean };
  /** While true, `DELETE` answers 409; clear it with `PATCH {deletionProtection: false}`. */
  deletionProtection: boolean;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
  deletedAt?: string;
}

/** Body of `POST /v1/instances`. @public */
export interface CreateInstanceRequest {
  name: string;
  plan?: string;
  chartVersion?: string;
  owner?: string;
  deletionProtection?: boolean;
  /** Place the instance on this cluster. Cannot be combined with `region`. */
  cluster?: string;
  /**
   * Place the instance on the enabled cluster of this region with the most room. Without
   * `cluster` or `region`, the cluster with the most room among those the plan allows.
   */
  region?: string;
}

/** Body of `GET /v1/instances`. @public */
export interface ListInstancesResponse {
  items: Instance[];
  totalCount: number;
  nextCursor?: string;
}

/** One entry of an instance's history. @public */
export interface InstanceEvent {
  id: string;
  instanceName: string;
  actor: string;
  action: string;
  fromStatus?: InstanceStatus;
  toStatus?: InstanceStatus;
  message: string;
  createdAt: string;
}

/** A plan a new instance can be created with, from the backend's configuration. @public */
export interface InstancePlan {
  name: string;
  description: string;
  default: boolean;
}

/**
 * Body of `GET /v1/instances/:name/credentials`: what an application needs to use the instance.
 * Read from the instance Secret in the cluster; never stored by SupaControl.
 *
 * @public
 */
export interface InstanceCredentials {
  apiUrl: string;
  studioUrl: string;
  anonKey: string;
  serviceRoleKey: string;
  postgresUrl: string;
  dashboard: { username: string; password: string };
}
