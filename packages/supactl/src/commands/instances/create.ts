import { Instance } from '@supacontrol/plugin-supacontrol-common';
import { Command, Option } from 'commander';
import {
  clusterNameArgument,
  instanceNameArgument,
  planArgument,
  regionNameArgument,
} from '../../args/parsers';
import { ApiError } from '../../client/errors';
import { SupaControlClient } from '../../client/SupaControlClient';
import { CommandContext } from '../context';
import { requireWaitForTimeout, timeoutOption } from '../options';
import { describeOutcome, waitWithProgress } from './waiting';

interface CreateOptions {
  plan?: string;
  owner?: string;
  cluster?: string;
  region?: string;
  wait?: boolean;
  timeout: number;
  existsOk?: boolean;
  deletionProtection?: boolean;
}

/** Warnings for an instance that is not what was asked for (with --exists-ok, an older one). */
function differences(instance: Instance, options: CreateOptions): string[] {
  const { name } = instance;
  const found: string[] = [];
  if (options.plan && instance.plan !== options.plan) {
    found.push(
      `instance '${name}' uses plan ${instance.plan}, not ${options.plan}`,
    );
  }
  if (options.cluster && instance.cluster !== options.cluster) {
    found.push(
      `instance '${name}' is on cluster ${instance.cluster}, not ${options.cluster}`,
    );
  }
  if (options.region && instance.region !== options.region) {
    found.push(
      `instance '${name}' is in region ${instance.region}, not ${options.region}`,
    );
  }
  return found;
}

/** With --exists-ok a taken name is fine if it is an instance this key can read, i.e. ours. */
async function createOrReuse(
  client: SupaControlClient,
  name: string,
  options: CreateOptions,
): Promise<{ instance: Instance; created: boolean }> {
  try {
    const instance = await client.createInstance({
      name,
      plan: options.plan,
      owner: options.owner,
      deletionProtection: options.deletionProtection,
      cluster: options.cluster,
      region: options.region,
    });
    return { instance, created: true };
  } catch (error) {
    if (
      !(
        options.existsOk &&
        error instanceof ApiError &&
        error.statusCode === 409
      )
    ) {
      throw error;
    }
    try {
      return { instance: await client.getInstance(name), created: false };
    } catch (readError) {
      // Taken by an instance this key may not see: still a conflict.
      if (readError instanceof ApiError && readError.statusCode === 404)
        throw error;
      throw readError;
    }
  }
}

export function registerCreateCommand(
  instances: Command,
  context: CommandContext,
): void {
  instances
    .command('create')
    .description('request a new instance; it starts as Pending')
    .argument('<name>', 'instance name', instanceNameArgument)
    .option(
      '--plan <plan>',
      "plan to use (see supactl plans list; default: the portal's default plan)",
      planArgument,
    )
    .option(
      '--owner <entityRef>',
      "owner, e.g. group:default/team-a (default: the key's user; required with a static service token)",
    )
    .addOption(
      new Option(
        '--cluster <name>',
        'place it on this cluster (see supactl clusters list)',
      )
        .argParser(clusterNameArgument)
        .conflicts('region'),
    )
    .addOption(
      new Option(
        '--region <name>',
        'place it on the cluster of this region with the most room',
      ).argParser(regionNameArgument),
    )
    .option(
      '--deletion-protection',
      'refuse deletion until it is turned off with supactl instances update',
    )
    .option('--wait', 'wait until the instance is Running')
    .addOption(timeoutOption('how long --wait waits'))
    .option(
      '--exists-ok',
      'succeed if an instance of this name that the key can read already exists (for re-run pipelines)',
    )
    .addHelpText(
      'after',
      `
Without --cluster or --region the portal picks the enabled cluster with the most room among
those the plan allows. An instance stays on its cluster for good.

Exit codes: 0 created (and Running, with --wait), 4 the name is taken or the cluster or region
is full or drained, 5 --wait timed out, 1 the instance failed or another error.

Examples:
  supactl instances create orders-preview --plan small
  supactl instances create orders --plan medium --deletion-protection
  supactl instances create orders-eu --region eu-west
  supactl instances create pr-123 --wait --timeout 15m --exists-ok`,
    )
    .action(async (name: string, options: CreateOptions, command: Command) => {
      requireWaitForTimeout(command, Boolean(options.wait));
      const { client } = await context.connect(command);
      const { instance, created } = await createOrReuse(client, name, options);
      const facts = `status ${instance.status}, plan ${instance.plan}, cluster ${instance.cluster}, region ${instance.region}`;
      context.io.stdout.write(
        created
          ? `instance '${name}' created (${facts})\n`
          : `instance '${name}' already exists (${facts})\n`,
      );
      differences(instance, options).forEach(warning => context.warn(warning));
      if (options.wait) {
        const final = await waitWithProgress(
          context,
          client,
          name,
          { kind: 'status', status: 'Running' },
          options.timeout,
        );
        context.io.stdout.write(`${describeOutcome(name, final)}\n`);
      }
    });
}
