import { ClusterEvent } from '@supacontrol/plugin-supacontrol-common';
import { renderTable } from './table';

/** `instances cluster-events`: as the server orders them, Warnings first, then newest first. */
export function renderClusterEventTable(items: ClusterEvent[]): string {
  if (items.length === 0) {
    return 'No Kubernetes events in the namespace of this instance (they expire after an hour).\n';
  }
  return renderTable(
    ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'COUNT', 'MESSAGE'],
    items.map(e => [
      e.lastTimestamp?.replace(/\.\d+Z$/, 'Z') ?? '-',
      e.type,
      e.reason,
      e.object,
      String(e.count),
      e.message.replace(/\s*\n\s*/g, ' '),
    ]),
  );
}
