import { MockFetchApi, registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { SupaControlClient } from './SupaControlClient';

const baseUrl = 'http://backend.test/api/supacontrol';

function backstageError(statusCode: number, name: string, message: string) {
  return HttpResponse.json(
    { error: { name, message }, response: { statusCode } },
    { status: statusCode },
  );
}

const instance = {
  name: 'orders',
  namespace: 'supa-orders',
  owner: 'user:default/guest',
  createdBy: 'user:default/guest',
  plan: 'small',
  status: 'Pending',
  desiredState: 'running',
  generation: 1,
  observedGeneration: 0,
  conditions: [],
  components: [],
  endpoints: {},
  cluster: 'eu-1',
  region: 'eu-west',
  chart: { name: 'supabase', version: '0.1.0' },
  mail: { smtp: false, autoconfirm: true },
  deletionProtection: false,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

describe('SupaControlClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new SupaControlClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: new MockFetchApi(),
  });

  describe('getHealth', () => {
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
          backstageError(401, 'AuthenticationError', 'Missing credentials'),
        ),
      );

      await expect(client.getHealth()).rejects.toMatchObject({
        name: 'ResponseError',
        statusCode: 401,
        cause: { name: 'AuthenticationError', message: 'Missing credentials' },
      });
    });
  });

  it('lists the plans', async () => {
    const plans = [{ name: 'small', description: '1 CPU', default: true }];
    server.use(
      http.get(`${baseUrl}/v1/plans`, () =>
        HttpResponse.json({ items: plans }),
      ),
    );

    await expect(client.listPlans()).resolves.toEqual(plans);
  });

  it('reads the allowed chart versions', async () => {
    const versions = {
      name: 'supabase',
      default: '0.1.0',
      versions: ['0.1.0', '0.2.0'],
    };
    server.use(
      http.get(`${baseUrl}/v1/chart-versions`, () =>
        HttpResponse.json(versions),
      ),
    );

    await expect(client.getChartVersions()).resolves.toEqual(versions);
  });

  it('lists instances with only the query parameters that are set', async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${baseUrl}/v1/instances`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json({
          items: [instance],
          totalCount: 21,
          nextCursor: 'abc',
        });
      }),
    );

    await expect(
      client.listInstances({
        limit: 20,
        cursor: 'xyz',
        owner: '',
        status: 'Running',
        region: 'eu-west',
      }),
    ).resolves.toEqual({
      items: [instance],
      totalCount: 21,
      nextCursor: 'abc',
    });
    expect(Object.fromEntries(url!.searchParams)).toEqual({
      limit: '20',
      cursor: 'xyz',
      status: 'Running',
      region: 'eu-west',
    });

    await client.listInstances({ cluster: 'eu-1' });
    expect(Object.fromEntries(url!.searchParams)).toEqual({ cluster: 'eu-1' });
  });

  it('lists the clusters', async () => {
    const clusters = [
      {
        name: 'eu-1',
        region: 'eu-west',
        labels: { tier: 'standard' },
        enabled: true,
        maxInstances: 20,
        instances: 3,
        status: 'reachable',
      },
    ];
    server.use(
      http.get(`${baseUrl}/v1/clusters`, () =>
        HttpResponse.json({ items: clusters }),
      ),
    );

    await expect(client.listClusters()).resolves.toEqual(clusters);
  });

  it('reads one instance, escaping its name in the path', async () => {
    let path: string | undefined;
    server.use(
      http.get(`${baseUrl}/v1/instances/:name`, ({ request }) => {
        path = new URL(request.url).pathname;
        return HttpResponse.json(instance);
      }),
    );

    await expect(client.getInstance('orders')).resolves.toEqual(instance);
    await client.getInstance('a/b');
    expect(path).toBe('/api/supacontrol/v1/instances/a%2Fb');
  });

  it('creates an instance with a JSON body', async () => {
    let body: unknown;
    let contentType: string | null = null;
    server.use(
      http.post(`${baseUrl}/v1/instances`, async ({ request }) => {
        body = await request.json();
        contentType = request.headers.get('content-type');
        return HttpResponse.json(instance, { status: 201 });
      }),
    );

    await expect(
      client.createInstance({ name: 'orders', plan: 'small' }),
    ).resolves.toEqual(instance);
    expect(body).toEqual({ name: 'orders', plan: 'small' });
    expect(contentType).toBe('application/json');

    await client.createInstance({ name: 'orders', region: 'eu-west' });
    expect(body).toEqual({ name: 'orders', region: 'eu-west' });
  });

  it("keeps the backend's refusal of a taken name in the error's cause", async () => {
    server.use(
      http.post(`${baseUrl}/v1/instances`, () =>
        backstageError(
          409,
          'ConflictError',
          "An instance named 'orders' exists",
        ),
      ),
    );

    await expect(
      client.createInstance({ name: 'orders' }),
    ).rejects.toMatchObject({
      statusCode: 409,
      cause: { message: "An instance named 'orders' exists" },
    });
  });

  it('requests deletion and returns the instance as Deleting', async () => {
    server.use(
      http.delete(`${baseUrl}/v1/instances/orders`, () =>
        HttpResponse.json({ ...instance, status: 'Deleting' }, { status: 202 }),
      ),
    );

    await expect(client.deleteInstance('orders')).resolves.toMatchObject({
      status: 'Deleting',
    });
  });

  it('retries a failed instance', async () => {
    let method: string | undefined;
    server.use(
      http.post(`${baseUrl}/v1/instances/orders/retry`, ({ request }) => {
        method = request.method;
        return HttpResponse.json(
          { ...instance, status: 'Provisioning' },
          { status: 202 },
        );
      }),
    );

    await expect(client.retryInstance('orders')).resolves.toMatchObject({
      status: 'Provisioning',
    });
    expect(method).toBe('POST');
  });

  it('throws when a retry is refused', async () => {
    server.use(
      http.post(`${baseUrl}/v1/instances/orders/retry`, () =>
        backstageError(
          409,
          'ConflictError',
          'Only Failed instances can be retried',
        ),
      ),
    );

    await expect(client.retryInstance('orders')).rejects.toMatchObject({
      statusCode: 409,
      cause: { message: 'Only Failed instances can be retried' },
    });
  });

  it('lists the events of an instance', async () => {
    const events = [
      {
        id: '1',
        instanceName: 'orders',
        actor: 'user:default/guest',
        action: 'create',
        toStatus: 'Pending',
        message: 'Created',
        createdAt: '2025-01-01T00:00:00.000Z',
      },
    ];
    server.use(
      http.get(`${baseUrl}/v1/instances/orders/events`, () =>
        HttpResponse.json({ items: events }),
      ),
    );

    await expect(client.listInstanceEvents('orders')).resolves.toEqual(events);
  });

  it('reads the credentials of an instance', async () => {
    const credentials = {
      apiUrl: 'https://orders.supa.test',
      anonKey: 'anon',
      serviceRoleKey: 'service',
      postgresUrl: 'postgresql://postgres:pw@db:5432/postgres',
      studioUrl: 'https://studio.orders.supa.test',
      dashboard: { username: 'supabase', password: 'secret' },
    };
    server.use(
      http.get(`${baseUrl}/v1/instances/orders/credentials`, () =>
        HttpResponse.json(credentials),
      ),
    );

    await expect(client.getInstanceCredentials('orders')).resolves.toEqual(
      credentials,
    );
  });

  it('throws when the credentials may not be read', async () => {
    server.use(
      http.get(`${baseUrl}/v1/instances/orders/credentials`, () =>
        backstageError(403, 'NotAllowedError', 'You may not read credentials'),
      ),
    );

    await expect(client.getInstanceCredentials('orders')).rejects.toMatchObject(
      { statusCode: 403, cause: { name: 'NotAllowedError' } },
    );
  });

  it('lists API keys', async () => {
    const keys = [
      {
        id: 'abcdefgh12345678',
        name: 'ci',
        owner: 'user:default/guest',
        prefix: 'sck_abcdefgh12345678',
        scopes: ['instances:read'],
        createdAt: '2025-01-01T00:00:00.000Z',
      },
    ];
    server.use(
      http.get(`${baseUrl}/v1/api-keys`, () =>
        HttpResponse.json({ items: keys }),
      ),
    );

    await expect(client.listApiKeys()).resolves.toEqual(keys);
  });

  it('creates an API key and returns the key once', async () => {
    let body: unknown;
    server.use(
      http.post(`${baseUrl}/v1/api-keys`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(
          {
            id: 'abcdefgh12345678',
            name: 'ci',
            prefix: 'sck_abcdefgh12345678',
            scopes: ['instances:read'],
            createdAt: '2025-01-01T00:00:00.000Z',
            key: 'sck_abcdefgh12345678_secret',
          },
          { status: 201 },
        );
      }),
    );

    await expect(
      client.createApiKey({ name: 'ci', scopes: ['instances:read'] }),
    ).resolves.toMatchObject({ key: 'sck_abcdefgh12345678_secret' });
    expect(body).toEqual({ name: 'ci', scopes: ['instances:read'] });
  });

  it('revokes an API key', async () => {
    let revoked: string | undefined;
    server.use(
      http.delete(`${baseUrl}/v1/api-keys/:id`, ({ params }) => {
        revoked = String(params.id);
        return new HttpResponse(null, { status: 204 });
      }),
    );

    await expect(client.revokeApiKey('abcdefgh12345678')).resolves.toBe(
      undefined,
    );
    expect(revoked).toBe('abcdefgh12345678');
  });

  it('throws when the key to revoke does not exist', async () => {
    server.use(
      http.delete(`${baseUrl}/v1/api-keys/:id`, () =>
        backstageError(404, 'NotFoundError', "No API key with id 'x'"),
      ),
    );

    await expect(client.revokeApiKey('x')).rejects.toMatchObject({
      statusCode: 404,
      cause: { message: "No API key with id 'x'" },
    });
  });

  describe('day-2 operations', () => {
    /** Records the method, path and JSON body of the one request the handler answers. */
    function recordRequests() {
      const seen: { method: string; path: string; body: unknown }[] = [];
      const answer = async ({ request }: { request: Request }) => {
        const text = await request.text();
        seen.push({
          method: request.method,
          path: new URL(request.url).pathname,
          body: text ? JSON.parse(text) : undefined,
        });
        return HttpResponse.json(
          { ...instance, status: 'Updating' },
          { status: request.method === 'PATCH' ? 200 : 202 },
        );
      };
      server.use(
        http.post(`${baseUrl}/v1/instances/:name/:operation`, answer),
        http.patch(`${baseUrl}/v1/instances/:name`, answer),
      );
      return seen;
    }

    it('pauses and resumes an instance', async () => {
      const seen = recordRequests();

      await expect(client.pauseInstance('orders')).resolves.toMatchObject({
        status: 'Updating',
      });
      await client.resumeInstance('orders');
      expect(seen.map(r => `${r.method} ${r.path}`)).toEqual([
        'POST /api/supacontrol/v1/instances/orders/pause',
        'POST /api/supacontrol/v1/instances/orders/resume',
      ]);
    });

    it('restarts every component, or the one it is given', async () => {
      const seen = recordRequests();

      await client.restartInstance('orders');
      await client.restartInstance('orders', 'auth');
      expect(seen).toEqual([
        {
          method: 'POST',
          path: '/api/supacontrol/v1/instances/orders/restart',
          body: {},
        },
        {
          method: 'POST',
          path: '/api/supacontrol/v1/instances/orders/restart',
          body: { component: 'auth' },
        },
      ]);
    });

    it('patches the plan and the deletion protection', async () => {
      const seen = recordRequests();

      await client.updateInstance('orders', { plan: 'large' });
      await client.updateInstance('orders', { deletionProtection: true });
      expect(seen).toEqual([
        {
          method: 'PATCH',
          path: '/api/supacontrol/v1/instances/orders',
          body: { plan: 'large' },
        },
        {
          method: 'PATCH',
          path: '/api/supacontrol/v1/instances/orders',
          body: { deletionProtection: true },
        },
      ]);
    });

    it('rotates a credential', async () => {
      const seen = recordRequests();

      await client.rotateCredentials('orders', 'jwt');
      expect(seen).toEqual([
        {
          method: 'POST',
          path: '/api/supacontrol/v1/instances/orders/rotate',
          body: { what: 'jwt' },
        },
      ]);
    });

    it("keeps the backend's reason when a rotation is refused", async () => {
      server.use(
        http.post(`${baseUrl}/v1/instances/orders/rotate`, () =>
          backstageError(
            400,
            'InputError',
            'The database password cannot be rotated: Postgres keeps the password it was first given',
          ),
        ),
      );

      await expect(
        client.rotateCredentials('orders', 'database'),
      ).rejects.toMatchObject({
        statusCode: 400,
        cause: {
          message: expect.stringMatching(/Postgres keeps the password/),
        },
      });
    });

    it('reads the cluster events of an instance', async () => {
      const events = [
        {
          type: 'Warning',
          reason: 'BackOff',
          message: 'Back-off restarting failed container',
          object: 'Pod/auth-0',
          count: 3,
          lastTimestamp: '2025-01-01T00:00:00.000Z',
        },
      ];
      server.use(
        http.get(`${baseUrl}/v1/instances/orders/cluster-events`, () =>
          HttpResponse.json({ items: events }),
        ),
      );

      await expect(client.getClusterEvents('orders')).resolves.toEqual(events);
    });
  });

  describe('logs', () => {
    it('reads the last lines of a component as text', async () => {
      let url: URL | undefined;
      server.use(
        http.get(`${baseUrl}/v1/instances/orders/logs`, ({ request }) => {
          url = new URL(request.url);
          return HttpResponse.text('line 1\nline 2\n');
        }),
      );

      await expect(
        client.readLogs('orders', { component: 'auth', tail: 200 }),
      ).resolves.toBe('line 1\nline 2\n');
      expect(Object.fromEntries(url!.searchParams)).toEqual({
        component: 'auth',
        tail: '200',
      });
    });

    it('throws when the component has no pod', async () => {
      server.use(
        http.get(`${baseUrl}/v1/instances/orders/logs`, () =>
          backstageError(409, 'ConflictError', "Component 'auth' has no pod"),
        ),
      );

      await expect(
        client.readLogs('orders', { component: 'auth' }),
      ).rejects.toMatchObject({
        statusCode: 409,
        cause: { message: "Component 'auth' has no pod" },
      });
    });

    it('follows a log line by line, across chunks that split lines and characters', async () => {
      let url: URL | undefined;
      const bytes = new TextEncoder().encode('first\nsecond ✓\nthird');
      // "✓" is three bytes; the second chunk starts inside it.
      const cut = bytes.indexOf(0xe2) + 1;
      server.use(
        http.get(`${baseUrl}/v1/instances/orders/logs`, ({ request }) => {
          url = new URL(request.url);
          const stream = new ReadableStream({
            start(controller) {
              controller.enqueue(bytes.slice(0, 3));
              controller.enqueue(bytes.slice(3, cut));
              controller.enqueue(bytes.slice(cut));
              controller.close();
            },
          });
          return new HttpResponse(stream, {
            headers: { 'Content-Type': 'text/plain' },
          });
        }),
      );

      const lines: string[] = [];
      await client.followLogs(
        'orders',
        { component: 'db', tail: 10 },
        line => lines.push(line),
        new AbortController().signal,
      );
      expect(lines).toEqual(['first', 'second ✓', 'third']);
      expect(Object.fromEntries(url!.searchParams)).toEqual({
        component: 'db',
        tail: '10',
        follow: 'true',
      });
    });

    it('stops following when aborted, without an error', async () => {
      server.use(
        http.get(`${baseUrl}/v1/instances/orders/logs`, () => {
          const stream = new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('hello\n'));
              // Never closes: a followed log ends only when the client leaves.
            },
          });
          return new HttpResponse(stream, {
            headers: { 'Content-Type': 'text/plain' },
          });
        }),
      );

      const controller = new AbortController();
      const lines: string[] = [];
      const following = client.followLogs(
        'orders',
        { component: 'db' },
        line => {
          lines.push(line);
          controller.abort();
        },
        controller.signal,
      );

      await expect(following).resolves.toBeUndefined();
      expect(lines).toEqual(['hello']);
    });

    it('throws when following is refused', async () => {
      server.use(
        http.get(`${baseUrl}/v1/instances/orders/logs`, () =>
          backstageError(409, 'ConflictError', "Component 'db' has no pod"),
        ),
      );

      await expect(
        client.followLogs(
          'orders',
          { component: 'db' },
          () => {},
          new AbortController().signal,
        ),
      ).rejects.toMatchObject({ statusCode: 409 });
    });
  });
});
