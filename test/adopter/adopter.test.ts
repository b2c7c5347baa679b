import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../lifecycle/backendProcess';
import { packedTarballs, packPublished, Tarballs, yarn } from './packPublished';
import {
  dropDatabases,
  HOST_ENV,
  REPO_ROOT as ROOT,
  run,
  startInstalledBackend,
} from '../production/installedBackend';
import {
  testHelmPath,
  testKubeconfigPath,
  testPostgresConnection,
} from '../src/testBed';

/*
 * The install path of a real adopter: every publishable package is built and packed
 * (`backstage-cli package build`, `yarn pack`), and a minimal Backstage backend that is not
 * packages/backend is created in a temporary folder. It depends on the tarballs and on the
 * published @backstage/* packages from the npm registry (no workspace, no link to this
 * repository), is installed with Yarn and started with Node, on the test bed's PostgreSQL and
 * cluster. Then: SupaControl's health answers, the scaffolder has the three actions, and the
 * catalog provider turns an instance created through the API into a Resource entity.
 */

jest.setTimeout(40 * 60_000);

/** The @backstage/* versions of this repository's release set (packages/backend). */
const backstageVersion = (name: string): string =>
  JSON.parse(readFileSync(join(ROOT, 'packages/backend/package.json'), 'utf8'))
    .dependencies[name];

let dir: string;
let backend: ReturnType<typeof startInstalledBackend> | undefined;
let url: string;
const token = randomBytes(24).toString('hex');
const prefix = `adopter${randomBytes(3).toString('hex')}_`;
let tarballs: Tarballs;

beforeAll(async () => {
  const postgres = testPostgresConnection();
  dir = mkdtempSync(join(tmpdir(), 'supacontrol-adopter-'));
  // Packed by the test command before jest started (packing beside running tests breaks them);
  // run alone, this file packs them itself.
  const packed = process.env.SUPACONTROL_TEST_PACKS_DIR;
  tarballs = packed
    ? packedTarballs(packed)
    : await packPublished(join(dir, 'packs'));
  console.log(
    Object.entries(tarballs)
      .map(
        ([name, t]) => `${name}: ${t.file.split('/').pop()} ${t.bytes} bytes`,
      )
      .join('\n'),
  );

  // The adopter's backend: its own package, its own Yarn project.
  const app = join(dir, 'backend');
  mkdirSync(join(app, '.yarn/releases'), { recursive: true });
  const yarnRelease = readdirSync(join(ROOT, '.yarn/releases'))[0];
  copyFileSync(
    join(ROOT, '.yarn/releases', yarnRelease),
    join(app, '.yarn/releases', yarnRelease),
  );
  writeFileSync(
    join(app, '.yarnrc.yml'),
    stringify({
      nodeLinker: 'node-modules',
      yarnPath: `.yarn/releases/${yarnRelease}`,
      enableTelemetry: false,
    }),
  );
  const file = (name: string) => `file:${tarballs[name].file}`;
  const ours = [
    '@supacontrol/plugin-supacontrol-common',
    '@supacontrol/plugin-supacontrol-backend',
    '@supacontrol/plugin-scaffolder-backend-module-supacontrol',
    '@supacontrol/plugin-catalog-backend-module-supacontrol',
  ];
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'adopter-backend',
        version: '0.0.0',
        private: true,
        dependencies: {
          ...Object.fromEntries(
            [
              '@backstage/backend-defaults',
              '@backstage/plugin-catalog-backend',
              '@backstage/plugin-scaffolder-backend',
            ].map(name => [name, backstageVersion(name)]),
          ),
          pg: '^8.11.3',
          ...Object.fromEntries(ours.slice(1).map(name => [name, file(name)])),
        },
        // Our packages depend on each other by version; these are not on the registry (yet).
        resolutions: Object.fromEntries(ours.map(name => [name, file(name)])),
      },
      null,
      2,
    ),
  );
  writeFileSync(join(app, 'yarn.lock'), '');
  // A first install writes the lockfile (Yarn makes installs immutable when CI is set).
  await yarn(app, ['install'], { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' });

  writeFileSync(
    join(app, 'index.js'),
    [
      "const { createBackend } = require('@backstage/backend-defaults');",
      'const backend = createBackend();',
      "backend.add(import('@backstage/plugin-catalog-backend'));",
      "backend.add(import('@backstage/plugin-scaffolder-backend'));",
      "backend.add(import('@supacontrol/plugin-supacontrol-backend'));",
      "backend.add(import('@supacontrol/plugin-scaffolder-backend-module-supacontrol'));",
      "backend.add(import('@supacontrol/plugin-catalog-backend-module-supacontrol'));",
      'backend.start().catch(error => { console.error(error); process.exit(1); });',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(app, 'app-config.yaml'),
    stringify({
      backend: {
        baseUrl: url,
        listen: { host: '127.0.0.1', port },
        database: { client: 'pg', connection: postgres, prefix },
        auth: {
          externalAccess: [
            { type: 'static', options: { token, subject: 'adopter-test' } },
          ],
        },
      },
      permission: { enabled: false },
      catalog: {
        rules: [{ allow: ['Component', 'Resource', 'Template', 'Location'] }],
        providers: {
          supacontrol: {
            schedule: { frequency: { seconds: 3 }, timeout: { seconds: 30 } },
            changeCheck: {
              frequency: { seconds: 2 },
              timeout: { seconds: 30 },
            },
          },
        },
      },
      supacontrol: {
        kubernetes: { kubeconfigPath: testKubeconfigPath() },
        helm: { binary: testHelmPath() },
        // No chart.source: the backend package carries the Supabase chart.
        // Only the API and the catalog provider are checked here, not the lifecycle.
        reconcile: { enabled: false },
        serviceAccess: [
          { subject: 'adopter-test', allow: ['read', 'create', 'delete'] },
          { subject: 'plugin:catalog', allow: ['read'] },
        ],
      },
    }),
  );
  backend = startInstalledBackend({
    command: 'node',
    args: ['index.js', '--config', 'app-config.yaml'],
    cwd: app,
    url,
    env: { ...HOST_ENV, NODE_ENV: 'production', LOG_LEVEL: 'info' },
  });
  await backend.ready();
});

afterAll(async () => {
  await backend?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await dropDatabases(prefix);
});

const headers = () => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
});

