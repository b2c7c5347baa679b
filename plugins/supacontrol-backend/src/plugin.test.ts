import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { supacontrolPlugin } from './plugin';
import { testBackendDatabase } from './__testUtils__/testBackendDatabase';
import packageJson from '../package.json';

async function startBackend() {
  return startTestBackend({
    features: [supacontrolPlugin, await testBackendDatabase()],
  });
}

describe('supacontrolPlugin', () => {
  it('serves GET /api/supacontrol/health without credentials', async () => {
    const { server } = await startBackend();

    const response = await request(server)
      .get('/api/supacontrol/health')
      .set('Authorization', mockCredentials.none.header());

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: 'ok',
      version: packageJson.version,
      database: { status: 'ok', client: 'better-sqlite3' },
      kubernetes: {
        status: 'not-configured',
        message:
          'No cluster connected: set supacontrol.kubernetes.kubeconfigPath (or inCluster: true), or supacontrol.clusters',
      },
      clusters: [],
    });
  });

  it('answers 503 with what to configure when no cluster is connected', async () => {
    const { server } = await startBackend();

    const response = await request(server)
      .post('/api/supacontrol/v1/instances')
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send({ name: 'orders' });

    expect(response.status).toBe(503);
    expect(response.body.error).toEqual({
      name: 'ServiceUnavailableError',
      message:
        'No Kubernetes cluster is configured, so instances cannot be created: set ' +
        'supacontrol.kubernetes.kubeconfigPath (or supacontrol.kubernetes.inCluster: true, or supacontrol.clusters) in backstage.yaml',
    });
    const list = await request(server)
      .get('/api/supacontrol/v1/instances')
      .set('Authorization', mockCredentials.user.header('user:default/alice'));
    expect(list.status).toBe(200);
  });

  it('still requires credentials for routes other than health', async () => {
    const { server } = await startBackend();

    const response = await request(server)
      .get('/api/supacontrol/v1/instances')
      .set('Authorization', mockCredentials.none.header());

    expect(response.status).toBe(401);
  });
});
