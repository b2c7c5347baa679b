import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../lifecycle/backendProcess';
import {
  dropDatabases,
  HOST_ENV,
  REPO_ROOT as ROOT,
  run,
  startInstalledBackend,
} from './installedBackend';
import {
  testHelmPath,
  testKubeconfigPath,
  testPostgresConnection,
} from '../src/testBed';

/*
 * The production bundle, installed and started the way packages/backend/Dockerfile does it. This
 * machine has no container engine, so the Dockerfile's steps run here without one: each COPY
 * copies into a temporary folder that stands for the image's /app, each RUN runs there, and the
 * CMD starts the backend with NODE_ENV=production on the test bed's PostgreSQL, with GitHub
 * sign-in configured and no guest provider. The RUN steps marked "host test: skipped" (system
 * packages and the helm download) are not run: the machine has the build tools, and the test
 * bed's helm stands in for the downloaded one. Not exercised: FROM (the base image) and USER.
 *
 * A static external-access token stands in for a signed-in user (GitHub sign-in cannot be done
 * here): the list below is a real, authenticated API call.
 */

jest.setTimeout(40 * 60_000);

const IMAGE_ROOT = '/app';

interface Step {
  instruction: string;
  args: string;
  skipped?: string;
}

/** The Dockerfile's instructions, continuation lines joined, with their "host test" marks. */
function dockerfileSteps(path: string): Step[] {
  const lines = readFileSync(path, 'utf8').replace(/\\\n/g, ' ').split('\n');
  const steps: Step[] = [];
  let skipped: string | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    const mark = /^#\s*host test: skipped \((.+)\)$/.exec(line);
    if (mark) skipped = mark[1];
    if (!line || line.startsWith('#')) continue;
    const [, instruction, args] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    steps.push({ instruction: instruction.toUpperCase(), args, skipped });
    skipped = undefined;
  }
  return steps;
}

/** The Dockerfile's CMD, and the folder it runs in, after running its steps into `root`. */
async function runDockerfile(root: string) {
  let workdir = root;
  const env: Record<string, string> = {};
  let cmd: string[] = [];
  const inImage = (path: string) => {
    const absolute = path.startsWith('/') ? path : join(IMAGE_ROOT, path);
    const rel = relative(IMAGE_ROOT, absolute);
    if (rel.startsWith('..')) {
      throw new Error(
        `${path} is outside ${IMAGE_ROOT}, where this test cannot write`,
      );
    }
    return join(root, rel);
  };
  const log: string[] = [];
  for (const step of dockerfileSteps(
    join(ROOT, 'packages/backend/Dockerfile'),
  )) {
    const words = step.args.split(/\s+/).filter(w => !w.startsWith('--'));
    switch (step.instruction) {
      case 'FROM':
      case 'USER':
      case 'ARG':
        break;
      case 'WORKDIR':
        workdir = inImage(step.args);
        mkdirSync(workdir, { recursive: true });
        break;
      case 'ENV': {
        const match = /^(\w+)=(?:"(.*)"|(\S*))$/.exec(step.args);
        if (!match)
          throw new Error(`the test reads ENV KEY=value only: ${step.args}`);
        env[match[1]] = match[2] ?? match[3];
        break;
      }
      case 'COPY': {
        const sources = words.slice(0, -1);
        const target = words[words.length - 1];
        const dest = target.startsWith('/')
          ? inImage(target)
          : join(workdir, target);
        for (const source of sources) {
          const from = join(ROOT, source);
          const isDir = statSync(from).isDirectory();
          const to =
            sources.length > 1 || target.endsWith('/')
              ? join(dest, basename(source))
              : dest;
          mkdirSync(isDir ? to : resolve(to, '..'), { recursive: true });
          cpSync(from, to, { recursive: true });
        }
        break;
      }
      case 'RUN': {
        if (step.skipped) {
          log.push(`skipped RUN ${step.args} (${step.skipped})`);
          break;
        }
        const command = step.args.replace(/^(--\S+\s+)+/, '');
        const started = Date.now();
        await run('bash', ['-euo', 'pipefail', '-c', command], {
          cwd: workdir,
          env: { ...HOST_ENV, ...env },
          maxBuffer: 256 * 2 ** 20,
        }).catch(error => {
          throw new Error(
            `RUN ${command} failed:\n${String(error.stdout).slice(
              -4000,
            )}\n${String(error.stderr).slice(-4000)}`,
          );
        });
        log.push(
          `RUN ${command}: ${((Date.now() - started) / 1000).toFixed(0)} s`,
        );
        break;
      }
      case 'CMD':
        cmd = JSON.parse(step.args);
        break;
      default:
        throw new Error(
          `the test does not know the instruction ${step.instruction}`,
        );
    }
  }
  return { cmd, cwd: workdir, env, log };
}

