import {
  VerifyResult,
  verifyInstance,
} from '@supacontrol/plugin-supacontrol-common';
import { Command, Option } from 'commander';
import { instanceNameArgument, serviceUrlArgument } from '../../args/parsers';
import { CliError, ExitCode } from '../../errors';
import { renderStructured } from '../../output/structured';
import { renderTable } from '../../output/table';
import { CommandContext } from '../context';
import { outputOption } from '../options';

/** One line per service: PASS or FAIL, latency, and why it failed. */
export function renderVerifyResult(result: VerifyResult): string {
  return renderTable(
    ['SERVICE', 'RESULT', 'LATENCY', 'CHECK'],
    result.checks.map(c => [
      c.service,
      c.ok ? 'PASS' : 'FAIL',
      `${c.latencyMs} ms`,
      c.ok ? c.description : `${c.description}: ${c.error}`,
    ]),
  );
}

export function registerVerifyCommand(
  instances: Command,
  context: CommandContext,
): void {
  instances
    .command('verify')
    .description(
      'check that an instance really works, with its own credentials (needs a key with scope instances:credentials)',
    )
    .argument('<name>', 'instance name', instanceNameArgument)
    .option(
      '--api-url <url>',
      "reach the API here instead of the instance's URL, e.g. through kubectl port-forward",
      serviceUrlArgument,
    )
    .option(
      '--studio-url <url>',
      "reach Studio here instead (default: the --api-url, else the instance's Studio URL)",
      serviceUrlArgument,
    )
    .addOption(
      new Option(
        '--via-portal',
        'let the portal run the checks from inside the cluster instead of from this machine',
      ).conflicts(['apiUrl', 'studioUrl']),
    )
    .addOption(outputOption(['table', 'json', 'yaml'], 'table'))
    .addHelpText(
      'after',
      `
Checks, each with its latency: Auth's health; a throwaway user signs up and signs in (then is
deleted); a table is created, a row written and read back through the REST API, and the table
dropped; a Storage bucket gets a file uploaded, downloaded and deleted; a Realtime channel is
joined over the WebSocket; Studio refuses without its login and answers with it. Exits 0 when
every check passes and 6 when any fails, naming the step and the service's answer.

Examples:
  supactl instances verify pr-123
  kubectl -n supa-pr-123 port-forward svc/pr-123-kong 8000:8000 &
  supactl instances verify pr-123 --api-url http://127.0.0.1:8000`,
    )
    .action(
      async (
        name: string,
        options: {
          apiUrl?: string;
          studioUrl?: string;
          viaPortal?: boolean;
          output: 'table' | 'json' | 'yaml';
        },
        command: Command,
      ) => {
        const { client } = await context.connect(command);
        let result: VerifyResult;
        if (options.viaPortal) {
          result = await client.verifyInstance(name);
        } else {
          const credentials = await client.getCredentials(name);
          result = await verifyInstance({
            ...credentials,
            apiUrl: options.apiUrl ?? credentials.apiUrl,
            studioUrl:
              options.studioUrl ?? options.apiUrl ?? credentials.studioUrl,
          });
        }
        context.io.stdout.write(
          options.output === 'table'
            ? renderVerifyResult(result)
            : renderStructured(result, options.output),
        );
        if (!result.ok) {
          const failed = result.checks.filter(c => !c.ok).map(c => c.service);
          throw new CliError(
            `instance '${name}' failed verification: ${failed.join(', ')}`,
            ExitCode.verifyFailed,
          );
        }
      },
    );
}
