import {
  Instance,
  InstanceStatus,
} from '@supacontrol/plugin-supacontrol-common';
import { Command } from 'commander';
import { statusArgument } from '../../args/parsers';
import { SupaControlClient } from '../../client/SupaControlClient';
import { CliError } from '../../errors';
import { renderInstanceTable } from '../../output/instances';
import { renderStructured } from '../../output/structured';
import { CommandContext } from '../context';
import { outputOption } from '../options';

const PAGE_SIZE = 100;
const MAX_PAGES = 1000;

/** Every instance, following `nextCursor`, so that the output is never silently cut off. */
async function listAll(
  client: SupaControlClient,
  status: InstanceStatus | undefined,
): Promise<{ items: Instance[]; totalCount: number }> {
  const items: Instance[] = [];
  let cursor: string | undefined;
  let totalCount = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await client.listInstances({
      limit: PAGE_SIZE,
      cursor,
      status,
    });
    items.push(...response.items);
    totalCount = response.totalCount;
    cursor = response.nextCursor;
    if (!cursor) return { items, totalCount };
  }
  throw new CliError(
    `the server kept returning pages after ${
      MAX_PAGES * PAGE_SIZE
    } instances; narrow the list with --status`,
  );
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
    .addOption(outputOption(['table', 'json', 'yaml'], 'table'))
    .addHelpText(
      'after',
      `
-o json prints the server's body, {items, totalCount}, with every page merged.`,
    )
    .action(
      async (
        options: { status?: InstanceStatus; output: 'table' | 'json' | 'yaml' },
        command: Command,
      ) => {
        const { client } = await context.connect(command);
        const result = await listAll(client, options.status);
        const { stdout, stderr } = context.io;
        if (options.output !== 'table') {
          stdout.write(renderStructured(result, options.output));
        } else if (result.items.length === 0) {
          stderr.write(
            options.status
              ? `No instances with status ${options.status}\n`
              : 'No instances\n',
          );
        } else {
          stdout.write(renderInstanceTable(result.items, context.now()));
        }
      },
    );
}
