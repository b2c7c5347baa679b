import { Command } from 'commander';
import { instanceNameArgument } from '../../args/parsers';
import { renderInstanceDetails } from '../../output/instances';
import { renderStructured } from '../../output/structured';
import { CommandContext } from '../context';
import { outputOption } from '../options';

export function registerGetCommand(
  instances: Command,
  context: CommandContext,
): void {
  instances
    .command('get')
    .description(
      'show one instance: status, endpoints, conditions and components',
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
        const instance = await client.getInstance(name);
        context.io.stdout.write(
          options.output === 'table'
            ? renderInstanceDetails(instance, context.now())
            : renderStructured(instance, options.output),
        );
      },
    );
}
