import {
  INSTANCE_NAME_MAX_LENGTH,
  RESERVED_INSTANCE_NAMES,
} from '@supacontrol/plugin-supacontrol-common';
import { z } from 'zod/v4';
import packageJson from '../../package.json';
import {
  apiKeyIdParam,
  apiKeyListSchema,
  clusterEventListSchema,
  createApiKeyBody,
  createdApiKeySchema,
  createInstanceBody,
  createInstanceHeaders,
  credentialsSchema,
  verifySchema,
  errorSchema,
  healthSchema,
  instanceEventsSchema,
  instanceLogsQuery,
  instanceListSchema,
  instanceNameParam,
  instanceSchema,
  listApiKeysQuery,
  listInstancesQuery,
  plansSchema,
  chartVersionsSchema,
  restartInstanceBody,
  revokeApiKeysQuery,
  rotateCredentialsBody,
  revokedApiKeysSchema,
  instanceName,
  clusterName,
  clusterListSchema,
  regionName,
  planName,
  chartVersion,
  keyLifetimeDays,
  rotatableCredential,
  updateInstanceBody,
} from './schemas';

type JsonObject = Record<string, unknown>;

/** What the configuration allows, which the document states as constraints. */
export interface OpenApiOptions {
  /** `supacontrol.plans`: the names a create or update may give. */
  plans: string[];
  /** The chart versions allowed at create and upgrade. */
  chartVersions: string[];
  /** `supacontrol.apiKeys.maxLifetimeDays`. */
  maxKeyLifetimeDays: number;
  /** `supacontrol.clusters[].name`: none when no cluster is configured. */
  clusters: string[];
  /** Their regions. */
  regions: string[];
}

/**
 * The rules a zod refinement checks and JSON Schema cannot derive from it, stated for the schemas
 * that carry them, so that every value the document allows is one the server accepts.
 */
function constraints(options: OpenApiOptions) {
  return new Map<unknown, (schema: JsonObject) => void>([
    [
      instanceName,
      schema => {
        Object.assign(schema, {
          type: 'string',
          minLength: 1,
          maxLength: INSTANCE_NAME_MAX_LENGTH,
          pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
          not: {
            anyOf: [{ enum: [...RESERVED_INSTANCE_NAMES] }, { pattern: '--' }],
          },
        });
      },
    ],
    [
      planName,
      schema => {
        delete schema.pattern;
        schema.enum = options.plans;
      },
    ],
    [
      chartVersion,
      schema => {
        delete schema.pattern;
        schema.enum = options.chartVersions;
      },
    ],
    [
      keyLifetimeDays,
      schema => {
        const [days] = schema.anyOf as JsonObject[];
        days.maximum = options.maxKeyLifetimeDays;
      },
    ],
    [
      rotatableCredential,
      schema => {
        schema.enum = (schema.enum as string[]).filter(w => w !== 'database');
        schema.description =
          "jwt: the JWT secret and the anon and service_role keys; dashboard: Studio's password. 'database' is refused with the reason: Postgres keeps the password it was first given";
      },
    ],
    [
      clusterName,
      schema => {
        if (options.clusters.length === 0) return;
        delete schema.pattern;
        schema.enum = options.clusters;
      },
    ],
    [
      regionName,
      schema => {
        if (options.regions.length === 0) return;
        delete schema.pattern;
        schema.enum = options.regions;
      },
    ],
    [
      createInstanceBody,
      schema => {
        schema.not = { required: ['cluster', 'region'] };
      },
    ],
    [
      updateInstanceBody,
      schema => {
        schema.minProperties = 1;
      },
    ],
  ]);
}

/**
 * The OpenAPI 3.1 document of `/api/supacontrol/v1`, generated from the same zod schemas the router
 * validates with, plus what the configuration allows (plans, chart versions, key lifetime). Served
 * at `GET /api/supacontrol/v1/openapi.json`.
 */
