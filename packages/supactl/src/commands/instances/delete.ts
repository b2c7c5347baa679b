import { Command } from 'commander';
import { instanceNameArgument } from '../../args/parsers';
import { CliError, UsageError } from '../../errors';
import { isInteractive } from '../../terminal/Io';
import { confirm } from '../../terminal/prompt';
import { CommandContext } from '../context';
import { requireWaitForTimeout, timeoutOption } from '../options';
import { describeOutcome, waitWithProgress } from './waiting';

interface DeleteOptions {
  yes?: boolean;
  wait?: boolean;
  timeout: number;
}

export function registerDeleteCommand(
  instances: Command,
  context: CommandContext,
): void {
  instances
    .command('delete')
    .description(
      'request deletion of an instance and all its data; asks first unless --yes',
    )
    .argument('<name>', 'instance name', instanceNameArgument)
    .option(
      '-y, --yes',
      'do not ask for confirmation (required when not on a terminal)',
    )
    .option('--wait', 'wait until the instance is gone')
    .addOption(timeoutOption('how long --wait waits'))
    .addHelpText(
      'after',
      `
Deleting is idempotent while the deletion runs. Without a terminal (CI), --yes is required.
An instance with deletion protection exits with 4 (conflict); turn it off first with
supactl instances update <name> --deletion-protection false.

Examples:
  supactl instances delete orders-preview
  supactl instances delete pr-123 --yes --wait`,
    )
    .action(async (name: string, options: DeleteOptions, command: Command) => {
      requireWaitForTimeout(command, Boolean(options.wait));
      if (!options.yes && !isInteractive(context.io)) {
        throw new UsageError(
          `refusing to delete instance '${name}' without confirmation: not on a terminal, so pass --yes`,
        );
      }
      const { client } = await context.connect(command);
      if (!options.yes) {
        const instance = await client.getInstance(name);
        const confirmed = await confirm(
          context.io,
          `Delete instance '${name}' (status ${instance.status}, owner ${instance.owner}) and all its data?`,
        );
        if (!confirmed) {
          throw new CliError(
            `instance '${name}' was not deleted: not confirmed`,
          );
        }
      }
      const deleting = await client.deleteInstance(name);
      context.io.stdout.write(
        `deletion of instance '${name}' requested (status ${deleting.status})\n`,
      );
      if (options.wait) {
        const final = await waitWithProgress(
          context,
          client,
          name,
          { kind: 'delete' },
          options.timeout,
        );
        context.io.stdout.write(`${describeOutcome(name, final)}\n`);
      }
    });
}
