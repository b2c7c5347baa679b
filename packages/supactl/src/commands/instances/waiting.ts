import { Instance } from '@supacontrol/plugin-supacontrol-common';
import { WaitCondition } from '../../args/parsers';
import { SupaControlClient } from '../../client/SupaControlClient';
import { createProgress } from '../../output/progress';
import { OutputStream } from '../../terminal/Io';
import { waitForInstance } from '../../wait/waitForInstance';
import { CommandContext } from '../context';

/**
 * Waits with a progress indicator, on stdout unless `progressTo` says otherwise (stderr keeps
 * -o json clean): a spinner on a terminal, plain lines otherwise.
 */
export function waitWithProgress(
  context: CommandContext,
  client: SupaControlClient,
  name: string,
  condition: WaitCondition,
  timeoutMs: number,
  progressTo: OutputStream = context.io.stdout,
): Promise<Instance | undefined> {
  return waitForInstance({
    client,
    name,
    condition,
    timeoutMs,
    pollIntervalMs: context.pollIntervalMs,
    progress: createProgress(progressTo, name),
  });
}

/** The closing line of a wait: the status reached and, once known, where the instance answers. */
export function describeOutcome(
  name: string,
  instance: Instance | undefined,
): string {
  if (!instance || instance.status === 'Deleted') {
    return `instance '${name}' deleted`;
  }
  const endpoints = [
    instance.endpoints.api && `API ${instance.endpoints.api}`,
    instance.endpoints.studio && `Studio ${instance.endpoints.studio}`,
  ].filter(Boolean);
  return `instance '${name}' is ${instance.status}${
    endpoints.length ? `; ${endpoints.join(', ')}` : ''
  }`;
}
