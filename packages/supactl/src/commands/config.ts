import { Command } from 'commander';
import { contextNameArgument } from '../args/parsers';
import { withCurrentContext, withoutContext } from '../config/contexts';
import { CliError } from '../errors';
import { renderContextTable } from '../output/contexts';
import { CommandContext } from './context';

export function registerConfigCommand(
  program: Command,
  context: CommandContext,
): void {
  const config = program
    .command('config')
    .description(`manage contexts (stored in ${context.configFile.path})`);

  config
    .command('get-contexts')
    .description('list the contexts; API keys are shown masked')
    .action(async () => {
      const current = await context.configFile.read();
      if (current.contexts.length === 0) {
        context.io.stderr.write(
          'No contexts; log in with supactl login <portal-url>\n',
        );
        return;
      }
      context.io.stdout.write(renderContextTable(current));
    });

  config
    .command('current-context')
    .description('print the name of the current context')
    .action(async () => {
      const current = await context.configFile.read();
      if (!current.currentContext) {
        throw new CliError(
          'no current context; log in with supactl login <portal-url> or pick one with supactl config use-context <name>',
        );
      }
      context.io.stdout.write(`${current.currentContext}\n`);
    });

  config
    .command('use-context')
    .description('make a context the current one')
    .argument('<name>', 'a context from get-contexts', contextNameArgument)
    .action(async (name: string) => {
      const current = await context.configFile.read();
      await context.configFile.write(withCurrentContext(current, name));
      context.io.stdout.write(`Switched to context '${name}'\n`);
    });

  config
    .command('delete-context')
    .description('remove a context and its API key from the config file')
    .argument('<name>', 'a context from get-contexts', contextNameArgument)
    .action(async (name: string) => {
      const current = await context.configFile.read();
      const updated = withoutContext(current, name);
      await context.configFile.write(updated);
      context.io.stdout.write(
        `Deleted context '${name}'${
          current.currentContext === name && !updated.currentContext
            ? '; there is no current context now'
            : ''
        }. The key itself is still valid; revoke it in the portal if it is no longer needed\n`,
      );
    });
}
