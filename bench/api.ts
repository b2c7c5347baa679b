/*
 * Benchmark of SupaControl's REST API on loopback: a real backend process (Backstage with only the
 * SupaControl plugin, API only, no reconciler) on SQLite and then on the test bed's PostgreSQL,
 * 10,000 instance records, autocannon against get-one, a 100-row page and create, as the static
 * service token; get-one as an API key on its first use (bcrypt) and cached; and the catalog's
 * entities/by-name in the same process as Backstage's baseline. Prints one table; asserts
 * nothing; writes nothing but the backend's temporary files. How to run it and the figures:
 * bench/README.md.
 *
 *   eval "$(./scripts/cluster up --with-postgres)"
 *   ./scripts/bench api [--engine sqlite|postgres]
 *                       [--only get-one|page|create|key-first|key|catalog]
 *                       [--duration S] [--connections N] [--cpu-prof DIR]
 */
import autocannon from 'autocannon';
import bcrypt from 'bcrypt';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import knexFactory, { Knex } from 'knex';
import {
  BackendProcess,
  createBackendProcess,
} from '../test/lifecycle/backendProcess';

const TOTAL_INSTANCES = 10_000;
/** Created through the API (and timed); the rest of TOTAL_INSTANCES is seeded into the table. */
const CREATE_BATCH = 200;
const OWNERS = 50;
const WARM_UP_SECONDS = 2;
/** API keys used once each for the first-use row. */
const FIRST_USE_KEYS = 200;
/** The cost ApiKeyService hashes with (BCRYPT_COST there). */
const BCRYPT_COST = 10;
/** The API keys' owner, a User entity in the process's catalog, member of every owner group. */
const KEY_OWNER = 'user:default/bench';

/** The catalog of the process: the keys' owner, so that keys pass the ownership check. */
function catalogFile(dir: string): string {
  const path = join(dir, 'catalog.yaml');
  const teams = Array.from(
    { length: OWNERS },
    (_, i) => `team-${String(i).padStart(2, '0')}`,
  );
  writeFileSync(
    path,
    [
      `apiVersion: backstage.io/v1alpha1`,
      `kind: User`,
      `metadata: { name: bench }`,
      `spec: { memberOf: [${teams.join(', ')}] }`,
      ...teams.flatMap(team => [
        '---',
        `apiVersion: backstage.io/v1alpha1`,
        `kind: Group`,
        `metadata: { name: ${team} }`,
        `spec: { type: team, children: [] }`,
      ]),
    ].join('\n'),
  );
  return path;
}

/**
 * API keys of KEY_OWNER with the default scope, written as ApiKeyService.createKey writes them
 * (creating one through the API needs a user token, which this process cannot issue).
 */
async function seedKeys(db: Knex, count: number): Promise<string[]> {
  const now = new Date();
  const keys = await Promise.all(
    Array.from({ length: count }, async () => {
      const id = randomBytes(8).toString('hex');
      const secret = randomBytes(32).toString('base64url');
      return {
        token: `sck_${id}_${secret}`,
        row: {
          id,
          name: `bench-${id}`,
          owner: KEY_OWNER,
          prefix: `sck_${id}`,
          secret_hash: await bcrypt.hash(secret, BCRYPT_COST),
          scopes: JSON.stringify(['instances:read']),
          created_at: now,
          expires_at: new Date(now.getTime() + 86_400_000),
          last_used_at: null,
          revoked_at: null,
        },
      };
    }),
  );
  await db.batchInsert(
    'api_keys',
    keys.map(k => k.row),
    100,
  );
  return keys.map(k => k.token);
}

const { values: args } = parseArgs({
  options: {
    engine: { type: 'string', multiple: true },
    only: { type: 'string', multiple: true },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    'cpu-prof': { type: 'string' },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const engines = args.engine ?? ['sqlite', 'postgres'];
const measure = (what: string) => !args.only || args.only.includes(what);

interface Row {
  engine: string;
  what: string;
  requests: number;
  seconds: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  failed: number;
  load: string;
}

const load = () =>
  loadavg()
    .map(l => l.toFixed(2))
    .join(' ');

function rowOf(
  engine: string,
  what: string,
  result: autocannon.Result,
  startLoad: string,
): Row {
  const requests = result.requests.total;
  return {
    engine,
    what,
    requests,
    seconds: result.duration,
    reqPerSec: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
    load: startLoad,
  };
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ connections, ...options });
}

/** The plugin's database, opened beside the running backend for seeding. */
function pluginDatabase(engine: string, location: string): Knex {
  if (engine === 'sqlite') {
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(location, 'supacontrol.sqlite') },
      useNullAsDefault: true,
    });
  }
  return knexFactory({ client: 'pg', connection: location });
}

