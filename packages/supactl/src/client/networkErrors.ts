const KNOWN_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
};

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function codeOf(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; errors?: unknown[] } | undefined;
  if (typeof candidate?.code === 'string') return candidate.code;
  // Names that resolve to several addresses fail with an AggregateError of per-address errors.
  if (Array.isArray(candidate?.errors)) {
    return candidate.errors.map(codeOf).find(Boolean);
  }
  return undefined;
}

/**
 * Turns fetch's `TypeError: fetch failed` into words: Node puts the system error in `cause`.
 */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause ?? error;
  const code = codeOf(cause);
  if (code && KNOWN_CODES[code]) {
    return `${KNOWN_CODES[code]} (${code})`;
  }
  if (code && TLS_CODES.has(code)) {
    return `the TLS certificate was not accepted (${code}); if the portal uses a private CA, point NODE_EXTRA_CA_CERTS at its certificate`;
  }
  const message = (cause as Error)?.message ?? String(cause);
  return code ? `${message} (${code})` : message;
}
