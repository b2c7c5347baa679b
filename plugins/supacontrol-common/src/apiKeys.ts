/**
 * Scopes a plugin API key can carry. A key acts for its owner and never manages keys.
 *
 * @public
 */
export const API_KEY_SCOPES = [
  'instances:read',
  'instances:write',
  'instances:credentials',
] as const;

/** @public */
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Scopes of a key created without `scopes`. @public */
export const DEFAULT_API_KEY_SCOPES: readonly ApiKeyScope[] = [
  'instances:read',
];

/** Every key starts with this, so that scanners and the backend can recognise one. @public */
export const API_KEY_PREFIX = 'sck_';

/** An API key as listed; the secret part is never returned after creation. @public */
export interface ApiKey {
  id: string;
  name: string;
  owner: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

/** Body of `POST /v1/api-keys`. @public */
export interface CreateApiKeyRequest {
  name: string;
  scopes?: ApiKeyScope[];
  /**
   * Days until the key stops working, at most `supacontrol.apiKeys.maxLifetimeDays` (365);
   * `'never'` (admins only); absent for `defaultLifetimeDays` (90).
   */
  expiresInDays?: number | 'never';
}

/** Answer of `POST /v1/api-keys`: the only time `key` is shown. @public */
export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  expiresAt?: string;
  key: string;
}
