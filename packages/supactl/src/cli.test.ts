import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { runCli } from './cli';
import { Io } from './terminal/Io';
import { instanceFixture } from './__testUtils__/instance';

/*
 * The command tree in-process: help and argument checks need no server. Anything that talks to
 * the API is covered by cli.e2e.test.ts, against the real backend; the few tests here that need
 * answers (what a command sends, how it prints them) get them from a stub portal.
 */

async function run(...args: string[]) {
  return runWith({}, ...args);
}

async function runWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: process.stdin,
    // Points nowhere usable: these tests must fail before any request.
    env: {
      HOME: '/nonexistent',
      SUPACTL_URL: 'http://127.0.0.1:9',
      SUPACTL_API_KEY: `sck_aaaaaaaaaaaaaaaa_${'a'.repeat(43)}`,
      ...env,
    },
  };
  const code = await runCli(['node', 'supactl', ...args], io);
  return { code, stdout, stderr };
}

const COMMANDS = [
  [],
  ['login'],
  ['config'],
  ['config', 'get-contexts'],
  ['config', 'current-context'],
  ['config', 'use-context'],
  ['config', 'delete-context'],
  ['instances'],
  ['instances', 'list'],
  ['instances', 'get'],
  ['instances', 'create'],
  ['instances', 'delete'],
  ['instances', 'retry'],
  ['instances', 'update'],
  ['instances', 'pause'],
  ['instances', 'resume'],
  ['instances', 'restart'],
  ['instances', 'rotate'],
  ['instances', 'credentials'],
  ['instances', 'events'],
  ['instances', 'wait'],
  ['instances', 'verify'],
  ['plans'],
  ['plans', 'list'],
  ['clusters'],
  ['clusters', 'list'],
];

