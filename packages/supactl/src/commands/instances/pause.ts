import { Command } from 'commander';
import { instanceNameArgument } from '../../args/parsers';
import { CommandContext } from '../context';
import { requireWaitForTimeout } from '../options';
import {
  OperationOptions,
  reportOperation,
  withOperationOptions,
} from './operation';

export function registerPauseCommand(
  instances: Command,
  context: CommandContext,
): void {
  withOperationOptions(
    instances
      .command('pause')
      .description(
        'scale a Running instance to zero; its data, keys and endpoints stay',
      )
      .argument('<name>', 'instance name', instanceNameArgument),
    'Paused',
  )
    .addHelpText(
      'after',
      `
Only Running or Updating instances can be paused; others exit with 4 (conflict).
Resume with supactl instances resume.

Examples:
  supactl instances pause pr-123 --wait
  supactl instances pause pr-123 -o json`,
    )
    .action(
      async (name: string, options: OperationOptions, command: Command) => {
        requireWaitForTimeout(command, Boolean(options.wait));
        const { client } = await context.connect(command);
        const instance = await client.pauseInstance(name);
        await reportOperation(context, client, instance, {
          message: `pause of instance '${name}' requested`,
          target: 'Paused',
          options,
        });
      },
    );
}

export function registerResumeCommand(
  instances: Command,
  context: CommandContext,
): void {
  withOperationOptions(
    instances
      .command('resume')
      .description('start a Paused instance again')
      .argument('<name>', 'instance name', instanceNameArgument),
    'Running',
  )
    .addHelpText(
      'after',
      `
Only Paused instances can be resumed; others exit with 4 (conflict).

Examples:
  supactl instances resume pr-123 --wait --timeout 5m`,
    )
    .action(
      async (name: string, options: OperationOptions, command: Command) => {
        requireWaitForTimeout(command, Boolean(options.wait));
        const { client } = await context.connect(command);
        const instance = await client.resumeInstance(name);
        await reportOperation(context, client, instance, {
          message: `resume of instance '${name}' requested`,
          target: 'Running',
          options,
        });
      },
    );
}
