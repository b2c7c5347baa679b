import { Command } from 'commander';
import { CommandContext } from '../context';
import { registerClusterEventsCommand } from './clusterEvents';
import { registerCreateCommand } from './create';
import { registerCredentialsCommand } from './credentials';
import { registerDeleteCommand } from './delete';
import { registerEventsCommand } from './events';
import { registerGetCommand } from './get';
import { registerListCommand } from './list';
import { registerLogsCommand } from './logs';
import { registerPauseCommand, registerResumeCommand } from './pause';
import { registerRestartCommand } from './restart';
import { registerRetryCommand } from './retry';
import { registerRotateCommand } from './rotate';
import { registerUpdateCommand } from './update';
import { registerVerifyCommand } from './verify';
import { registerWaitCommand } from './wait';

export function registerInstancesCommand(
  program: Command,
  context: CommandContext,
): void {
  const instances = program
    .command('instances')
    .alias('instance')
    .description(
      'list, create, change, pause, restart, delete and inspect Supabase instances',
    );
  registerListCommand(instances, context);
  registerGetCommand(instances, context);
  registerCreateCommand(instances, context);
  registerDeleteCommand(instances, context);
  registerRetryCommand(instances, context);
  registerUpdateCommand(instances, context);
  registerPauseCommand(instances, context);
  registerResumeCommand(instances, context);
  registerRestartCommand(instances, context);
  registerRotateCommand(instances, context);
  registerCredentialsCommand(instances, context);
  registerEventsCommand(instances, context);
  registerLogsCommand(instances, context);
  registerClusterEventsCommand(instances, context);
  registerWaitCommand(instances, context);
  registerVerifyCommand(instances, context);
}