describe('supactl', () => {
  it.each(COMMANDS)('has --help for %p', async (...command) => {
    const result = await run(...command, '--help');

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: supactl/);
    expect(result.stderr).toBe('');
  });

  it('documents the exit codes in the top-level help', async () => {
    const { stdout } = await run('--help');

    expect(stdout).toContain(
      'Exit codes:\n  0  success\n  1  error (connection, authentication, permission, failed instance, ...)\n  2  usage',
    );
  });

  it.each([
    [['instances', 'get', 'Bad'], "value 'Bad' is invalid for argument 'name'"],
    [['instances', 'get', 'kube-system'], "name 'kube-system' is reserved"],
    [['instances', 'create', 'a--b'], "name must not contain '--'"],
    [
      ['instances', 'list', '-o', 'xml'],
      'Allowed choices are table, json, yaml',
    ],
    [
      ['instances', 'credentials', 'pr-1', '-o', 'table'],
      'Allowed choices are env, json, yaml',
    ],
    [['instances', 'list', '--status', 'Up'], 'status must be one of Pending'],
    [
      ['instances', 'wait', 'pr-1'],
      "required option '--for <condition>' not specified",
    ],
    [['instances', 'wait', 'pr-1', '--for', 'Running'], 'use status=<status>'],
    [
      ['instances', 'wait', 'pr-1', '--for', 'delete', '--timeout', '10'],
      "'10' has no unit",
    ],
    [
      ['instances', 'create', 'pr-1', '--timeout', '10m'],
      '--timeout only applies together with --wait',
    ],
    [['instances', 'get'], "missing required argument 'name'"],
    [['instances', 'get', 'a', 'b'], 'too many arguments'],
    [['login', 'portal.example.com'], "'portal.example.com' is not a URL"],
    [['login', 'https://p.example.com', '--name', 'a b'], 'context names are'],
    [
      ['--request-timeout', '0s', 'instances', 'list'],
      "'0s' must be longer than zero",
    ],
    [['instances', 'frobnicate'], "unknown command 'frobnicate'"],
    [['instances', 'list', '--colour'], "unknown option '--colour'"],
    [
      ['instances', 'verify', 'pr-1', '--api-url', 'ftp://x'],
      "'ftp://x' is not an http(s) URL",
    ],
    [
      ['instances', 'verify', 'pr-1', '--via-portal', '--api-url', 'http://x'],
      "option '--via-portal' cannot be used with option '--api-url <url>'",
    ],
    [['instances', 'pause'], "missing required argument 'name'"],
    [['instances', 'pause', 'Bad'], "value 'Bad' is invalid for argument"],
    [
      ['instances', 'pause', 'pr-1', '--timeout', '1m'],
      '--timeout only applies together with --wait',
    ],
    [
      ['instances', 'resume', 'pr-1', '--wait', '--timeout', 'soon'],
      "option '--timeout <duration>' argument 'soon' is invalid",
    ],
    [
      ['instances', 'resume', 'pr-1', '-o', 'xml'],
      'Allowed choices are table, json, yaml',
    ],
    [
      ['instances', 'restart', 'pr-1', '-c', 'postgres'],
      "component must be one of db, rest, auth, realtime, storage, meta, functions, kong, studio; got 'postgres'",
    ],
    [['instances', 'restart', 'pr-1', '--component'], 'argument missing'],
    [
      ['instances', 'update', 'pr-1'],
      "nothing to update for instance 'pr-1': give --plan <plan>, --chart-version <version> and/or --deletion-protection true|false",
    ],
    [
      ['instances', 'update', 'pr-1', '--chart-version', 'latest'],
      "chart versions are semantic versions such as 0.2.0 (see supactl instances update --help); got 'latest'",
    ],
    [
      ['instances', 'update', 'pr-1', '--deletion-protection', 'yes'],
      "use true or false; got 'yes'",
    ],
    [
      ['instances', 'update', 'pr-1', '--deletion-protection'],
      "option '--deletion-protection <true|false>' argument missing",
    ],
    [
      ['instances', 'update', 'pr-1', '--plan', 'Big Plan'],
      "plan names are 1–32 lowercase letters, digits or '-'",
    ],
    [
      ['instances', 'create', 'pr-1', '--plan', ''],
      "plan names are 1–32 lowercase letters, digits or '-'",
    ],
    [
      ['instances', 'create', 'pr-1', '--deletion-protection', 'false'],
      'too many arguments',
    ],
    [
      [
        'instances',
        'create',
        'pr-1',
        '--cluster',
        'eu-1',
        '--region',
        'eu-west',
      ],
      "option '--cluster <name>' cannot be used with option '--region <name>'",
    ],
    [
      ['instances', 'create', 'pr-1', '--cluster', 'EU_1'],
      "cluster names are 1–32 lowercase letters, digits or '-', starting with a letter (see supactl clusters list); got 'EU_1'",
    ],
    [
      ['instances', 'create', 'pr-1', '--region', '1-west'],
      "region names are 1–32 lowercase letters, digits or '-', starting with a letter",
    ],
    [
      ['instances', 'list', '--cluster', 'x'.repeat(33)],
      'cluster names are 1–32 lowercase letters',
    ],
    [['instances', 'list', '--region', ''], 'region names are 1–32'],
    [['instances', 'list', '--region'], 'argument missing'],
    [['clusters', '-o', 'xml'], 'Allowed choices are table, json, yaml'],
    [['clusters', 'list', 'eu-1'], 'too many arguments'],
    [['instances', 'rotate', 'pr-1'], "missing required argument 'what'"],
    [
      ['instances', 'rotate', 'pr-1', 'password'],
      "what to rotate must be one of jwt, dashboard, database; got 'password'",
    ],
    [
      ['instances', 'rotate', 'pr-1', 'jwt'],
      "refusing to rotate the JWT secret of instance 'pr-1' without confirmation: not on a terminal, so pass --yes",
    ],
    [
      ['instances', 'rotate', 'pr-1', 'jwt', '--yes', '--timeout', '1m'],
      '--timeout only applies together with --wait',
    ],
  ])('refuses %p with a usage error in one line', async (args, message) => {
    const result = await run(...args);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it.each([
    [['instances', 'rotate', 'pr-1', 'dashboard']],
    [['instances', 'rotate', 'pr-1', 'jwt', '--yes']],
  ])(
    'sends %p without asking: only an unconfirmed jwt rotation needs --yes',
    async args => {
      const result = await run(...args);

      // The request went out, to a URL where nothing answers.
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^error: cannot reach http:\/\/127\.0\.0\.1:9\//,
      );
    },
  );

  it('prints its version', async () => {
    expect(await run('--version')).toEqual({
      code: 0,
      stdout: '0.1.0\n',
      stderr: '',
    });
  });

  describe('placement, against a stub portal', () => {
    const instance = instanceFixture({
      cluster: 'eu-2',
      region: 'eu-west',
      createdAt: new Date(Date.now() - 300_000).toISOString(),
      updatedAt: new Date().toISOString(),
    });
    const clusters = {
      items: [
        {
          name: 'eu-1',
          region: 'eu-west',
          labels: {},
          enabled: true,
          maxInstances: 20,
          instances: 3,
          status: 'reachable',
        },
        {
          name: 'us-1',
          region: 'us-east',
          labels: { tier: 'spare' },
          enabled: false,
          instances: 0,
          status: 'unreachable',
          message: 'connect ECONNREFUSED',
        },
      ],
    };
    let server: Server;
    let env: NodeJS.ProcessEnv;
    let requests: { method: string; url: URL; body: unknown }[];

    const readBody = async (request: IncomingMessage) => {
      let text = '';
      for await (const chunk of request) text += chunk;
      return text ? JSON.parse(text) : undefined;
    };

    beforeAll(async () => {
      server = createServer(async (request, response) => {
        const url = new URL(request.url!, 'http://stub');
        requests.push({
          method: request.method!,
          url,
          body: await readBody(request),
        });
        const answers: Record<string, [number, unknown]> = {
          'GET /api/supacontrol/v1/clusters': [200, clusters],
          'GET /api/supacontrol/v1/instances': [
            200,
            { items: [instance], totalCount: 1 },
          ],
          'POST /api/supacontrol/v1/instances': [201, instance],
          'GET /api/supacontrol/v1/instances/pr-1': [200, instance],
        };
        const [status, body] = answers[`${request.method} ${url.pathname}`] ?? [
          404,
          { error: { name: 'NotFoundError', message: 'stub' } },
        ];
        response.writeHead(status, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify(body));
      });
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      env = {
        SUPACTL_URL: `http://127.0.0.1:${
          (server.address() as AddressInfo).port
        }`,
      };
    });
    beforeEach(() => {
      requests = [];
    });
    afterAll(() => new Promise(resolve => server.close(resolve)));

    it('lists the clusters as a table', async () => {
      const result = await runWith(env, 'clusters');

      expect(result).toEqual({
        code: 0,
        stdout: [
          'NAME   REGION    ENABLED   INSTANCES   MAX   STATUS',
          'eu-1   eu-west   yes       3           20    reachable',
          'us-1   us-east   no        0           -     unreachable',
          '',
        ].join('\n'),
        stderr: '',
      });
      expect(requests.map(r => `${r.method} ${r.url.pathname}`)).toEqual([
        'GET /api/supacontrol/v1/clusters',
      ]);
    });

    it("prints the server's clusters as they are with -o json", async () => {
      const result = await runWith(env, 'clusters', 'list', '-o', 'json');

      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(clusters);
    });

    it.each([
      [['--cluster', 'eu-2'], { cluster: 'eu-2' }],
      [['--region', 'eu-west'], { region: 'eu-west' }],
      [[], {}],
    ])('creates with %p', async (args, placement) => {
      const result = await runWith(env, 'instances', 'create', 'pr-1', ...args);

      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        "instance 'pr-1' created (status Pending, plan small, cluster eu-2, region eu-west)\n",
      );
      expect(requests[0].body).toEqual({ name: 'pr-1', ...placement });
    });

    it('warns when the instance is not where it was asked to be', async () => {
      const result = await runWith(
        env,
        'instances',
        'create',
        'pr-1',
        '--cluster',
        'eu-1',
      );

      expect(result.code).toBe(0);
      expect(result.stderr).toBe(
        "warning: instance 'pr-1' is on cluster eu-2, not eu-1\n",
      );
    });

    it('sends the cluster and region filters of list, and shows both columns', async () => {
      const result = await runWith(
        env,
        'instances',
        'list',
        '--cluster',
        'eu-2',
        '--region',
        'eu-west',
      );

      expect(result.code).toBe(0);
      expect(
        Object.fromEntries(requests[0].url.searchParams.entries()),
      ).toEqual({ limit: '100', cluster: 'eu-2', region: 'eu-west' });
      expect(result.stdout).toMatch(
        /^NAME\s+STATUS\s+PLAN\s+CLUSTER\s+REGION\s+OWNER\s+AGE\npr-1\s+Pending\s+small\s+eu-2\s+eu-west\s+user:default\/alice\s+5m\n$/,
      );
    });

    it('shows the cluster and region of one instance', async () => {
      const result = await runWith(env, 'instances', 'get', 'pr-1');

      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Cluster:\s+eu-2$/m);
      expect(result.stdout).toMatch(/^Region:\s+eu-west$/m);
    });
  });
});
