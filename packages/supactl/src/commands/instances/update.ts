import { UpdateInstanceRequest } from '@supacontrol/plugin-supacontrol-common';
import { Command } from 'commander';
import {
  booleanArgument,
  chartVersionArgument,
  instanceNameArgument,
  planArgument,
} from '../../args/parsers';
import { UsageError } from '../../errors';
import { renderStructured } from '../../output/structured';
import { CommandContext } from '../context';
import { outputOption } from '../options';

interface UpdateOptions {
  plan?: string;
  chartVersion?: string;
  deletionProtection?: boolean;
  output: 'table' | 'json' | 'yaml';
}

export function registerUpdateCommand(
  instances: Command,
  context: CommandContext,
): void {
  instances
    .command('update')
    .description(
      "change an instance's plan, chart version (upgrade) or deletion protection",
    )
    .argument('<name>', 'instance name', instanceNameArgument)
    .option(
      '--plan <plan>',
      'move to this plan (see supactl plans list); the instance goes Updating',
      planArgument,
    )
    .option(
      '--chart-version <version>',
      'upgrade to this chart version, one the portal allows (supacontrol.chart.versions); it must render first, and a failed upgrade leaves the instance on its version',
      chartVersionArgument,
    )
    .option(
      '--deletion-protection <true|false>',
      'while true, deleting the instance is refused',
      booleanArgument,
    )
    .addOption(outputOption(['table', 'json', 'yaml'], 'table'))
    .addHelpText(
      'after',
      `
Give at least one of --plan, --chart-version and --deletion-protection. A plan change or an
upgrade is applied by the reconciler; follow it with supactl instances wait <name> --for
status=Running, and supactl instances get <name> shows whether the upgrade took (condition
Upgraded).

Examples:
  supactl instances update orders --deletion-protection true
  supactl instances update orders --plan medium
  supactl instances update orders --chart-version 0.2.0`,
    )
    .action(async (name: string, options: UpdateOptions, command: Command) => {
      const body: UpdateInstanceRequest = {
        plan: options.plan,
        chartVersion: options.chartVersion,
        deletionProtection: options.deletionProtection,
      };
      if (
        body.plan === undefined &&
        body.chartVersion === undefined &&
        body.deletionProtection === undefined
      ) {
        throw new UsageError(
          `nothing to update for instance '${name}': give --plan <plan>, --chart-version <version> and/or --deletion-protection true|false`,
        );
      }
      const { client } = await context.connect(command);
      const instance = await client.updateInstance(name, body);
      if (options.output !== 'table') {
        context.io.stdout.write(renderStructured(instance, options.output));
        return;
      }
      const changes = [
        body.plan !== undefined && `plan ${instance.plan}`,
        body.chartVersion !== undefined &&
          `chart version ${body.chartVersion} requested`,
        body.deletionProtection !== undefined &&
          `deletion protection ${instance.deletionProtection ? 'on' : 'off'}`,
      ].filter(Boolean);
      context.io.stdout.write(
        `instance '${name}' updated: ${changes.join(', ')} (status ${
          instance.status
        })\n`,
      );
    });
}
