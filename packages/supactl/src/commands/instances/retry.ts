import { Command } from 'commander';
import { instanceNameArgument, WaitCondition } from '../../args/parsers';
import { CommandContext } from '../context';
import { requireWaitForTimeout, timeoutOption } from '../options';
import { describeOutcome, waitWithProgress } from './waiting';

export function registerRetryCommand(
  instances: Command,
  context: CommandContext,
): void {
  instances
    .command('retry')
    .description(
      'start over with a Failed instance: provisioning again, or the deletion that failed',
    )
    .argument('<name>', 'instance name', instanceNameArgument)
    .option(
      '--wait',
      'wait until the instance is Running (or gone, for a failed deletion)',
    )
    .addOption(timeoutOption('how long --wait waits'))
    .addHelpText(
      'after',
      `
Only Failed instances can be retried; others exit with 4 (conflict).`,
    )
    .action(
      async (
        name: string,
        options: { wait?: boolean; timeout: number },
        command: Command,
      ) => {
        requireWaitForTimeout(command, Boolean(options.wait));
        const { client } = await context.connect(command);
        const instance = await client.retryInstance(name);
        context.io.stdout.write(
          `retry of instance '${name}' requested (status ${instance.status})\n`,
        );
        if (options.wait) {
          const condition: WaitCondition =
            instance.desiredState === 'deleted'
              ? { kind: 'delete' }
              : { kind: 'status', status: 'Running' };
          const final = await waitWithProgress(
            context,
            client,
            name,
            condition,
            options.timeout,
          );
          context.io.stdout.write(`${describeOutcome(name, final)}\n`);
        }
      },
    );
}