export function createOpenApiDocument(options: OpenApiOptions) {
  const overrides = constraints(options);

  function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
    const { $schema, ...rest } = z.toJSONSchema(schema, {
      io,
      unrepresentable: 'any',
      target: 'draft-2020-12',
      override: ctx => overrides.get(ctx.zodSchema)?.(ctx.jsonSchema),
    }) as JsonObject;
    return rest;
  }

  function parameters(schema: z.ZodObject, where: 'path' | 'query' | 'header') {
    const shape = jsonSchema(schema, 'input') as {
      properties: Record<string, JsonObject>;
      required?: string[];
    };
    return Object.entries(shape.properties).map(([name, property]) => ({
      name,
      in: where,
      required: where === 'path' || (shape.required ?? []).includes(name),
      schema: property,
    }));
  }

  const json = (schema: z.ZodType, io: 'input' | 'output' = 'output') => ({
    content: { 'application/json': { schema: jsonSchema(schema, io) } },
  });

  const ERROR_TEXT: Record<number, string> = {
    400: 'The request is invalid; the message says what is accepted',
    401: 'No, malformed, invalid, revoked or expired credentials',
    403: 'The caller may not do this (permission or API key scope)',
    404: 'No such resource the caller may read',
    409: 'The name is taken by another live instance, a limit of supacontrol.limits is reached, or the state does not allow it',
    413: 'The request body is larger than 64 KiB',
    429: 'Too many requests from this caller, or too many failed API key attempts; wait as long as Retry-After says',
    502: 'The Kubernetes cluster refused SupaControl; an operator must check its access',
    503: 'No Kubernetes cluster is configured, or it (or the catalog) did not answer; try again shortly',
  };

  const errors = (...codes: number[]) =>
    Object.fromEntries(
      codes.map(code => [
        String(code),
        { description: ERROR_TEXT[code], ...json(errorSchema) },
      ]),
    );

  const security = [
    { backstageToken: [] },
    { apiKeyBearer: [] },
    { apiKeyHeader: [] },
  ];
  const userOnly = [{ backstageToken: [] }];

  return {
    openapi: '3.1.0',
    info: {
      title: 'SupaControl API',
      version: packageJson.version,
      description:
        'Self-service Supabase instances on Kubernetes. Handlers record intent; the reconciler acts on it.',
    },
    servers: [{ url: '/api/supacontrol' }],
    components: {
      securitySchemes: {
        backstageToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A Backstage user or service token',
        },
        apiKeyBearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A SupaControl API key, sck_<id>_<secret>',
        },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
    },
    paths: {
      '/health': {
        get: {
          summary: 'Health of the backend and its database (no authentication)',
          security: [],
          responses: {
            '200': { description: 'Healthy', ...json(healthSchema) },
            '503': {
              description:
                'Cannot serve: the database, or every cluster, does not answer; the failing check says why',
              ...json(healthSchema),
            },
          },
        },
      },
      '/v1/plans': {
        get: {
          summary: 'Plans a new instance can use',
          security,
          responses: {
            '200': { description: 'The plans', ...json(plansSchema) },
            ...errors(401, 429),
          },
        },
      },
      '/v1/clusters': {
        get: {
          summary:
            'The clusters instances are placed on: region, labels, whether they take new instances, how full, whether reachable (scope instances:read)',
          security,
          responses: {
            '200': { description: 'The clusters', ...json(clusterListSchema) },
            ...errors(401, 403, 429),
          },
        },
      },
      '/v1/chart-versions': {
        get: {
          summary:
            'The chart, the version new instances get, and every version allowed at create and upgrade',
          security,
          responses: {
            '200': {
              description: 'The versions',
              ...json(chartVersionsSchema),
            },
            ...errors(401, 429),
          },
        },
      },
      '/v1/instances': {
        get: {
          summary: 'Instances the caller may read (scope instances:read)',
          security,
          parameters: parameters(listInstancesQuery, 'query'),
          responses: {
            '200': {
              description: 'A page of instances',
              ...json(instanceListSchema),
            },
            ...errors(400, 401, 403, 429),
          },
        },
        post: {
          summary: 'Request a new instance (scope instances:write)',
          security,
          parameters: parameters(createInstanceHeaders, 'header'),
          requestBody: { required: true, ...json(createInstanceBody, 'input') },
          responses: {
            '201': {
              description:
                'Recorded with status Pending; Location names the instance',
              ...json(instanceSchema),
            },
            ...errors(400, 401, 403, 409, 413, 429, 502, 503),
          },
        },
      },
      '/v1/instances/{name}': {
        get: {
          summary: 'One instance (scope instances:read)',
          security,
          parameters: parameters(instanceNameParam, 'path'),
          responses: {
            '200': { description: 'The instance', ...json(instanceSchema) },
            ...errors(400, 401, 403, 404, 429),
          },
        },
        patch: {
          summary:
            'Change the plan (the instance goes Updating) and/or deletion protection (scope instances:write)',
          security,
          parameters: parameters(instanceNameParam, 'path'),
          requestBody: { required: true, ...json(updateInstanceBody, 'input') },
          responses: {
            '200': {
              description: 'The instance as recorded',
              ...json(instanceSchema),
            },
            ...errors(400, 401, 403, 404, 409, 413, 429),
          },
        },
        delete: {
          summary:
            'Request deletion; idempotent while deleting (scope instances:write)',
          security,
          parameters: parameters(instanceNameParam, 'path'),
          responses: {
            '202': {
              description: 'Deletion recorded, status Deleting',
              ...json(instanceSchema),
            },
            ...errors(400, 401, 403, 404, 409, 429),
          },
        },
      },
      '/v1/instances/{name}/pause': {
        post: {
          summary:
            'Scale every component to zero, keeping volumes and the Secret (scope instances:write)',
          security,
          parameters: parameters(instanceNameParam, 'path'),
          responses: {
            '202': {
              description: 'Recorded; the instance goes Updating, then Paused',
              ...json(instanceSchema),
            },
            ...errors(400, 401, 403, 404, 409, 429),
          },
        },
      },
      '/v1/instances/{name}/resume': {
        post: {
          summary: 'Bring a paused instance back (scope instances:write)',
          security,
          parameters: parameters(instanceNameParam, 'path'),
          responses: {
            '202': {
              description: 'Recorded; the instance goes Updating, then Running',
              ...json(instanceSchema),
            },
            ...errors(400, 401, 403, 404, 409, 429),
          },
        },
      },
      '/v1/instances/{name}/restart': {
        post: {
          summary:
            'Rolling restart of one component, or of every one without a body (scope instances:write)',
          security,
          parameters: parameters(instanceNameParam, 'path'),
          requestBody: {
            required: false,
            ...json(restartInstanceBody, 'input'),
          },
          responses: {
            '202': {
              description: 'Recorded; the instance goes Updating, then Running',
              ...json(instanceSchema),
            },
            ...errors(400, 401, 403, 404, 409, 429),
          },
        },
      },
      '/v1/instances/{name}/rotate': {
        post: {
          summary:
            'Rotate the JWT secret and keys (jwt) or the Studio password (dashboard); database is refused with the reason (scope instances:write)',
          security,
          parameters: parameters(instanceNameParam, 'path'),
          requestBody: {
            required: true,
            ...json(rotateCredentialsBody, 'input'),
          },
          responses: {
            '202': {
              description:
                'Recorded; the Secret changes and every component restarts',
              ...json(instanceSchema),
            },
            ...errors(400, 401, 403, 404, 409, 429),
          },
        },
      },
      '/v1/instances/{name}/retry': {
        post: {
          summary: 'Re-arm a Failed instance (scope instances:write)',
          security,
          parameters: parameters(instanceNameParam, 'path'),
          responses: {
            '202': {
              description: 'Pending (or Deleting) again',
              ...json(instanceSchema),
            },
            ...errors(400, 401, 403, 404, 409, 429),
          },
        },
      },
      '/v1/instances/{name}/credentials': {
        get: {
          summary:
            'API URL, anon and service_role keys, Postgres URL, Studio and dashboard credentials (scope instances:credentials)',
          security,
          parameters: parameters(instanceNameParam, 'path'),
          responses: {
            '200': {
              description: 'Read from the instance Secret',
              ...json(credentialsSchema),
            },
            ...errors(400, 401, 403, 404, 409, 429, 502, 503),
          },
        },
      },
      '/v1/instances/{name}/verify': {
        post: {
          summary:
            'Checks the instance with its own credentials: Auth health, sign-up and sign-in, a REST round trip, a Storage round trip, a Realtime channel, Studio behind its login (scope instances:credentials)',
          security,
          parameters: parameters(instanceNameParam, 'path'),
          responses: {
            '200': {
              description:
                'One entry per service with its latency; `ok` is false when any failed, and the failed entry says why',
              ...json(verifySchema),
            },
            ...errors(400, 401, 403, 404, 409, 429, 502, 503),
          },
        },
      },
      '/v1/instances/{name}/events': {
        get: {
          summary: 'History of an instance (scope instances:read)',
          security,
          parameters: parameters(instanceNameParam, 'path'),
          responses: {
            '200': {
              description: 'Events, oldest first',
              ...json(instanceEventsSchema),
            },
            ...errors(400, 401, 403, 404, 429),
          },
        },
      },
      '/v1/instances/{name}/logs': {
        get: {
          summary:
            "Container logs of one component's pods; with follow=true the answer stays open and new lines follow until the client disconnects (scope instances:read)",
          security,
          parameters: [
            ...parameters(instanceNameParam, 'path'),
            ...parameters(instanceLogsQuery, 'query'),
          ],
          responses: {
            '200': {
              description:
                'One log line per line; with several pods each line starts with `[<pod>] `',
              content: {
                'text/plain; charset=utf-8': { schema: { type: 'string' } },
              },
            },
            ...errors(400, 401, 403, 404, 409, 429, 502, 503),
          },
        },
      },
      '/v1/instances/{name}/cluster-events': {
        get: {
          summary:
            "Kubernetes events of the instance's namespace (scope instances:read)",
          security,
          parameters: parameters(instanceNameParam, 'path'),
          responses: {
            '200': {
              description: 'Warnings first, then newest first; at most 200',
              ...json(clusterEventListSchema),
            },
            ...errors(400, 401, 403, 404, 409, 429, 502, 503),
          },
        },
      },
      '/v1/api-keys': {
        get: {
          summary: 'Own API keys; admins may pass owner, or all=true',
          security: userOnly,
          parameters: parameters(listApiKeysQuery, 'query'),
          responses: {
            '200': {
              description: 'Keys without secrets',
              ...json(apiKeyListSchema),
            },
            ...errors(400, 401, 403, 429),
          },
        },
        post: {
          summary: 'Create an API key; the key is shown only in this answer',
          security: userOnly,
          requestBody: { required: true, ...json(createApiKeyBody, 'input') },
          responses: {
            '201': {
              description: 'The key, once',
              ...json(createdApiKeySchema),
            },
            ...errors(400, 401, 403, 413, 429),
          },
        },
        delete: {
          summary:
            'Revoke every key of a user (admins only), e.g. when they leave',
          security: userOnly,
          parameters: parameters(revokeApiKeysQuery, 'query'),
          responses: {
            '200': {
              description: 'How many keys were revoked',
              ...json(revokedApiKeysSchema),
            },
            ...errors(400, 401, 403, 429),
          },
        },
      },
      '/v1/api-keys/{id}': {
        delete: {
          summary: 'Revoke an API key',
          security: userOnly,
          parameters: parameters(apiKeyIdParam, 'path'),
          responses: {
            '204': { description: 'Revoked' },
            ...errors(400, 401, 403, 404, 429),
          },
        },
      },
    },
  };
}
