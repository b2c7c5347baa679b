/**
 * The ID under which the SupaControl backend plugin is mounted (`/api/supacontrol`).
 *
 * @public
 */
export const SUPACONTROL_PLUGIN_ID = 'supacontrol';

/**
 * State of one dependency of the backend, as reported by the health endpoint.
 *
 * @public
 */
export type HealthCheckStatus = 'ok' | 'error';

/**
 * Body of `GET /api/supacontrol/health`. The endpoint is unauthenticated, so it carries no secrets
 * and no instance data.
 *
 * @public
 */
export interface HealthResponse {
  /** `ok` when every check is `ok`, otherwise `degraded`. */
  status: 'ok' | 'degraded';
  /** Version of the `@supacontrol/plugin-supacontrol-backend` package serving the request. */
  version: string;
  /** Database reachability, measured with a trivial query on each call. */
  database: {
    status: HealthCheckStatus;
    /** The knex client in use, e.g. `better-sqlite3` or `pg`. */
    client: string;
    /** Why the check failed; present only when `status` is `error`. */
    message?: string;
  };
  /**
   * The clusters instances run on, together: `ok` when every one answers, `error` when one does
   * not (its name is in the message). `not-configured` means the portal runs without one:
   * instances can be listed but not created.
   */
  kubernetes: {
    status: HealthCheckStatus | 'not-configured';
    message?: string;
  };
  /** Each configured cluster: whether its apiserver answered. */
  clusters: ClusterHealth[];
}

/**
 * One cluster in {@link HealthResponse}.
 *
 * @public
 */
export interface ClusterHealth {
  name: string;
  region: string;
  enabled: boolean;
  status: HealthCheckStatus;
  message?: string;
}

/**
 * The Signals channel on which the backend publishes each instance's status change, to the
 * instance's owner and creator. The message is {@link InstanceStatusSignal}.
 *
 * @public
 */
export const INSTANCE_SIGNAL_CHANNEL = 'supacontrol:instances';

/**
 * A message on {@link INSTANCE_SIGNAL_CHANNEL}: which instance changed, and its status now.
 *
 * @public
 */
export type InstanceStatusSignal = {
  name: string;
  status: string;
};
