import {
  CLUSTER_NAME_PATTERN,
  INSTANCE_COMPONENTS,
  INSTANCE_STATUSES,
  InstanceComponentName,
  InstanceStatus,
  ROTATABLE_CREDENTIALS,
  RotatableCredential,
  validateInstanceName,
} from '@supacontrol/plugin-supacontrol-common';
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

/** A component of an instance, as `restart --component` names it. */
export function componentArgument(value: string): InstanceComponentName {
  const component = INSTANCE_COMPONENTS.find(c => c === value);
  if (!component) {
    throw new InvalidArgumentError(
      `component must be one of ${INSTANCE_COMPONENTS.join(
        ', ',
      )}; got '${value}'`,
    );
  }
  return component;
}

/** What `rotate` renews. */
export function rotatableCredentialArgument(
  value: string,
): RotatableCredential {
  const what = ROTATABLE_CREDENTIALS.find(c => c === value);
  if (!what) {
    throw new InvalidArgumentError(
      `what to rotate must be one of ${ROTATABLE_CREDENTIALS.join(
        ', ',
      )}; got '${value}'`,
    );
  }
  return what;
}

/** `true` or `false`, spelled out, so that a typo never turns a protection off. */
export function booleanArgument(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError(`use true or false; got '${value}'`);
}

// The backend's rule for plan names (supacontrol.plans); which plans exist, only the server knows.
const PLAN_NAME = /^[a-z][a-z0-9-]{0,31}$/;

export function planArgument(value: string): string {
  if (!PLAN_NAME.test(value)) {
    throw new InvalidArgumentError(
      `plan names are 1–32 lowercase letters, digits or '-', starting with a letter (see supactl plans list); got '${value}'`,
    );
  }
  return value;
}

function placementNameArgument(what: 'cluster' | 'region') {
  return (value: string): string => {
    if (!CLUSTER_NAME_PATTERN.test(value)) {
      throw new InvalidArgumentError(
        `${what} names are 1–32 lowercase letters, digits or '-', starting with a letter (see supactl clusters list); got '${value}'`,
      );
    }
    return value;
  };
}

/** A cluster name, by the backend's rule; which clusters exist, only the server knows. */
export const clusterNameArgument = placementNameArgument('cluster');

/** A region name, by the same rule as cluster names. */
export const regionNameArgument = placementNameArgument('region');

// The backend's rule for chart versions; which ones are allowed, only the server knows.
const CHART_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export function chartVersionArgument(value: string): string {
  if (!CHART_VERSION.test(value)) {
    throw new InvalidArgumentError(
      `chart versions are semantic versions such as 0.2.0 (see supactl instances update --help); got '${value}'`,
    );
  }
  return value;
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

/**
 * What `wait --for` accepts: `status=<Status>` or `delete`. Operations add `generation`: the
 * status counts only once the reconciler has applied that generation, so that an instance still
 * Running from before a restart does not end the wait at once.
 */
export type WaitCondition =
  | { kind: 'status'; status: InstanceStatus; generation?: number }
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
