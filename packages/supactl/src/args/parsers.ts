import {
  INSTANCE_STATUSES,
  InstanceStatus,
  validateInstanceName,
} from '@internal/plugin-supacontrol-common';
import { InvalidArgumentError } from 'commander';
import { parseDuration } from './duration';
import { Parsed } from './Parsed';
import { parsePortalUrl } from './portalUrl';

/*
 * Argument parsers for commander: each returns the parsed value or throws InvalidArgumentError,
 * which commander reports as a usage error before the command's action runs, i.e. before any
 * request is sent.
 */

/** An instance name, by the same rule the backend applies. */
export function instanceNameArgument(value: string): string {
  const problem = validateInstanceName(value);
  if (problem) {
    throw new InvalidArgumentError(problem);
  }
  return value;
}

function orThrow<T>(parsed: Parsed<T>): T {
  if ('error' in parsed) {
    throw new InvalidArgumentError(parsed.error);
  }
  return parsed.value;
}

export function durationArgument(value: string): number {
  return orThrow(parseDuration(value));
}

export function portalUrlArgument(value: string): string {
  return orThrow(parsePortalUrl(value));
}

/** An http(s) URL of an instance's service, e.g. from a port-forward; no trailing slash. */
export function serviceUrlArgument(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InvalidArgumentError(
      `'${value}' is not an http(s) URL, e.g. http://127.0.0.1:8000`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new InvalidArgumentError(
      `'${value}' must have no credentials, query or fragment`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** A status, case-insensitively (`running` → `Running`). */
export function statusArgument(value: string): InstanceStatus {
  const status = INSTANCE_STATUSES.find(
    s => s.toLowerCase() === value.toLowerCase(),
  );
  if (!status) {
    throw new InvalidArgumentError(
      `status must be one of ${INSTANCE_STATUSES.join(', ')}; got '${value}'`,
    );
  }
  return status;
}

const CONTEXT_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$/;

export function contextNameArgument(value: string): string {
  if (!CONTEXT_NAME.test(value)) {
    throw new InvalidArgumentError(
      `context names are 1–100 letters, digits or . _ : @ -, starting with a letter or digit; got '${value}'`,
    );
  }
  return value;
}

/** What `wait --for` accepts: `status=<Status>` or `delete`. */
export type WaitCondition =
  | { kind: 'status'; status: InstanceStatus }
  | { kind: 'delete' };

export function waitConditionArgument(value: string): WaitCondition {
  if (value === 'delete') {
    return { kind: 'delete' };
  }
  const match = /^status=(.*)$/.exec(value);
  if (!match) {
    throw new InvalidArgumentError(
      `use status=<status> (e.g. status=Running) or delete; got '${value}'`,
    );
  }
  return { kind: 'status', status: statusArgument(match[1]) };
}
