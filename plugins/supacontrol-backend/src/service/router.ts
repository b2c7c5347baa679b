import {
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CustomErrorBase, InputError } from '@backstage/errors';
import { API_KEY_PREFIX } from '@supacontrol/plugin-supacontrol-common';
import express, { NextFunction, Request, Response } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v4';
import { createOpenApiDocument } from '../schema/openapi';
import {
  apiKeyIdParam,
  createApiKeyBody,
  createInstanceBody,
  createInstanceHeaders,
  describeIssues,
  instanceLogsQuery,
  instanceNameParam,
  listApiKeysQuery,
  listInstancesQuery,
  restartInstanceBody,
  revokeApiKeysQuery,
  rotateCredentialsBody,
  updateInstanceBody,
} from '../schema/schemas';
import { ApiKeyService } from './ApiKeyService';
import { Caller, ClientInfo } from './callers';
import { DatabaseHealthCheck } from './DatabaseHealthCheck';
import { InstanceOperations } from './InstanceOperations';
import { InstanceObservability } from './InstanceObservability';
import { InstanceService } from './InstanceService';
import { RequestRateLimiter, TooManyRequestsError } from './rateLimits';
import { SupaControlMetrics } from '../telemetry/SupaControlMetrics';

/** @internal */
export interface RouterOptions {
  healthCheck: Pick<DatabaseHealthCheck, 'check'>;
  instances: InstanceService;
  operations: InstanceOperations;
  observability: InstanceObservability;
  apiKeys: ApiKeyService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  /** Requests per minute per caller on /v1 (`supacontrol.limits.requestsPerMinute`). */
  requestsPerMinute: number;
  metrics?: Pick<SupaControlMetrics, 'apiRequest'>;
}

/** A refusal with a status other than the ones `@backstage/errors` has a class for. */
class PayloadTooLargeError extends CustomErrorBase {
  statusCode = 413;
}

class MethodNotAllowedError extends CustomErrorBase {
  statusCode = 405;
}

function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(describeIssues(result.error, where));
  }
  return result.data;
}

function requireJsonBody(req: Request) {
  if (!req.is('application/json')) {
    throw new InputError(
      'send the request body as JSON with the header Content-Type: application/json',
    );
  }
}

/** The presented API key, from `X-Api-Key` or `Authorization: Bearer sck_…`. */
function presentedApiKey(req: Request): string | undefined {
  const header = req.header('x-api-key');
  if (header !== undefined) {
    return header.trim();
  }
  const match = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '');
  return match && match[1].startsWith(API_KEY_PREFIX) ? match[1] : undefined;
}

