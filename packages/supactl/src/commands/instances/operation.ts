import {
  Instance,
  InstanceStatus,
} from '@supacontrol/plugin-supacontrol-common';
import { Command } from 'commander';
import { SupaControlClient } from '../../client/SupaControlClient';
import { renderStructured } from '../../output/structured';
import { CommandContext } from '../context';
import { outputOption, timeoutOption } from '../options';
import { describeOutcome, waitWithProgress } from './waiting';

/** The options of a day-2 operation (pause, resume, restart, rotate). */
export interface OperationOptions {
  wait?: boolean;
  timeout: number;
  output: 'table' | 'json' | 'yaml';
}

/** Adds `--wait`, `--timeout` and `-o` to an operation's command. */
export function withOperationOptions(
  command: Command,
  waitsFor: string,
): Command {
  return command
    .option('--wait', `wait until the instance is ${waitsFor}`)
    .addOption(timeoutOption('how long --wait waits'))
    .addOption(outputOption(['table', 'json', 'yaml'], 'table'));
}

/**
 * Prints what the server answered to an operation: a sentence with the instance's status, or the
 * instance itself with -o json|yaml. With --wait, waits for the `target` status first; the
 * progress then goes to stderr under -o json|yaml, so that stdout stays parseable, and the
 * instance printed is the one the wait ended with.
 */
export async function reportOperation(
  context: CommandContext,
  client: SupaControlClient,
  requested: Instance,
  spec: {
    message: string;
    target: InstanceStatus;
    options: OperationOptions;
  },
): Promise<void> {
  const { stdout, stderr } = context.io;
  const { options } = spec;
  const format = options.output;
  if (format === 'table') {
    stdout.write(`${spec.message} (status ${requested.status})\n`);
  }
  let final = requested;
  if (options.wait) {
    final =
      (await waitWithProgress(
        context,
        client,
        requested.name,
        // The server answers before the reconciler acts, so an instance still Running from
        // before a restart must not end the wait: the status counts at the new generation.
        {
          kind: 'status',
          status: spec.target,
          generation: requested.generation,
        },
        options.timeout,
        format === 'table' ? stdout : stderr,
      )) ?? requested;
  }
  if (format !== 'table') {
    stdout.write(renderStructured(final, format));
  } else if (options.wait) {
    stdout.write(`${describeOutcome(requested.name, final)}\n`);
  }
}
