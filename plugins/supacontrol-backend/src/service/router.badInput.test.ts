import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { supacontrolPlugin } from '../plugin';
import { testBackendDatabase } from '../__testUtils__/testBackendDatabase';

/*
 * Every refusal is a 4xx whose message says what is accepted; nothing here may produce a 5xx.
 * Each row: method, path, body (or raw string), expected status, a part of the expected message.
 */

type Row = [
  method: 'get' | 'post' | 'patch' | 'delete',
  path: string,
  body: unknown,
  status: number,
  message: string,
];

const long = (n: number) => 'a'.repeat(n);

const rows: Row[] = [
  // instance names in the body
  [
    'post',
    '/v1/instances',
    { name: '' },
    400,
    'name must be 1–40 lowercase letters',
  ],
  ['post', '/v1/instances', { name: long(41) }, 400, 'has 41 characters'],
  ['post', '/v1/instances', { name: 'Upper' }, 400, "got 'Upper'"],
  ['post', '/v1/instances', { name: '1abc' }, 400, 'starting with a letter'],
  ['post', '/v1/instances', { name: '-abc' }, 400, "got '-abc'"],
  ['post', '/v1/instances', { name: 'abc-' }, 400, "not ending with '-'"],
  ['post', '/v1/instances', { name: 'a_b' }, 400, "got 'a_b'"],
  ['post', '/v1/instances', { name: 'a.b' }, 400, "got 'a.b'"],
  ['post', '/v1/instances', { name: 'a b' }, 400, "got 'a b'"],
  ['post', '/v1/instances', { name: 'a--b' }, 400, "must not contain '--'"],
  ['post', '/v1/instances', { name: 'émile' }, 400, "got 'émile'"],
  [
    'post',
    '/v1/instances',
    { name: 'default' },
    400,
    "name 'default' is reserved",
  ],
  ['post', '/v1/instances', { name: 'kube-system' }, 400, 'is reserved'],
  ['post', '/v1/instances', { name: 'supabase' }, 400, 'is reserved'],
  ['post', '/v1/instances', { name: 42 }, 400, 'name must be a string'],
  ['post', '/v1/instances', { name: null }, 400, 'name must be a string'],
  ['post', '/v1/instances', { name: ['a'] }, 400, 'name must be a string'],
  ['post', '/v1/instances', {}, 400, 'name must be a string'],
  // other body fields
  [
    'post',
    '/v1/instances',
    { name: 'ok', extra: 1 },
    400,
    "unknown field 'extra'",
  ],
  [
    'post',
    '/v1/instances',
    { name: 'ok', a: 1, b: 2 },
    400,
    "unknown fields 'a', 'b'",
  ],
  [
    'post',
    '/v1/instances',
    { name: 'ok', plan: 'huge' },
    400,
    "plan must be one of 'small', 'medium'; got 'huge'",
  ],
  [
    'post',
    '/v1/instances',
    { name: 'ok', plan: 'Big Plan' },
    400,
    'plan must name one of the plans',
  ],
  [
    'post',
    '/v1/instances',
    { name: 'ok', plan: 3 },
    400,
    'plan must be a string',
  ],
  [
    'post',
    '/v1/instances',
    { name: 'ok', chartVersion: 'latest' },
    400,
    'chartVersion must be a semantic version',
  ],
  [
    'post',
    '/v1/instances',
    { name: 'ok', chartVersion: '1.2' },
    400,
    'chartVersion must be a semantic version',
  ],
  [
    'post',
    '/v1/instances',
    { name: 'ok', chartVersion: 1 },
    400,
    'chartVersion must be a string',
  ],
  [
    'post',
    '/v1/instances',
    { name: 'ok', owner: '' },
    400,
    'owner: must not be empty',
  ],
  [
    'post',
    '/v1/instances',
    { name: 'ok', owner: 'team a' },
    400,
    'must be an entity ref',
  ],
  [
    'post',
    '/v1/instances',
    { name: 'ok', owner: 'a:b:c/d' },
    400,
    'must be an entity ref',
  ],
  [
    'post',
    '/v1/instances',
    { name: 'ok', owner: long(256) },
    400,
    'at most 255 characters',
  ],
  [
    'post',
    '/v1/instances',
    { name: 'ok', owner: {} },
    400,
    'must be an entity ref string',
  ],
  // bodies that are not objects / not JSON
  ['post', '/v1/instances', [], 400, 'the request body must be a JSON object'],
  [
    'post',
    '/v1/instances',
    '"just a string"',
    400,
    'the request body must be a JSON object',
  ],
  ['post', '/v1/instances', '{"name": "ok",', 400, 'it could not be parsed'],
  [
    'post',
    '/v1/instances',
    'text:name=ok',
    400,
    'Content-Type: application/json',
  ],
  [
    'post',
    '/v1/instances',
    { name: 'ok', pad: long(70 * 1024) },
    413,
    'at most 64 KiB',
  ],
  // path parameters
  [
    'get',
    '/v1/instances/UPPER',
    undefined,
    400,
    'name must be 1–40 lowercase letters',
  ],
  ['get', `/v1/instances/${long(41)}`, undefined, 400, 'has 41 characters'],
  ['get', '/v1/instances/bad_name/events', undefined, 400, "got 'bad_name'"],
  // logs: the query is checked before the instance is looked up
  [
    'get',
    '/v1/instances/demo/logs',
    undefined,
    400,
    'component must be one of db, rest, auth',
  ],
  [
    'get',
    '/v1/instances/demo/logs?component=postgres',
    undefined,
    400,
    'component must be one of db, rest, auth',
  ],
  [
    'get',
    '/v1/instances/demo/logs?component=rest&tail=0',
    undefined,
    400,
    'tail must be a whole number of lines from 1 to 10000',
  ],
  [
    'get',
    '/v1/instances/demo/logs?component=rest&tail=10001',
    undefined,
    400,
    'tail must be a whole number of lines from 1 to 10000',
  ],
  [
    'get',
    '/v1/instances/demo/logs?component=rest&tail=1.5',
    undefined,
    400,
    'tail must be a whole number',
  ],
  [
    'get',
    '/v1/instances/demo/logs?component=rest&tail=all',
    undefined,
    400,
    'tail must be a whole number',
  ],
  [
    'get',
    '/v1/instances/demo/logs?component=rest&since=0',
    undefined,
    400,
    'since must be a whole number of seconds from 1 to 604800',
  ],
  [
    'get',
    '/v1/instances/demo/logs?component=rest&since=604801',
    undefined,
    400,
    'since must be a whole number of seconds from 1 to 604800',
  ],
  [
    'get',
    '/v1/instances/demo/logs?component=rest&since=10m',
    undefined,
    400,
    'since must be a whole number of seconds',
  ],
  [
    'get',
    '/v1/instances/demo/logs?component=rest&follow=yes',
    undefined,
    400,
    "must be 'true' or 'false'",
  ],
  [
    'get',
    '/v1/instances/demo/logs?component=rest&previous=true',
    undefined,
    400,
    "unknown field 'previous'",
  ],
  [
    'get',
    '/v1/instances/demo/logs?component=rest&component=db',
    undefined,
    400,
    'component must be one of',
  ],
  ['get', '/v1/instances/Demo/logs', undefined, 400, "got 'Demo'"],
  [
    'get',
    '/v1/instances/bad_name/cluster-events',
    undefined,
    400,
    "got 'bad_name'",
  ],
  [
    'get',
    '/v1/instances/demo/logs?component=rest',
    undefined,
    404,
    "No instance named 'demo'",
  ],
  [
    'get',
    '/v1/instances/demo/cluster-events',
    undefined,
    404,
    "No instance named 'demo'",
  ],
  ['delete', '/v1/instances/admin', undefined, 400, "name 'admin' is reserved"],
  [
    'get',
    '/v1/instances/missing',
    undefined,
    404,
    "No instance named 'missing'",
  ],
  [
    'delete',
    '/v1/instances/missing',
    undefined,
    404,
    "No instance named 'missing'",
  ],
  // list query parameters
  [
    'get',
    '/v1/instances?limit=0',
    undefined,
    400,
    'limit must be a whole number from 1 to 100',
  ],
  [
    'get',
    '/v1/instances?limit=101',
    undefined,
    400,
    'limit must be a whole number from 1 to 100',
  ],
  [
    'get',
    '/v1/instances?limit=-5',
    undefined,
    400,
    'limit must be a whole number from 1 to 100',
  ],
  [
    'get',
    '/v1/instances?limit=2.5',
    undefined,
    400,
    'limit must be a whole number from 1 to 100',
  ],
  [
    'get',
    '/v1/instances?limit=ten',
    undefined,
    400,
    'limit must be a whole number from 1 to 100',
  ],
  [
    'get',
    '/v1/instances?limit=1&limit=2',
    undefined,
    400,
    'limit must be a whole number',
  ],
  [
    'get',
    '/v1/instances?status=running',
    undefined,
    400,
    'status must be one of Pending, Provisioning',
  ],
  ['get', '/v1/instances?status=', undefined, 400, 'status must be one of'],
  [
    'get',
    '/v1/instances?owner=not%20a%20ref',
    undefined,
    400,
    'must be an entity ref',
  ],
  ['get', '/v1/instances?cursor=!!!', undefined, 400, 'cursor is not valid'],
  [
    'get',
    `/v1/instances?cursor=${long(600)}`,
    undefined,
    400,
    'cursor is not valid',
  ],
  ['get', '/v1/instances?sort=name', undefined, 400, "unknown field 'sort'"],
  // API keys
  [
    'post',
    '/v1/api-keys',
    {},
    400,
    'name must be a string of 1–100 characters',
  ],
  [
    'post',
    '/v1/api-keys',
    { name: '   ' },
    400,
    'name must be 1–100 characters',
  ],
  [
    'post',
    '/v1/api-keys',
    { name: long(101) },
    400,
    'name must be 1–100 characters',
  ],
  [
    'post',
    '/v1/api-keys',
    { name: 'k', scopes: [] },
    400,
    'scopes must not be empty',
  ],
  [
    'post',
    '/v1/api-keys',
    { name: 'k', scopes: ['admin'] },
    400,
    'scopes must contain only instances:read',
  ],
  [
    'post',
    '/v1/api-keys',
    { name: 'k', scopes: 'instances:read' },
    400,
    'scopes must be an array',
  ],
  [
    'post',
    '/v1/api-keys',
    { name: 'k', expiresInDays: 'tomorrow' },
    400,
    "expiresInDays must be a whole number of days from 1 to supacontrol.apiKeys.maxLifetimeDays (365 by default), or 'never' (admins only)",
  ],
  [
    'post',
    '/v1/api-keys',
    { name: 'k', expiresInDays: 0 },
    400,
    "expiresInDays must be a whole number of days from 1 to supacontrol.apiKeys.maxLifetimeDays (365 by default), or 'never' (admins only)",
  ],
  [
    'post',
    '/v1/api-keys',
    { name: 'k', expiresInDays: 1.5 },
    400,
    "expiresInDays must be a whole number of days from 1 to supacontrol.apiKeys.maxLifetimeDays (365 by default), or 'never' (admins only)",
  ],
  [
    'post',
    '/v1/api-keys',
    { name: 'k', expiresInDays: 400 },
    400,
    "expiresInDays must be a whole number of days from 1 to supacontrol.apiKeys.maxLifetimeDays (365 by default), or 'never' (admins only)",
  ],
  [
    'post',
    '/v1/api-keys',
    { name: 'k', expiresInDays: '2027-01-31T00:00:00Z' },
    400,
    "expiresInDays must be a whole number of days from 1 to supacontrol.apiKeys.maxLifetimeDays (365 by default), or 'never' (admins only)",
  ],
  [
    'post',
    '/v1/api-keys',
    { name: 'k', expiresAt: '2027-01-31T00:00:00Z' },
    400,
    "body has unknown field 'expiresAt'",
  ],
  [
    'post',
    '/v1/api-keys',
    { name: 'k', owner: 'user:default/x' },
    400,
    "unknown field 'owner'",
  ],
  [
    'delete',
    '/v1/api-keys/short',
    undefined,
    400,
    'id must be the 16-character id',
  ],
  [
    'delete',
    '/v1/api-keys/0123456789abcdef',
    undefined,
    404,
    "No API key with id '0123456789abcdef'",
  ],
  // day-2 operations
  [
    'patch',
    '/v1/instances/demo',
    {},
    400,
    'give "plan", "chartVersion" or "deletionProtection"',
  ],
  [
    'patch',
    '/v1/instances/demo',
    { deletionProtection: 'yes' },
    400,
    'deletionProtection must be true or false',
  ],
  ['patch', '/v1/instances/demo', { owner: 'x' }, 400, "unknown field 'owner'"],
  ['patch', '/v1/instances/demo', 'text:plan', 400, 'Content-Type'],
  [
    'post',
    '/v1/instances/demo/restart',
    { component: 'postgres' },
    400,
    'component must be one of db, rest, auth',
  ],
  ['post', '/v1/instances/demo/rotate', {}, 400, 'what must be one of'],
  [
    'patch',
    '/v1/instances/demo',
    { chartVersion: 'latest' },
    400,
    'chartVersion must be a semantic version',
  ],
  [
    'post',
    '/v1/instances/demo/rotate',
    { what: 'everything' },
    400,
    'what must be one of jwt, dashboard, database',
  ],
  [
    'post',
    '/v1/instances/demo/pause',
    undefined,
    404,
    "No instance named 'demo'",
  ],
  ['post', '/v1/instances/Demo/resume', undefined, 400, "got 'Demo'"],
  [
    'post',
    '/v1/instances',
    { name: 'demo', deletionProtection: 1 },
    400,
    'deletionProtection must be true or false',
  ],
  ['get', '/v1/api-keys?owner=%20', undefined, 400, 'must be an entity ref'],
  ['get', '/v1/api-keys?all=yes', undefined, 400, "must be 'true' or 'false'"],
  ['get', '/v1/api-keys?every=true', undefined, 400, "unknown field 'every'"],
  ['delete', '/v1/api-keys', undefined, 400, 'owner'],
  ['delete', '/v1/api-keys?owner=%20', undefined, 400, 'must be an entity ref'],
];

describe('bad input', () => {
  let server: any;

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [supacontrolPlugin, await testBackendDatabase()],
    }));
  });

  it('has at least 50 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(50);
  });

  it.each(rows)(
    '%s %s %j → %i',
    async (method, path, body, status, message) => {
      let req = request(server)
        [method](`/api/supacontrol${path}`)
        .set(
          'Authorization',
          mockCredentials.user.header('user:default/alice'),
        );
      if (typeof body === 'string') {
        req = req
          .set(
            'Content-Type',
            body.startsWith('text:') ? 'text/plain' : 'application/json',
          )
          .send(body.replace(/^text:/, ''));
      } else if (body !== undefined) {
        req = req.send(body as object);
      }
      const res = await req;
      expect(res.status).toBe(status);
      expect(res.body.error?.message).toContain(message);
      expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack traces
    },
  );
});
