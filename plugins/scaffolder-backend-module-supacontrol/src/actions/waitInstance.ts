import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { SupaControlInstanceClient } from '../client/SupaControlInstanceClient';
import { DEFAULT_CREATE_TIMEOUT_SECONDS } from './createInstance';
import {
  dryRunOutput,
  emitOutput,
  instanceNameInput,
  instanceOutputSchema,
  requireValidName,
  toInstanceOutput,
} from './instanceOutput';
import { logFailure } from './logFailure';
import { waitForInstance } from './waitForInstance';

/**
 * `supacontrol:instance:wait`: waits until an instance is Running, as its own template step after
 * `supacontrol:instance:create` with `waitForRunning: false`, so that the task shows "requested"
 * and "running" as two steps. Waiting changes nothing, so re-running it is always safe.
 *
 * @public
 */
export function createSupaControlInstanceWaitAction(options: {
  client: SupaControlInstanceClient;
  /** How often to ask for the status; for tests. */
  pollIntervalMs?: number;
}) {
  const { client, pollIntervalMs } = options;
  return createTemplateAction({
    id: 'supacontrol:instance:wait',
    description:
      'Waits until a SupaControl instance is Running and outputs its URLs and catalog entity',
    examples: [
      {
        description: 'Wait for an instance created by an earlier step',
        example: `
steps:
  - id: wait
    name: Wait until the instance is Running
    action: supacontrol:instance:wait
    input:
      name: \${{ steps.create.output.name }}
      timeoutSeconds: 900
`.trim(),
      },
    ],
    supportsDryRun: true,
    schema: {
      input: {
        name: instanceNameInput,
        timeoutSeconds: z =>
          z
            .number({
              description: `How long to wait, in seconds (default ${DEFAULT_CREATE_TIMEOUT_SECONDS})`,
            })
            .int()
            .min(1)
            .max(3600)
            .optional(),
      },
      output: instanceOutputSchema,
    },
    async handler(ctx) {
      const name = requireValidName(ctx.input.name);
      if (ctx.isDryRun) {
        // The create step of a dry run made nothing to wait for.
        ctx.logger.info(`Dry run: would wait for instance '${name}'`);
        emitOutput(ctx, dryRunOutput(name));
        return;
      }
      const running = await logFailure(
        ctx.logger,
        `Instance '${name}' did not become Running`,
        async () =>
          waitForInstance({
            client,
            credentials: await ctx.getInitiatorCredentials(),
            logger: ctx.logger,
            name,
            until: 'Running',
            timeoutSeconds:
              ctx.input.timeoutSeconds ?? DEFAULT_CREATE_TIMEOUT_SECONDS,
            pollIntervalMs,
            signal: ctx.signal,
          }),
      );
      const output = toInstanceOutput(running);
      ctx.logger.info(
        `Instance '${name}' is Running: API ${output.apiUrl}, Studio ${output.studioUrl}`,
      );
      emitOutput(ctx, output);
    },
  });
}
