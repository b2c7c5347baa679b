import { LoggerService } from '@backstage/backend-plugin-api';

/**
 * Runs `fn`; when it throws, writes what failed and why to the task log before re-throwing. The
 * scaffolder records a step's error on the task only, so without this the step's own log would
 * end without saying what went wrong.
 */
export async function logFailure<T>(
  logger: LoggerService,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    logger.error(`${what}: ${(error as Error).message}`);
    throw error;
  }
}
