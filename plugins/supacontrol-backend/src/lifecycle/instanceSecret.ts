import { SignJWT } from 'jose';
import { randomBytes, randomInt } from 'node:crypto';

/** The keys the chart reads from the instance Secret (charts/supabase/README.md, "Secret keys"). */
export const SECRET_KEYS = [
  'jwt-secret',
  'anon-key',
  'service-role-key',
  'db-password',
  'dashboard-username',
  'dashboard-password',
  'realtime-secret-key-base',
  'realtime-db-enc-key',
  'meta-crypto-key',
  'vault-enc-key',
] as const;

export type SecretKey = (typeof SECRET_KEYS)[number];

/** Keys of the instance Secret copied from the SMTP credentials Secret, when SMTP is configured. */
export const SMTP_SECRET_KEYS = ['smtp-username', 'smtp-password'] as const;

/** Name of the Secret in each instance namespace. */
export const INSTANCE_SECRET_NAME = 'supabase-secrets';

const ALPHANUMERIC =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Letters and digits only: the chart puts some of these into URLs and SQL unescaped. */
function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  }
  return out;
}

const TEN_YEARS_S = 10 * 365 * 24 * 3600;

/** An API key of the instance: an HS256 JWT with the role claim, signed with the JWT secret. */
export async function signRoleKey(
  jwtSecret: string,
  role: 'anon' | 'service_role',
  now = new Date(),
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('supabase')
    .setIssuedAt(iat)
    .setExpirationTime(iat + TEN_YEARS_S)
    .sign(new TextEncoder().encode(jwtSecret));
}

/**
 * Fills in whatever `existing` lacks. Values already present are never changed, so a Secret
 * generated once survives retries, upgrades and restarts of the backend.
 */
export async function completeSecretData(
  existing: Partial<Record<SecretKey, string>>,
): Promise<Record<SecretKey, string>> {
  const jwtSecret =
    existing['jwt-secret'] ?? randomBytes(36).toString('base64url');
  return {
    'jwt-secret': jwtSecret,
    'anon-key': existing['anon-key'] ?? (await signRoleKey(jwtSecret, 'anon')),
    'service-role-key':
      existing['service-role-key'] ??
      (await signRoleKey(jwtSecret, 'service_role')),
    'db-password': existing['db-password'] ?? randomAlphanumeric(32),
    'dashboard-username': existing['dashboard-username'] ?? 'supabase',
    'dashboard-password':
      existing['dashboard-password'] ?? randomAlphanumeric(24),
    'realtime-secret-key-base':
      existing['realtime-secret-key-base'] ?? randomAlphanumeric(64),
    'realtime-db-enc-key':
      existing['realtime-db-enc-key'] ?? randomAlphanumeric(16),
    'meta-crypto-key': existing['meta-crypto-key'] ?? randomAlphanumeric(32),
    'vault-enc-key': existing['vault-enc-key'] ?? randomAlphanumeric(32),
  };
}

/** Decodes `keys` of the base64 `data` of a Secret; absent keys are left out. */
export function decodeSecretKeys<K extends string>(
  data: Record<string, string> | undefined,
  keys: readonly K[],
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const key of keys) {
    if (data?.[key] !== undefined)
      out[key] = Buffer.from(data[key], 'base64').toString('utf8');
  }
  return out;
}

/** Decodes the generated keys of an instance Secret; empty ones count as missing. */
export function decodeSecretData(
  data: Record<string, string> | undefined,
): Partial<Record<SecretKey, string>> {
  const out = decodeSecretKeys(data, SECRET_KEYS);
  for (const key of SECRET_KEYS) if (!out[key]) delete out[key];
  return out;
}

export function encodeSecretData(
  values: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      k,
      Buffer.from(v, 'utf8').toString('base64'),
    ]),
  );
}