/**
 * Copies the row (and history event) one API create wrote, under new ids, names and owners:
 * the columns are exactly a create's, without paying the cluster GET of each create.
 */
async function seed(db: Knex, template: string, count: number, tag: string) {
  const row = await db('instances').where({ name: template }).first();
  const event = await db('instance_events')
    .where({ instance_id: row.id })
    .first();
  const rows = [];
  const events = [];
  for (let i = 0; i < count; i++) {
    const name = `seed-${tag}-${String(i).padStart(5, '0')}`;
    const owner = `group:default/team-${String(i % OWNERS).padStart(2, '0')}`;
    const id = randomUUID();
    rows.push({
      ...row,
      id,
      name,
      namespace: `supa-${name}`,
      owner,
    });
    events.push({
      ...event,
      id: randomUUID(),
      instance_id: id,
      instance_name: name,
      message: `Created with plan '${row.plan}', owned by ${owner}`,
    });
  }
  // SQLite's insert of many rows is a compound SELECT, of at most 500 terms.
  await db.batchInsert('instances', rows, 400);
  await db.batchInsert('instance_events', events, 400);
  if (db.client.config.client === 'pg') {
    // PostgreSQL plans from statistics that autovacuum would refresh only later; without them
    // it expects 3 live rows and sorts all 10,000 for every page.
    await db.raw('ANALYZE instances');
  }
}

/** Waits until the catalog has processed its location: the keys' owner must be in it. */
async function catalogReady(
  backend: BackendProcess,
  headers: Record<string, string>,
) {
  const url = `${backend.url}/api/catalog/entities/by-name/user/default/bench`;
  for (let i = 0; i < 120; i++) {
    const response = await fetch(url, { headers });
    const entity = response.ok ? await response.json() : undefined;
    if (entity?.relations?.length) return;
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`the catalog never served ${KEY_OWNER}:\n${backend.log()}`);
}

/** Removes the round's database, so that the benchmark leaves nothing behind. */
async function dropDatabase(engine: string, location: string) {
  if (engine === 'sqlite') {
    rmSync(location, { recursive: true, force: true });
    return;
  }
  const url = new URL(location);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = knexFactory({ client: 'pg', connection: url.toString() });
  try {
    await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
    await admin.raw('DROP DATABASE IF EXISTS ??', [
      name.replace(/supacontrol$/, 'catalog'),
    ]);
  } finally {
    await admin.destroy();
  }
}

