import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { supacontrolPlugin } from './plugin';
import packageJson from '../package.json';

describe('supacontrolPlugin', () => {
  it('serves GET /api/supacontrol/health without credentials', async () => {
    const { server } = await startTestBackend({
      features: [supacontrolPlugin],
    });

    const response = await request(server)
      .get('/api/supacontrol/health')
      .set('Authorization', mockCredentials.none.header());

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: 'ok',
      version: packageJson.version,
      database: { status: 'ok', client: 'better-sqlite3' },
    });
  });

  it('answers 503 with the reason when the database cannot be reached', async () => {
    const { server } = await startTestBackend({
      features: [
        supacontrolPlugin,
        mockServices.database.factory({
          knex: {
            client: { config: { client: 'pg' } },
            raw: async () => {
              throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
            },
          } as any,
        }),
      ],
    });

    const response = await request(server).get('/api/supacontrol/health');

    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({
      status: 'degraded',
      database: {
        status: 'error',
        client: 'pg',
        message: 'connect ECONNREFUSED 127.0.0.1:5432',
      },
    });
  });

  it('still requires credentials for routes other than health', async () => {
    const { server } = await startTestBackend({
      features: [supacontrolPlugin],
    });

    const response = await request(server)
      .get('/api/supacontrol/v1/instances')
      .set('Authorization', mockCredentials.none.header());

    expect(response.status).toBe(401);
  });
});
