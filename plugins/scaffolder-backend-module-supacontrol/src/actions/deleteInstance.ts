import { NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { SupaControlInstanceClient } from '../client/SupaControlInstanceClient';
import { instanceNameInput, requireValidName } from './instanceOutput';
import { logFailure } from './logFailure';
import { waitForInstance } from './waitForInstance';

/** Default of `timeoutSeconds` when waiting for a deletion. */
export const DEFAULT_DELETE_TIMEOUT_SECONDS = 600;

/**
 * `supacontrol:instance:delete`: requests deletion of an instance on behalf of the user running
 * the template (who needs `supacontrol.instance.delete` on it), and optionally waits until it is
 * gone. Deleting is idempotent in the backend, and the request is a checkpoint as well.
 *
 * @public
 */
export function createSupaControlInstanceDeleteAction(options: {
  client: SupaControlInstanceClient;
  /** How often to ask for the status while waiting; for tests. */
  pollIntervalMs?: number;
}) {
  const { client, pollIntervalMs } = options;
  return createTemplateAction({
    id: 'supacontrol:instance:delete',
    description:
      'Deletes a SupaControl instance as the user running the template, and optionally waits until it is gone',
    examples: [
      {
        description: 'Delete a preview instance and wait for it',
        example: `
steps:
  - id: delete
    name: Delete the preview instance
    action: supacontrol:instance:delete
    input:
      name: \${{ parameters.name }}
      waitForDeletion: true
`.trim(),
      },
    ],
    supportsDryRun: true,
    schema: {
      input: {
        name: instanceNameInput,
        waitForDeletion: z =>
          z
            .boolean({
              description:
                'Wait until the instance is Deleted (false by default); otherwise the step ends once it is Deleting',
            })
            .optional(),
        timeoutSeconds: z =>
          z
            .number({
              description: `How long to wait for Deleted, in seconds (default ${DEFAULT_DELETE_TIMEOUT_SECONDS})`,
            })
            .int()
            .min(1)
            .max(3600)
            .optional(),
      },
      output: {
        name: z => z.string({ description: 'The instance name' }),
        status: z =>
          z.string({
            description: 'Status when the step ended: Deleting or Deleted',
          }),
      },
    },
    async handler(ctx) {
      const name = requireValidName(ctx.input.name);
      const credentials = await ctx.getInitiatorCredentials();

      if (ctx.isDryRun) {
        await logFailure(
          ctx.logger,
          `Dry run: cannot delete '${name}'`,
          async () => {
            if (!(await client.getInstance(name, { credentials }))) {
              throw new NotFoundError(`No instance named '${name}'`);
            }
          },
        );
        ctx.logger.info(`Dry run: would delete instance '${name}'`);
        ctx.output('name', name);
        ctx.output('status', 'DryRun');
        return;
      }

      ctx.logger.info(`Requesting deletion of instance '${name}'`);
      let status = await ctx.checkpoint<string>({
        key: `supacontrol.instance.delete.${name}`,
        fn: () =>
          logFailure(ctx.logger, `Could not delete '${name}'`, async () => {
            const instance = await client.deleteInstance(name, {
              credentials,
            });
            return instance.status;
          }),
      });
      ctx.logger.info(`Instance '${name}' is ${status}`);

      if (ctx.input.waitForDeletion) {
        const deleted = await logFailure(
          ctx.logger,
          `Instance '${name}' was not deleted`,
          () =>
            waitForInstance({
              client,
              credentials,
              logger: ctx.logger,
              name,
              until: 'Deleted',
              timeoutSeconds:
                ctx.input.timeoutSeconds ?? DEFAULT_DELETE_TIMEOUT_SECONDS,
              pollIntervalMs,
              signal: ctx.signal,
            }),
        );
        status = deleted?.status ?? 'Deleted';
      }
      ctx.output('name', name);
      ctx.output('status', status);
    },
  });
}
