import { Command } from 'commander';
import { renderClusterTable } from '../output/clusters';
import { renderStructured } from '../output/structured';
import { CommandContext } from './context';
import { outputOption } from './options';

export function registerClustersCommand(
  program: Command,
  context: CommandContext,
): void {
  program
    .command('clusters')
    .description('clusters new instances can be placed on')
    // `supactl clusters` alone lists them too.
    .command('list', { isDefault: true })
    .description(
      'list the clusters of the portal with their region, room and reachability',
    )
    .addOption(outputOption(['table', 'json', 'yaml'], 'table'))
    .addHelpText(
      'after',
      `
A drained cluster (ENABLED no) keeps its instances and takes no new ones; MAX is - when the
cluster takes any number. STATUS is whether the portal reached the cluster's API server the last
time it looked (unknown before the first look). -o json prints the server's body, {items}, with
the reason of an unreachable cluster in "message".

Examples:
  supactl clusters
  supactl instances create orders-eu --region eu-west`,
    )
    .action(
      async (
        options: { output: 'table' | 'json' | 'yaml' },
        command: Command,
      ) => {
        const { client } = await context.connect(command);
        const clusters = await client.listClusters();
        const { stdout, stderr } = context.io;
        if (options.output !== 'table') {
          stdout.write(renderStructured(clusters, options.output));
        } else if (clusters.items.length === 0) {
          stderr.write(
            'No clusters: the portal has none configured, so instances cannot be created\n',
          );
        } else {
          stdout.write(renderClusterTable(clusters.items));
        }
      },
    );
}
