/**
 * Whether SupaControl reached a cluster's apiserver the last time it looked. `unknown` before the
 * first look (or on a replica that does not reconcile).
 *
 * @public
 */
export type ClusterReachability = 'reachable' | 'unreachable' | 'unknown';

/**
 * A Kubernetes cluster instances can be placed on, as `GET /v1/clusters` returns it: no
 * connection details.
 *
 * @public
 */
export interface ClusterSummary {
  name: string;
  region: string;
  labels: Record<string, string>;
  /** False while the cluster is drained: it keeps its instances and takes no new ones. */
  enabled: boolean;
  /** The most live instances it takes; absent when unlimited. */
  maxInstances?: number;
  /** Live (not deleted) instances on it. */
  instances: number;
  status: ClusterReachability;
  /** Why it is unreachable. */
  message?: string;
}

/** Body of `GET /v1/clusters`. @public */
export interface ListClustersResponse {
  items: ClusterSummary[];
}

/**
 * Name of the permission rule "the instance's region is one of the given regions", on
 * instances. Parameters: `{ regions: string[] }`.
 *
 * @public
 */
export const IS_IN_REGION_RULE = 'IS_IN_REGION';

/**
 * The form of cluster and region names: 1–32 lowercase letters, digits or "-", starting with a
 * letter and not ending with "-" (so that they are valid label values too). Configuration, API
 * and supactl all check it.
 *
 * @public
 */
export const CLUSTER_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/;
