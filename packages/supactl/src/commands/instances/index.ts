import { Command } from 'commander';
import { CommandContext } from '../context';
import { registerCreateCommand } from './create';
import { registerCredentialsCommand } from './credentials';
import { registerDeleteCommand } from './delete';
import { registerEventsCommand } from './events';
import { registerGetCommand } from './get';
import { registerListCommand } from './list';
import { registerRetryCommand } from './retry';
import { registerVerifyCommand } from './verify';
import { registerWaitCommand } from './wait';

export function registerInstancesCommand(
  program: Command,
  context: CommandContext,
): void {
  const instances = program
    .command('instances')
    .alias('instance')
    .description('list, create, delete and inspect Supabase instances');
  registerListCommand(instances, context);
  registerGetCommand(instances, context);
  registerCreateCommand(instances, context);
  registerDeleteCommand(instances, context);
  registerRetryCommand(instances, context);
  registerCredentialsCommand(instances, context);
  registerEventsCommand(instances, context);
  registerWaitCommand(instances, context);
  registerVerifyCommand(instances, context);
}
