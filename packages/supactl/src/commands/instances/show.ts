import { Command } from 'commander';
import { instanceNameArgument } from '../../args/parsers';
import { SupaControlClient } from '../../client/SupaControlClient';
import { renderStructured } from '../../output/structured';
import { CommandContext } from '../context';
import { outputOption } from '../options';

/** A read-only command on one instance: a table by default, the server's data with -o json|yaml. */
export function registerShowCommand<T>(
  instances: Command,
  context: CommandContext,
  spec: {
    name: string;
    description: string;
    fetch(client: SupaControlClient, name: string): Promise<T>;
    table(value: T): string;
  },
): void {
  instances
    .command(spec.name)
    .description(spec.description)
    .argument('<name>', 'instance name', instanceNameArgument)
    .addOption(outputOption(['table', 'json', 'yaml'], 'table'))
    .action(
      async (
        name: string,
        options: { output: 'table' | 'json' | 'yaml' },
        command: Command,
      ) => {
        const { client } = await context.connect(command);
        const value = await spec.fetch(client, name);
        context.io.stdout.write(
          options.output === 'table'
            ? spec.table(value)
            : renderStructured(value, options.output),
        );
      },
    );
}
