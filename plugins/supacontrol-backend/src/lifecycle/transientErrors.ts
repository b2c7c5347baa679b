import { ApiException } from '@kubernetes/client-node';
import { HelmError } from '../helm/HelmClient';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const HELM_TRANSIENT =
  /connection refused|cluster unreachable|i\/o timeout|context deadline exceeded|TLS handshake timeout|connection reset|unexpected EOF|the server is currently unable|Too Many Requests/i;

/**
 * Whether an error says the cluster is (briefly) out of reach rather than that the request is
 * wrong. Such errors are retried with backoff without counting toward `maxAttempts`: an outage
 * of the apiserver must not fail every instance that happened to be in progress.
 */
export function isTransientError(error: unknown): boolean {
  if (error instanceof ApiException) {
    return error.code >= 500 || error.code === 429;
  }
  if (error instanceof HelmError) {
    return HELM_TRANSIENT.test(error.stderr);
  }
  for (let e: any = error; e; e = e.cause) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
    if (
      typeof e.message === 'string' &&
      /socket hang up|fetch failed/.test(e.message)
    )
      return true;
  }
  return false;
}