it('packs every publishable package with only what it needs', async () => {
  expect(Object.keys(tarballs).sort()).toEqual(
    [
      '@supacontrol/plugin-catalog-backend-module-supacontrol',
      '@supacontrol/plugin-scaffolder-backend-module-supacontrol',
      '@supacontrol/plugin-supacontrol',
      '@supacontrol/plugin-supacontrol-backend',
      '@supacontrol/plugin-supacontrol-common',
      '@supacontrol/supactl',
    ].sort(),
  );
  for (const [name, { file, bytes }] of Object.entries(tarballs)) {
    expect(bytes).toBeLessThan(1_000_000);
    const entries = (await run('tar', ['tzf', file])).stdout
      .split('\n')
      .filter(Boolean);
    // The backend carries the Supabase chart (its default chart.source); nothing else does.
    const chart = entries.filter(e =>
      /^package\/chart\/(Chart\.yaml|values\.schema\.json|templates\/networkpolicy\.yaml)$/.test(
        e,
      ),
    );
    expect({ name, chart: chart.length }).toEqual({
      name,
      chart: name === '@supacontrol/plugin-supacontrol-backend' ? 3 : 0,
    });
    // The build, the manifest and the docs; the config schema (as written and as JSON), the backend's
    // migrations, the CLI's launcher. No sources, tests or fixtures.
    const unexpected = entries.filter(
      e =>
        !/^package\/(dist\/|package\.json$|README\.md$|config\.d\.ts$|config\.schema\.json$|chart\/|migrations\/[^/]+\.(js|d\.ts)$|bin\/supactl$)/.test(
          e,
        ),
    );
    expect({ file, unexpected }).toEqual({ file, unexpected: [] });
    expect(entries.some(e => /\.test\./.test(e))).toBe(false);
  }
});

it("answers SupaControl's health in the adopter's backend", async () => {
  const health = await fetch(`${url}/api/supacontrol/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({
    status: 'ok',
    database: { status: 'ok' },
  });
});

it('registers the scaffolder actions', async () => {
  const response = await fetch(`${url}/api/scaffolder/v2/actions`, {
    headers: headers(),
  });
  expect(response.status).toBe(200);
  const ids = ((await response.json()) as Array<{ id: string }>).map(a => a.id);
  expect(ids).toEqual(
    expect.arrayContaining([
      'supacontrol:instance:create',
      'supacontrol:instance:wait',
      'supacontrol:instance:delete',
    ]),
  );
});

it('runs the catalog provider: an instance created through the API becomes a Resource', async () => {
  const name = `adopt-${randomBytes(2).toString('hex')}`;
  const created = await fetch(`${url}/api/supacontrol/v1/instances`, {
    method: 'POST',
    headers: headers(),
    body: JSON.stringify({ name, owner: 'group:default/adopters' }),
  });
  expect(created.status).toBe(201);
  const deadline = Date.now() + 120_000;
  let entity: any;
  while (Date.now() < deadline) {
    const response = await fetch(
      `${url}/api/catalog/entities/by-name/resource/default/${name}`,
      { headers: headers() },
    );
    if (response.status === 200) {
      entity = await response.json();
      break;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  expect(entity).toMatchObject({
    kind: 'Resource',
    metadata: { name },
    spec: { type: 'supabase-instance', owner: 'group:default/adopters' },
  });
  // Not left for the next run: the instance never reached the cluster (reconciler off).
  const deleted = await fetch(`${url}/api/supacontrol/v1/instances/${name}`, {
    method: 'DELETE',
    headers: headers(),
  });
  expect(deleted.status).toBeLessThan(300);
});
