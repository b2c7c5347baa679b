import { Command } from 'commander';
import { renderClusterEventTable } from '../../output/clusterEvents';
import { CommandContext } from '../context';
import { registerShowCommand } from './show';

export function registerClusterEventsCommand(
  instances: Command,
  context: CommandContext,
): void {
  registerShowCommand(instances, context, {
    name: 'cluster-events',
    description:
      "show the Kubernetes events of an instance's namespace, Warnings first, then newest first (at most 200)",
    fetch: (client, name) => client.listClusterEvents(name),
    table: events => renderClusterEventTable(events.items),
  });
}
