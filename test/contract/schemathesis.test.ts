import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST_ENV } from '../production/installedBackend';
import { PortalBackend, startPortalBackend } from '../lifecycle/portalBackend';

/*
 * The API contract, checked by Schemathesis (PyPI, pinned in requirements.txt) against a live
 * portal backend: the real packages/backend with guest sign-in on SQLite, every check on
 * (`--checks all`: no 5xx, status codes, content types, headers and bodies as documented,
 * schema-valid requests accepted, invalid ones refused, 405 with Allow for undocumented methods,
 * ignored auth, object-level authorization, …) except use-after-free (see runSchemathesis),
 * once as an API key and once as a user token. The document is the one the backend serves, so
 * what is checked is what clients read.
 *
 * The reconciler is off: every request is answered from the database and the test bed's
 * apiserver as usual, but no Helm release is installed for the instances Schemathesis creates,
 * which would only add load and leave namespaces to clean up.
 */

jest.setTimeout(900_000);

const requirements = join(__dirname, 'requirements.txt');

/** Schemathesis in a virtualenv of its own, cached by the hash of requirements.txt. */
function schemathesisBinary(): string {
  const hash = createHash('sha256')
    .update(readFileSync(requirements))
    .digest('hex')
    .slice(0, 16);
  const venv = join(
    process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
    'supacontrol',
    'schemathesis',
    hash,
  );
  const binary = join(venv, 'bin', 'schemathesis');
  if (existsSync(binary)) return binary;
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', '--clear', venv]],
    [
      join(venv, 'bin', 'pip'),
      ['install', '--quiet', '--disable-pip-version-check', '-r', requirements],
    ],
  ];
  for (const [command, args] of steps) {
    const run = spawnSync(command, args, { encoding: 'utf8' });
    if (run.status !== 0) {
      throw new Error(
        `installing Schemathesis failed: ${command} ${args.join(' ')}\n${
          run.stdout
        }${run.stderr}`,
      );
    }
  }
  return binary;
}

interface Run {
  code: number | null;
  output: string;
}

function runSchemathesis(
  binary: string,
  url: string,
  auth: { scheme: string; bearer: string },
  reportDir: string,
): Promise<Run> {
  const config = join(reportDir, `${auth.scheme}.toml`);
  writeFileSync(
    config,
    [
      // Only the named security scheme gets credentials; Schemathesis sends the others' headers
      // only in its auth checks.
      `[auth.openapi.${auth.scheme}]`,
      'bearer = "${SCHEMATHESIS_BEARER}"',
      '',
    ].join('\n'),
  );
  const args = [
    '--config-file',
    config,
    'run',
    `${url}/api/supacontrol/v1/openapi.json`,
    '--url',
    `${url}/api/supacontrol`,
    '--checks',
    'all',
    // The one check that is off. It expects a deleted resource to answer 404 at once, but
    // DELETE /v1/instances/{name} answers 202 Accepted: the instance stays readable with status
    // Deleting (and its history and cluster events with it) until the reconciler has removed its
    // namespace, as a Kubernetes object stays readable until its finalizers end. Deletion itself
    // is tested end to end in test/lifecycle.
    '--exclude-checks',
    'use_after_free',
    '--workers',
    '1',
    // A fixed seed: the same cases on every machine; change it to look further.
    '--seed',
    process.env.SUPACONTROL_SCHEMATHESIS_SEED ?? '20261202',
    '--generation-database',
    'none',
    '--no-color',
    '--report',
    'junit',
    '--report-dir',
    join(reportDir, auth.scheme),
  ];
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(binary, args, {
      cwd: reportDir,
      env: { ...HOST_ENV, SCHEMATHESIS_BEARER: auth.bearer },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', d => (output += d));
    child.stderr.on('data', d => (output += d));
    child.on('error', reject);
    child.on('exit', code => resolve({ code, output }));
  });
}

/** "3549 generated, 3549 passed, 42 skipped" → the counts, or undefined. */
function counts(output: string) {
  const match = /(\d+) generated, (.*)$/m.exec(output);
  if (!match) return undefined;
  const field = (name: string) =>
    Number(new RegExp(`(\\d+) ${name}`).exec(match[2])?.[1] ?? 0);
  return {
    generated: Number(match[1]),
    passed: field('passed'),
    failures: field('unique failures') || field('failures'),
  };
}

describe('the API contract (Schemathesis against a live backend)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'supacontrol-contract-'));
  let backend: PortalBackend | undefined;
  let url = '';
  let binary = '';

  beforeAll(async () => {
    binary = schemathesisBinary();
    backend = await startPortalBackend({
      supacontrol: {
        reconcile: { enabled: false },
        limits: { requestsPerMinute: 1_000_000 },
        // Below the default, so that the document's maximum is the configured one.
        apiKeys: {
          maxLifetimeDays: 200,
          // Schemathesis presents wrong keys on purpose; they must keep getting 401, not 429.
          failedAttempts: { perKey: 1000, perClient: 100_000 },
        },
        plans: {
          small: {
            default: true,
            description: 'Test bed plan',
            values: { persistence: { enabled: false } },
          },
          large: { description: 'Another plan', values: {} },
        },
      },
    });
    url = backend.url;
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('finds no failure with every check but use-after-free, as an API key and as a user token', async () => {
    const token = await backend!.guestToken();
    const created = await fetch(`${url}/api/supacontrol/v1/api-keys`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        name: 'schemathesis',
        scopes: ['instances:read', 'instances:write', 'instances:credentials'],
      }),
    });
    expect(created.status).toBe(201);
    const { key } = await created.json();
    const document = await (
      await fetch(`${url}/api/supacontrol/v1/openapi.json`)
    ).json();
    const operations = Object.values(document.paths).flatMap(item =>
      Object.keys(item as object),
    ).length;

    // The key first: the user's run may revoke the user's keys (DELETE /v1/api-keys).
    const runs = [
      { scheme: 'apiKeyBearer', bearer: key as string },
      { scheme: 'backstageToken', bearer: token },
    ];
    for (const auth of runs) {
      const run = await runSchemathesis(binary, url, auth, dir);
      const result = counts(run.output);
      // eslint-disable-next-line no-console
      console.log(
        `schemathesis as ${auth.scheme}: exit ${run.code}, ${JSON.stringify(
          result,
        )}`,
      );
      if (run.code !== 0 || !result || result.failures > 0) {
        throw new Error(
          `Schemathesis as ${auth.scheme} failed (exit ${
            run.code
          }):\n${run.output.slice(-20000)}`,
        );
      }
      // Every operation was reached with these credentials, and each generated case passed.
      expect(run.output).toContain(`Tested: ${operations}\n`);
      expect(result.generated).toBeGreaterThan(1000);
      expect(result.passed).toBe(result.generated);
    }
  });
});
