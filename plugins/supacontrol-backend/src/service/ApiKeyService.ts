import {
  AuditorService,
  AuditorServiceCreateEventOptions,
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
} from '@supacontrol/plugin-supacontrol-common';
import bcrypt from 'bcrypt';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiKeyStore } from '../database/ApiKeyStore';
import { ApiKeyRecord } from '../database/types';
import { apiKeyPermissionResourceRef } from '../permissions/rules';
import { ApiKeyPolicy, DAY_MS } from '../config/accessConfig';
import { auditOptionsOf, Caller, ClientInfo } from './callers';
import { CatalogOwnership } from './CatalogOwnership';
import { FailureLimiter, TooManyRequestsError } from './rateLimits';

const BCRYPT_COST = 10;
/** A successful bcrypt comparison is remembered this long; revocation is still read per request. */
const VERIFIED_CACHE_MS = 60_000;
/** `last_used_at` is written at most this often per key. */
const TOUCH_INTERVAL_MS = 60_000;
const KEY_PATTERN = /^sck_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

type UserCaller = Extract<Caller, { kind: 'user' }>;
type KeyCaller = Extract<Caller, { kind: 'key' }>;

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
 * stored. A key acts for the user who created it, within its scopes, with that user's ownership as
 * the catalog says at the time of use. Every key expires unless an admin decides otherwise.
 */
export class ApiKeyService {
  readonly #store: ApiKeyStore;
  readonly #permissions: PermissionsService;
  readonly #auditor: AuditorService;
  readonly #logger: LoggerService;
  readonly #ownership: CatalogOwnership;
  readonly #policy: ApiKeyPolicy;
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
  readonly #onAuthentication: (outcome: string) => void;
  readonly #failuresPerKey: FailureLimiter;
  readonly #failuresPerClient: FailureLimiter;

  static create(options: {
    store: ApiKeyStore;
    permissions: PermissionsService;
    permissionsRegistry: PermissionsRegistryService;
    auditor: AuditorService;
    logger: LoggerService;
    ownership: CatalogOwnership;
    policy: ApiKeyPolicy;
    /** Called with the outcome of each authentication (for metrics): success, or why not. */
    onAuthentication?: (outcome: string) => void;
  }): ApiKeyService {
    return new ApiKeyService(options);
  }

