import {
  INSTANCE_COMPONENTS,
  InstanceComponentName,
} from '@supacontrol/plugin-supacontrol-common';
import { Command, InvalidArgumentError } from 'commander';
import {
  componentArgument,
  durationArgument,
  instanceNameArgument,
} from '../../args/parsers';
import { CommandContext } from '../context';

/**
 * Without --component, PostgREST's: the Data API most clients call, whose log shows failed
 * requests as well as lost database connections and schema reloads.
 */
export const DEFAULT_LOGS_COMPONENT: InstanceComponentName = 'rest';

const MAX_TAIL = 10_000;

function tailArgument(value: string): number {
  const lines = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(lines >= 1 && lines <= MAX_TAIL)) {
    throw new InvalidArgumentError(
      `--tail must be a whole number of lines from 1 to ${MAX_TAIL}; got '${value}'`,
    );
  }
  return lines;
}

export function registerLogsCommand(
  instances: Command,
  context: CommandContext,
): void {
  instances
    .command('logs')
    .description('print the container logs of one component of an instance')
    .argument('<name>', 'instance name', instanceNameArgument)
    .option(
      '-c, --component <component>',
      `one of ${INSTANCE_COMPONENTS.join(', ')}`,
      componentArgument,
      DEFAULT_LOGS_COMPONENT,
    )
    .option(
      '--tail <lines>',
      `the last lines of each pod, 1 to ${MAX_TAIL} (server default 200)`,
      tailArgument,
    )
    .option(
      '--since <duration>',
      'only lines of the last duration, e.g. 10m, 1h (at most 24h)',
      durationArgument,
    )
    .option(
      '-f, --follow',
      'keep printing new lines until interrupted (Ctrl-C)',
    )
    .addHelpText(
      'after',
      `
Lines come from every pod of the component; with several pods each line starts with [<pod>].
A paused instance has no pods, and so no logs.

Examples:
  supactl instances logs pr-123
  supactl instances logs pr-123 -c auth --since 10m
  supactl instances logs pr-123 -c db --tail 50 -f`,
    )
    .action(
      async (
        name: string,
        options: {
          component: InstanceComponentName;
          tail?: number;
          since?: number;
          follow?: boolean;
        },
        command: Command,
      ) => {
        const { client } = await context.connect(command);
        await client.readLogs(
          name,
          {
            component: options.component,
            tail: options.tail,
            sinceSeconds:
              options.since === undefined
                ? undefined
                : Math.ceil(options.since / 1000),
            follow: Boolean(options.follow),
          },
          text => context.io.stdout.write(text),
        );
      },
    );
}
