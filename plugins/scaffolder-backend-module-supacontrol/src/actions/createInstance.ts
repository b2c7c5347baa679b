import { ConflictError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { SupaControlInstanceClient } from '../client/SupaControlInstanceClient';
import {
  dryRunOutput,
  emitOutput,
  instanceNameInput,
  requirePlacement,
  instanceOutputSchema,
  InstanceOutput,
  requireValidName,
  toInstanceOutput,
} from './instanceOutput';
import { logFailure } from './logFailure';
import { waitForInstance } from './waitForInstance';

/** Default of `timeoutSeconds`: a Supabase release pulls a dozen images on first install. */
export const DEFAULT_CREATE_TIMEOUT_SECONDS = 900;

const EXAMPLE = `
steps:
  - id: create
    name: Create the Supabase instance
    action: supacontrol:instance:create
    input:
      name: \${{ parameters.name }}
      plan: \${{ parameters.plan }}
      owner: \${{ parameters.owner }}
      waitForRunning: true
      timeoutSeconds: 900
output:
  links:
    - title: Supabase Studio
      url: \${{ steps.create.output.studioUrl }}
    - title: Open in catalog
      entityRef: \${{ steps.create.output.entityRef }}
`;

/**
 * `supacontrol:instance:create`: requests a new instance from the SupaControl backend on behalf
 * of the user running the template, so their permissions apply, and optionally waits until it is
 * Running. The request is a checkpoint: a re-run of the step does not ask for the instance again.
 *
 * @public
 */
export function createSupaControlInstanceCreateAction(options: {
  client: SupaControlInstanceClient;
  /** How often to ask for the status while waiting; for tests. */
  pollIntervalMs?: number;
}) {
  const { client, pollIntervalMs } = options;
  return createTemplateAction({
    id: 'supacontrol:instance:create',
    description:
      'Creates a Supabase instance with SupaControl as the user running the template, and optionally waits until it is Running',
    examples: [
      {
        description: 'Create an instance, wait for it and link to it',
        example: EXAMPLE.trim(),
      },
    ],
    supportsDryRun: true,
    schema: {
      input: {
        name: instanceNameInput,
        plan: z =>
          z
            .string({
              description:
                "Plan of the instance (GET /api/supacontrol/v1/plans); the backend's default plan when empty",
            })
            .optional(),
        owner: z =>
          z
            .string({
              description:
                'Entity ref of the owner: the user or one of their groups, e.g. group:default/team-a; the user when empty',
            })
            .optional(),
        region: z =>
          z
            .string({
              description:
                'Region to place the instance in (GET /api/supacontrol/v1/clusters): its enabled cluster with the most room. Not with cluster; the backend chooses when both are empty',
            })
            .optional(),
        cluster: z =>
          z
            .string({
              description:
                'Cluster to place the instance on (GET /api/supacontrol/v1/clusters). Not with region',
            })
            .optional(),
        waitForRunning: z =>
          z
            .boolean({
              description:
                'Wait until the instance is Running (true by default); otherwise the step ends once it is recorded as Pending',
            })
            .optional(),
        timeoutSeconds: z =>
          z
            .number({
              description: `How long to wait for Running, in seconds (default ${DEFAULT_CREATE_TIMEOUT_SECONDS})`,
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
      // Template forms pass an unset optional field as an empty string.
      const plan = ctx.input.plan || undefined;
      const owner = ctx.input.owner || undefined;
      const placement = requirePlacement(ctx.input);
      const waitForRunning = ctx.input.waitForRunning ?? true;
      const timeoutSeconds =
        ctx.input.timeoutSeconds ?? DEFAULT_CREATE_TIMEOUT_SECONDS;
      const credentials = await ctx.getInitiatorCredentials();
      let where = '';
      if (placement.cluster) where = `, cluster ${placement.cluster}`;
      if (placement.region) where = `, region ${placement.region}`;
      const what = `instance '${name}' (plan ${plan ?? 'default'}, owner ${
        owner ?? 'you'
      }${where})`;

      if (ctx.isDryRun) {
        await logFailure(
          ctx.logger,
          `Dry run: cannot create ${what}`,
          async () => {
            const existing = await client.getInstance(name, { credentials });
            if (existing && existing.status !== 'Deleted') {
              throw new ConflictError(
                `An instance named '${name}' already exists; choose another name`,
              );
            }
          },
        );
        ctx.logger.info(
          `Dry run: would create ${what}${
            waitForRunning
              ? ` and wait up to ${timeoutSeconds} s for it to be Running`
              : ''
          }`,
        );
        emitOutput(ctx, dryRunOutput(name));
        return;
      }

      ctx.logger.info(`Requesting Supabase ${what}`);
      const created = await ctx.checkpoint<InstanceOutput>({
        key: `supacontrol.instance.create.${name}`,
        fn: () =>
          logFailure(ctx.logger, `Could not create ${what}`, async () =>
            toInstanceOutput(
              await client.createInstance(
                { name, plan, owner, ...placement },
                {
                  credentials,
                  // If the task dies after the backend recorded the instance but before the
                  // checkpoint did, the re-run's request gets that instance, not "name taken".
                  idempotencyKey: `scaffolder:${ctx.task.id}:${
                    ctx.step?.id ?? 'create'
                  }:${name}`,
                },
              ),
            ),
          ),
      });
      ctx.logger.info(
        `Instance '${name}' is recorded (${created.status}) in namespace ${created.namespace}; SupaControl provisions it now`,
      );

      let output = created;
      if (waitForRunning) {
        const running = await logFailure(
          ctx.logger,
          `Instance '${name}' did not become Running`,
          () =>
            waitForInstance({
              client,
              credentials,
              logger: ctx.logger,
              name,
              until: 'Running',
              timeoutSeconds,
              pollIntervalMs,
              signal: ctx.signal,
            }),
        );
        output = toInstanceOutput(running);
        ctx.logger.info(
          `Instance '${name}' is Running: API ${output.apiUrl}, Studio ${output.studioUrl}`,
        );
      }
      emitOutput(ctx, output);
    },
  });
}
