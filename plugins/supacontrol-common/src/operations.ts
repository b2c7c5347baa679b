/**
 * The components of an instance, as `app.kubernetes.io/component` labels its workloads and as
 * `restart` and `logs` name them.
 *
 * @public
 */
export const INSTANCE_COMPONENTS = [
  'db',
  'rest',
  'auth',
  'realtime',
  'storage',
  'meta',
  'functions',
  'kong',
  'studio',
] as const;

/** @public */
export type InstanceComponentName = (typeof INSTANCE_COMPONENTS)[number];

/**
 * What `POST /v1/instances/:name/rotate` can rotate: `jwt` (JWT secret, anon and service_role keys;
 * every component restarts, old keys stop working), `dashboard` (Studio password). `database` is
 * refused with the reason: Postgres keeps the password it was first given.
 *
 * @public
 */
export const ROTATABLE_CREDENTIALS = ['jwt', 'dashboard', 'database'] as const;

/** @public */
export type RotatableCredential = (typeof ROTATABLE_CREDENTIALS)[number];

/** Body of `POST /v1/instances/:name/rotate`. @public */
export interface RotateCredentialsRequest {
  what: RotatableCredential;
}

/** Body of `POST /v1/instances/:name/restart`; without `component`, every component. @public */
export interface RestartInstanceRequest {
  component?: InstanceComponentName;
}

/** Body of `PATCH /v1/instances/:name`: at least one field. @public */
export interface UpdateInstanceRequest {
  /** Another plan: new quota, limits and chart values (the instance goes Updating). */
  plan?: string;
  /**
   * Another version of the chart, one of `supacontrol.chart.versions`: rendered first, rolled
   * back if it fails; data and secrets stay.
   */
  chartVersion?: string;
  deletionProtection?: boolean;
}

/** A Kubernetes event of the instance's namespace (`GET …/cluster-events`). @public */
export interface ClusterEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** `Kind/name` of the object it is about. */
  object: string;
  count: number;
  lastTimestamp?: string;
}

/** Answer of `GET /v1/instances/:name/cluster-events`: Warnings first, newest first. @public */
export interface ClusterEventList {
  items: ClusterEvent[];
}

/**
 * Answer of `GET /v1/chart-versions`: the chart every instance is installed from, the version new
 * instances get, and every version an instance may be created with or upgraded to.
 *
 * @public
 */
export interface ChartVersions {
  name: string;
  default: string;
  versions: string[];
}
