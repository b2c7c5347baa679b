import { Config } from '@backstage/config';

/** What a service principal may be allowed to do with instances (`supacontrol.serviceAccess`). */
export const SERVICE_OPERATIONS = [
  'read',
  'create',
  'update',
  'delete',
  'credentials',
] as const;
export type ServiceOperation = (typeof SERVICE_OPERATIONS)[number];

/** One entry of `supacontrol.serviceAccess`. */
export interface ServiceAccessRule {
  /** The service principal's subject, e.g. `plugin:catalog` or a static token's `subject`. */
  subject: string;
  allow: ServiceOperation[];
  /** Only instances of these owners (lowercase entity refs); undefined: any owner. */
  owners?: string[];
}

/**
 * Allowed unless `supacontrol.serviceAccess` has an entry for the same subject: the catalog
 * module's listing, the one SupaControl caller that acts for no user (the scaffolder actions call
 * on behalf of the user running the template).
 */
export const DEFAULT_SERVICE_ACCESS: ServiceAccessRule[] = [
  { subject: 'plugin:catalog', allow: ['read'] },
];

/** `supacontrol.limits`. */
export interface LimitsConfig {
  /** Live instances one owner may have. */
  instancesPerOwner: number;
  /** Live instances in total. */
  instancesTotal: number;
  /** Requests per minute one caller may make to /v1, on each replica. */
  requestsPerMinute: number;
}

/** `supacontrol.apiKeys`. */
export interface ApiKeyPolicy {
  /** Lifetime of a key created without `expiresAt`. */
  defaultLifetimeMs: number;
  /** The furthest `expiresAt` a key may have ("never" is for admins only). */
  maxLifetimeMs: number;
  /** How long the owner's ownership, read from the catalog, is reused. At most 60 s. */
  ownershipCacheMs: number;
  /** Failed authentications allowed per key id, and per client address, within `windowMs`. */
  failedAttempts: { perKey: number; perClient: number; windowMs: number };
}

export const DAY_MS = 24 * 3600 * 1000;
const ENTITY_REF = /^[a-z]+:[a-z0-9._-]+\/[a-z0-9._-]+$/i;
const SUBJECT = /^\S{1,200}$/;

function fail(key: string, message: string): never {
  throw new Error(`Invalid configuration at supacontrol.${key}: ${message}`);
}

function wholeNumber(
  root: Config | undefined,
  key: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = root?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(key, `must be a whole number from ${min} to ${max}; got ${value}`);
  }
  return value;
}

export function readServiceAccess(
  root: Config | undefined,
): ServiceAccessRule[] {
  const entries = root?.getOptionalConfigArray('serviceAccess') ?? [];
  const seen = new Set<string>();
  const rules = entries.map((entry, i): ServiceAccessRule => {
    const key = `serviceAccess[${i}]`;
    const subject = entry.getOptionalString('subject');
    if (!subject || !SUBJECT.test(subject)) {
      fail(
        `${key}.subject`,
        "must be a service principal's subject, e.g. plugin:catalog or the subject of a static token in backend.auth.externalAccess",
      );
    }
    if (seen.has(subject)) {
      fail(`${key}.subject`, `'${subject}' is listed twice; merge the entries`);
    }
    seen.add(subject);
    const allow = entry.getOptionalStringArray('allow') ?? [];
    if (allow.length === 0) {
      fail(
        `${key}.allow`,
        `list the operations allowed, from ${SERVICE_OPERATIONS.join(', ')}`,
      );
    }
    for (const operation of allow) {
      if (!(SERVICE_OPERATIONS as readonly string[]).includes(operation)) {
        fail(
          `${key}.allow`,
          `'${operation}' is not an operation; use ${SERVICE_OPERATIONS.join(
            ', ',
          )}`,
        );
      }
    }
    const owners = entry.getOptionalStringArray('owners');
    for (const owner of owners ?? []) {
      if (!ENTITY_REF.test(owner)) {
        fail(
          `${key}.owners`,
          `'${owner}' is not a full entity ref such as group:default/team-a`,
        );
      }
    }
    return {
      subject,
      allow: [...new Set(allow)] as ServiceOperation[],
      owners: owners?.map(o => o.toLocaleLowerCase('en-US')),
    };
  });
  return [
    ...rules,
    ...DEFAULT_SERVICE_ACCESS.filter(rule => !seen.has(rule.subject)),
  ];
}

export function readLimits(root: Config | undefined): LimitsConfig {
  return {
    instancesPerOwner: wholeNumber(
      root,
      'limits.instancesPerOwner',
      10,
      1,
      100_000,
    ),
    instancesTotal: wholeNumber(root, 'limits.instancesTotal', 500, 1, 1e6),
    requestsPerMinute: wholeNumber(
      root,
      'limits.requestsPerMinute',
      600,
      1,
      1e7,
    ),
  };
}

export function readApiKeyPolicy(root: Config | undefined): ApiKeyPolicy {
  const maxDays = wholeNumber(root, 'apiKeys.maxLifetimeDays', 365, 1, 365);
  const defaultDays = wholeNumber(
    root,
    'apiKeys.defaultLifetimeDays',
    Math.min(90, maxDays),
    1,
    maxDays,
  );
  return {
    defaultLifetimeMs: defaultDays * DAY_MS,
    maxLifetimeMs: maxDays * DAY_MS,
    ownershipCacheMs:
      wholeNumber(root, 'apiKeys.ownershipCacheSeconds', 60, 0, 60) * 1000,
    failedAttempts: {
      perKey: wholeNumber(root, 'apiKeys.failedAttempts.perKey', 10, 1, 1000),
      perClient: wholeNumber(
        root,
        'apiKeys.failedAttempts.perClient',
        50,
        1,
        100_000,
      ),
      windowMs:
        wholeNumber(
          root,
          'apiKeys.failedAttempts.windowSeconds',
          300,
          1,
          86400,
        ) * 1000,
    },
  };
}
