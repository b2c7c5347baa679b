import {
  Instance,
  InstanceStatus,
} from '@supacontrol/plugin-supacontrol-common';
import { Command } from 'commander';
import {
  clusterNameArgument,
  regionNameArgument,
  statusArgument,
} from '../../args/parsers';
import { SupaControlClient } from '../../client/SupaControlClient';
import { CliError } from '../../errors';
import { renderInstanceTable } from '../../output/instances';
import { renderStructured } from '../../output/structured';
import { CommandContext } from '../context';
import { outputOption } from '../options';

const PAGE_SIZE = 100;
const MAX_PAGES = 1000;

/** The filters of `list`, sent to the server as query parameters. */
interface ListFilters {
  status?: InstanceStatus;
  cluster?: string;
  region?: string;
}

/** Every instance, following `nextCursor`, so that the output is never silently cut off. */
async function listAll(
  client: SupaControlClient,
  filters: ListFilters,
): Promise<{ items: Instance[]; totalCount: number }> {
  const items: Instance[] = [];
  let cursor: string | undefined;
  let totalCount = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await client.listInstances({
      limit: PAGE_SIZE,
      cursor,
      ...filters,
    });
    items.push(...response.items);
    totalCount = response.totalCount;
    cursor = response.nextCursor;
    if (!cursor) return { items, totalCount };
  }
  throw new CliError(
    `the server kept returning pages after ${
      MAX_PAGES * PAGE_SIZE
    } instances; narrow the list with --status, --cluster or --region`,
  );
}

/** "No instances", with the filters that found none. */
function nothingFound(filters: ListFilters): string {
  const conditions = [
    filters.status && `with status ${filters.status}`,
    filters.cluster && `on cluster ${filters.cluster}`,
    filters.region && `in region ${filters.region}`,
  ].filter(Boolean);
  return ['No instances', ...conditions].join(' ');
}

export function registerListCommand(
  instances: Command,
  context: CommandContext,
): void {
  instances
    .command('list')
    .alias('ls')
    .description('list the instances the API key may read')
    .option(
      '--status <status>',
      'only instances in this status (e.g. Running, Failed)',
      statusArgument,
    )
    .option(
      '--cluster <name>',
      'only instances on this cluster (see supactl clusters list)',
      clusterNameArgument,
    )
    .option(
      '--region <name>',
      'only instances in this region',
      regionNameArgument,
    )
    .addOption(outputOption(['table', 'json', 'yaml'], 'table'))
    .addHelpText(
      'after',
      `
-o json prints the server's body, {items, totalCount}, with every page merged.

Examples:
  supactl instances list --status Failed
  supactl instances list --region eu-west -o json`,
    )
    .action(
      async (
        options: ListFilters & { output: 'table' | 'json' | 'yaml' },
        command: Command,
      ) => {
        const { client } = await context.connect(command);
        const { status, cluster, region } = options;
        const filters = { status, cluster, region };
        const result = await listAll(client, filters);
        const { stdout, stderr } = context.io;
        if (options.output !== 'table') {
          stdout.write(renderStructured(result, options.output));
        } else if (result.items.length === 0) {
          stderr.write(`${nothingFound(filters)}\n`);
        } else {
          stdout.write(renderInstanceTable(result.items, context.now()));
        }
      },
    );
}
