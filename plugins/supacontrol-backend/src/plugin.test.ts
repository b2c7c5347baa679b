import {
  mockCredentials,
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