let root: string;
let backend: ReturnType<typeof startInstalledBackend> | undefined;
let url: string;
const token = randomBytes(24).toString('hex');
const prefix = `bundle${randomBytes(3).toString('hex')}_`;

beforeAll(async () => {
  const kubeconfig = testKubeconfigPath();
  const postgres = new URL(testPostgresConnection());

  // What the Dockerfile's comment says to run on the host first (yarn install and tsc are done).
  await run('yarn', ['build:backend'], {
    cwd: ROOT,
    env: HOST_ENV,
    maxBuffer: 256 * 2 ** 20,
  }).catch(error => {
    throw new Error(
      `yarn build:backend failed:\n${String(error.stderr).slice(-4000)}`,
    );
  });

  root = mkdtempSync(join(tmpdir(), 'supacontrol-image-'));
  const image = await runDockerfile(root);
  console.log(image.log.join('\n'));

  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const testConfig = join(root, 'test-config.yaml');
  writeFileSync(
    testConfig,
    stringify({
      backend: {
        listen: { port },
        database: { prefix },
        auth: {
          externalAccess: [
            { type: 'static', options: { token, subject: 'bundle-test' } },
          ],
        },
      },
      supacontrol: {
        kubernetes: { kubeconfigPath: kubeconfig },
        helm: { binary: testHelmPath() },
        serviceAccess: [{ subject: 'bundle-test', allow: ['read'] }],
      },
    }),
  );
  const [command, ...args] = image.cmd;
  backend = startInstalledBackend({
    command,
    args: [...args, '--config', testConfig],
    cwd: image.cwd,
    url,
    env: {
      ...HOST_ENV,
      ...image.env,
      SUPACONTROL_BASE_URL: url,
      SUPACONTROL_LISTEN_HOST: '127.0.0.1',
      POSTGRES_HOST: postgres.hostname,
      POSTGRES_PORT: postgres.port,
      POSTGRES_USER: decodeURIComponent(postgres.username),
      POSTGRES_PASSWORD: decodeURIComponent(postgres.password),
      AUTH_GITHUB_CLIENT_ID: 'bundle-test-client-id',
      AUTH_GITHUB_CLIENT_SECRET: 'bundle-test-client-secret',
    },
  });
  await backend.ready();
});

afterAll(async () => {
  await backend?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
  // The databases this backend made: one per plugin, under its prefix.
  await dropDatabases(prefix);
});

it('is a production build on PostgreSQL, from the Dockerfile steps, serving the portal', async () => {
  expect(existsSync(join(root, 'packages/backend/dist/index.cjs.js'))).toBe(
    true,
  );
  // Installed from the skeleton with production dependencies only.
  expect(existsSync(join(root, 'node_modules/pg'))).toBe(true);
  expect(existsSync(join(root, 'node_modules/@backstage/cli'))).toBe(false);
  expect(existsSync(join(root, 'node_modules/jest'))).toBe(false);
  // The built frontend, served by the app backend plugin.
  const page = await fetch(`${url}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/<div id="root">/);
});

it('answers health without authentication and lists instances for an authenticated caller', async () => {
  const health = await fetch(`${url}/api/supacontrol/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({
    status: 'ok',
    database: { status: 'ok' },
  });

  const anonymous = await fetch(`${url}/api/supacontrol/v1/instances`);
  expect(anonymous.status).toBe(401);
  const list = await fetch(`${url}/api/supacontrol/v1/instances`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(list.status).toBe(200);
  expect(await list.json()).toMatchObject({ items: [], totalCount: 0 });
});

it('offers GitHub sign-in and no guest sign-in', async () => {
  const guest = await fetch(`${url}/api/auth/guest/refresh`);
  expect(guest.status).toBe(404);
  const github = await fetch(`${url}/api/auth/github/start?env=production`, {
    redirect: 'manual',
  });
  expect(github.status).toBe(302);
  expect(github.headers.get('location')).toMatch(
    /^https:\/\/github\.com\/login\/oauth\/authorize\?.*client_id=bundle-test-client-id/,
  );
});
