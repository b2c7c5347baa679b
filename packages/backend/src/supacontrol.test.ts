import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Knex } from 'knex';
import request from 'supertest';
import {
  ALICE,
  apiAs,
  BOB,
  CAROL,
  ensureStatus,
  service,
  startBackend as startApiBackend,
  user,
} from './__testUtils__/apiTestBackend';

/*
 * The SupaControl API with the portal's real permission backend and policy, on SQLite and
 * PostgreSQL: every endpoint for every kind of caller. Responses are checked against the OpenAPI
 * document the plugin serves.
 */

jest.setTimeout(120_000);

if (
  process.env.CI &&
  !process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
) {
  throw new Error(
    'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set: run the tests with ./scripts/test, which starts PostgreSQL 15',
  );
}

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const startBackend = (
  knex: Knex,
  databaseId: Parameters<typeof databases.init>[0],
) => startApiBackend(databases, knex, databaseId);

describe.each(databases.eachSupportedId())(
  'SupaControl API (%s)',
  databaseId => {
    let server: any;
    let knex: Knex;
    let validate: (
      path: string,
      method: string,
      status: number,
      body: unknown,
    ) => void;
    const keys: Record<string, string> = {};

    const as = (auth: string | { key: string }) => apiAs(server, auth);

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      server = (await startBackend(knex, databaseId)).server;

      const spec = (
        await request(server).get('/api/supacontrol/v1/openapi.json')
      ).body;
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats(ajv);
      validate = (path, method, status, body) => {
        const response = spec.paths[path][method].responses[String(status)];
        if (!response) {
          throw new Error(
            `${method.toUpperCase()} ${path} has no ${status} response in the OpenAPI document`,
          );
        }
        const schema = response.content?.['application/json']?.schema;
        if (!schema) return;
        const ok = ajv.validate(schema, body);
        if (!ok) {
          throw new Error(
            `${method.toUpperCase()} ${path} ${status} does not match the OpenAPI document: ${ajv.errorsText()}`,
          );
        }
      };

      // Alice's keys: full scopes, read only, one to revoke, one to expire.
      for (const [name, scopes] of [
        [
          'full',
          ['instances:read', 'instances:write', 'instances:credentials'],
        ],
        ['readonly', ['instances:read']],
        ['revoked', ['instances:read']],
        ['expired', ['instances:read']],
      ] as const) {
        const res = await as(user(ALICE)).post('/v1/api-keys', {
          name,
          scopes,
        });
        ensureStatus(res, 201);
        validate('/v1/api-keys', 'post', 201, res.body);
        keys[name] = res.body.key;
        keys[`${name}Id`] = res.body.id;
      }
      ensureStatus(
        await as(user(ALICE)).delete(`/v1/api-keys/${keys.revokedId}`),
        204,
      );
      await knex('api_keys')
        .where({ id: keys.expiredId })
        .update({ expires_at: new Date(Date.now() - 1000) });

      // One instance per owner.
      for (const [auth, body] of [
        [user(ALICE), { name: 'alpha', owner: 'group:default/team-a' }],
        [user(BOB), { name: 'bravo' }],
      ] as const) {
        ensureStatus(await as(auth).post('/v1/instances', body), 201);
      }
    });

    describe('POST /v1/instances', () => {
      it('creates a Pending instance for its owner with a Location header', async () => {
        const res = await as(user(ALICE)).post('/v1/instances', {
          name: 'charlie',
          plan: 'medium',
        });
        expect(res.status).toBe(201);
        validate('/v1/instances', 'post', 201, res.body);
        expect(res.headers.location).toBe(
          '/api/supacontrol/v1/instances/charlie',
        );
        expect(res.body).toMatchObject({
          name: 'charlie',
          namespace: 'supa-charlie',
          owner: ALICE,
          createdBy: ALICE,
          plan: 'medium',
          status: 'Pending',
          desiredState: 'running',
          generation: 1,
          observedGeneration: 0,
          chart: { name: 'supabase', version: '0.1.0' },
          mail: { smtp: false, autoconfirm: true },
        });
      });

      it('answers 409 when a live instance has the name', async () => {
        const res = await as(user(BOB)).post('/v1/instances', {
          name: 'alpha',
        });
        expect(res.status).toBe(409);
        validate('/v1/instances', 'post', 409, res.body);
        expect(res.body.error.message).toBe(
          "An instance named 'alpha' already exists; choose another name",
        );
      });

      it('refuses an owner the user does not belong to', async () => {
        const res = await as(user(BOB)).post('/v1/instances', {
          name: 'delta',
          owner: 'group:default/team-a',
        });
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain(
          'You can only create instances owned by yourself or your groups',
        );
      });

      it('lets a service create for an explicit owner, and requires one', async () => {
        const missing = await as(service).post('/v1/instances', {
          name: 'echo',
        });
        expect(missing.status).toBe(400);
        expect(missing.body.error.message).toContain(
          'owner is required when a service creates an instance',
        );
        const res = await as(service).post('/v1/instances', {
          name: 'echo',
          owner: 'group:default/team-b',
        });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          owner: 'group:default/team-b',
          createdBy: 'service:external:ci-pipeline',
        });
      });

      it('lets a key with instances:write create for its owner', async () => {
        const res = await as({ key: keys.full }).post('/v1/instances', {
          name: 'foxtrot',
        });
        expect(res.status).toBe(201);
        expect(res.body.owner).toBe(ALICE);
        // The key's id is not shown to whoever reads the instance.
        expect(res.body.createdBy).toBe(`${ALICE} (API key)`);
      });

      it('refuses a key without instances:write', async () => {
        const res = await as({ key: keys.readonly }).post('/v1/instances', {
          name: 'golf',
        });
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain(
          "lacks the scope 'instances:write'",
        );
      });

      it('refuses revoked, expired and malformed keys and missing credentials with 401', async () => {
        for (const [auth, message] of [
          [{ key: keys.revoked }, 'was revoked'],
          [{ key: keys.expired }, 'expired on'],
          [{ key: 'sck_nonsense' }, 'Malformed API key'],
          [mockCredentials.none.header(), ''],
        ] as const) {
          const res = await as(auth).post('/v1/instances', { name: 'hotel' });
          expect(res.status).toBe(401);
          expect(res.body.error.message).toContain(message);
        }
      });
    });

    describe('GET /v1/instances', () => {
      const names = (res: request.Response) =>
        res.body.items.map((i: any) => i.name);

      it('shows each user only what they may read', async () => {
        const alice = await as(user(ALICE)).get('/v1/instances');
        expect(alice.status).toBe(200);
        validate('/v1/instances', 'get', 200, alice.body);
        expect(names(alice)).toEqual(['alpha', 'charlie', 'foxtrot']);
        expect(alice.body.totalCount).toBe(3);

        const bob = await as(user(BOB)).get('/v1/instances');
        expect(names(bob)).toEqual(['bravo', 'echo']);
      });

      it('shows admins and services everything', async () => {
        for (const auth of [user(CAROL), service]) {
          const res = await as(auth).get('/v1/instances');
          expect(names(res)).toEqual([
            'alpha',
            'bravo',
            'charlie',
            'echo',
            'foxtrot',
          ]);
        }
      });

      it("shows a key its owner's instances", async () => {
        const res = await as({ key: keys.readonly }).get('/v1/instances');
        expect(res.status).toBe(200);
        expect(names(res)).toEqual(['alpha', 'charlie', 'foxtrot']);
      });

      it('pages with limit and cursor, and filters by owner and status', async () => {
        const first = await as(user(CAROL)).get('/v1/instances?limit=2');
        expect(names(first)).toEqual(['alpha', 'bravo']);
        expect(first.body.totalCount).toBe(5);
        const second = await as(user(CAROL)).get(
          `/v1/instances?limit=2&cursor=${first.body.nextCursor}`,
        );
        expect(names(second)).toEqual(['charlie', 'echo']);
        const third = await as(user(CAROL)).get(
          `/v1/instances?limit=2&cursor=${second.body.nextCursor}`,
        );
        expect(names(third)).toEqual(['foxtrot']);
        expect(third.body.nextCursor).toBeUndefined();

        const byOwner = await as(user(CAROL)).get(
          '/v1/instances?owner=group:default/team-b',
        );
        expect(names(byOwner)).toEqual(['echo']);
        const byStatus = await as(user(CAROL)).get(
          '/v1/instances?status=Running',
        );
        expect(names(byStatus)).toEqual([]);
      });
    });

    describe('GET /v1/instances/:name and /events', () => {
      it('answers the owner, admins, services and keys with read scope', async () => {
        for (const auth of [
          user(ALICE),
          user(CAROL),
          service,
          { key: keys.readonly },
        ]) {
          const res = await as(auth).get('/v1/instances/alpha');
          expect(res.status).toBe(200);
          validate('/v1/instances/{name}', 'get', 200, res.body);
          expect(res.body.name).toBe('alpha');
        }
      });

      it("hides others' instances as 404", async () => {
        const res = await as(user(BOB)).get('/v1/instances/alpha');
        expect(res.status).toBe(404);
        validate('/v1/instances/{name}', 'get', 404, res.body);
        expect(res.body.error.message).toBe("No instance named 'alpha'");
        expect((await as(user(ALICE)).get('/v1/instances/nope')).status).toBe(
          404,
        );
      });

      it('returns the history', async () => {
        const res = await as(user(ALICE)).get('/v1/instances/alpha/events');
        expect(res.status).toBe(200);
        validate('/v1/instances/{name}/events', 'get', 200, res.body);
        expect(res.body.items).toEqual([
          expect.objectContaining({
            action: 'create',
            actor: ALICE,
            toStatus: 'Pending',
            message:
              "Created with plan 'small', owned by group:default/team-a, on cluster 'default' (region default)",
          }),
        ]);
        expect(
          (await as(user(BOB)).get('/v1/instances/alpha/events')).status,
        ).toBe(404);
      });
    });

    describe('POST /v1/instances/:name/verify', () => {
      it('needs the credentials permission and scope, and credentials to check with', async () => {
        expect(
          (
            await as({ key: keys.readonly }).post(
              '/v1/instances/alpha/verify',
              {},
            )
          ).status,
        ).toBe(403);
        const hidden = await as(user(BOB)).post(
          '/v1/instances/alpha/verify',
          {},
        );
        expect(hidden.status).toBe(404);
        validate('/v1/instances/{name}/verify', 'post', 404, hidden.body);
        // alpha is Pending on a cluster that never provisions it: no credentials to check with.
        const res = await as(user(ALICE)).post(
          '/v1/instances/alpha/verify',
          {},
        );
        expect(res.status).toBe(409);
        validate('/v1/instances/{name}/verify', 'post', 409, res.body);
        expect(res.body.error.message).toBe(
          "Credentials of 'alpha' do not exist yet (status Pending); they are created while provisioning",
        );
      });
    });

    describe('DELETE /v1/instances/:name', () => {
      it('is refused to other users and keys without write scope', async () => {
        expect(
          (await as(user(BOB)).delete('/v1/instances/charlie')).status,
        ).toBe(404);
        const res = await as({ key: keys.readonly }).delete(
          '/v1/instances/charlie',
        );
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain(
          "lacks the scope 'instances:write'",
        );
      });

      it('records the deletion, idempotently, for the owner', async () => {
        const first = await as(user(ALICE)).delete('/v1/instances/charlie');
        expect(first.status).toBe(202);
        validate('/v1/instances/{name}', 'delete', 202, first.body);
        expect(first.body).toMatchObject({
          status: 'Deleting',
          desiredState: 'deleted',
          generation: 2,
        });
        const again = await as(user(ALICE)).delete('/v1/instances/charlie');
        expect(again.status).toBe(202);
        expect(again.body.generation).toBe(2);

        const events = await as(user(ALICE)).get(
          '/v1/instances/charlie/events',
        );
        // The refused attempt of the read-only key (previous test) is part of the history.
        expect(events.body.items.map((e: any) => e.action)).toEqual([
          'create',
          'delete-refused',
          'delete',
        ]);
        expect(events.body.items[1]).toMatchObject({
          actor: `${ALICE} (API key)`,
          message: expect.stringContaining("lacks the scope 'instances:write'"),
        });
        expect(events.body.items[2]).toMatchObject({
          fromStatus: 'Pending',
          toStatus: 'Deleting',
        });
      });

      it('re-arms a deletion that failed, and never answers from a stale generation', async () => {
        // The reconciler gave up deleting charlie (as after maxAttempts failures).
        await knex('instances')
          .where({ name: 'charlie' })
          .whereNull('deleted_at')
          .update({
            status: 'Failed',
            failure_count: 5,
            last_error: 'helm uninstall failed',
          });
        const rearmed = await as(user(ALICE)).delete('/v1/instances/charlie');
        expect(rearmed.status).toBe(202);
        expect(rearmed.body).toMatchObject({
          status: 'Deleting',
          desiredState: 'deleted',
          generation: 3,
        });
        expect(rearmed.body.lastError).toBeUndefined();
        const row = await knex('instances')
          .where({ name: 'charlie' })
          .whereNull('deleted_at')
          .first();
        expect(Number(row.failure_count)).toBe(0);
        const events = await as(user(ALICE)).get(
          '/v1/instances/charlie/events',
        );
        expect(events.body.items.at(-1)).toMatchObject({
          action: 'delete',
          fromStatus: 'Failed',
          toStatus: 'Deleting',
        });
      });

      it('works for admins, services and keys with write scope', async () => {
        expect(
          (await as(user(CAROL)).delete('/v1/instances/bravo')).status,
        ).toBe(202);
        expect((await as(service).delete('/v1/instances/echo')).status).toBe(
          202,
        );
        expect(
          (await as({ key: keys.full }).delete('/v1/instances/foxtrot')).status,
        ).toBe(202);
      });
    });

    describe('day-2 operations', () => {
      it('are for those who may update the instance, with instances:write on keys', async () => {
        expect(
          (await as(user(BOB)).post('/v1/instances/alpha/pause', {})).status,
        ).toBe(404);
        const key = await as({ key: keys.readonly }).post(
          '/v1/instances/alpha/restart',
          {},
        );
        expect(key.status).toBe(403);
        expect(key.body.error.message).toContain(
          "lacks the scope 'instances:write'",
        );
      });

      it('refuse what the state does not allow with 409', async () => {
        const res = await as(user(ALICE)).post('/v1/instances/alpha/pause', {});
        expect(res.status).toBe(409);
        expect(res.body.error.message).toBe(
          "Instance 'alpha' is Pending; only Running, Updating or Degraded instances can be paused",
        );
        expect(
          (await as(user(ALICE)).post('/v1/instances/alpha/resume', {})).status,
        ).toBe(409);
      });

      it('change the plan with a new generation, and protection without one', async () => {
        const before = (await as(user(ALICE)).get('/v1/instances/alpha')).body;
        const unknown = await as(user(ALICE)).patch('/v1/instances/alpha', {
          plan: 'huge',
        });
        expect(unknown.status).toBe(400);
        expect(unknown.body.error.message).toContain("got 'huge'");

        const plan = await as(user(ALICE)).patch('/v1/instances/alpha', {
          plan: 'medium',
        });
        expect(plan.status).toBe(200);
        validate('/v1/instances/{name}', 'patch', 200, plan.body);
        expect(plan.body).toMatchObject({
          plan: 'medium',
          generation: before.generation + 1,
        });
        const protectedRes = await as(user(ALICE)).patch(
          '/v1/instances/alpha',
          { deletionProtection: true },
        );
        expect(protectedRes.body).toMatchObject({
          deletionProtection: true,
          generation: before.generation + 1,
        });
        const refused = await as(user(ALICE)).delete('/v1/instances/alpha');
        expect(refused.status).toBe(409);
        validate('/v1/instances/{name}', 'delete', 409, refused.body);
        await as(user(ALICE)).patch('/v1/instances/alpha', {
          deletionProtection: false,
        });
        const history = await as(user(ALICE)).get('/v1/instances/alpha/events');
        expect(
          history.body.items
            .filter((e: any) => e.action === 'update')
            .map((e: any) => e.message),
        ).toEqual([
          'Changed: plan small → medium',
          'Changed: deletion protection on',
          'Changed: deletion protection off',
        ]);
      });
    });

    describe('POST /v1/instances with Idempotency-Key', () => {
      it('answers a repeat with the same Idempotency-Key from the same caller with the instance', async () => {
        const create = (auth: string, key?: string) => {
          const r = as(auth);
          const req = key
            ? r
                .post('/v1/instances', { name: 'india' })
                .set('Idempotency-Key', key)
            : r.post('/v1/instances', { name: 'india' });
          return req;
        };
        const first = await create(user(ALICE), 'scaffolder:task-7:create');
        expect(first.status).toBe(201);
        expect(first.headers['idempotent-replayed']).toBeUndefined();

        const again = await create(user(ALICE), 'scaffolder:task-7:create');
        expect(again.status).toBe(201);
        validate('/v1/instances', 'post', 201, again.body);
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(again.body.id).toBe(first.body.id);

        // Another key, no key, or another caller with the same key: the name is taken.
        for (const res of [
          await create(user(ALICE), 'scaffolder:task-8:create'),
          await create(user(ALICE)),
          await create(user(BOB), 'scaffolder:task-7:create'),
        ]) {
          expect(res.status).toBe(409);
          expect(res.body.error.message).toBe(
            "An instance named 'india' already exists; choose another name",
          );
        }
        const history = await as(user(ALICE)).get('/v1/instances/india/events');
        expect(
          history.body.items.filter((e: any) => e.action === 'create'),
        ).toHaveLength(1);
      });

      it('refuses an Idempotency-Key that is not visible ASCII', async () => {
        for (const key of ['has space', 'x'.repeat(256)]) {
          const res = await as(user(ALICE))
            .post('/v1/instances', { name: 'juliet' })
            .set('Idempotency-Key', key);
          expect(res.status).toBe(400);
          expect(res.body.error.message).toBe(
            'Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. a UUID or ci:<job id>',
          );
        }
      });
    });

    describe('API keys', () => {
      it('lists own keys without secrets', async () => {
        const res = await as(user(ALICE)).get('/v1/api-keys');
        expect(res.status).toBe(200);
        validate('/v1/api-keys', 'get', 200, res.body);
        expect(res.body.items.map((k: any) => k.name).sort()).toEqual([
          'expired',
          'full',
          'readonly',
          'revoked',
        ]);
        // The whole secret of sck_<id>_<secret>: base64url may hold '_' itself, and a short
        // tail after the last one (say "0") is found in any date.
        expect(JSON.stringify(res.body)).not.toContain(
          keys.full.split('_').slice(2).join('_'),
        );
        expect(
          res.body.items.find((k: any) => k.name === 'revoked').revokedAt,
        ).toBeDefined();
        expect((await as(user(BOB)).get('/v1/api-keys')).body.items).toEqual(
          [],
        );
      });

      it("lets only admins list someone else's keys", async () => {
        const bob = await as(user(BOB)).get(`/v1/api-keys?owner=${ALICE}`);
        expect(bob.status).toBe(403);
        const carol = await as(user(CAROL)).get(`/v1/api-keys?owner=${ALICE}`);
        expect(carol.status).toBe(200);
        expect(carol.body.items).toHaveLength(4);
      });

      it('never lets keys or services manage keys', async () => {
        for (const auth of [{ key: keys.full }, service]) {
          expect((await as(auth).get('/v1/api-keys')).status).toBe(403);
          expect(
            (await as(auth).post('/v1/api-keys', { name: 'x' })).status,
          ).toBe(403);
          expect(
            (await as(auth).delete(`/v1/api-keys/${keys.readonlyId}`)).status,
          ).toBe(403);
        }
      });

      it("does not let a user revoke someone else's key", async () => {
        const res = await as(user(BOB)).delete(
          `/v1/api-keys/${keys.readonlyId}`,
        );
        expect(res.status).toBe(404);
        expect(
          (await as({ key: keys.readonly }).get('/v1/instances')).status,
        ).toBe(200);
      });

      it('revocation takes effect on the next request, even after a cached verification', async () => {
        const created = await as(user(BOB)).post('/v1/api-keys', {
          name: 'short-lived',
        });
        expect(
          (await as({ key: created.body.key }).get('/v1/instances')).status,
        ).toBe(200);
        expect(
          (await as(user(BOB)).delete(`/v1/api-keys/${created.body.id}`))
            .status,
        ).toBe(204);
        expect(
          (await as({ key: created.body.key }).get('/v1/instances')).status,
        ).toBe(401);
      });

      it('accepts the key as a bearer token too and records its last use', async () => {
        const res = await request(server)
          .get('/api/supacontrol/v1/instances')
          .set('Authorization', `Bearer ${keys.readonly}`);
        expect(res.status).toBe(200);
        const row = await knex('api_keys')
          .where({ id: keys.readonlyId })
          .first();
        expect(row.last_used_at).not.toBeNull();
        expect(row.secret_hash).toMatch(/^\$2b\$10\$/);
        expect(JSON.stringify(row)).not.toContain(
          keys.readonly.split('_').slice(2).join('_'),
        );
      });
    });

    it('GET /v1/chart-versions lists the versions allowed at create and upgrade', async () => {
      const res = await as(user(BOB)).get('/v1/chart-versions');
      expect(res.status).toBe(200);
      validate('/v1/chart-versions', 'get', 200, res.body);
      expect(res.body).toEqual({
        name: 'supabase',
        default: '0.1.0',
        versions: ['0.1.0'],
      });
      const refused = await as(user(BOB)).post('/v1/instances', {
        name: 'newer',
        chartVersion: '0.2.0',
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toBe(
        "chartVersion must be one of '0.1.0' (supacontrol.chart.versions); got '0.2.0'",
      );
    });

    it('GET /v1/plans lists the configured plans', async () => {
      const res = await as(user(BOB)).get('/v1/plans');
      expect(res.status).toBe(200);
      validate('/v1/plans', 'get', 200, res.body);
      expect(res.body.items.map((p: any) => p.name)).toEqual([
        'small',
        'medium',
      ]);
    });
  },
);

describe('two backends on one PostgreSQL', () => {
  const postgres = databases
    .eachSupportedId()
    .filter(([id]) => id === 'POSTGRES_15');

  it.each(postgres)('see a revocation immediately (%s)', async databaseId => {
    const knex = await databases.init(databaseId);
    const one = (await startBackend(knex, databaseId)).server;
    const two = (await startBackend(knex, databaseId)).server;

    const created = await request(one)
      .post('/api/supacontrol/v1/api-keys')
      .set('Authorization', user(ALICE))
      .send({ name: 'shared' });
    expect(created.status).toBe(201);
    const useOn = (server: any) =>
      request(server)
        .get('/api/supacontrol/v1/instances')
        .set('X-Api-Key', created.body.key);
    expect((await useOn(two)).status).toBe(200);

    const revoked = await request(one)
      .delete(`/api/supacontrol/v1/api-keys/${created.body.id}`)
      .set('Authorization', user(ALICE));
    expect(revoked.status).toBe(204);
    const refused = await useOn(two);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toContain('was revoked');
  });
});
