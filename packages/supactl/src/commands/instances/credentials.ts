import { Command } from 'commander';
import { instanceNameArgument } from '../../args/parsers';
import { renderCredentialsEnv } from '../../output/credentials';
import { renderStructured } from '../../output/structured';
import { CommandContext } from '../context';
import { outputOption } from '../options';

export function registerCredentialsCommand(
  instances: Command,
  context: CommandContext,
): void {
  instances
    .command('credentials')
    .description(
      'print the connection details of an instance (needs a key with scope instances:credentials)',
    )
    .argument('<name>', 'instance name', instanceNameArgument)
    .addOption(outputOption(['env', 'json', 'yaml'], 'env'))
    .addHelpText(
      'after',
      `
-o env prints SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY and DATABASE_URL as
shell-quoted NAME=value lines, for eval or a dotenv file; -o json adds the Studio URL and the
dashboard login. The output is secret: do not echo it into CI logs.

Examples:
  set -a; eval "$(supactl instances credentials pr-123)"; set +a    # export into this shell
  supactl instances credentials pr-123 -o env > .env.preview`,
    )
    .action(
      async (
        name: string,
        options: { output: 'env' | 'json' | 'yaml' },
        command: Command,
      ) => {
        const { client } = await context.connect(command);
        const credentials = await client.getCredentials(name);
        context.io.stdout.write(
          options.output === 'env'
            ? renderCredentialsEnv(credentials)
            : renderStructured(credentials, options.output),
        );
      },
    );
}
