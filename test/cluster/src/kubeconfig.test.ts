import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKubeconfig, writeKubeconfig } from './kubeconfig.ts';

describe('kubeconfig files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back what it writes, certificates inline and the file private', () => {
    const path = join(dir, 'admin.kubeconfig');
    const creds = {
      server: 'https://127.0.0.1:1234',
      caPem: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
      certPem: '-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n',
      keyPem: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n',
    };
    writeKubeconfig(path, 'test', creds);
    expect(readKubeconfig(path)).toEqual({
      ...creds,
      token: undefined,
      insecureSkipTlsVerify: false,
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('reads a token user', () => {
    const path = join(dir, 'sa.kubeconfig');
    writeKubeconfig(path, 'ns-sa', {
      server: 'https://127.0.0.1:1',
      token: 'abc.def',
    });
    expect(readKubeconfig(path)).toMatchObject({
      server: 'https://127.0.0.1:1',
      token: 'abc.def',
      certPem: undefined,
    });
  });
});
