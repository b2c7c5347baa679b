import { ClusterSummary } from '@supacontrol/plugin-supacontrol-common';
import { renderTable } from './table';

/** `clusters list`'s table; MAX is `-` for a cluster without a limit. */
export function renderClusterTable(items: ClusterSummary[]): string {
  return renderTable(
    ['NAME', 'REGION', 'ENABLED', 'INSTANCES', 'MAX', 'STATUS'],
    items.map(c => [
      c.name,
      c.region,
      c.enabled ? 'yes' : 'no',
      String(c.instances),
      c.maxInstances === undefined ? '-' : String(c.maxInstances),
      c.status,
    ]),
  );
}
