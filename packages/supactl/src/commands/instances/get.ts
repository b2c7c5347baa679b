import { Command } from 'commander';
import { renderInstanceDetails } from '../../output/instances';
import { CommandContext } from '../context';
import { registerShowCommand } from './show';

export function registerGetCommand(
  instances: Command,
  context: CommandContext,
): void {
  registerShowCommand(instances, context, {
    name: 'get',
    description:
      'show one instance: status, endpoints, conditions and components',
    fetch: (client, name) => client.getInstance(name),
    table: instance => renderInstanceDetails(instance, context.now()),
  });
}
