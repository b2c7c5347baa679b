import {
  API_KEY_SCOPES,
  CLUSTER_NAME_PATTERN,
  INSTANCE_COMPONENTS,
  ROTATABLE_CREDENTIALS,
  INSTANCE_NAME_RULE,
  INSTANCE_STATUSES,
  validateInstanceName,
} from '@supacontrol/plugin-supacontrol-common';
import { z } from 'zod/v4';
import { INSTANCE_CURSOR_PATTERN } from '../database/DatabaseInstanceStore';

/**
 * The single source of the v1 API's shapes: requests are validated with these schemas, tests check
 * responses against them, and the OpenAPI document is generated from them.
 */

/** An instance name: in paths and in create bodies. The OpenAPI document spells the rule out. */
export const instanceName = z
  .string({ error: `name must be a string of ${INSTANCE_NAME_RULE}` })
  .superRefine((value, ctx) => {
    const problem = validateInstanceName(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ description: INSTANCE_NAME_RULE, example: 'orders-preview' });

const entityRef = z
  .string({
    error: 'must be an entity ref string such as group:default/team-a',
  })
  .min(1, {
    error: 'must not be empty; use an entity ref such as group:default/team-a',
  })
  .max(255, { error: 'must be at most 255 characters' })
  .regex(/^([a-zA-Z][\w-]*:)?([a-zA-Z0-9][\w.-]*\/)?[a-zA-Z0-9][\w.-]*$/, {
    error:
      'must be an entity ref such as group:default/team-a or user:default/jane',
  });

/** A chart version; the document lists the allowed ones (`supacontrol.chart.allowedVersions`). */
export const chartVersion = z
  .string({ error: 'chartVersion must be a string such as 0.1.0' })
  .regex(/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/, {
    error: 'chartVersion must be a semantic version such as 0.1.0',
  });

/** A plan name; the document lists the configured plans (`supacontrol.plans`). */
export const planName = z
  .string({
    error: 'plan must be a string naming one of the plans of GET /v1/plans',
  })
  .regex(/^[a-z][a-z0-9-]{0,31}$/, {
    error:
      'plan must name one of the plans of GET /v1/plans (lowercase letters, digits, "-")',
  });

const CLUSTER_NAME_RULE =
  '1–32 lowercase letters, digits or "-", starting with a letter and not ending with "-"';

/** A cluster name; the document lists the configured clusters (`supacontrol.clusters`). */
export const clusterName = z
  .string({
    error:
      'cluster must be a string naming one of the clusters of GET /v1/clusters',
  })
  .regex(CLUSTER_NAME_PATTERN, {
    error: `cluster must name one of the clusters of GET /v1/clusters (${CLUSTER_NAME_RULE})`,
  });

/** A region name; the document lists the regions of the configured clusters. */
export const regionName = z
  .string({
    error:
      'region must be a string naming the region of a cluster of GET /v1/clusters',
  })
  .regex(CLUSTER_NAME_PATTERN, {
    error: `region must name the region of a cluster of GET /v1/clusters (${CLUSTER_NAME_RULE})`,
  });

export const instanceStatusSchema = z.enum(INSTANCE_STATUSES, {
  error: `status must be one of ${INSTANCE_STATUSES.join(', ')}`,
});

export const instanceNameParam = z.strictObject({ name: instanceName });

export const createInstanceBody = z
  .strictObject(
    {
      name: instanceName,
      plan: planName.optional(),
      chartVersion: chartVersion.optional(),
      owner: entityRef.optional(),
      deletionProtection: z
        .boolean({ error: 'deletionProtection must be true or false' })
        .optional(),
      cluster: clusterName.optional().meta({
        description:
          'Place the instance on this cluster (GET /v1/clusters). Not with region.',
      }),
      region: regionName.optional().meta({
        description:
          'Place the instance on the enabled cluster of this region with the most room. Not with cluster. Without either: the enabled cluster with the most room among the regions the plan allows.',
      }),
    },
    { error: 'the request body must be a JSON object with at least "name"' },
  )
  .refine(b => b.cluster === undefined || b.region === undefined, {
    error:
      'give cluster or region, not both: a cluster is in exactly one region',
  })
  .meta({ title: 'CreateInstanceRequest' });

/** The update body needs one field at least (`minProperties: 1` in the document). */
export const updateInstanceBody = z
  .strictObject(
    {
      plan: planName.optional(),
      chartVersion: chartVersion.optional(),
      deletionProtection: z
        .boolean({ error: 'deletionProtection must be true or false' })
        .optional(),
    },
    {
      error:
        'the request body must be a JSON object with "plan", "chartVersion" and/or "deletionProtection"',
    },
  )
  .refine(
    b =>
      b.plan !== undefined ||
      b.chartVersion !== undefined ||
      b.deletionProtection !== undefined,
    {
      error:
        'give "plan", "chartVersion" or "deletionProtection" (one or more) to change',
    },
  )
  .meta({ title: 'UpdateInstanceRequest' });

const componentName = z.enum(INSTANCE_COMPONENTS, {
  error: `component must be one of ${INSTANCE_COMPONENTS.join(', ')}`,
});

export const restartInstanceBody = z
  .strictObject(
    { component: componentName.optional() },
    {
      error:
        'the request body must be a JSON object, {} to restart every component or {"component": "rest"}',
    },
  )
  .meta({ title: 'RestartInstanceRequest' });

/**
 * What to rotate. `database` is accepted here and refused by the service with the reason; the
 * document lists only what can be rotated.
 */
export const rotatableCredential = z.enum(ROTATABLE_CREDENTIALS, {
  error: `what must be one of ${ROTATABLE_CREDENTIALS.join(', ')}`,
});

export const rotateCredentialsBody = z
  .strictObject(
    { what: rotatableCredential },
    { error: 'the request body must be a JSON object with "what"' },
  )
  .meta({ title: 'RotateCredentialsRequest' });

const IDEMPOTENCY_KEY_RULE =
  'Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. a UUID or ci:<job id>';

/** Headers of a create request (the rest are HTTP's own). */
export const createInstanceHeaders = z.object({
  'Idempotency-Key': z
    .string({ error: IDEMPOTENCY_KEY_RULE })
    .regex(/^[\x21-\x7e]{1,255}$/, { error: IDEMPOTENCY_KEY_RULE })
    .optional()
    .meta({
      description:
        'Makes the request safe to repeat: the same key from the same caller while the instance ' +
        'lives answers 201 with that instance (and Idempotent-Replayed: true) instead of 409',
    }),
});

const CURSOR_RULE =
  'cursor is not valid: pass the nextCursor value of the previous page unchanged';

export const listInstancesQuery = z.strictObject({
  limit: z.coerce
    .number({ error: 'limit must be a whole number from 1 to 100' })
    .int({ error: 'limit must be a whole number from 1 to 100' })
    .min(1, { error: 'limit must be a whole number from 1 to 100' })
    .max(100, { error: 'limit must be a whole number from 1 to 100' })
    .default(20),
  cursor: z
    .string({ error: CURSOR_RULE })
    .max(512, { error: CURSOR_RULE })
    .regex(INSTANCE_CURSOR_PATTERN, { error: CURSOR_RULE })
    .optional()
    .meta({ description: 'The nextCursor of the previous page' }),
  owner: entityRef.optional(),
  status: instanceStatusSchema.optional(),
  cluster: clusterName.optional(),
  region: regionName.optional(),
});

const KEY_LIFETIME_RULE =
  "expiresInDays must be a whole number of days from 1 to supacontrol.apiKeys.maxLifetimeDays (365 by default), or 'never' (admins only)";

/** How long a new API key lives; the document gives the configured maximum. */
export const keyLifetimeDays = z
  .union(
    [
      z
        .number({ error: KEY_LIFETIME_RULE })
        .int({ error: KEY_LIFETIME_RULE })
        .min(1, { error: KEY_LIFETIME_RULE })
        .max(365, { error: KEY_LIFETIME_RULE }),
      z.literal('never'),
    ],
    { error: KEY_LIFETIME_RULE },
  )
  .meta({
    description:
      "Days until the key stops working, at most supacontrol.apiKeys.maxLifetimeDays; default supacontrol.apiKeys.defaultLifetimeDays (90). 'never' is for admins only.",
  });

const apiKeyScope = z.enum(API_KEY_SCOPES, {
  error: `scopes must contain only ${API_KEY_SCOPES.join(', ')}`,
});

export const createApiKeyBody = z
  .strictObject(
    {
      name: z
        .string({ error: 'name must be a string of 1–100 characters' })
        .trim()
        .min(1, { error: 'name must be 1–100 characters' })
        .max(100, { error: 'name must be 1–100 characters' }),
      scopes: z
        .array(apiKeyScope, {
          error: `scopes must be an array of ${API_KEY_SCOPES.join(', ')}`,
        })
        .min(1, {
          error:
            'scopes must not be empty; omit it for the default (instances:read)',
        })
        .max(API_KEY_SCOPES.length, {
          error: 'scopes lists a scope more than once',
        })
        .optional(),
      expiresInDays: keyLifetimeDays.optional(),
    },
    { error: 'the request body must be a JSON object with at least "name"' },
  )
  .meta({ title: 'CreateApiKeyRequest' });

export const apiKeyIdParam = z.strictObject({
  id: z.string().regex(/^[a-z0-9]{16}$/, {
    error: 'id must be the 16-character id of an API key',
  }),
});

const flag = z.enum(['true', 'false'], {
  error: "must be 'true' or 'false'",
});

export const listApiKeysQuery = z.strictObject({
  owner: entityRef.optional(),
  all: flag.optional().meta({
    description: 'Every key of every user (admins only)',
  }),
});

const TAIL_RULE = 'tail must be a whole number of lines from 1 to 10000';
const SINCE_RULE =
  'since must be a whole number of seconds from 1 to 604800 (7 days)';

export const instanceLogsQuery = z.strictObject({
  component: componentName.meta({
    description: 'Whose logs: the pods of this component',
  }),
  tail: z.coerce
    .number({ error: TAIL_RULE })
    .int({ error: TAIL_RULE })
    .min(1, { error: TAIL_RULE })
    .max(10000, { error: TAIL_RULE })
    .default(200)
    .meta({ description: 'The last lines of each pod' }),
  since: z.coerce
    .number({ error: SINCE_RULE })
    .int({ error: SINCE_RULE })
    .min(1, { error: SINCE_RULE })
    .max(604800, { error: SINCE_RULE })
    .optional()
    .meta({ description: 'Only lines of the last seconds' }),
  follow: flag.optional().meta({
    description: 'Keep the answer open and send new lines as they come',
  }),
});

export const revokeApiKeysQuery = z.strictObject({
  owner: entityRef.meta({
    description: 'The user whose keys are all revoked (admins only)',
  }),
});

export const revokedApiKeysSchema = z
  .strictObject({ revoked: z.number().int() })
  .meta({ title: 'RevokedApiKeys' });

// Responses

const condition = z.object({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string(),
  message: z.string(),
  lastTransitionTime: z.string(),
  observedGeneration: z.number().int().optional(),
});

const component = z.object({
  name: z.string(),
  kind: z.enum(['Deployment', 'StatefulSet']),
  ready: z.boolean(),
  readyReplicas: z.number().int(),
  replicas: z.number().int(),
});

export const instanceSchema = z
  .strictObject({
    name: z.string(),
    namespace: z.string(),
    owner: z.string(),
    createdBy: z.string(),
    plan: z.string(),
    cluster: z.string(),
    region: z.string(),
    status: instanceStatusSchema,
    desiredState: z.enum(['running', 'paused', 'deleted']),
    generation: z.number().int(),
    observedGeneration: z.number().int(),
    conditions: z.array(condition),
    components: z.array(component),
    endpoints: z.strictObject({
      api: z.string().optional(),
      studio: z.string().optional(),
    }),
    chart: z.strictObject({ name: z.string(), version: z.string() }),
    mail: z.strictObject({ smtp: z.boolean(), autoconfirm: z.boolean() }),
    deletionProtection: z.boolean(),
    lastError: z.string().optional(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    deletedAt: z.iso.datetime().optional(),
  })
  .meta({ title: 'Instance' });

export const instanceListSchema = z
  .strictObject({
    items: z.array(instanceSchema),
    totalCount: z.number().int(),
    nextCursor: z.string().optional(),
  })
  .meta({ title: 'InstanceList' });

export const instanceEventsSchema = z
  .strictObject({
    items: z.array(
      z.strictObject({
        id: z.string(),
        instanceName: z.string(),
        actor: z.string(),
        action: z.string(),
        fromStatus: instanceStatusSchema.optional(),
        toStatus: instanceStatusSchema.optional(),
        message: z.string(),
        createdAt: z.iso.datetime(),
      }),
    ),
  })
  .meta({ title: 'InstanceEvents' });

export const clusterEventListSchema = z
  .strictObject({
    items: z.array(
      z.strictObject({
        type: z.enum(['Normal', 'Warning']),
        reason: z.string(),
        message: z.string(),
        object: z.string().meta({ description: 'Kind/name' }),
        count: z.number().int(),
        lastTimestamp: z.iso.datetime().optional(),
      }),
    ),
  })
  .meta({ title: 'ClusterEventList' });

export const credentialsSchema = z
  .strictObject({
    apiUrl: z.string(),
    studioUrl: z.string(),
    anonKey: z.string(),
    serviceRoleKey: z.string(),
    postgresUrl: z.string(),
    dashboard: z.strictObject({ username: z.string(), password: z.string() }),
  })
  .meta({ title: 'InstanceCredentials' });

export const verifySchema = z
  .strictObject({
    ok: z.boolean(),
    checks: z.array(
      z.strictObject({
        service: z.string(),
        description: z.string(),
        ok: z.boolean(),
        latencyMs: z.number().int(),
        error: z.string().optional(),
      }),
    ),
  })
  .meta({ title: 'VerifyResult' });

export const plansSchema = z
  .strictObject({
    items: z.array(
      z.strictObject({
        name: z.string(),
        description: z.string(),
        default: z.boolean(),
      }),
    ),
  })
  .meta({ title: 'PlanList' });

export const chartVersionsSchema = z
  .strictObject({
    name: z.string(),
    default: z.string(),
    versions: z.array(z.string()),
  })
  .meta({ title: 'ChartVersions' });

const apiKeyFields = {
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(apiKeyScope),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().optional(),
};

export const createdApiKeySchema = z
  .strictObject({ ...apiKeyFields, key: z.string() })
  .meta({ title: 'CreatedApiKey' });

export const apiKeyListSchema = z
  .strictObject({
    items: z.array(
      z.strictObject({
        ...apiKeyFields,
        owner: z.string(),
        lastUsedAt: z.iso.datetime().optional(),
        revokedAt: z.iso.datetime().optional(),
      }),
    ),
  })
  .meta({ title: 'ApiKeyList' });

/**
 * Backstage's error body (`ErrorResponseBody` of `@backstage/errors`): the serialized error may
 * carry more fields (`stack` outside production, `retryAfterSeconds` on a 429).
 */
export const errorSchema = z
  .object({
    error: z.looseObject({
      name: z.string(),
      message: z.string(),
      stack: z.string().optional(),
    }),
    request: z.object({ method: z.string(), url: z.string() }).optional(),
    response: z.object({ statusCode: z.number().int() }),
  })
  .meta({ title: 'Error' });

const healthCheck = <S extends readonly [string, ...string[]]>(statuses: S) =>
  z.strictObject({ status: z.enum(statuses), message: z.string().optional() });

export const healthSchema = z
  .strictObject({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    database: healthCheck(['ok', 'error']).extend({ client: z.string() }),
    kubernetes: healthCheck(['ok', 'error', 'not-configured']),
    clusters: z.array(
      healthCheck(['ok', 'error']).extend({
        name: z.string(),
        region: z.string(),
        enabled: z.boolean(),
      }),
    ),
  })
  .meta({ title: 'Health' });

export const clusterListSchema = z
  .strictObject({
    items: z.array(
      z
        .strictObject({
          name: z.string(),
          region: z.string(),
          labels: z.record(z.string(), z.string()),
          enabled: z.boolean(),
          maxInstances: z.number().int().optional(),
          instances: z.number().int(),
          status: z.enum(['reachable', 'unreachable', 'unknown']),
          message: z.string().optional(),
        })
        .meta({ title: 'Cluster' }),
    ),
  })
  .meta({ title: 'ClusterList' });

/** One line per problem, `field: message`, for an `InputError`. */
export function describeIssues(error: z.ZodError, where: string): string {
  return error.issues
    .map(issue => {
      if (issue.code === 'unrecognized_keys') {
        return `${where} has unknown field${
          issue.keys.length > 1 ? 's' : ''
        } ${issue.keys
          .map(k => `'${k}'`)
          .join(
            ', ',
          )}; accepted fields are listed in GET /api/supacontrol/v1/openapi.json`;
      }
      const path = issue.path.length > 0 ? issue.path.join('.') : where;
      return issue.message.startsWith(String(issue.path[0] ?? '\u0000'))
        ? issue.message
        : `${path}: ${issue.message}`;
    })
    .join('; ');
}
