import { setTimeout as delay } from 'node:timers/promises';
import {
  Instance,
  InstanceStatus,
} from '@supacontrol/plugin-supacontrol-common';
import { WaitCondition } from '../args/parsers';
import { formatDuration } from '../args/duration';
import { ApiError } from '../client/errors';
import { SupaControlClient } from '../client/SupaControlClient';
import { CliError, ExitCode, TimeoutError } from '../errors';
import { latestConditionMessage } from '../output/instances';
import { Progress } from '../output/progress';

export function describeCondition(condition: WaitCondition): string {
  return condition.kind === 'delete' ? 'deleted' : condition.status;
}

function reached(condition: WaitCondition, instance: Instance): boolean {
  if (condition.kind === 'delete') return instance.status === 'Deleted';
  return (
    instance.status === condition.status &&
    instance.observedGeneration >= (condition.generation ?? 0)
  );
}

const DELETION: readonly InstanceStatus[] = ['Deleting', 'Deleted'];

/**
 * Why the condition can no longer be met, if so. Failed is final until someone retries (see the
 * backend's state machine), and a deletion never turns back.
 */
function hopeless(
  condition: WaitCondition,
  instance: Instance,
): string | undefined {
  const { name, status } = instance;
  const wanted = describeCondition(condition);
  if (status === 'Failed' && wanted !== 'Failed') {
    return `instance '${name}' failed: ${
      instance.lastError ??
      latestConditionMessage(instance) ??
      'no reason given'
    }; see supactl instances events ${name}, then supactl instances retry ${name}`;
  }
  if (
    condition.kind === 'status' &&
    !DELETION.includes(condition.status) &&
    (DELETION.includes(status) || instance.desiredState === 'deleted')
  ) {
    return `instance '${name}' is being deleted, so it will not become ${wanted} (status ${status})`;
  }
  return undefined;
}

/** Sleeps, unless the signal aborts first; then rejects with the signal's reason. */
async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    throw signal.aborted ? signal.reason : error;
  }
}

/**
 * Polls an instance until it meets the condition, cannot meet it any more, or time runs out.
 * Returns the last instance seen, or `undefined` when waiting for deletion and the instance is
 * gone.
 */
export async function waitForInstance(options: {
  client: Pick<SupaControlClient, 'getInstance'>;
  name: string;
  condition: WaitCondition;
  timeoutMs: number;
  pollIntervalMs: number;
  progress: Progress;
}): Promise<Instance | undefined> {
  const { client, name, condition, progress } = options;
  let last: Instance | undefined;
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(
      new TimeoutError(
        `timed out after ${formatDuration(
          options.timeoutMs,
        )} waiting for instance '${name}' to be ${describeCondition(
          condition,
        )}${last ? ` (status is ${last.status})` : ''}`,
      ),
    );
  }, options.timeoutMs);
  const { signal } = controller;

  try {
    for (;;) {
      try {
        last = await client.getInstance(name, { signal });
      } catch (error) {
        if (error instanceof ApiError && error.statusCode === 404) {
          if (condition.kind === 'delete') return undefined;
          throw new CliError(
            last
              ? `instance '${name}' disappeared while waiting for it to be ${describeCondition(
                  condition,
                )}`
              : error.message,
            ExitCode.notFound,
          );
        }
        throw error;
      }
      progress.update({
        status: last.status,
        detail: last.lastError ?? latestConditionMessage(last),
      });
      if (reached(condition, last)) return last;
      const problem = hopeless(condition, last);
      if (problem) throw new CliError(problem);
      await sleep(options.pollIntervalMs, signal);
    }
  } finally {
    clearTimeout(timer);
    progress.stop();
  }
}
