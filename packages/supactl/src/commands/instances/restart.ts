import {
  INSTANCE_COMPONENTS,
  InstanceComponentName,
} from '@supacontrol/plugin-supacontrol-common';
import { Command } from 'commander';
import { componentArgument, instanceNameArgument } from '../../args/parsers';
import { CommandContext } from '../context';
import { requireWaitForTimeout } from '../options';
import {
  OperationOptions,
  reportOperation,
  withOperationOptions,
} from './operation';

export function registerRestartCommand(
  instances: Command,
  context: CommandContext,
): void {
  withOperationOptions(
    instances
      .command('restart')
      .description(
        'restart the pods of an instance: every component, or the one given',
      )
      .argument('<name>', 'instance name', instanceNameArgument)
      .option(
        '-c, --component <component>',
        `only this component: ${INSTANCE_COMPONENTS.join(', ')}`,
        componentArgument,
      ),
    'Running again',
  )
    .addHelpText(
      'after',
      `
The instance goes Updating while its pods restart, then Running.

Examples:
  supactl instances restart pr-123 --wait
  supactl instances restart pr-123 -c auth`,
    )
    .action(
      async (
        name: string,
        options: OperationOptions & { component?: InstanceComponentName },
        command: Command,
      ) => {
        requireWaitForTimeout(command, Boolean(options.wait));
        const { client } = await context.connect(command);
        const instance = await client.restartInstance(name, {
          component: options.component,
        });
        await reportOperation(context, client, instance, {
          message: options.component
            ? `restart of component ${options.component} of instance '${name}' requested`
            : `restart of instance '${name}' requested`,
          target: 'Running',
          options,
        });
      },
    );
}
