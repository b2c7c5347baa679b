import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import {
  closedPort,
  startSupactlHarness,
  SupactlHarness,
} from './__testUtils__/harness';

/*
 * supactl as users run it: the real binary in a child process (so exit codes and output are
 * real) against the real SupaControl backend plugin, started in-process. The API checks
 * namespaces in the test cluster; no reconciler runs, so instances stay Pending (or Deleting).
 * cli.lifecycle.test.ts runs one with a reconciler.
 */

jest.setTimeout(180_000);

// Unique per run: the test cluster is shared, and namespaces are checked by name.
const run = Math.random().toString(36).slice(2, 8);
const nameOf = (what: string) => `cli-${run}-${what}`;

let harness: SupactlHarness;
let portalUrl: string;
let home: string;
let keys: { write: string; read: string; all: string };
const supactl: SupactlHarness['supactl'] = (...args) =>
  harness.supactl(...args);
const as: SupactlHarness['as'] = apiKey => harness.as(apiKey);
const api: SupactlHarness['api'] = (...args) => harness.api(...args);

beforeAll(async () => {
  harness = await startSupactlHarness({
    reconcile: { enabled: false },
    // Every test creates instances of its own, all Alice's; the default limit is 10.
    limits: { instancesPerOwner: 100 },
  });
  ({ portalUrl, home } = harness);
  keys = {
    write: await harness.createKey(['instances:read', 'instances:write']),
    read: await harness.createKey(['instances:read']),
    all: await harness.createKey([
      'instances:read',
      'instances:write',
      'instances:credentials',
    ]),
  };
});

afterAll(() => harness?.close());

