import { DatabaseService } from '@backstage/backend-plugin-api';
import { DatabaseHealthCheck } from './DatabaseHealthCheck';

describe('DatabaseHealthCheck', () => {
  it('reports the database error and degraded status when the query fails', async () => {
    const database: DatabaseService = {
      getClient: async () =>
        ({
          client: { config: { client: 'pg' } },
          raw: async () => {
            throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
          },
        } as any),
    };

    await expect(
      DatabaseHealthCheck.create({ database }).check(),
    ).resolves.toEqual({
      status: 'degraded',
      version: expect.any(String),
      database: {
        status: 'error',
        client: 'pg',
        message: 'connect ECONNREFUSED 127.0.0.1:5432',
      },
      kubernetes: {
        status: 'not-configured',
        message: expect.stringContaining('No cluster connected'),
      },
    });
  });
});
