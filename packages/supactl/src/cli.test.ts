import { runCli } from './cli';
import { Io } from './terminal/Io';

/*
 * The command tree in-process: help and argument checks need no server. Anything that talks to
 * the API is covered by cli.e2e.test.ts, against the real backend.
 */

async function run(...args: string[]) {
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
  ['instances', 'credentials'],
  ['instances', 'events'],
  ['instances', 'wait'],
  ['instances', 'verify'],
  ['plans'],
  ['plans', 'list'],
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
  ])('refuses %p with a usage error in one line', async (args, message) => {
    const result = await run(...args);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('prints its version', async () => {
    expect(await run('--version')).toEqual({
      code: 0,
      stdout: '0.1.0\n',
      stderr: '',
    });
  });
});
