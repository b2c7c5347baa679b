// Certificates and keys for one test cluster, made with the openssl CLI so the
// harness needs no npm packages. ECDSA P-256 throughout: generation is
// instantaneous and every component accepts it (also as the service-account
// signing key, ES256).

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KeyPair {
  certPath: string;
  keyPath: string;
  certPem: string;
  keyPem: string;
}

export interface ClusterPki {
  ca: KeyPair;
  /** Signs the apiserver's client cert towards aggregated API servers. */
  frontProxyCa: KeyPair;
  frontProxyClient: KeyPair;
  apiserver: KeyPair;
  /** Serving cert of kwok's kubelet-like server, which the apiserver verifies against `ca`. */
  kwokServing: KeyPair;
  admin: KeyPair;
  controllerManager: KeyPair;
  scheduler: KeyPair;
  serviceAccountKeyPath: string;
  serviceAccountPublicKeyPath: string;
}

export const frontProxyClientName = 'front-proxy-client';

/** DNS names and IPs the apiserver's serving certificate is valid for. */
export const apiserverSans = [
  'IP:127.0.0.1',
  'DNS:localhost',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
];

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run(process.env.SUPACONTROL_TEST_OPENSSL ?? 'openssl', args, { cwd });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(
      `openssl ${args[0]} failed: ${err.stderr?.trim() || err.message}`,
    );
  }
}

const ecKey = [
  '-newkey',
  'ec',
  '-pkeyopt',
  'ec_paramgen_curve:prime256v1',
  '-nodes',
];

async function issue(
  dir: string,
  name: string,
  subject: string,
  extensions: string[],
  ca: KeyPair,
): Promise<KeyPair> {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  const csrPath = join(dir, `${name}.csr`);
  const extPath = join(dir, `${name}.ext`);
  await openssl(
    [
      'req',
      '-new',
      ...ecKey,
      '-keyout',
      keyPath,
      '-out',
      csrPath,
      '-subj',
      subject,
    ],
    dir,
  );
  writeFileSync(extPath, `${extensions.join('\n')}\n`);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      csrPath,
      '-CA',
      ca.certPath,
      '-CAkey',
      ca.keyPath,
      '-set_serial',
      randomSerial(),
      '-days',
      '3650',
      '-sha256',
      '-extfile',
      extPath,
      '-out',
      certPath,
    ],
    dir,
  );
  return {
    keyPath,
    certPath,
    keyPem: readFileSync(keyPath, 'utf8'),
    certPem: readFileSync(certPath, 'utf8'),
  };
}

function randomSerial(): string {
  // Positive 127-bit serial: the top bit clear keeps it a positive INTEGER.
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return `0x${bytes.toString('hex')}`;
}

function clientCert(
  dir: string,
  name: string,
  subject: string,
  ca: KeyPair,
): Promise<KeyPair> {
  return issue(
    dir,
    name,
    subject,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=clientAuth',
    ],
    ca,
  );
}

async function selfSignedCa(
  dir: string,
  name: string,
  commonName: string,
): Promise<KeyPair> {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  await openssl(
    [
      'req',
      '-x509',
      '-new',
      ...ecKey,
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '3650',
      '-sha256',
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    ],
    dir,
  );
  return {
    keyPath,
    certPath,
    keyPem: readFileSync(keyPath, 'utf8'),
    certPem: readFileSync(certPath, 'utf8'),
  };
}

export async function createClusterPki(dir: string): Promise<ClusterPki> {
  // A CA of its own for the front proxy, as kubeadm does: a cert it signs
  // may assert any identity in request headers.
  const [ca, frontProxyCa] = await Promise.all([
    selfSignedCa(dir, 'ca', 'supacontrol-test-ca'),
    selfSignedCa(dir, 'front-proxy-ca', 'supacontrol-test-front-proxy-ca'),
  ]);
  const saKey = join(dir, 'service-account.key');
  const saPub = join(dir, 'service-account.pub');
  const [
    apiserver,
    kwokServing,
    admin,
    controllerManager,
    scheduler,
    frontProxyClient,
  ] = await Promise.all([
    issue(
      dir,
      'apiserver',
      '/CN=kube-apiserver',
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
        `subjectAltName=${apiserverSans.join(',')}`,
      ],
      ca,
    ),
    // The apiserver reaches a node's "kubelet" at its InternalIP, 127.0.0.1.
    issue(
      dir,
      'kwok-serving',
      '/CN=kwok',
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
        'subjectAltName=IP:127.0.0.1',
      ],
      ca,
    ),
    // system:masters bypasses RBAC: the identity of tests and of kwok.
    clientCert(dir, 'admin', '/O=system:masters/CN=supacontrol-test-admin', ca),
    // The identities the RBAC bootstrap policy has roles for.
    clientCert(
      dir,
      'controller-manager',
      '/CN=system:kube-controller-manager',
      ca,
    ),
    clientCert(dir, 'scheduler', '/CN=system:kube-scheduler', ca),
    clientCert(
      dir,
      'front-proxy-client',
      `/CN=${frontProxyClientName}`,
      frontProxyCa,
    ),
    openssl(
      [
        'genpkey',
        '-algorithm',
        'EC',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-out',
        saKey,
      ],
      dir,
    ),
  ]);
  await openssl(['pkey', '-in', saKey, '-pubout', '-out', saPub], dir);
  return {
    ca,
    frontProxyCa,
    frontProxyClient,
    apiserver,
    kwokServing,
    admin,
    controllerManager,
    scheduler,
    serviceAccountKeyPath: saKey,
    serviceAccountPublicKeyPath: saPub,
  };
}
