import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseKubeconfigYaml } from './yaml.ts';

/** What it takes to talk to one apiserver as one identity. */
export interface KubeCredentials {
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
}

const b64 = (pem: string): string => Buffer.from(pem).toString('base64');

/**
 * Writes a self-contained kubeconfig (certificates inline), mode 0600. The
 * values are JSON-quoted, which is valid YAML for every consumer.
 */
export function writeKubeconfig(
  path: string,
  name: string,
  creds: KubeCredentials,
): void {
  const q = JSON.stringify;
  const cluster = [`    server: ${q(creds.server)}`];
  if (creds.caPem)
    cluster.push(`    certificate-authority-data: ${q(b64(creds.caPem))}`);
  if (creds.insecureSkipTlsVerify)
    cluster.push('    insecure-skip-tls-verify: true');
  const user: string[] = [];
  if (creds.certPem)
    user.push(`    client-certificate-data: ${q(b64(creds.certPem))}`);
  if (creds.keyPem) user.push(`    client-key-data: ${q(b64(creds.keyPem))}`);
  if (creds.token) user.push(`    token: ${q(creds.token)}`);
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(name)}`,
    '  cluster:',
    ...cluster,
    'users:',
    `- name: ${q(name)}`,
    '  user:',
    ...user,
    'contexts:',
    `- name: ${q(name)}`,
    '  context:',
    `    cluster: ${q(name)}`,
    `    user: ${q(name)}`,
    `current-context: ${q(name)}`,
    '',
  ].join('\n');
  writeFileSync(path, text, { mode: 0o600 });
}

type Obj = Record<string, unknown>;

function named(list: unknown, name: string, what: string, path: string): Obj {
  const entry = Array.isArray(list)
    ? (list as Obj[]).find(e => e?.name === name)
    : undefined;
  const inner = entry?.[what];
  if (!inner || typeof inner !== 'object')
    throw new Error(`${path}: no ${what} named '${name}'`);
  return inner as Obj;
}

/** Reads the current context's server and credentials from a kubeconfig. */
export function readKubeconfig(path: string): KubeCredentials {
  const doc = parseKubeconfigYaml(readFileSync(path, 'utf8')) as Obj | null;
  if (!doc || typeof doc !== 'object')
    throw new Error(`${path}: not a kubeconfig`);
  const contextName = doc['current-context'];
  if (typeof contextName !== 'string' || !contextName)
    throw new Error(`${path}: no current-context`);
  const context = named(doc.contexts, contextName, 'context', path);
  const cluster = named(doc.clusters, String(context.cluster), 'cluster', path);
  const user = context.user
    ? named(doc.users, String(context.user), 'user', path)
    : {};
  const base = dirname(path);

  // Inline data or a file path relative to the kubeconfig, as kubectl does.
  const pem = (section: Obj, key: string): string | undefined => {
    const data = section[`${key}-data`];
    if (typeof data === 'string' && data)
      return Buffer.from(data, 'base64').toString('utf8');
    const file = section[key];
    if (typeof file === 'string' && file)
      return readFileSync(
        isAbsolute(file) ? file : resolve(base, file),
        'utf8',
      );
    return undefined;
  };
  if (user.exec || user['auth-provider']) {
    throw new Error(
      `${path}: user '${String(
        context.user,
      )}' authenticates with an exec or auth-provider plugin; ` +
        'the test harness needs a kubeconfig with a client certificate or a token',
    );
  }
  const server = cluster.server;
  if (typeof server !== 'string' || !server)
    throw new Error(
      `${path}: cluster '${String(context.cluster)}' has no server`,
    );
  let token = typeof user.token === 'string' ? user.token : undefined;
  if (!token && typeof user.tokenFile === 'string')
    token = readFileSync(resolve(base, user.tokenFile), 'utf8').trim();
  return {
    server,
    caPem: pem(cluster, 'certificate-authority'),
    certPem: pem(user, 'client-certificate'),
    keyPem: pem(user, 'client-key'),
    token,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}
