import { Parsed } from './Parsed';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const DURATION = /^(?:\d+(?:ms|s|m|h))+$/;
const PART = /(\d+)(ms|s|m|h)/g;

/** Longest accepted duration; longer waits belong in the pipeline, not in one call. */
const MAX_MS = 24 * UNITS.h;

/** The accepted forms, for error messages. */
export const DURATION_RULE =
  'a duration such as 90s, 10m, 1h30m or 500ms (units ms, s, m, h)';

/**
 * Parses a Go-style duration (`90s`, `10m`, `1h30m`) into milliseconds, or says why it is
 * refused.
 */
export function parseDuration(value: string): Parsed<number> {
  if (!DURATION.test(value)) {
    return {
      error: /^\d+$/.test(value)
        ? `'${value}' has no unit; use ${DURATION_RULE}`
        : `'${value}' is not ${DURATION_RULE}`,
    };
  }
  let ms = 0;
  for (const [, amount, unit] of value.matchAll(PART)) {
    ms += Number(amount) * UNITS[unit];
  }
  if (ms <= 0) {
    return { error: `'${value}' must be longer than zero` };
  }
  if (ms > MAX_MS) {
    return { error: `'${value}' is longer than the maximum of 24h` };
  }
  return { value: ms };
}

/** `90000` → `1m30s`; sub-second values as `ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  let seconds = Math.round(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  return [
    hours ? `${hours}h` : '',
    minutes ? `${minutes}m` : '',
    seconds || (!hours && !minutes) ? `${seconds}s` : '',
  ].join('');
}
