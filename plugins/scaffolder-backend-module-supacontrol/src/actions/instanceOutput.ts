import {
  CLUSTER_NAME_PATTERN,
  Instance,
  instanceEntityRef,
  INSTANCE_NAME_RULE,
  instanceNamespace,
  validateInstanceName,
} from '@supacontrol/plugin-supacontrol-common';
import { InputError } from '@backstage/errors';
import { TemplateActionOptions } from '@backstage/plugin-scaffolder-node';

/**
 * The zod the scaffolder hands to schema functions. Taken from its own types, because a second
 * copy of zod in the tree would make `typeof z` of a direct import a different type.
 */
type Zod = Parameters<
  NonNullable<NonNullable<TemplateActionOptions['schema']>['input']>[string]
>[0];
type ZodString = ReturnType<Zod['string']>;

/** What the create and wait actions output, as template authors see it. */
export type InstanceOutput = {
  name: string;
  namespace: string;
  status: string;
  /** The cluster and region it was placed on (empty in a dry run: the backend chooses). */
  cluster: string;
  region: string;
  apiUrl: string;
  studioUrl: string;
  entityRef: string;
};

/** Output schema shared by `supacontrol:instance:create` and `supacontrol:instance:wait`. */
export const instanceOutputSchema: Record<
  keyof InstanceOutput,
  (z: Zod) => ZodString
> = {
  name: (z: Zod) => z.string({ description: 'The instance name' }),
  namespace: (z: Zod) =>
    z.string({ description: 'Kubernetes namespace of the instance' }),
  status: (z: Zod) =>
    z.string({ description: 'Status when the step ended, e.g. Running' }),
  cluster: (z: Zod) =>
    z.string({ description: 'The Kubernetes cluster the instance runs on' }),
  region: (z: Zod) => z.string({ description: "That cluster's region" }),
  apiUrl: (z: Zod) =>
    z.string({ description: 'URL of the Supabase API (Kong gateway)' }),
  studioUrl: (z: Zod) => z.string({ description: 'URL of Supabase Studio' }),
  entityRef: (z: Zod) =>
    z.string({
      description:
        'Catalog entity of the instance, e.g. resource:default/orders (for output links)',
    }),
};

/** Input schema of an instance name, checked with the backend's own rule. */
export const instanceNameInput = (z: Zod): ZodString =>
  z.string({ description: `Instance name: ${INSTANCE_NAME_RULE}` });

/**
 * The `cluster` and `region` inputs: at most one, each a name as the backend accepts; empty
 * strings (unset template fields) count as not given.
 */
export function requirePlacement(input: {
  cluster?: string;
  region?: string;
}): { cluster?: string; region?: string } {
  const cluster = input.cluster || undefined;
  const region = input.region || undefined;
  if (cluster && region) {
    throw new InputError(
      'give cluster or region, not both: a cluster is in exactly one region',
    );
  }
  for (const [key, value] of [
    ['cluster', cluster],
    ['region', region],
  ] as const) {
    if (value !== undefined && !CLUSTER_NAME_PATTERN.test(value)) {
      throw new InputError(
        `${key} must name a ${key} of GET /api/supacontrol/v1/clusters (lowercase letters, digits, "-"); got '${value}'`,
      );
    }
  }
  return { cluster, region };
}

/** Refuses a name the backend would refuse, before any request is made. */
export function requireValidName(name: unknown): string {
  const problem = validateInstanceName(name);
  if (problem) {
    throw new InputError(problem);
  }
  return name as string;
}

export function toInstanceOutput(instance: Instance): InstanceOutput {
  return {
    name: instance.name,
    namespace: instance.namespace,
    status: instance.status,
    cluster: instance.cluster,
    region: instance.region,
    apiUrl: instance.endpoints.api ?? '',
    studioUrl: instance.endpoints.studio ?? '',
    entityRef: instanceEntityRef(instance.name),
  };
}

/** What a dry run reports: the real name, namespace and entity ref; placeholder URLs. */
export function dryRunOutput(name: string): InstanceOutput {
  return {
    name,
    namespace: instanceNamespace(name),
    status: 'DryRun',
    cluster: '',
    region: '',
    apiUrl: `https://${name}.dry-run.invalid`,
    studioUrl: `https://studio-${name}.dry-run.invalid`,
    entityRef: instanceEntityRef(name),
  };
}

/** Sets every output of a step. */
export function emitOutput(
  ctx: {
    output(name: keyof InstanceOutput, value: string): void;
  },
  output: InstanceOutput,
) {
  for (const [key, value] of Object.entries(output)) {
    ctx.output(key as keyof InstanceOutput, value);
  }
}
