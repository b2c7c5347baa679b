import { MockFetchApi, registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { SupaControlClient } from './SupaControlClient';

const baseUrl = 'http://backend.test/api/supacontrol';

describe('SupaControlClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new SupaControlClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: new MockFetchApi(),
  });

  it('reads the health endpoint of the supacontrol backend', async () => {
    server.use(
      http.get(`${baseUrl}/health`, () =>
        HttpResponse.json({
          status: 'ok',
          version: '1.2.3',
          database: { status: 'ok', client: 'pg' },
        }),
      ),
    );

    await expect(client.getHealth()).resolves.toEqual({
      status: 'ok',
      version: '1.2.3',
      database: { status: 'ok', client: 'pg' },
    });
  });

  it('returns the degraded body of a 503 instead of throwing', async () => {
    server.use(
      http.get(`${baseUrl}/health`, () =>
        HttpResponse.json(
          {
            status: 'degraded',
            version: '1.2.3',
            database: { status: 'error', client: 'pg', message: 'down' },
          },
          { status: 503 },
        ),
      ),
    );

    await expect(client.getHealth()).resolves.toMatchObject({
      status: 'degraded',
      database: { message: 'down' },
    });
  });

  it('throws a ResponseError with the server message on other failures', async () => {
    server.use(
      http.get(`${baseUrl}/health`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'AuthenticationError',
              message: 'Missing credentials',
            },
            request: { method: 'GET', url: '/health' },
            response: { statusCode: 401 },
          },
          { status: 401 },
        ),
      ),
    );

    await expect(client.getHealth()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 401,
      cause: { name: 'AuthenticationError', message: 'Missing credentials' },
    });
  });
});
