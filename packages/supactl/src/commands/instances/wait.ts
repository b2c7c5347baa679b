import { Command } from 'commander';
import {
  instanceNameArgument,
  WaitCondition,
  waitConditionArgument,
} from '../../args/parsers';
import { CommandContext } from '../context';
import { timeoutOption } from '../options';
import { describeOutcome, waitWithProgress } from './waiting';

export function registerWaitCommand(
  instances: Command,
  context: CommandContext,
): void {
  instances
    .command('wait')
    .description('wait until an instance reaches a status, or is deleted')
    .argument('<name>', 'instance name', instanceNameArgument)
    .requiredOption(
      '--for <condition>',
      'status=<status> (e.g. status=Running) or delete',
      waitConditionArgument,
    )
    .addOption(timeoutOption('how long to wait'))
    .addHelpText(
      'after',
      `
Stops early with exit code 1 when the condition can no longer be met: the instance Failed, or is
being deleted while waiting for another status. Exit code 5 when the timeout passes.

Examples:
  supactl instances wait pr-123 --for status=Running --timeout 15m
  supactl instances wait pr-123 --for delete`,
    )
    .action(
      async (
        name: string,
        options: { for: WaitCondition; timeout: number },
        command: Command,
      ) => {
        const { client } = await context.connect(command);
        const final = await waitWithProgress(
          context,
          client,
          name,
          options.for,
          options.timeout,
        );
        context.io.stdout.write(`${describeOutcome(name, final)}\n`);
      },
    );
}
