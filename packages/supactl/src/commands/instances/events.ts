import { Command } from 'commander';
import { renderEventTable } from '../../output/instances';
import { CommandContext } from '../context';
import { registerShowCommand } from './show';

export function registerEventsCommand(
  instances: Command,
  context: CommandContext,
): void {
  registerShowCommand(instances, context, {
    name: 'events',
    description:
      'show the history of an instance, oldest first, refused attempts included',
    fetch: (client, name) => client.listEvents(name),
    table: events => renderEventTable(events.items),
  });
}
