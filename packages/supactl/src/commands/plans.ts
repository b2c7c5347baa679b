import { Command } from 'commander';
import { renderStructured } from '../output/structured';
import { renderTable } from '../output/table';
import { CommandContext } from './context';
import { outputOption } from './options';

export function registerPlansCommand(
  program: Command,
  context: CommandContext,
): void {
  program
    .command('plans')
    .description('plans a new instance can use')
    .command('list')
    .description(
      'list the plans of the portal; create uses the default one unless --plan',
    )
    .addOption(outputOption(['table', 'json', 'yaml'], 'table'))
    .action(
      async (
        options: { output: 'table' | 'json' | 'yaml' },
        command: Command,
      ) => {
        const { client } = await context.connect(command);
        const plans = await client.listPlans();
        context.io.stdout.write(
          options.output === 'table'
            ? renderTable(
                ['NAME', 'DEFAULT', 'DESCRIPTION'],
                plans.items.map(p => [
                  p.name,
                  p.default ? 'yes' : '',
                  p.description,
                ]),
              )
            : renderStructured(plans, options.output),
        );
      },
    );
}
