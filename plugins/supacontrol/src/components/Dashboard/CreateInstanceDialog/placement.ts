import {
  ClusterSummary,
  CreateInstanceRequest,
} from '@supacontrol/plugin-supacontrol-common';

/**
 * Where a new instance goes, as the placement select holds it: `''` lets the backend choose,
 * `region:<name>` and `cluster:<name>` ask for one. Cluster and region names cannot contain
 * `:`, so the prefix is unambiguous.
 */
export type Placement = '' | `region:${string}` | `cluster:${string}`;

/** One entry of the placement select. */
export interface PlacementOption {
  value: Placement;
  label: string;
  disabled: boolean;
}

/** Whether a cluster takes no new instance: drained, or at its `maxInstances`. */
function isClosed(cluster: ClusterSummary): boolean {
  return (
    !cluster.enabled ||
    (cluster.maxInstances !== undefined &&
      cluster.instances >= cluster.maxInstances)
  );
}

function clusterLabel(cluster: ClusterSummary): string {
  const room = `${cluster.instances}/${cluster.maxInstances ?? '∞'}`;
  const notes: string[] = [];
  if (!cluster.enabled) {
    notes.push('drained');
  } else if (isClosed(cluster)) {
    notes.push('full');
  }
  if (cluster.status === 'unreachable') {
    notes.push('unreachable');
  }
  const suffix = notes.length ? ` (${notes.join(', ')})` : '';
  return `Cluster ${cluster.name} (${cluster.region}) — ${room}${suffix}`;
}

/**
 * The entries of the placement select: the backend's choice first, then each region, then each
 * cluster. A region or cluster that would be refused (every cluster drained or full) is shown
 * disabled, so that users see it exists and why they cannot use it.
 */
export function placementOptions(
  clusters: ClusterSummary[],
): PlacementOption[] {
  const regions = Array.from(new Set(clusters.map(c => c.region)));
  return [
    { value: '', label: 'Any region (most room)', disabled: false },
    ...regions.map(region => ({
      value: `region:${region}` as const,
      label: `Region ${region}: any cluster`,
      disabled: clusters
        .filter(c => c.region === region)
        .every(c => isClosed(c)),
    })),
    ...clusters.map(cluster => ({
      value: `cluster:${cluster.name}` as const,
      label: clusterLabel(cluster),
      disabled: isClosed(cluster),
    })),
  ];
}

/** The `cluster` or `region` field of the create request; neither when the backend chooses. */
export function placementRequest(
  placement: Placement,
): Pick<CreateInstanceRequest, 'cluster' | 'region'> {
  if (placement.startsWith('cluster:')) {
    return { cluster: placement.slice('cluster:'.length) };
  }
  if (placement.startsWith('region:')) {
    return { region: placement.slice('region:'.length) };
  }
  return {};
}
