import { join } from 'node:path';
import { KubeApi } from './kubeapi.ts';
import { writeKubeconfig, type KubeCredentials } from './kubeconfig.ts';

/** @public */
export interface ServiceAccountKubeconfigRequest {
  namespace: string;
  name: string;
  /** Token lifetime (default 24 h, so a dev cluster's kubeconfig lasts the day). */
  expirationSeconds?: number;
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Creates the ServiceAccount if missing, gets a token through the
 * TokenRequest API and writes a kubeconfig for it into `dir`.
 */
export async function issueServiceAccountKubeconfig(
  admin: KubeCredentials,
  dir: string,
  request: ServiceAccountKubeconfigRequest,
): Promise<string> {
  const { namespace, name } = request;
  for (const [what, value] of [
    ['namespace', namespace],
    ['name', name],
  ] as const) {
    if (!dnsLabel.test(value) || value.length > 63) {
      throw new Error(
        `ServiceAccount ${what} '${value}' must be 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit`,
      );
    }
  }
  const api = new KubeApi(admin);
  try {
    const ns = encodeURIComponent(namespace);
    const created = await api.call(
      'POST',
      `/api/v1/namespaces/${ns}/serviceaccounts`,
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } },
      [409, 404],
    );
    if (created.status === 404)
      throw new Error(
        `namespace '${namespace}' does not exist; create it before issuing a ServiceAccount kubeconfig`,
      );
    const token = await api.call<{ status: { token: string } }>(
      'POST',
      `/api/v1/namespaces/${ns}/serviceaccounts/${encodeURIComponent(
        name,
      )}/token`,
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: request.expirationSeconds ?? 86_400 },
      },
    );
    const path = join(dir, `serviceaccount-${namespace}-${name}.kubeconfig`);
    writeKubeconfig(path, `${namespace}-${name}`, {
      server: admin.server,
      caPem: admin.caPem,
      insecureSkipTlsVerify: admin.insecureSkipTlsVerify,
      token: token.body.status.token,
    });
    return path;
  } finally {
    api.close();
  }
}
