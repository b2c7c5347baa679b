import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigFile } from './ConfigFile';
import { configFilePath } from './configPath';

const KEY = `sck_aaaaaaaaaaaaaaaa_${'a'.repeat(43)}`;

describe('ConfigFile', () => {
  let dir: string;
  const warnings: string[] = [];
  const fileIn = (...parts: string[]) =>
    ConfigFile.at(path.join(dir, ...parts), {
      warn: message => warnings.push(message),
    });

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'supactl-config-'));
    warnings.length = 0;
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads a missing file as no contexts', async () => {
    await expect(fileIn('none.yaml').read()).resolves.toEqual({ contexts: [] });
  });

  it('writes a 0600 file in a 0700 directory and reads it back', async () => {
    const file = fileIn('supactl', 'config.yaml');
    const config = {
      currentContext: 'a',
      contexts: [{ name: 'a', url: 'https://a.example.com', apiKey: KEY }],
    };
    const umask = process.umask(0o000);
    try {
      await file.write(config);
    } finally {
      process.umask(umask);
    }

    expect((await fs.stat(file.path)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(file.path))).mode & 0o777).toBe(0o700);
    await expect(file.read()).resolves.toEqual(config);
    expect(await fs.readdir(path.dirname(file.path))).toEqual(['config.yaml']);
    expect(warnings).toEqual([]);
  });

  it('warns when others can read the file', async () => {
    const file = fileIn('open.yaml');
    await fs.writeFile(file.path, 'contexts: []\n', { mode: 0o644 });
    await fs.chmod(file.path, 0o644);

    await file.read();

    expect(warnings).toEqual([
      `${file.path} is readable by other users and holds API keys; run chmod 600 ${file.path}`,
    ]);
  });

  it.each([
    ['contexts: [', 'the config file .* is not valid: '],
    ['- a\n- b\n', 'it must be a mapping with contexts'],
    ['contexts: {a: 1}\n', 'contexts must be a list'],
    [
      'contexts:\n  - name: a\n    url: https://a\n',
      'contexts\\[0\\]\\.apiKey must be a non-empty string',
    ],
    ['currentContext: 3\n', 'currentContext must be a string'],
  ])('refuses %j with a message naming the problem', async (text, problem) => {
    const file = fileIn('bad.yaml');
    await fs.writeFile(file.path, text, { mode: 0o600 });

    await expect(file.read()).rejects.toThrow(
      new RegExp(`${problem}.*fix it, or delete it and log in again`),
    );
  });
});

describe('configFilePath', () => {
  it('uses XDG_CONFIG_HOME when it is absolute, ~/.config otherwise', () => {
    expect(configFilePath({ XDG_CONFIG_HOME: '/x', HOME: '/home/u' })).toBe(
      '/x/supactl/config.yaml',
    );
    expect(configFilePath({ XDG_CONFIG_HOME: 'rel', HOME: '/home/u' })).toBe(
      '/home/u/.config/supactl/config.yaml',
    );
    expect(configFilePath({ HOME: '/home/u' })).toBe(
      '/home/u/.config/supactl/config.yaml',
    );
  });
});
