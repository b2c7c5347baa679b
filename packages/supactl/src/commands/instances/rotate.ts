import {
  ROTATABLE_CREDENTIALS,
  RotatableCredential,
} from '@supacontrol/plugin-supacontrol-common';
import { Command } from 'commander';
import {
  instanceNameArgument,
  rotatableCredentialArgument,
} from '../../args/parsers';
import { CliError, UsageError } from '../../errors';
import { isInteractive } from '../../terminal/Io';
import { confirm } from '../../terminal/prompt';
import { CommandContext } from '../context';
import { requireWaitForTimeout } from '../options';
import {
  OperationOptions,
  reportOperation,
  withOperationOptions,
} from './operation';

const DESCRIPTIONS: Record<RotatableCredential, string> = {
  jwt: 'the JWT secret',
  dashboard: 'the Studio dashboard password',
  database: 'the database password',
};

export function registerRotateCommand(
  instances: Command,
  context: CommandContext,
): void {
  withOperationOptions(
    instances
      .command('rotate')
      .description(
        'renew a secret of an instance; rotating jwt asks first unless --yes',
      )
      .argument('<name>', 'instance name', instanceNameArgument)
      .argument(
        '<what>',
        `what to renew: ${ROTATABLE_CREDENTIALS.join(', ')}`,
        rotatableCredentialArgument,
      )
      .option(
        '-y, --yes',
        'do not ask for confirmation of a jwt rotation (required when not on a terminal)',
      ),
    'Running again (Paused again, if it was paused)',
  )
    .addHelpText(
      'after',
      `
jwt renews the JWT secret and with it the anon and service_role keys: the old keys stop working
and every component restarts. dashboard renews the Studio password. database is refused by the
server with the reason (exit code 2). A Paused instance can be rotated and stays paused. Read the
new values with supactl instances credentials.

Examples:
  supactl instances rotate pr-123 jwt --yes --wait
  supactl instances rotate pr-123 dashboard`,
    )
    .action(
      async (
        name: string,
        what: RotatableCredential,
        options: OperationOptions & { yes?: boolean },
        command: Command,
      ) => {
        requireWaitForTimeout(command, Boolean(options.wait));
        // Only jwt breaks what is running: every client holding the old keys is locked out.
        const mustConfirm = what === 'jwt' && !options.yes;
        if (mustConfirm && !isInteractive(context.io)) {
          throw new UsageError(
            `refusing to rotate the JWT secret of instance '${name}' without confirmation: not on a terminal, so pass --yes`,
          );
        }
        const { client } = await context.connect(command);
        if (mustConfirm) {
          const current = await client.getInstance(name);
          const confirmed = await confirm(
            context.io,
            `Rotate the JWT secret of instance '${name}' (status ${current.status}, owner ${current.owner})? The anon and service_role keys change, the old ones stop working, and every component restarts.`,
          );
          if (!confirmed) {
            throw new CliError(
              `the JWT secret of instance '${name}' was not rotated: not confirmed`,
            );
          }
        }
        const instance = await client.rotateCredentials(name, { what });
        await reportOperation(context, client, instance, {
          message: `rotation of ${DESCRIPTIONS[what]} of instance '${name}' requested`,
          // A paused instance gets its new secret and stays paused.
          target: instance.desiredState === 'paused' ? 'Paused' : 'Running',
          options,
        });
      },
    );
}
