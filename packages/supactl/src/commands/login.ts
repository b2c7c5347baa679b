import { Command } from 'commander';
import { contextNameArgument, portalUrlArgument } from '../args/parsers';
import { isLoopbackUrl } from '../args/portalUrl';
import { ApiError } from '../client/errors';
import { withContext } from '../config/contexts';
import { apiKeyProblem } from '../config/target';
import { CliError, UsageError } from '../errors';
import { isInteractive } from '../terminal/Io';
import { readAll, readSecret } from '../terminal/prompt';
import { CommandContext } from './context';

interface LoginOptions {
  apiKeyStdin?: boolean;
  name?: string;
}

async function readApiKey(
  context: CommandContext,
  url: string,
  options: LoginOptions,
): Promise<string> {
  if (options.apiKeyStdin) {
    const key = (await readAll(context.io.stdin)).trim();
    if (!key) {
      throw new UsageError('--api-key-stdin was given but stdin was empty');
    }
    return key;
  }
  if (!isInteractive(context.io)) {
    throw new UsageError(
      'pass the API key on stdin with --api-key-stdin, e.g. printenv SUPACONTROL_KEY | supactl login <url> --api-key-stdin',
    );
  }
  return (await readSecret(context.io, `API key for ${url}: `)).trim();
}

export function registerLoginCommand(
  program: Command,
  context: CommandContext,
): void {
  program
    .command('login')
    .description(
      'verify an API key against a portal and store both as a context, which becomes current',
    )
    .argument(
      '<portal-url>',
      "the portal's address, e.g. https://portal.example.com",
      portalUrlArgument,
    )
    .option(
      '--api-key-stdin',
      'read the API key (sck_…) from stdin instead of asking for it',
    )
    .option(
      '--name <context>',
      "name of the context (default: the URL's host)",
      contextNameArgument,
    )
    .addHelpText(
      'after',
      `
The key is checked with GET /api/supacontrol/v1/instances before it is stored. Create keys in
the portal under Settings > SupaControl API keys. The key is never accepted as an argument, so it
does not end up in shell history or process lists.

Examples:
  supactl login https://portal.example.com                      # asks for the key
  printenv SUPACONTROL_KEY | supactl login https://portal.example.com --api-key-stdin`,
    )
    .action(async (url: string, options: LoginOptions, command: Command) => {
      const apiKey = await readApiKey(context, url, options);
      const problem = apiKeyProblem(apiKey);
      if (problem) {
        throw new UsageError(problem);
      }
      if (url.startsWith('http://') && !isLoopbackUrl(url)) {
        context.warn(
          `${url} uses plain HTTP, so the API key travels unencrypted; use https:// outside your own machine`,
        );
      }

      const client = context.clientFor(command, url, apiKey);
      try {
        await client.listInstances({ limit: 1 });
      } catch (error) {
        if (error instanceof ApiError && error.statusCode === 401) {
          throw new CliError(
            `${client.apiRoot} refused the API key: ${error.message}`,
          );
        }
        if (error instanceof ApiError && error.statusCode === 403) {
          // The key is genuine, it only may not list instances; other commands may still work.
          context.warn(
            `the key is valid but may not list instances: ${error.message}`,
          );
        } else {
          throw error;
        }
      }

      const name = options.name ?? new URL(url).host;
      const config = await context.configFile.read();
      await context.configFile.write(
        withContext(config, { name, url, apiKey }),
      );
      context.io.stdout.write(
        `Logged in to ${url}; context '${name}' is current (saved in ${context.configFile.path})\n`,
      );
    });
}
