import {
  AuditorService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
} from '@backstage/plugin-permission-node';
import {
  API_KEY_PREFIX,
  ApiKey,
  ApiKeyScope,
  CreatedApiKey,
  DEFAULT_API_KEY_SCOPES,
  SUPACONTROL_AUDIT_EVENTS,
  supacontrolApiKeyManagePermission,
} from '@internal/plugin-supacontrol-common';
import bcrypt from 'bcrypt';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiKeyStore } from '../database/ApiKeyStore';
import { ApiKeyRecord } from '../database/types';
import { apiKeyPermissionResourceRef } from '../permissions/rules';
import { Caller } from './callers';

const BCRYPT_COST = 10;
/** A successful bcrypt comparison is remembered this long; revocation is still read per request. */
const VERIFIED_CACHE_MS = 60_000;
/** `last_used_at` is written at most this often per key. */
const TOUCH_INTERVAL_MS = 60_000;
const KEY_PATTERN = /^sck_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

type UserCaller = Extract<Caller, { kind: 'user' }>;

function toApiKey(record: ApiKeyRecord): ApiKey {
  return {
    id: record.id,
    name: record.name,
    owner: record.owner,
    prefix: record.prefix,
    scopes: record.scopes,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt?.toISOString(),
    lastUsedAt: record.lastUsedAt?.toISOString(),
    revokedAt: record.revokedAt?.toISOString(),
  };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Plugin API keys: `sck_<id>_<secret>` with a 256-bit secret of which only a bcrypt hash is
 * stored. Keys act for the user who created them, within their scopes.
 */
export class ApiKeyService {
  readonly #store: ApiKeyStore;
  readonly #permissions: PermissionsService;
  readonly #auditor: AuditorService;
  readonly #logger: LoggerService;
  readonly #isAllowed: ReturnType<
    typeof createConditionAuthorizer<ApiKeyRecord>
  >;
  readonly #toCriteria: ReturnType<
    typeof createConditionTransformer<{ key: 'owner'; values: string[] }>
  >;
  // sha256(token) → when the bcrypt comparison succeeded. Never holds the token itself.
  readonly #verified = new Map<
    string,
    { keyId: string; at: number; digest: Buffer }
  >();
  readonly #lastTouched = new Map<string, number>();

  static create(options: {
    store: ApiKeyStore;
    permissions: PermissionsService;
    permissionsRegistry: PermissionsRegistryService;
    auditor: AuditorService;
    logger: LoggerService;
  }): ApiKeyService {
    return new ApiKeyService(options);
  }

  private constructor(options: {
    store: ApiKeyStore;
    permissions: PermissionsService;
    permissionsRegistry: PermissionsRegistryService;
    auditor: AuditorService;
    logger: LoggerService;
  }) {
    this.#store = options.store;
    this.#permissions = options.permissions;
    this.#auditor = options.auditor;
    this.#logger = options.logger;
    const ruleset = options.permissionsRegistry.getPermissionRuleset(
      apiKeyPermissionResourceRef,
    );
    this.#isAllowed = createConditionAuthorizer(ruleset);
    this.#toCriteria = createConditionTransformer(ruleset);
  }

  async createKey(
    input: { name: string; scopes?: ApiKeyScope[]; expiresAt?: Date },
    caller: Caller,
  ): Promise<CreatedApiKey> {
    const user = await this.#requireManage(caller, 'create API keys');
    const auditorEvent = await this.#auditor.createEvent({
      eventId: SUPACONTROL_AUDIT_EVENTS.apiKeyCreate,
      severityLevel: 'medium',
      request: user.request,
      meta: { actor: user.userEntityRef, name: input.name },
    });
    try {
      const id = randomBytes(10).toString('hex').slice(0, 16);
      const secret = randomBytes(32).toString('base64url');
      const now = new Date();
      const record: ApiKeyRecord = {
        id,
        name: input.name,
        owner: user.userEntityRef.toLocaleLowerCase('en-US'),
        ownershipRefs: user.ownershipEntityRefs.map(r =>
          r.toLocaleLowerCase('en-US'),
        ),
        prefix: `${API_KEY_PREFIX}${id}`,
        secretHash: await bcrypt.hash(secret, BCRYPT_COST),
        scopes: [...new Set(input.scopes ?? DEFAULT_API_KEY_SCOPES)],
        createdAt: now,
        expiresAt: input.expiresAt,
      };
      await this.#store.createKey(record);
      this.#logger.info('Created API key', { keyId: id, owner: record.owner });
      await auditorEvent.success({ meta: { keyId: id } });
      const { lastUsedAt, revokedAt, owner, ...shown } = toApiKey(record);
      return { ...shown, key: `${record.prefix}_${secret}` };
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  }

  async listKeys(
    caller: Caller,
    options: { owner?: string },
  ): Promise<ApiKey[]> {
    const user = await this.#requireUser(caller, 'list API keys');
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission: supacontrolApiKeyManagePermission }],
      { credentials: user.credentials },
    );
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError('You are not allowed to manage API keys');
    }
    const owner = (options.owner ?? user.userEntityRef).toLocaleLowerCase(
      'en-US',
    );
    const criteria =
      decision.result === AuthorizeResult.CONDITIONAL
        ? this.#toCriteria(decision.conditions)
        : undefined;
    if (owner !== user.userEntityRef.toLocaleLowerCase('en-US') && criteria) {
      // Only callers with unconditional access (admins) may look at other people's keys.
      throw new NotAllowedError(
        `You may only list your own API keys; '${options.owner}' is not you`,
      );
    }
    return (await this.#store.listKeys({ owner, criteria })).map(toApiKey);
  }

  async revokeKey(id: string, caller: Caller): Promise<void> {
    const user = await this.#requireUser(caller, 'revoke API keys');
    const auditorEvent = await this.#auditor.createEvent({
      eventId: SUPACONTROL_AUDIT_EVENTS.apiKeyRevoke,
      severityLevel: 'medium',
      request: user.request,
      meta: { actor: user.userEntityRef, keyId: id },
    });
    try {
      const record = await this.#store.getKey(id);
      const [decision] = await this.#permissions.authorizeConditional(
        [{ permission: supacontrolApiKeyManagePermission }],
        { credentials: user.credentials },
      );
      if (!record || !this.#isAllowed(decision, record)) {
        throw new NotFoundError(`No API key with id '${id}'`);
      }
      await this.#store.revokeKey(id, new Date());
      for (const [digest, entry] of this.#verified) {
        if (entry.keyId === id) this.#verified.delete(digest);
      }
      this.#logger.info('Revoked API key', { keyId: id });
      await auditorEvent.success();
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  }

  /**
   * Resolves a presented key to its record. Revocation and expiry are read from the database on
   * every call, so they take effect at once on every replica; only the bcrypt comparison is cached.
   */
  async authenticate(token: string): Promise<ApiKeyRecord> {
    const match = KEY_PATTERN.exec(token);
    if (!match) {
      throw new AuthenticationError(
        'Malformed API key: expected sck_<16 characters>_<43 characters> as created in SupaControl settings',
      );
    }
    const [, id, secret] = match;
    const record = await this.#store.getKey(id);
    if (!record) {
      throw new AuthenticationError('Invalid API key');
    }
    const digest = sha256(token);
    const digestKey = digest.toString('hex');
    const cached = this.#verified.get(digestKey);
    const now = Date.now();
    const cacheHit =
      cached &&
      cached.keyId === id &&
      now - cached.at < VERIFIED_CACHE_MS &&
      timingSafeEqual(cached.digest, digest);
    if (!cacheHit) {
      if (!(await bcrypt.compare(secret, record.secretHash))) {
        throw new AuthenticationError('Invalid API key');
      }
      this.#verified.set(digestKey, { keyId: id, at: now, digest });
    }
    if (record.revokedAt) {
      throw new AuthenticationError(
        `API key ${
          record.prefix
        } was revoked on ${record.revokedAt.toISOString()}`,
      );
    }
    if (record.expiresAt && record.expiresAt.getTime() <= now) {
      throw new AuthenticationError(
        `API key ${record.prefix} expired on ${record.expiresAt.toISOString()}`,
      );
    }
    const touched =
      this.#lastTouched.get(id) ?? record.lastUsedAt?.getTime() ?? 0;
    if (now - touched >= TOUCH_INTERVAL_MS) {
      this.#lastTouched.set(id, now);
      await this.#store.touchKey(id, new Date(now));
    }
    return record;
  }

  async #requireUser(caller: Caller, what: string): Promise<UserCaller> {
    if (caller.kind === 'key') {
      throw new NotAllowedError(
        `API keys cannot ${what}; sign in to the portal`,
      );
    }
    if (caller.kind !== 'user') {
      throw new NotAllowedError(
        `Only users can ${what}; API keys belong to a user`,
      );
    }
    return caller;
  }

  async #requireManage(caller: Caller, what: string): Promise<UserCaller> {
    const user = await this.#requireUser(caller, what);
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission: supacontrolApiKeyManagePermission }],
      { credentials: user.credentials },
    );
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError('You are not allowed to manage API keys');
    }
    return user;
  }
}

/** Validates the expiry of a new key: in the future and at most a year ahead. */
export function parseKeyExpiry(
  value: string | undefined,
  now = new Date(),
): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new InputError(
      `expiresAt must be an ISO 8601 date-time; got '${value}'`,
    );
  }
  if (date.getTime() <= now.getTime()) {
    throw new InputError(`expiresAt must be in the future; got '${value}'`);
  }
  if (date.getTime() > now.getTime() + 366 * 24 * 3600 * 1000) {
    throw new InputError(
      `expiresAt must be at most one year ahead; got '${value}'. Omit it for a key that does not expire`,
    );
  }
  return date;
}
