import { ConflictError, InputError } from '@backstage/errors';
import { ClusterConfig, PlanConfig } from '../config/SupaControlConfig';

/** Where a create asks its instance to go: a cluster, a region, or neither. */
export interface PlacementRequest {
  cluster?: string;
  region?: string;
  plan: PlanConfig;
}

/** What placement knows of the clusters besides their configuration. */
export interface PlacementState {
  /** Live instances per cluster name. */
  counts: Record<string, number>;
  /** False for a cluster last seen unreachable: others of the same region go first. */
  reachable(name: string): boolean;
}

const list = (values: string[]) => values.map(v => `'${v}'`).join(', ');

function room(cluster: ClusterConfig, state: PlacementState): number {
  return cluster.maxInstances === undefined
    ? Number.POSITIVE_INFINITY
    : cluster.maxInstances - (state.counts[cluster.name] ?? 0);
}

function describeFull(cluster: ClusterConfig): string {
  return `'${cluster.name}' (maxInstances ${cluster.maxInstances})`;
}

/**
 * Chooses the cluster of a new instance: the one named; else, among the enabled clusters of the
 * requested region (or of the regions the plan allows), the reachable one with the most room
 * (fewest instances on a tie, then by name). Refuses with 400 what the request can fix (unknown
 * names, both keys, a region the plan does not allow) and with 409 what the clusters' state
 * decides (drained, full), naming the limit.
 */
export function placeInstance(
  clusters: ClusterConfig[],
  request: PlacementRequest,
  state: PlacementState,
): ClusterConfig {
  const { plan } = request;
  const allowed = (region: string) =>
    !plan.regions || plan.regions.includes(region);
  if (request.cluster !== undefined && request.region !== undefined) {
    throw new InputError(
      'give cluster or region, not both: a cluster is in exactly one region',
    );
  }
  if (request.cluster !== undefined) {
    const cluster = clusters.find(c => c.name === request.cluster);
    if (!cluster) {
      throw new InputError(
        `cluster must be one of ${list(clusters.map(c => c.name))}; got '${
          request.cluster
        }'`,
      );
    }
    if (!allowed(cluster.region)) {
      throw new InputError(
        `plan '${plan.name}' may be placed in region ${list(
          plan.regions!,
        )} only; cluster '${cluster.name}' is in '${cluster.region}'`,
      );
    }
    if (!cluster.enabled) {
      throw new ConflictError(
        `Cluster '${cluster.name}' is drained (enabled: false in supacontrol.clusters) and takes no new instances; choose another cluster or region`,
      );
    }
    if (room(cluster, state) <= 0) {
      throw new ConflictError(
        `Cluster ${describeFull(
          cluster,
        )} is full; delete an instance there, choose another cluster or region, or raise maxInstances`,
      );
    }
    return cluster;
  }
  let candidates: ClusterConfig[];
  let where: string;
  if (request.region !== undefined) {
    const regions = [...new Set(clusters.map(c => c.region))];
    if (!regions.includes(request.region)) {
      throw new InputError(
        `region must be one of ${list(regions)}; got '${request.region}'`,
      );
    }
    if (!allowed(request.region)) {
      throw new InputError(
        `plan '${plan.name}' may be placed in region ${list(
          plan.regions!,
        )} only; got '${request.region}'`,
      );
    }
    candidates = clusters.filter(c => c.region === request.region);
    where = `region '${request.region}'`;
  } else {
    candidates = clusters.filter(c => allowed(c.region));
    where = plan.regions
      ? `the regions plan '${plan.name}' allows (${list(plan.regions)})`
      : 'any region';
  }
  const enabled = candidates.filter(c => c.enabled);
  if (enabled.length === 0) {
    throw new ConflictError(
      `No cluster in ${where} takes new instances: ${list(
        candidates.map(c => c.name),
      )} ${candidates.length === 1 ? 'is' : 'are'} drained (enabled: false)`,
    );
  }
  const open = enabled.filter(c => room(c, state) > 0);
  if (open.length === 0) {
    throw new ConflictError(
      `Every cluster in ${where} is full: ${enabled
        .map(describeFull)
        .join(
          ', ',
        )}; delete instances there, choose another region, or raise maxInstances`,
    );
  }
  const reachable = open.filter(c => state.reachable(c.name));
  const pool = reachable.length > 0 ? reachable : open;
  return [...pool].sort(
    (a, b) =>
      room(b, state) - room(a, state) ||
      (state.counts[a.name] ?? 0) - (state.counts[b.name] ?? 0) ||
      a.name.localeCompare(b.name),
  )[0];
}
