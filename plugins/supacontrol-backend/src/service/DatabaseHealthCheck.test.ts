import { DatabaseService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Clusters } from '../clusters/Clusters';
import { DatabaseHealthCheck } from './DatabaseHealthCheck';

describe('DatabaseHealthCheck', () => {
  it('says the database is down without its error text, logs the text, and reuses the answer', async () => {
    let queries = 0;
    const database: DatabaseService = {
      getClient: async () =>
        ({
          client: { config: { client: 'pg' } },
          raw: async () => {
            queries += 1;
            throw new Error('connect ECONNREFUSED 10.1.2.3:5432');
          },
        } as any),
    };
    const logger = mockServices.logger.mock();
    const check = DatabaseHealthCheck.create({
      database,
      clusters: Clusters.create([]),
      logger,
    });

    const health = await check.check();
    expect(health).toEqual({
      status: 'degraded',
      version: expect.any(String),
      database: {
        status: 'error',
        client: 'pg',
        message: 'The database did not answer a query; see the backend log',
      },
      kubernetes: {
        status: 'not-configured',
        message: expect.stringContaining('No cluster connected'),
      },
      clusters: [],
    });
    expect(JSON.stringify(health)).not.toContain('10.1.2.3');
    expect(logger.warn).toHaveBeenCalledWith(
      'Health check: the database did not answer',
      { error: expect.stringContaining('10.1.2.3') },
    );

    // Probes in quick succession are answered from the last check.
    await check.check();
    await check.check();
    expect(queries).toBe(1);
  });
});