  private constructor(options: Parameters<typeof ApiKeyService.create>[0]) {
    this.#store = options.store;
    this.#permissions = options.permissions;
    this.#auditor = options.auditor;
    this.#logger = options.logger;
    this.#ownership = options.ownership;
    this.#policy = options.policy;
    this.#onAuthentication = options.onAuthentication ?? (() => {});
    const ruleset = options.permissionsRegistry.getPermissionRuleset(
      apiKeyPermissionResourceRef,
    );
    this.#isAllowed = createConditionAuthorizer(ruleset);
    this.#toCriteria = createConditionTransformer(ruleset);
    const { perKey, perClient, windowMs } = options.policy.failedAttempts;
    this.#failuresPerKey = new FailureLimiter({ limit: perKey, windowMs });
    this.#failuresPerClient = new FailureLimiter({
      limit: perClient,
      windowMs,
    });
  }

  /** The longest lifetime a new key may have (`supacontrol.apiKeys.maxLifetimeDays`). */
  get maxLifetimeDays(): number {
    return Math.round(this.#policy.maxLifetimeMs / DAY_MS);
  }

  /**
   * Creates a key for the calling user. `expiresInDays` is a whole number of days up to the
   * maximum lifetime, `'never'` (admins only), or absent for the default lifetime.
   */
  async createKey(
    input: {
      name: string;
      scopes?: ApiKeyScope[];
      expiresInDays?: number | 'never';
    },
    caller: Caller,
  ): Promise<CreatedApiKey> {
    const auditorEvent = await this.#auditor.createEvent({
      eventId: SUPACONTROL_AUDIT_EVENTS.apiKeyCreate,
      severityLevel: 'medium',
      ...auditOf(caller, { name: input.name }),
    });
    try {
      const user = this.#requireUser(caller, 'create API keys');
      const decision = await this.#manageDecision(user);
      const now = new Date();
      const maxDays = this.maxLifetimeDays;
      const defaultDays = Math.round(this.#policy.defaultLifetimeMs / DAY_MS);
      let expiresAt: Date | undefined;
      if (input.expiresInDays === 'never') {
        if (decision.result !== AuthorizeResult.ALLOW) {
          throw new NotAllowedError(
            `Only SupaControl admins may create keys that never expire; give expiresInDays from 1 to ${maxDays}, or leave it out for ${defaultDays} days`,
          );
        }
      } else {
        const days = input.expiresInDays ?? defaultDays;
        if (days > maxDays) {
          throw new InputError(
            `expiresInDays must be at most ${maxDays} (supacontrol.apiKeys.maxLifetimeDays); got ${days}`,
          );
        }
        expiresAt = new Date(now.getTime() + days * DAY_MS);
      }
      const id = randomBytes(10).toString('hex').slice(0, 16);
      const secret = randomBytes(32).toString('base64url');
      const record: ApiKeyRecord = {
        id,
        name: input.name,
        owner: user.userEntityRef.toLocaleLowerCase('en-US'),
        prefix: `${API_KEY_PREFIX}${id}`,
        secretHash: await bcrypt.hash(secret, BCRYPT_COST),
        scopes: [...new Set(input.scopes ?? DEFAULT_API_KEY_SCOPES)],
        createdAt: now,
        expiresAt,
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

  /** The caller's keys; admins may name another `owner`, or ask for `all` keys. */
  async listKeys(
    caller: Caller,
    options: { owner?: string; all?: boolean },
  ): Promise<ApiKey[]> {
    const user = this.#requireUser(caller, 'list API keys');
    const decision = await this.#manageDecision(user);
    const self = user.userEntityRef.toLocaleLowerCase('en-US');
    const owner = options.owner?.toLocaleLowerCase('en-US');
    const admin = decision.result === AuthorizeResult.ALLOW;
    if (!admin && (options.all || (owner && owner !== self))) {
      // Only callers with unconditional access (admins) may look at other people's keys.
      throw new NotAllowedError(
        options.all
          ? 'Only SupaControl admins may list every API key'
          : `You may only list your own API keys; '${options.owner}' is not you`,
      );
    }
    const criteria =
      decision.result === AuthorizeResult.CONDITIONAL
        ? this.#toCriteria(decision.conditions)
        : undefined;
    return (
      await this.#store.listKeys({
        owner: options.all ? owner : owner ?? self,
        criteria,
      })
    ).map(toApiKey);
  }

  async revokeKey(id: string, caller: Caller): Promise<void> {
    const auditorEvent = await this.#auditor.createEvent({
      eventId: SUPACONTROL_AUDIT_EVENTS.apiKeyRevoke,
      severityLevel: 'medium',
      ...auditOf(caller, { keyId: id }),
    });
    try {
      const user = this.#requireUser(caller, 'revoke API keys');
      const record = await this.#store.getKey(id);
      const decision = await this.#manageDecision(user);
      if (!record || !this.#isAllowed(decision, record)) {
        throw new NotFoundError(`No API key with id '${id}'`);
      }
      await this.#store.revokeKey(id, new Date());
      this.#forget(key => key === id);
      this.#logger.info('Revoked API key', { keyId: id });
      await auditorEvent.success();
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  }

  /** Revokes every live key of `owner`, for offboarding; admins only. Answers how many. */
  async revokeKeysOf(owner: string, caller: Caller): Promise<number> {
    const auditorEvent = await this.#auditor.createEvent({
      eventId: SUPACONTROL_AUDIT_EVENTS.apiKeyRevoke,
      severityLevel: 'high',
      ...auditOf(caller, { owner }),
    });
    try {
      const user = this.#requireUser(caller, 'revoke API keys');
      if ((await this.#manageDecision(user)).result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          "Only SupaControl admins may revoke another user's keys",
        );
      }
      const lower = owner.toLocaleLowerCase('en-US');
      const count = await this.#store.revokeKeysOf(lower, new Date());
      const ids = new Set(
        (await this.#store.listKeys({ owner: lower })).map(k => k.id),
      );
      this.#forget(key => ids.has(key));
      this.#logger.info('Revoked every API key of a user', {
        owner: lower,
        count,
      });
      await auditorEvent.success({ meta: { revoked: count } });
      return count;
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  }

  /**
   * Resolves a presented key to a caller. Revocation, expiry and the owner's ownership are read
   * on every call (the ownership through a cache of at most a minute), so they take effect on
   * every replica; only the bcrypt comparison is cached. Failed attempts are counted per key id
   * and per client address; past the limit the key id (or address) gets 429 without a bcrypt
   * comparison, so a flood of wrong secrets cannot tie up the thread pool.
   */
  async authenticate(token: string, client: ClientInfo): Promise<KeyCaller> {
    const clientKey = client.address ?? 'unknown';
    this.#refuseIfBlocked(this.#failuresPerClient, clientKey, 'this address');
    const match = KEY_PATTERN.exec(token);
    if (!match) {
      await this.#failed(client, undefined, 'malformed key');
      throw new AuthenticationError(
        'Malformed API key: expected sck_<16 characters>_<43 characters> as created in SupaControl settings',
      );
    }
    const [, id, secret] = match;
    this.#refuseIfBlocked(this.#failuresPerKey, id, `API key sck_${id}`);
    const record = await this.#store.getKey(id);
    if (!record) {
      await this.#failed(client, id, 'unknown key id');
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
        await this.#failed(client, id, 'wrong secret');
        throw new AuthenticationError('Invalid API key');
      }
      this.#verified.set(digestKey, { keyId: id, at: now, digest });
    }
    if (record.revokedAt) {
      await this.#failed(client, id, 'revoked key', false);
      throw new AuthenticationError(
        `API key ${
          record.prefix
        } was revoked on ${record.revokedAt.toISOString()}`,
      );
    }
    if (record.expiresAt && record.expiresAt.getTime() <= now) {
      await this.#failed(client, id, 'expired key', false);
      throw new AuthenticationError(
        `API key ${record.prefix} expired on ${record.expiresAt.toISOString()}`,
      );
    }
    const ownershipRefs = await this.#ownership.ownershipOf(record.owner);
    if (!ownershipRefs) {
      await this.#failed(client, id, 'owner not in the catalog', false);
      throw new AuthenticationError(
        `API key ${record.prefix} belongs to ${record.owner}, who is no longer in the catalog; the key is refused`,
      );
    }
    const touched =
      this.#lastTouched.get(id) ?? record.lastUsedAt?.getTime() ?? 0;
    if (now - touched >= TOUCH_INTERVAL_MS) {
      this.#lastTouched.set(id, now);
      await this.#store.touchKey(id, new Date(now));
    }
    this.#onAuthentication('success');
    return { kind: 'key', key: record, ownershipRefs, client };
  }

  #refuseIfBlocked(limiter: FailureLimiter, key: string, what: string) {
    const seconds = limiter.blockedFor(key);
    if (seconds > 0) {
      this.#onAuthentication('blocked');
      throw new TooManyRequestsError(
        `Too many failed API key attempts from ${what}; try again in ${seconds} s`,
        seconds,
      );
    }
  }

  /**
   * Audits a failed authentication and, for guesses (`counts`), counts it against the key id and
   * the client address. A key that is merely revoked or expired is not a guess.
   */
  async #failed(
    client: ClientInfo,
    keyId: string | undefined,
    reason: string,
    counts = true,
  ) {
    const address = client.address ?? 'unknown';
    // 'malformed key' → malformed_key, 'owner not in the catalog' → owner_not_in_the_catalog
    this.#onAuthentication(reason.replace(/\s+/g, '_'));
    if (counts) {
      const keyBlocked = keyId ? this.#failuresPerKey.fail(keyId) : false;
      const clientBlocked = this.#failuresPerClient.fail(address);
      if (keyBlocked || clientBlocked) {
        this.#logger.warn(
          'Too many failed API key attempts: refusing them with 429 for a while',
          {
            keyId,
            clientAddress: address,
            blocked: keyBlocked ? 'key id' : 'client address',
          },
        );
      }
    }
    const event = await this.#auditor.createEvent({
      eventId: SUPACONTROL_AUDIT_EVENTS.apiKeyAuthenticate,
      severityLevel: 'medium',
      meta: {
        keyId,
        clientAddress: address,
        userAgent: client.userAgent,
        reason,
      },
    });
    await event.fail({ error: new AuthenticationError(reason) });
  }

  #forget(matches: (keyId: string) => boolean) {
    for (const [digest, entry] of this.#verified) {
      if (matches(entry.keyId)) this.#verified.delete(digest);
    }
  }

  #requireUser(caller: Caller, what: string): UserCaller {
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

  /** The policy's decision on managing keys; throws when it denies outright. */
  async #manageDecision(user: UserCaller) {
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission: supacontrolApiKeyManagePermission }],
      { credentials: user.credentials },
    );
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError('You are not allowed to manage API keys');
    }
    return decision;
  }
}

/** The auditor's request and meta for a key operation by any kind of caller. */
function auditOf(
  caller: Caller,
  meta: Record<string, unknown>,
): Pick<AuditorServiceCreateEventOptions, 'request' | 'meta'> {
  const audit = auditOptionsOf(caller);
  return { request: audit.request, meta: { ...audit.meta, ...meta } };
}
