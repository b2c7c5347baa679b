import express from 'express';
import Router from 'express-promise-router';
import { DatabaseHealthCheck } from './DatabaseHealthCheck';

/** @internal */
export interface RouterOptions {
  healthCheck: Pick<DatabaseHealthCheck, 'check'>;
}

/**
 * HTTP routes of the SupaControl backend plugin. Handlers parse and validate, pass credentials
 * down and map results to status codes; they hold no domain logic.
 *
 * @internal
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  router.use(express.json());

  router.get('/health', async (_req, res) => {
    const health = await options.healthCheck.check();
    // A degraded dependency is a 503 so that probes notice; the body says which one.
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });

  return router;
}
