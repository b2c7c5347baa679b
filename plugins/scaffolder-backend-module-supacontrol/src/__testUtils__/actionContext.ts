import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonValue } from '@backstage/types';
import { ALICE } from './supacontrolBackend';

/**
 * An action context acting for `user` (default Alice), with a jest logger and a checkpoint store
 * that behaves like the scaffolder's on a re-run: the stored value, else run and store.
 */
export function actionContext(
  input: Record<string, JsonValue | undefined>,
  options: {
    user?: string;
    isDryRun?: boolean;
    checkpoints?: Map<string, JsonValue>;
    /** The scaffolder task the step belongs to (default `mock-task-id`). */
    taskId?: string;
  } = {},
) {
  const logger = mockServices.logger.mock();
  const checkpoints = options.checkpoints ?? new Map<string, JsonValue>();
  const ctx = {
    ...createMockActionContext({
      input: input as any,
      logger,
      ...(options.taskId && { task: { id: options.taskId } }),
    }),
    isDryRun: options.isDryRun,
    getInitiatorCredentials: async () =>
      mockCredentials.user(options.user ?? ALICE),
    async checkpoint(opts: any) {
      if (!checkpoints.has(opts.key)) {
        checkpoints.set(opts.key, await opts.fn());
      }
      return checkpoints.get(opts.key) as any;
    },
  };
  return { ctx, logger };
}

/** What an action passed to `ctx.output`, by name. */
export function outputs(ctx: { output: any }): Record<string, string> {
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
}