/**
 * HTTP routes of the SupaControl backend plugin. Handlers parse and validate, resolve the caller
 * and pass it down with each call, and map results to status codes; they hold no domain logic.
 *
 * @internal
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { healthCheck, instances, operations, apiKeys, httpAuth, userInfo } =
    options;
  const { observability } = options;
  const rateLimiter = new RequestRateLimiter({
    perMinute: options.requestsPerMinute,
  });
  const router = Router();
  const { metrics } = options;
  if (metrics) {
    // Each answer by route template (`/v1/instances/:name`, never the name itself), method and
    // status; `none` when no route took the request (refused before one matched, or unknown).
    router.use((req, res, next) => {
      const started = performance.now();
      res.on('finish', () => {
        const route = req.route
          ? `${req.baseUrl.replace(/^.*?\/api\/supacontrol/, '')}${
              req.route.path
            }`
          : 'none';
        metrics.apiRequest(
          route,
          req.method,
          res.statusCode,
          (performance.now() - started) / 1000,
        );
      });
      next();
    });
  }
  router.use(express.json({ limit: '64kb' }));

  router.get('/health', async (_req, res) => {
    const health = await healthCheck.check();
    // 503 when this backend cannot serve at all (no database, or no cluster answers), so that
    // probes take it out; one cluster of several down is `degraded` in a 200: every replica
    // would see the same, and the other clusters keep working.
    const down =
      health.database.status !== 'ok' ||
      (health.clusters.length > 0 &&
        health.clusters.every(c => c.status !== 'ok'));
    res.status(down ? 503 : 200).json(health);
  });

  const v1 = Router();
  router.use('/v1', v1);

  const openApiDocument = createOpenApiDocument({
    plans: instances.listPlans().map(plan => plan.name),
    chartVersions: instances.chartVersions().versions,
    maxKeyLifetimeDays: apiKeys.maxLifetimeDays,
    ...instances.placementNames(),
  });
  v1.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  // Everything below needs a caller: an API key, or Backstage user/service credentials. Each
  // caller has its own request budget.
  v1.use(async (req: Request, res: Response, next: NextFunction) => {
    try {
      const caller = await resolveCaller(req);
      rateLimiter.take(rateLimitKey(caller));
      res.locals.caller = caller;
    } catch (error) {
      if (error instanceof TooManyRequestsError) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
      }
      throw error;
    }
    next();
  });

  async function resolveCaller(req: Request): Promise<Caller> {
    const token = presentedApiKey(req);
    if (token !== undefined) {
      const client: ClientInfo = {
        address: req.ip ?? req.socket.remoteAddress,
        userAgent: req.header('user-agent')?.slice(0, 200),
      };
      return apiKeys.authenticate(token, client);
    }
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    if ('userEntityRef' in credentials.principal) {
      const info = await userInfo.getUserInfo(credentials);
      return {
        kind: 'user',
        credentials: credentials as Extract<
          Caller,
          { kind: 'user' }
        >['credentials'],
        userEntityRef: info.userEntityRef,
        ownershipEntityRefs: info.ownershipEntityRefs,
        request: req,
      };
    }
    return {
      kind: 'service',
      credentials: credentials as Extract<
        Caller,
        { kind: 'service' }
      >['credentials'],
      subject: (credentials.principal as { subject: string }).subject,
      request: req,
    };
  }

  const callerOf = (res: Response): Caller => res.locals.caller;

  function rateLimitKey(caller: Caller): string {
    switch (caller.kind) {
      case 'user':
        return caller.userEntityRef.toLocaleLowerCase('en-US');
      case 'service':
        return `service:${caller.subject}`;
      default:
        return `apikey:${caller.key.id}`;
    }
  }

  v1.get('/plans', async (_req, res) => {
    res.json({ items: instances.listPlans() });
  });

  v1.get('/clusters', async (_req, res) => {
    res.json(await instances.listClusters(callerOf(res)));
  });

  v1.get('/chart-versions', async (_req, res) => {
    res.json(instances.chartVersions());
  });

  v1.get('/instances', async (req, res) => {
    const query = parse(listInstancesQuery, req.query, 'query');
    res.json(await instances.listInstances(query, callerOf(res)));
  });

  v1.post('/instances', async (req, res) => {
    requireJsonBody(req);
    const body = parse(createInstanceBody, req.body, 'body');
    const headers = parse(
      createInstanceHeaders,
      { 'Idempotency-Key': req.get('idempotency-key') },
      'headers',
    );
    const { instance, replayed } = await instances.createInstance(
      body,
      callerOf(res),
      { idempotencyKey: headers['Idempotency-Key'] },
    );
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res
      .status(201)
      .location(`/api/supacontrol/v1/instances/${instance.name}`)
      .json(instance);
  });

  v1.get('/instances/:name', async (req, res) => {
    const { name } = parse(instanceNameParam, req.params, 'path');
    res.json(await instances.getInstance(name, callerOf(res)));
  });

  v1.delete('/instances/:name', async (req, res) => {
    const { name } = parse(instanceNameParam, req.params, 'path');
    res.status(202).json(await instances.deleteInstance(name, callerOf(res)));
  });

  v1.patch('/instances/:name', async (req, res) => {
    const { name } = parse(instanceNameParam, req.params, 'path');
    requireJsonBody(req);
    const body = parse(updateInstanceBody, req.body, 'body');
    res.json(await operations.update(name, body, callerOf(res)));
  });

  v1.post('/instances/:name/pause', async (req, res) => {
    const { name } = parse(instanceNameParam, req.params, 'path');
    res.status(202).json(await operations.pause(name, callerOf(res)));
  });

  v1.post('/instances/:name/resume', async (req, res) => {
    const { name } = parse(instanceNameParam, req.params, 'path');
    res.status(202).json(await operations.resume(name, callerOf(res)));
  });

  v1.post('/instances/:name/restart', async (req, res) => {
    const { name } = parse(instanceNameParam, req.params, 'path');
    // No body restarts every component; a body must be JSON.
    if (Number(req.header('content-length') ?? 0) > 0) requireJsonBody(req);
    const body = parse(restartInstanceBody, req.body ?? {}, 'body');
    res.status(202).json(await operations.restart(name, body, callerOf(res)));
  });

  v1.post('/instances/:name/rotate', async (req, res) => {
    const { name } = parse(instanceNameParam, req.params, 'path');
    requireJsonBody(req);
    const body = parse(rotateCredentialsBody, req.body, 'body');
    res.status(202).json(await operations.rotate(name, body, callerOf(res)));
  });

  v1.post('/instances/:name/retry', async (req, res) => {
    const { name } = parse(instanceNameParam, req.params, 'path');
    res.status(202).json(await instances.retryInstance(name, callerOf(res)));
  });

  v1.get('/instances/:name/credentials', async (req, res) => {
    const { name } = parse(instanceNameParam, req.params, 'path');
    // Secrets must not linger in shared caches.
    res.setHeader('Cache-Control', 'no-store');
    res.json(await instances.getCredentials(name, callerOf(res)));
  });

  v1.post('/instances/:name/verify', async (req, res) => {
    const { name } = parse(instanceNameParam, req.params, 'path');
    res.setHeader('Cache-Control', 'no-store');
    res.json(await instances.verify(name, callerOf(res)));
  });

  v1.get('/instances/:name/events', async (req, res) => {
    const { name } = parse(instanceNameParam, req.params, 'path');
    res.json(await instances.listEvents(name, callerOf(res)));
  });

  v1.get('/instances/:name/logs', async (req, res) => {
    const { name } = parse(instanceNameParam, req.params, 'path');
    const query = parse(instanceLogsQuery, req.query, 'query');
    // The client leaving ends a follow; `close` also fires after a normal end, which is harmless.
    const left = new AbortController();
    res.on('close', () => left.abort());
    const follow = query.follow === 'true';
    const startText = () => {
      if (res.headersSent) return;
      res.status(200).type('text/plain; charset=utf-8');
      // no-transform: the backend's compression middleware (and proxies) would hold a followed
      // stream back until a compressed block fills (compression 1.8 `shouldTransform`).
      res.setHeader(
        'Cache-Control',
        follow ? 'no-store, no-transform' : 'no-store',
      );
    };
    await observability.logs(name, { ...query, follow }, callerOf(res), {
      signal: left.signal,
      // Headers go out with the first line, so that a refusal before it is still a JSON error.
      write: text => {
        if (res.writableEnded) return;
        startText();
        res.write(text);
      },
    });
    startText();
    res.end();
  });

  v1.get('/instances/:name/cluster-events', async (req, res) => {
    const { name } = parse(instanceNameParam, req.params, 'path');
    res.json(await observability.clusterEvents(name, callerOf(res)));
  });

  v1.get('/api-keys', async (req, res) => {
    const query = parse(listApiKeysQuery, req.query, 'query');
    res.json({
      items: await apiKeys.listKeys(callerOf(res), {
        owner: query.owner,
        all: query.all === 'true',
      }),
    });
  });

  v1.post('/api-keys', async (req, res) => {
    requireJsonBody(req);
    const body = parse(createApiKeyBody, req.body, 'body');
    const created = await apiKeys.createKey(body, callerOf(res));
    // The key is in this answer only: keep it out of every cache.
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(created);
  });

  v1.delete('/api-keys', async (req, res) => {
    const { owner } = parse(revokeApiKeysQuery, req.query, 'query');
    res.json({ revoked: await apiKeys.revokeKeysOf(owner, callerOf(res)) });
  });

  v1.delete('/api-keys/:id', async (req, res) => {
    const { id } = parse(apiKeyIdParam, req.params, 'path');
    await apiKeys.revokeKey(id, callerOf(res));
    res.status(204).end();
  });

  // A documented path asked with a method it does not have: 405 naming the ones it has. These
  // come after every route, so only methods no route took reach them.
  for (const [path, methods] of Object.entries(openApiDocument.paths)) {
    const allowed = Object.keys(methods).map(m => m.toUpperCase());
    if (allowed.includes('GET')) allowed.push('HEAD');
    router.all(path.replace(/\{(\w+)\}/g, ':$1'), (req, res) => {
      res.setHeader('Allow', allowed.join(', '));
      throw new MethodNotAllowedError(
        `${req.method} is not allowed here; use ${allowed.join(', ')}`,
      );
    });
  }

  // Body-parser failures come as plain errors with a status; give them a message that says what to do.
  router.use(
    (error: any, _req: Request, _res: Response, next: NextFunction) => {
      if (error?.type === 'entity.too.large') {
        next(
          new PayloadTooLargeError('the request body must be at most 64 KiB'),
        );
      } else if (error?.type === 'entity.parse.failed') {
        next(
          new InputError(
            `the request body must be a JSON object; it could not be parsed: ${error.message}`,
          ),
        );
      } else {
        next(error);
      }
    },
  );

  return router;
}
