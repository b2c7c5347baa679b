import { Command, Option } from 'commander';
import { contextNameArgument, durationArgument } from './args/parsers';
import { registerClustersCommand } from './commands/clusters';
import { registerConfigCommand } from './commands/config';
import { CommandContext } from './commands/context';
import { registerInstancesCommand } from './commands/instances';
import { registerLoginCommand } from './commands/login';
import { registerPlansCommand } from './commands/plans';

const ROOT_HELP = `
Environment:
  SUPACTL_URL, SUPACTL_API_KEY  override the current context (for CI); both together need no
                                config file at all
  XDG_CONFIG_HOME               the config file is $XDG_CONFIG_HOME/supactl/config.yaml
                                (default ~/.config/supactl/config.yaml)

Exit codes:
  0  success
  1  error (connection, authentication, permission, failed instance, ...)
  2  usage: a bad argument, option or value; nothing was changed
  3  not found
  4  conflict (the name is taken, the cluster or region is full or drained, the instance is
     protected from deletion, or it is not in a state that allows the operation)
  5  timeout
  6  verification failed: a service of the instance failed 'instances verify'

Examples:
  supactl login https://portal.example.com
  supactl instances create pr-123 --wait
  eval "$(supactl instances credentials pr-123 -o env)"
  supactl instances delete pr-123 --yes`;

/** The command tree. Settings made here before `.command()` are inherited by every command. */
export function createProgram(context: CommandContext): Command {
  const program = new Command('supactl')
    .description(
      'Create and run Supabase instances through SupaControl, from a terminal or a CI pipeline',
    )
    .version(context.version, '--version', 'print the version of supactl')
    .addOption(
      new Option(
        '--context <name>',
        'use this context instead of the current one',
      ).argParser(contextNameArgument),
    )
    .addOption(
      new Option(
        '--request-timeout <duration>',
        'give up on a single HTTP request after this long',
      )
        .argParser(durationArgument)
        .default(30_000, '30s'),
    )
    .addHelpText('after', ROOT_HELP)
    .exitOverride()
    .configureOutput({
      writeOut: text => context.io.stdout.write(text),
      writeErr: text => context.io.stderr.write(text),
    });

  registerLoginCommand(program, context);
  registerConfigCommand(program, context);
  registerInstancesCommand(program, context);
  registerPlansCommand(program, context);
  registerClustersCommand(program, context);
  return program;
}
