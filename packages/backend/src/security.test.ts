import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { KubeConfig } from '@kubernetes/client-node';
import supacontrolBackend from '@supacontrol/plugin-supacontrol-backend';
import { Knex } from 'knex';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  ALICE,
  apiAs,
  BOB,
  CAROL,
  ensureStatus,
  LogLine,
  memberships,
  orgEntities,
  recordingLogger,
  startBackend,
  testKubeconfigPath,
  user,
} from './__testUtils__/apiTestBackend';
import { waitForCatalogUser } from './__testUtils__/testOrg';

/*
 * The security rules of the SupaControl API, with the real catalog, permission backend and
 * policy, on SQLite and PostgreSQL: API keys that follow their owner, refused guesses, service
 * principals denied by default, limits, and cluster failures as 502/503.
 */

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const serviceHeader = (subject: string) =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(subject),
    targetPluginId: 'supacontrol',
  });

async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

describe.each(databases.eachSupportedId())('API security (%s)', databaseId => {
  let server: any;
  let org: Awaited<ReturnType<typeof startBackend>>['org'];
  let knex: Knex;
  const logs: LogLine[] = [];

  const as = (auth: string | { key: string }) => apiAs(server, auth);

  const createKey = async (owner: string, body: object = {}) => {
    const res = await as(user(owner)).post('/v1/api-keys', {
      name: 'test',
      scopes: ['instances:read', 'instances:write', 'instances:credentials'],
      ...body,
    });
    ensureStatus(res, 201);
    return res.body as { id: string; key: string; expiresAt?: string };
  };

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    ({ server, org } = await startBackend(databases, knex, databaseId, {
      supacontrol: {
        // Short, so that the test sees the re-read; production allows at most 60 s.
        apiKeys: {
          ownershipCacheSeconds: 2,
          failedAttempts: { perKey: 10, perClient: 45, windowSeconds: 300 },
        },
        limits: { instancesPerOwner: 3 },
      },
      features: [recordingLogger(logs)],
    }));
    // Two instances of team-a, one of Alice's own, one of team-b.
    for (const [auth, body] of [
      [user(ALICE), { name: 'sec-team-a', owner: 'group:default/team-a' }],
      [user(ALICE), { name: 'sec-team-a2', owner: 'group:default/team-a' }],
      [user(ALICE), { name: 'sec-alice' }],
      [user(BOB), { name: 'sec-team-b', owner: 'group:default/team-b' }],
    ] as const) {
      ensureStatus(await as(auth).post('/v1/instances', body), 201);
    }
  });

  describe('API keys', () => {
    it('expire after 90 days unless told otherwise, at most a year ahead; only admins make keys that never expire', async () => {
      const key = await createKey(ALICE);
      const days =
        (new Date(key.expiresAt!).getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(89.9);
      expect(days).toBeLessThanOrEqual(90);

      const tooLate = await as(user(ALICE)).post('/v1/api-keys', {
        name: 'late',
        expiresInDays: 400,
      });
      expect(tooLate.status).toBe(400);
      expect(tooLate.body.error.message).toContain(
        'expiresInDays must be a whole number of days from 1 to supacontrol.apiKeys.maxLifetimeDays',
      );
      const year = await as(user(ALICE)).post('/v1/api-keys', {
        name: 'year',
        expiresInDays: 365,
      });
      expect(year.status).toBe(201);
      const yearDays =
        (new Date(year.body.expiresAt).getTime() - Date.now()) / 86_400_000;
      expect(yearDays).toBeGreaterThan(364.9);
      expect(yearDays).toBeLessThanOrEqual(365);

      const never = await as(user(ALICE)).post('/v1/api-keys', {
        name: 'forever',
        expiresInDays: 'never',
      });
      expect(never.status).toBe(403);
      expect(never.body.error.message).toContain(
        'Only SupaControl admins may create keys that never expire',
      );
      const adminNever = await as(user(CAROL)).post('/v1/api-keys', {
        name: 'forever',
        expiresInDays: 'never',
      });
      expect(adminNever.status).toBe(201);
      expect(adminNever.body.expiresAt).toBeUndefined();
    });

    it('keep their ids out of what other users see', async () => {
      const key = await createKey(ALICE);
      const created = await as({ key: key.key }).post('/v1/instances', {
        name: 'sec-by-key',
        owner: 'group:default/team-a',
      });
      expect(created.status).toBe(201);
      expect(created.body.createdBy).toBe(`${ALICE} (API key)`);
      const events = await as(user(CAROL)).get(
        '/v1/instances/sec-by-key/events',
      );
      expect(JSON.stringify(events.body)).not.toContain(key.id);
      ensureStatus(
        await as(user(ALICE)).delete('/v1/instances/sec-by-key'),
        202,
      );
    });

    it('answer 429 with Retry-After after 10 wrong secrets for one key id, log it, and keep serving other callers', async () => {
      const target = await createKey(ALICE);
      const other = await createKey(BOB);
      const wrong = `sck_${target.id}_${'A'.repeat(43)}`;
      const answers: request.Response[] = [];
      for (let i = 0; i < 50; i++) {
        answers.push(await as({ key: wrong }).get('/v1/instances'));
      }
      expect(answers.map(a => a.status)).toEqual([
        ...Array(10).fill(401),
        ...Array(40).fill(429),
      ]);
      const limited = answers[49];
      expect(limited.body.error.message).toBe(
        `Too many failed API key attempts from API key sck_${target.id}; try again in ${limited.headers['retry-after']} s`,
      );
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(300);
      // Even the right secret waits out the window: the id is under attack.
      expect((await as({ key: target.key }).get('/v1/instances')).status).toBe(
        429,
      );
      // Other keys, from the same address, are served as before.
      expect((await as({ key: other.key }).get('/v1/instances')).status).toBe(
        200,
      );
      expect(
        logs.filter(
          l =>
            l.level === 'warn' &&
            l.message.startsWith('Too many failed API key attempts') &&
            l.meta.keyId === target.id,
        ),
      ).toHaveLength(1);
      // Each guess is audited, with the address it came from.
      const audited = logs.filter(
        l =>
          l.meta.isAuditEvent &&
          l.meta.eventId === 'api-key-authenticate' &&
          l.meta.status === 'failed' &&
          (l.meta.meta as any)?.keyId === target.id,
      );
      expect(audited).toHaveLength(10);
      expect((audited[0].meta.meta as any).clientAddress).toMatch(
        /127\.0\.0\.1/,
      );
    });

    it('let admins list every key and revoke all keys of one user', async () => {
      const bobKey = await createKey(BOB);
      expect((await as(user(BOB)).get('/v1/api-keys?all=true')).status).toBe(
        403,
      );
      const all = await as(user(CAROL)).get('/v1/api-keys?all=true');
      expect(all.status).toBe(200);
      const owners = new Set(all.body.items.map((k: any) => k.owner));
      expect(owners).toEqual(new Set([ALICE, BOB, CAROL]));

      expect(
        (await as(user(ALICE)).delete(`/v1/api-keys?owner=${BOB}`)).status,
      ).toBe(403);
      const revoked = await as(user(CAROL)).delete(`/v1/api-keys?owner=${BOB}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revoked).toBeGreaterThanOrEqual(1);
      const refused = await as({ key: bobKey.key }).get('/v1/instances');
      expect(refused.status).toBe(401);
      expect(refused.body.error.message).toContain('was revoked');
    });
  });

  describe('service principals', () => {
    it('are refused credentials and create unless supacontrol.serviceAccess lists them', async () => {
      const unlisted = serviceHeader('external:leaked-ci-token');
      const credentials = await as(unlisted).get(
        '/v1/instances/sec-team-a/credentials',
      );
      expect(credentials.status).toBe(403);
      expect(credentials.body.error.message).toBe(
        "The service 'external:leaked-ci-token' may not read instance credentials: an operator must list it in supacontrol.serviceAccess with allow: [credentials]",
      );
      const create = await as(unlisted).post('/v1/instances', {
        name: 'sec-leak',
        owner: 'group:default/team-a',
      });
      expect(create.status).toBe(403);
      expect(create.body.error.message).toContain('may not create instances');
      expect((await as(unlisted).get('/v1/instances')).status).toBe(403);
      expect(
        (await as(unlisted).delete('/v1/instances/sec-team-a')).status,
      ).toBe(403);
    });

    it('stay within the owners and operations they are given', async () => {
      const deployer = serviceHeader('external:team-b-deployer');
      const list = await as(deployer).get('/v1/instances');
      expect(list.status).toBe(200);
      expect(new Set(list.body.items.map((i: any) => i.owner))).toEqual(
        new Set(['group:default/team-b']),
      );
      expect((await as(deployer).get('/v1/instances/sec-team-a')).status).toBe(
        404,
      );
      const foreign = await as(deployer).post('/v1/instances', {
        name: 'sec-foreign',
        owner: 'group:default/team-a',
      });
      expect(foreign.status).toBe(403);
      expect(foreign.body.error.message).toContain(
        'may only create instances owned by group:default/team-b',
      );
      expect(
        (await as(deployer).get('/v1/instances/sec-team-b/credentials')).status,
      ).toBe(403);
      expect(
        (await as(deployer).delete('/v1/instances/sec-team-b')).status,
      ).toBe(403);
    });

    it('let the catalog module list instances, and nothing more, without an entry of its own', async () => {
      const catalog = serviceHeader('plugin:catalog');
      const list = await as(catalog).get('/v1/instances');
      expect(list.status).toBe(200);
      expect(list.body.totalCount).toBeGreaterThanOrEqual(4);
      expect(
        (await as(catalog).get('/v1/instances/sec-team-a/credentials')).status,
      ).toBe(403);
      expect(
        (
          await as(catalog).post('/v1/instances', {
            name: 'sec-cat',
            owner: 'group:default/team-a',
          })
        ).status,
      ).toBe(403);
    });
  });

  describe('limits', () => {
    it('refuse an owner past supacontrol.limits.instancesPerOwner with 409', async () => {
      const res = await as(user(ALICE)).post('/v1/instances', {
        name: 'sec-fourth',
        owner: 'group:default/team-a',
      });
      // team-a has sec-team-a, sec-team-a2 and sec-by-key (Deleting counts until Deleted).
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain(
        'group:default/team-a already has 3 instances, the most one owner may have (supacontrol.limits.instancesPerOwner = 3)',
      );
    });
  });

  // Last: changes the organisation.
  describe('API keys follow their owner in the catalog', () => {
    it("lose a group's instances when the owner leaves the group, and are refused once the owner is gone", async () => {
      const aliceKey = await createKey(ALICE);
      const bobKey = await createKey(BOB);
      expect(
        (await as({ key: aliceKey.key }).get('/v1/instances/sec-team-a'))
          .status,
      ).toBe(200);

      // Alice leaves team-a; Bob leaves the organisation.
      const { [BOB]: _bob, ...rest } = memberships;
      await org.set(orgEntities({ ...rest, [ALICE]: [ALICE] }));
      await waitForCatalogUser(server, ALICE, []);
      await waitForCatalogUser(server, BOB, undefined);
      const changed = Date.now();

      await poll(
        "Alice's key to lose team-a's instance",
        async () => {
          const res = await as({ key: aliceKey.key }).get(
            '/v1/instances/sec-team-a',
          );
          return res.status === 404 ? res : undefined;
        },
        60_000,
      );
      expect(Date.now() - changed).toBeLessThan(60_000);
      // What is hers alone stays hers.
      expect(
        (await as({ key: aliceKey.key }).get('/v1/instances/sec-alice')).status,
      ).toBe(200);
      const list = await as({ key: aliceKey.key }).get('/v1/instances');
      expect(list.body.items.map((i: any) => i.name)).toEqual(['sec-alice']);

      const refused = await poll(
        "Bob's key to be refused",
        async () => {
          const res = await as({ key: bobKey.key }).get('/v1/instances');
          return res.status === 401 ? res : undefined;
        },
        60_000,
      );
      expect(refused.body.error.message).toBe(
        `API key sck_${bobKey.id} belongs to ${BOB}, who is no longer in the catalog; the key is refused`,
      );
    });
  });
});

describe('cluster failures', () => {
  function kubeconfigWith(change: (kc: any) => void): string {
    const kc = new KubeConfig();
    kc.loadFromFile(testKubeconfigPath());
    const exported = JSON.parse(kc.exportConfig());
    change(exported);
    const dir = mkdtempSync(join(tmpdir(), 'supacontrol-kubeconfig-'));
    const path = join(dir, 'kubeconfig.json');
    writeFileSync(path, JSON.stringify(exported), { mode: 0o600 });
    return path;
  }

  it.each([
    [
      'a cluster that does not answer gives 503',
      (kc: any) => {
        kc.clusters[0].cluster.server = 'https://127.0.0.1:1';
      },
      503,
      'The Kubernetes cluster did not answer while SupaControl tried to check namespace supa-sec-down; try again shortly',
    ],
    [
      'a cluster that refuses SupaControl gives 502',
      (kc: any) => {
        kc.users[0].user = { token: 'not-a-valid-token' };
      },
      502,
      "The Kubernetes cluster refused SupaControl's request to check namespace supa-sec-down (status 401); an operator should check SupaControl's access to the cluster",
    ],
  ])('%s, with a plain message', async (_, change, status, message) => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startBackend(databases, knex, 'SQLITE_3', {
      supacontrol: { kubernetes: { kubeconfigPath: kubeconfigWith(change) } },
    });
    const res = await request(server)
      .post('/api/supacontrol/v1/instances')
      .set('Authorization', user(ALICE))
      .send({ name: 'sec-down' });
    expect(res.status).toBe(status);
    expect(res.body.error.message).toBe(message);
  });
});

describe('request rate limit', () => {
  it('answers 429 with Retry-After past supacontrol.limits.requestsPerMinute per caller', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startBackend(databases, knex, 'SQLITE_3', {
      supacontrol: { limits: { requestsPerMinute: 5 } },
    });
    const get = (who: string) =>
      request(server)
        .get('/api/supacontrol/v1/plans')
        .set('Authorization', user(who));
    for (let i = 0; i < 5; i++) expect((await get(ALICE)).status).toBe(200);
    const limited = await get(ALICE);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.body.error.message).toContain(
      'Too many requests: at most 5 a minute per caller',
    );
    // Another caller has its own budget.
    expect((await get(BOB)).status).toBe(200);
  });
});

describe('a static external-access token', () => {
  it('without supacontrol.serviceAccess gets 403 on credentials and on create', async () => {
    const knex = await databases.init('SQLITE_3');
    const token = 'static-token-for-ci-0123456789';
    const { server } = await startTestBackend({
      features: [
        supacontrolBackend,
        authServiceFactory,
        httpAuthServiceFactory,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            backend: {
              auth: {
                externalAccess: [
                  { type: 'static', options: { token, subject: 'ci' } },
                ],
              },
            },
            supacontrol: {
              kubernetes: { kubeconfigPath: testKubeconfigPath() },
              reconcile: { enabled: false },
            },
          },
        }),
      ],
    });
    const call = (method: 'get' | 'post', path: string) =>
      request(server)
        [method](`/api/supacontrol${path}`)
        .set('Authorization', `Bearer ${token}`)
        .send(
          method === 'post' ? { name: 'sec-static', owner: ALICE } : undefined,
        );
    const create = await call('post', '/v1/instances');
    expect(create.status).toBe(403);
    expect(create.body.error.message).toContain(
      "The service 'ci' may not create instances",
    );
    const credentials = await call('get', '/v1/instances/anything/credentials');
    expect(credentials.status).toBe(403);
    expect(credentials.body.error.message).toContain(
      "The service 'ci' may not read instance credentials",
    );
  });
});