async function round(engine: string): Promise<Row[]> {
  const kubeconfigPath = process.env.SUPACONTROL_TEST_KUBECONFIG;
  const postgres =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!kubeconfigPath || !postgres) {
    throw new Error(
      'load the test bed env first: eval "$(./scripts/cluster up --with-postgres)"',
    );
  }
  const tag = randomBytes(3).toString('hex');
  const configDir = mkdtempSync(join(tmpdir(), 'supacontrol-bench-catalog-'));
  let database: Record<string, unknown>;
  let location: string;
  if (engine === 'sqlite') {
    location = mkdtempSync(join(tmpdir(), 'supacontrol-bench-'));
    database = {
      client: 'better-sqlite3',
      connection: { directory: location },
    };
  } else {
    const prefix = `bench${tag}_`;
    database = { client: 'pg', connection: postgres, prefix };
    const url = new URL(postgres);
    url.pathname = `/${prefix}supacontrol`;
    location = url.toString();
  }
  const backend: BackendProcess = await createBackendProcess({
    kubeconfigPath,
    helmPath: process.env.SUPACONTROL_TEST_HELM ?? 'helm',
    postgres,
    database,
    config: {
      catalog: {
        rules: [{ allow: ['User', 'Group'] }],
        locations: [{ type: 'file', target: catalogFile(configDir) }],
      },
    },
    supacontrol: {
      reconcile: { enabled: false },
      limits: {
        instancesPerOwner: 20_000,
        instancesTotal: 20_000,
        requestsPerMinute: 10_000_000,
      },
    },
  });
  const cpuProf = args['cpu-prof'];
  await backend.start({
    NODE_ENV: 'production',
    // Request and audit logging at info would be part of every figure; warn keeps the API's own cost.
    LOG_LEVEL: 'warn',
    SUPACONTROL_TEST_CATALOG: '1',
    ...(cpuProf
      ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${cpuProf}` }
      : {}),
  });
  const db = pluginDatabase(engine, location);
  const api = `${backend.url}/api/supacontrol/v1`;
  const headers = {
    authorization: `Bearer ${backend.token}`,
    'content-type': 'application/json',
  };
  const rows: Row[] = [];
  let created = 0;
  // Unique names per request: autocannon calls setupRequest before each one.
  const createRequest: autocannon.Request = {
    method: 'POST',
    path: '/api/supacontrol/v1/instances',
    setupRequest: request => ({
      ...request,
      body: JSON.stringify({
        name: `b${tag}-${created++}`,
        owner: `group:default/team-${String(created % OWNERS).padStart(
          2,
          '0',
        )}`,
      }),
    }),
  };
  try {
    const template = `t${tag}`;
    const first = await fetch(`${api}/instances`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: template, owner: 'group:default/team-00' }),
    });
    if (first.status !== 201) {
      throw new Error(`create answered ${first.status}: ${await first.text()}`);
    }
    await seed(db, template, TOTAL_INSTANCES - CREATE_BATCH - 1, tag);

    let startLoad = load();
    const batch = await run({
      url: backend.url,
      headers,
      amount: CREATE_BATCH,
      requests: [createRequest],
    });
    rows.push(rowOf(engine, `create, first ${CREATE_BATCH}`, batch, startLoad));
    const [{ count }] = await db('instances')
      .whereNull('deleted_at')
      .count({ count: '*' });

    const names = (
      await db('instances').whereNull('deleted_at').select('name')
    ).map(r => r.name as string);
    let next = 0;
    const getOne: autocannon.Request = {
      method: 'GET',
      setupRequest: request => ({
        ...request,
        path: `/api/supacontrol/v1/instances/${names[next++ % names.length]}`,
      }),
    };
    const page: autocannon.Request = {
      method: 'GET',
      path: '/api/supacontrol/v1/instances?limit=100',
    };
    const byName: autocannon.Request = {
      method: 'GET',
      path: '/api/catalog/entities/by-name/user/default/bench',
    };
    const measured: Array<[string, string, autocannon.Request]> = [
      ['get-one', `get-one (${count} live)`, getOne],
      ['page', `page of 100 (${count} live)`, page],
      ['create', 'create', createRequest],
      ['catalog', 'catalog entities/by-name', byName],
    ];
    for (const [key, what, request] of measured) {
      if (!measure(key)) continue;
      if (key === 'catalog') await catalogReady(backend, headers);
      await run({
        url: backend.url,
        headers,
        duration: WARM_UP_SECONDS,
        requests: [request],
      });
      startLoad = load();
      const result = await run({
        url: backend.url,
        headers,
        duration,
        requests: [request],
      });
      rows.push(rowOf(engine, what, result, startLoad));
    }

    if (measure('key-first') || measure('key')) {
      await catalogReady(backend, headers);
      const keys = await seedKeys(db, FIRST_USE_KEYS + 1);
      const cached = keys.pop()!;
      if (measure('key-first')) {
        // Every request presents a key not seen before: each pays one bcrypt comparison.
        let k = 0;
        startLoad = load();
        const result = await run({
          url: backend.url,
          amount: keys.length,
          requests: [
            {
              method: 'GET',
              setupRequest: request => ({
                ...request,
                headers: { authorization: `Bearer ${keys[k++]}` },
                path: `/api/supacontrol/v1/instances/${
                  names[next++ % names.length]
                }`,
              }),
            },
          ],
        });
        rows.push(
          rowOf(engine, `get-one, API key, first use`, result, startLoad),
        );
      }
      if (measure('key')) {
        const keyHeaders = { authorization: `Bearer ${cached}` };
        await run({
          url: backend.url,
          headers: keyHeaders,
          duration: WARM_UP_SECONDS,
          requests: [getOne],
        });
        startLoad = load();
        const result = await run({
          url: backend.url,
          headers: keyHeaders,
          duration,
          requests: [getOne],
        });
        rows.push(rowOf(engine, `get-one, API key, cached`, result, startLoad));
      }
    }
  } finally {
    await db.destroy();
    // SIGTERM, so that a --cpu-prof profile is written.
    await backend.stop();
    await dropDatabase(engine, location);
    rmSync(configDir, { recursive: true, force: true });
  }
  return rows;
}

async function main() {
  const rows: Row[] = [];
  for (const engine of engines) {
    rows.push(...(await round(engine)));
  }
  const cpu = cpus();
  console.log(
    `${new Date().toISOString()}; ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, ` +
      `${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(
        freemem() /
        2 ** 30
      ).toFixed(1)} free); node ${process.version}; ` +
      `${connections} connections, ${duration} s per run after ${WARM_UP_SECONDS} s warm-up; ` +
      `static service token unless the row says API key`,
  );
  console.log(
    '| database | request | requests | s | req/s | p50 ms | p99 ms | failed | load 1/5/15 min at start |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    console.log(
      `| ${r.engine} | ${r.what} | ${r.requests} | ${r.seconds.toFixed(
        1,
      )} | ${r.reqPerSec.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.failed} | ${
        r.load
      } |`,
    );
  }
}

main().catch(error => {
  // A failed insert's message holds the whole statement.
  console.error(String(error?.stack ?? error).slice(0, 4000));
  process.exit(1);
});
