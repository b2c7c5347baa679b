import { Command } from 'commander';
import { instanceNameArgument } from '../../args/parsers';
import { renderEventTable } from '../../output/instances';
import { renderStructured } from '../../output/structured';
import { CommandContext } from '../context';
import { outputOption } from '../options';

export function registerEventsCommand(
  instances: Command,
  context: CommandContext,
): void {
  instances
    .command('events')
    .description(
      'show the history of an instance, oldest first, refused attempts included',
    )
    .argument('<name>', 'instance name', instanceNameArgument)
    .addOption(outputOption(['table', 'json', 'yaml'], 'table'))
    .action(
      async (
        name: string,
        options: { output: 'table' | 'json' | 'yaml' },
        command: Command,
      ) => {
        const { client } = await context.connect(command);
        const events = await client.listEvents(name);
        context.io.stdout.write(
          options.output === 'table'
            ? renderEventTable(events.items)
            : renderStructured(events, options.output),
        );
      },
    );
}