describe('login and contexts', () => {
  it('verifies the key and stores the context in a 0600 file', async () => {
    const configHome = path.join(home, 'login');
    const result = await supactl(['login', portalUrl, '--api-key-stdin'], {
      input: `${keys.write}\n`,
      configHome,
    });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const file = path.join(configHome, 'supactl', 'config.yaml');
    expect(result.stdout).toContain(`Logged in to ${portalUrl}`);
    expect(result.stdout).toContain(file);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    const stored = YAML.parse(await fs.readFile(file, 'utf8'));
    const contextName = new URL(portalUrl).host;
    expect(stored).toEqual({
      currentContext: contextName,
      contexts: [{ name: contextName, url: portalUrl, apiKey: keys.write }],
    });

    const contexts = await supactl(['config', 'get-contexts'], { configHome });
    expect(contexts.code).toBe(0);
    expect(contexts.stdout).toMatch(
      new RegExp(
        `^\\*\\s+${contextName}\\s+${portalUrl}\\s+sck_[a-z0-9]{16}_\\*\\*\\*\\*$`,
        'm',
      ),
    );
    expect(contexts.stdout).not.toContain(keys.write);

    const list = await supactl(['instances', 'list'], { configHome });
    expect(list.code).toBe(0);
  });

  it('refuses a key the server does not know, with its message and exit code 1', async () => {
    const configHome = path.join(home, 'bad-key');
    const result = await supactl(['login', portalUrl, '--api-key-stdin'], {
      input: `sck_0000000000000000_${'a'.repeat(43)}`,
      configHome,
    });

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: ${portalUrl}/api/supacontrol refused the API key: Invalid API key\n`,
    );
    await expect(fs.stat(path.join(configHome, 'supactl'))).rejects.toThrow(
      'ENOENT',
    );
  });

  it('says a key is refused when a command runs with a bad one', async () => {
    const result = await as(`sck_0000000000000000_${'b'.repeat(43)}`)([
      'instances',
      'list',
    ]);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: Invalid API key (the API key was refused: check SUPACTL_API_KEY, or log in again with supactl login)\n',
    );
  });

  it('refuses something that is not an API key before sending it', async () => {
    const result = await supactl(['login', portalUrl, '--api-key-stdin'], {
      input: 'hunter2',
      configHome: path.join(home, 'not-a-key'),
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: an API key looks like sck_<id>_<secret>, as created under SupaControl settings in the portal\n',
    );
  });

  it('reports an unreachable portal in one line with exit code 1', async () => {
    const port = await closedPort();
    const result = await supactl(
      ['login', `http://127.0.0.1:${port}`, '--api-key-stdin'],
      { input: keys.read, configHome: path.join(home, 'unreachable') },
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: cannot reach http://127.0.0.1:${port}/api/supacontrol: connection refused (ECONNREFUSED)\n`,
    );
  });

  it('switches and deletes contexts', async () => {
    const configHome = path.join(home, 'contexts');
    for (const name of ['first', 'second']) {
      const login = await supactl(
        ['login', portalUrl, '--api-key-stdin', '--name', name],
        { input: keys.read, configHome },
      );
      expect(login.code).toBe(0);
    }
    const current = await supactl(['config', 'current-context'], {
      configHome,
    });
    expect(current.stdout).toBe('second\n');

    expect(
      (await supactl(['config', 'use-context', 'first'], { configHome }))
        .stdout,
    ).toBe("Switched to context 'first'\n");
    const unknown = await supactl(['config', 'use-context', 'third'], {
      configHome,
    });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      "error: no context named 'third'; known contexts: 'first', 'second'\n",
    );

    const deleted = await supactl(['config', 'delete-context', 'first'], {
      configHome,
    });
    expect(deleted.code).toBe(0);
    const after = await supactl(['config', 'get-contexts'], { configHome });
    expect(after.stdout).not.toMatch(/first/);
    expect(after.stdout).toMatch(/^\s+second\s/m);
    const none = await supactl(['instances', 'list'], { configHome });
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      'error: not logged in: run supactl login <portal-url> --api-key-stdin, or set SUPACTL_URL and SUPACTL_API_KEY\n',
    );
  });

  it('lets SUPACTL_API_KEY replace the key of the current context', async () => {
    const configHome = path.join(home, 'env-key');
    await supactl(['login', portalUrl, '--api-key-stdin'], {
      input: keys.read,
      configHome,
    });
    const result = await supactl(['instances', 'create', nameOf('envkey')], {
      configHome,
      env: { SUPACTL_API_KEY: keys.write },
    });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('instances', () => {
  const write = () => as(keys.write);

  it('creates, lists, gets and deletes an instance', async () => {
    const name = nameOf('crud');
    const created = await write()(['instances', 'create', name]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toBe(
      `instance '${name}' created (status Pending, plan small, cluster default, region default)\n`,
    );

    const list = await write()(['instances', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      /^NAME\s+STATUS\s+PLAN\s+CLUSTER\s+REGION\s+OWNER\s+AGE$/m,
    );
    expect(list.stdout).toMatch(
      new RegExp(
        `^${name}\\s+Pending\\s+small\\s+default\\s+default\\s+user:default/alice\\s+\\d+s$`,
        'm',
      ),
    );
    // The harness configures one cluster, which `kubernetes:` names `default`.
    const onCluster = await write()([
      'instances',
      'list',
      '--cluster',
      'default',
    ]);
    expect(onCluster.stdout).toContain(name);
    const elsewhere = await write()([
      'instances',
      'list',
      '--region',
      'nowhere',
    ]);
    // A region no cluster is in is a mistake, not an empty list.
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stdout).toBe('');
    expect(elsewhere.stderr).toContain(
      "region must be one of 'default'; got 'nowhere'",
    );
    const filtered = await write()([
      'instances',
      'list',
      '--status',
      'running',
    ]);
    expect(filtered.stdout).not.toContain(name);

    const get = await write()(['instances', 'get', name]);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(new RegExp(`^Name:\\s+${name}$`, 'm'));
    expect(get.stdout).toMatch(/^Status:\s+Pending$/m);
    expect(get.stdout).toMatch(new RegExp(`^Namespace:\\s+supa-${name}$`, 'm'));
    expect(get.stdout).toMatch(/^Cluster:\s+default$/m);
    expect(get.stdout).toMatch(/^Region:\s+default$/m);

    const deleted = await write()(['instances', 'delete', name, '--yes']);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe(
      `deletion of instance '${name}' requested (status Deleting)\n`,
    );
    const again = await api('GET', `/v1/instances/${name}`);
    expect(again.status).toBe('Deleting');

    const events = await write()(['instances', 'events', name]);
    expect(events.code).toBe(0);
    expect(events.stdout).toMatch(
      /^TIME\s+ACTOR\s+ACTION\s+STATUS\s+MESSAGE$/m,
    );
    expect(events.stdout).toMatch(
      /\screate\s+- -> Pending\s+Created with plan 'small'/,
    );
    expect(events.stdout).toMatch(
      /\sdelete\s+Pending -> Deleting\s+Deletion requested/,
    );
  });

  it('exits 4 with the server message for a taken name, and 0 with --exists-ok', async () => {
    const name = nameOf('taken');
    expect((await write()(['instances', 'create', name])).code).toBe(0);

    const again = await write()(['instances', 'create', name]);
    expect(again.code).toBe(4);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^error: .*'.*taken.*\n$/i);
    expect(again.stderr.split('\n')).toHaveLength(2);

    const reused = await write()(['instances', 'create', name, '--exists-ok']);
    expect(reused.code).toBe(0);
    expect(reused.stdout).toBe(
      `instance '${name}' already exists (status Pending, plan small, cluster default, region default)\n`,
    );
  });

  it('exits 3 for an instance that does not exist', async () => {
    const name = nameOf('missing');
    const result = await write()(['instances', 'get', name]);

    expect(result.code).toBe(3);
    expect(result.stderr).toBe(`error: No instance named '${name}'\n`);
  });

  it('exits 2 for a bad name without sending any request', async () => {
    // The URL goes nowhere: a request would fail with exit code 1, not 2.
    const port = await closedPort();
    const result = await supactl(['instances', 'create', 'Bad_Name'], {
      env: {
        SUPACTL_URL: `http://127.0.0.1:${port}`,
        SUPACTL_API_KEY: keys.write,
      },
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: command-argument value 'Bad_Name' is invalid for argument 'name'. name must be 1–40 lowercase letters, digits or '-', starting with a letter and not ending with '-'; got 'Bad_Name'\n",
    );
  });

  it('exits 2 with the server message for a plan it does not have', async () => {
    const result = await write()([
      'instances',
      'create',
      nameOf('plan'),
      '--plan',
      'huge',
    ]);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: plan must be one of 'small', 'medium'; got 'huge'\n",
    );
  });

  it('times out create --wait with exit code 5 while the instance stays Pending', async () => {
    const name = nameOf('wait');
    const started = Date.now();
    const result = await write()([
      'instances',
      'create',
      name,
      '--wait',
      '--timeout',
      '2s',
    ]);

    expect(result.code).toBe(5);
    // Not a terminal: plain progress lines instead of a spinner.
    expect(result.stdout).toBe(
      `instance '${name}' created (status Pending, plan small, cluster default, region default)\n${name}: Pending\n`,
    );
    expect(result.stderr).toBe(
      `error: timed out after 2s waiting for instance '${name}' to be Running (status is Pending)\n`,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('waits for a status it already has, and times out delete --wait while Deleting', async () => {
    const name = nameOf('waitfor');
    await write()(['instances', 'create', name]);

    const pending = await write()([
      'instances',
      'wait',
      name,
      '--for',
      'status=Pending',
    ]);
    expect(pending.code).toBe(0);
    // The closing line names the endpoints the backend reports for the instance.
    expect(pending.stdout).toMatch(
      new RegExp(
        `^${name}: Pending\ninstance '${name}' is Pending; API \\S+, Studio \\S+\n$`,
      ),
    );

    const deleting = await write()([
      'instances',
      'delete',
      name,
      '--yes',
      '--wait',
      '--timeout',
      '2s',
    ]);
    expect(deleting.code).toBe(5);
    expect(deleting.stderr).toBe(
      `error: timed out after 2s waiting for instance '${name}' to be deleted (status is Deleting)\n`,
    );

    const hopeless = await write()([
      'instances',
      'wait',
      name,
      '--for',
      'status=Running',
    ]);
    expect(hopeless.code).toBe(1);
    expect(hopeless.stderr).toBe(
      `error: instance '${name}' is being deleted, so it will not become Running (status Deleting)\n`,
    );
  });

  it('refuses to delete without --yes when not on a terminal', async () => {
    const name = nameOf('keep');
    await write()(['instances', 'create', name]);
    const result = await write()(['instances', 'delete', name]);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: refusing to delete instance '${name}' without confirmation: not on a terminal, so pass --yes\n`,
    );
    expect((await api('GET', `/v1/instances/${name}`)).status).toBe('Pending');
  });

  it('exits 4 when retrying an instance that has not failed', async () => {
    const name = nameOf('retry');
    await write()(['instances', 'create', name]);
    const result = await write()(['instances', 'retry', name]);

    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      `error: Instance '${name}' is Pending; only Failed instances can be retried\n`,
    );
  });

  it('prints the server JSON with -o json and the same data with -o yaml', async () => {
    const name = nameOf('json');
    await write()(['instances', 'create', name]);

    const get = await write()(['instances', 'get', name, '-o', 'json']);
    expect(get.code).toBe(0);
    expect(JSON.parse(get.stdout)).toEqual(
      await api('GET', `/v1/instances/${name}`),
    );
    const getYaml = await write()(['instances', 'get', name, '-o', 'yaml']);
    expect(YAML.parse(getYaml.stdout)).toEqual(JSON.parse(get.stdout));

    const list = await write()(['instances', 'list', '-o', 'json']);
    expect(JSON.parse(list.stdout)).toEqual(
      await api('GET', '/v1/instances?limit=100'),
    );
    const listYaml = await write()(['instances', 'list', '-o', 'yaml']);
    expect(YAML.parse(listYaml.stdout)).toEqual(JSON.parse(list.stdout));

    const events = await write()(['instances', 'events', name, '-o', 'json']);
    expect(JSON.parse(events.stdout)).toEqual(
      await api('GET', `/v1/instances/${name}/events`),
    );

    const plans = await write()(['plans', 'list', '-o', 'json']);
    expect(JSON.parse(plans.stdout)).toEqual(await api('GET', '/v1/plans'));
  });

  it('lists the plans', async () => {
    const result = await write()(['plans', 'list']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^NAME\s+DEFAULT\s+DESCRIPTION$/m);
    expect(result.stdout).toMatch(/^small\s+yes\s+\S/m);
  });

  it('lists the clusters', async () => {
    const result = await write()(['clusters']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^NAME\s+REGION\s+ENABLED\s+INSTANCES\s+MAX\s+STATUS$/m,
    );
    expect(result.stdout).toMatch(/^default\s+default\s+yes\s+\d+\s+-\s+\w+$/m);
    const json = await write()(['clusters', 'list', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toEqual(await api('GET', '/v1/clusters'));
  });
});

describe('day-2 operations', () => {
  // Without a reconciler the instances stay Pending: these cover what the server accepts and
  // refuses; cli.operations.test.ts runs them on a Running instance with --wait.
  const write = () => as(keys.write);

  it('protects an instance from deletion until protection is turned off', async () => {
    const name = nameOf('protect');
    const created = await write()([
      'instances',
      'create',
      name,
      '--deletion-protection',
    ]);
    expect(created.code).toBe(0);
    const get = await write()(['instances', 'get', name]);
    expect(get.stdout).toMatch(/^Deletion protection:\s+on$/m);
    expect(
      JSON.parse(
        (await write()(['instances', 'get', name, '-o', 'json'])).stdout,
      ),
    ).toMatchObject({ deletionProtection: true });

    const refused = await write()(['instances', 'delete', name, '--yes']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toBe(
      `error: Instance '${name}' has deletion protection, so it is not deleted. Clear it first: PATCH /v1/instances/${name} {"deletionProtection": false}, or supactl instances update ${name} --deletion-protection false\n`,
    );
    expect((await api('GET', `/v1/instances/${name}`)).status).toBe('Pending');

    const cleared = await write()([
      'instances',
      'update',
      name,
      '--deletion-protection',
      'false',
    ]);
    expect(cleared.stderr).toBe('');
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toBe(
      `instance '${name}' updated: deletion protection off (status Pending)\n`,
    );
    expect((await write()(['instances', 'get', name])).stdout).toMatch(
      /^Deletion protection:\s+off$/m,
    );
    expect((await write()(['instances', 'delete', name, '--yes'])).code).toBe(
      0,
    );
  });

  it('changes the plan and prints the instance with -o json', async () => {
    const name = nameOf('replan');
    await write()(['instances', 'create', name]);

    const updated = await write()([
      'instances',
      'update',
      name,
      '--plan',
      'medium',
      '--deletion-protection',
      'true',
    ]);
    expect(updated.stderr).toBe('');
    expect(updated.code).toBe(0);
    expect(updated.stdout).toBe(
      `instance '${name}' updated: plan medium, deletion protection on (status Pending)\n`,
    );

    const json = await write()([
      'instances',
      'update',
      name,
      '--deletion-protection',
      'false',
      '-o',
      'json',
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(
      await api('GET', `/v1/instances/${name}`),
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      plan: 'medium',
      deletionProtection: false,
    });

    const unknown = await write()([
      'instances',
      'update',
      name,
      '--plan',
      'huge',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      "error: plan must be one of 'small', 'medium'; got 'huge'\n",
    );
  });

  it('exits 4 with the server message for operations the status does not allow', async () => {
    const name = nameOf('ops');
    await write()(['instances', 'create', name]);

    // The server's message, in one line: which statuses allow the operation is the backend's to say.
    const refusals: [string[], RegExp][] = [
      [['pause', name], /is Pending; .* can be paused/],
      [['resume', name, '--wait'], /is not paused \(it is Pending\)/],
      [['restart', name, '-c', 'auth'], /is Pending; .* can be restarted/],
      [['rotate', name, 'dashboard'], /is Pending; credentials can be rotated/],
    ];
    for (const [args, message] of refusals) {
      const result = await write()(['instances', ...args]);
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({
        args,
        code: 4,
        stdout: '',
      });
      expect(result.stderr).toMatch(new RegExp(`^error: Instance '${name}' `));
      expect(result.stderr).toMatch(message);
      expect(result.stderr.split('\n')).toHaveLength(2);
    }
  });

  it('exits 2 with the reason when asked to rotate the database password', async () => {
    const name = nameOf('rotatedb');
    await write()(['instances', 'create', name]);
    const result = await write()(['instances', 'rotate', name, 'database']);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^error: The database password cannot be rotated: Postgres keeps the password it was first given\b.*\n$/,
    );
  });

  it('exits 3 for an instance that does not exist, and 1 for a read-only key', async () => {
    const missing = nameOf('nothere');
    const result = await write()(['instances', 'pause', missing]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(`error: No instance named '${missing}'\n`);

    const name = nameOf('readonly');
    await write()(['instances', 'create', name]);
    const denied = await as(keys.read)([
      'instances',
      'update',
      name,
      '--deletion-protection',
      'true',
    ]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(
      /^error: API key sck_[a-z0-9]{16} lacks the scope 'instances:write'/,
    );
  });
});

describe('credentials', () => {
  it('passes on the server message while credentials do not exist yet', async () => {
    const name = nameOf('creds');
    await as(keys.all)(['instances', 'create', name]);
    const result = await as(keys.all)([
      'instances',
      'credentials',
      name,
      '-o',
      'env',
    ]);

    // Without a reconciler the instance never gets its Secret; -o env formatting is covered by
    // output/credentials.test.ts.
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: Credentials of '${name}' do not exist yet (status Pending); they are created while provisioning\n`,
    );
  });

  it('exits 1 with the server message for a key without the credentials scope', async () => {
    const name = nameOf('noscope');
    await as(keys.all)(['instances', 'create', name]);
    const result = await as(keys.read)(['instances', 'credentials', name]);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: API key sck_[a-z0-9]{16} lacks the scope 'instances:credentials'; create a key with that scope\n$/,
    );
  });
});
