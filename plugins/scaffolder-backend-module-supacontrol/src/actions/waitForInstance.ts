import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { Instance } from '@supacontrol/plugin-supacontrol-common';
import { setTimeout as sleep } from 'node:timers/promises';
import { SupaControlInstanceClient } from '../client/SupaControlInstanceClient';

/** How often the actions ask for an instance's status while waiting. */
export const DEFAULT_POLL_INTERVAL_MS = 2000;

/** Raised when an instance does not reach the awaited status in time. */
export class InstanceWaitTimeoutError extends Error {
  name = 'InstanceWaitTimeoutError';
}

function progress(instance: Instance): string {
  const { components } = instance;
  const ready = components.filter(c => c.ready).length;
  return components.length > 0
    ? `${instance.status} (${ready}/${components.length} components ready)`
    : instance.status;
}

type WaitOptions = {
  client: SupaControlInstanceClient;
  credentials: BackstageCredentials;
  logger: LoggerService;
  name: string;
  until: 'Running' | 'Deleted';
  timeoutSeconds: number;
  pollIntervalMs?: number;
  signal?: AbortSignal;
};

/**
 * Polls an instance until it is `Running` (or `Deleted`), logging each change of status. Fails
 * early with the reason when the instance can no longer get there: it failed, is being deleted,
 * or is gone. Waiting changes nothing, so a re-run step simply waits again.
 *
 * @returns the instance in the awaited status; undefined when waiting for `Deleted` and the
 *   backend no longer shows the instance.
 */
export async function waitForInstance(
  options: WaitOptions & { until: 'Running' },
): Promise<Instance>;
export async function waitForInstance(
  options: WaitOptions & { until: 'Deleted' },
): Promise<Instance | undefined>;
export async function waitForInstance(
  options: WaitOptions,
): Promise<Instance | undefined> {
  const { client, credentials, logger, name, until, timeoutSeconds } = options;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const deadline = Date.now() + timeoutSeconds * 1000;
  logger.info(
    `Waiting up to ${timeoutSeconds} s for instance '${name}' to be ${until}`,
  );
  let reported: string | undefined;
  for (;;) {
    const instance = await client.getInstance(name, { credentials });
    if (!instance) {
      if (until === 'Deleted') {
        return undefined;
      }
      throw new NotFoundError(
        `Instance '${name}' disappeared while waiting for it to be Running, or you may no longer read it`,
      );
    }
    const now = progress(instance);
    if (now !== reported) {
      logger.info(`Instance '${name}' is ${now}`);
      reported = now;
    }
    if (instance.status === until) {
      return instance;
    }
    if (instance.status === 'Failed') {
      throw new Error(
        `Instance '${name}' failed: ${
          instance.lastError ?? 'no reason given'
        }. Retry it from its SupaControl page once the cause is fixed, or delete it`,
      );
    }
    if (
      until === 'Running' &&
      (instance.status === 'Deleting' || instance.status === 'Deleted')
    ) {
      throw new ConflictError(
        `Instance '${name}' is ${instance.status}; it will not become Running`,
      );
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new InstanceWaitTimeoutError(
        `Instance '${name}' is still ${instance.status} after ${timeoutSeconds} s, so it was not ${until} within timeoutSeconds. ` +
          'SupaControl keeps working on it: follow it on its SupaControl page, or run again with a larger timeoutSeconds',
      );
    }
    await sleep(Math.min(pollIntervalMs, remaining), undefined, {
      signal: options.signal,
    });
  }
}
