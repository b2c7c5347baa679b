import { Command, Option } from 'commander';
import { durationArgument } from '../args/parsers';
import { UsageError } from '../errors';

/** `-o, --output <format>` limited to `formats`; commander refuses anything else. */
export function outputOption<T extends string>(
  formats: readonly T[],
  defaultFormat: T,
): Option {
  return new Option('-o, --output <format>', 'output format')
    .choices(formats)
    .default(defaultFormat);
}

export const DEFAULT_WAIT_TIMEOUT_MS = 10 * 60_000;

export function timeoutOption(description: string): Option {
  return new Option('--timeout <duration>', `${description} (e.g. 90s, 10m)`)
    .argParser(durationArgument)
    .default(DEFAULT_WAIT_TIMEOUT_MS, '10m');
}

/** `--timeout` only means something together with `--wait`; say so rather than ignore it. */
export function requireWaitForTimeout(command: Command, wait: boolean): void {
  if (!wait && command.getOptionValueSource('timeout') === 'cli') {
    throw new UsageError('--timeout only applies together with --wait');
  }
}
