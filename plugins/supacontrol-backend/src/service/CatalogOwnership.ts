import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** Only what this class reads of the catalog. */
export type CatalogReader = Pick<CatalogService, 'getEntityByRef'>;

/**
 * A user's ownership as the catalog says now: the user's own ref and the groups it is a direct
 * member of (the `memberOf` relations), which is what Backstage's default sign-in ownership
 * resolution gives a signed-in user. API keys act with this, not with what their owner had when the
 * key was created, so that a user removed from a team, or from the catalog, loses the team's
 * instances on their keys too. Answers are reused for `cacheMs` (at most a minute) per user.
 */
export class CatalogOwnership {
  readonly #catalog: CatalogReader;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;
  readonly #cacheMs: number;
  readonly #cache = new Map<
    string,
    { at: number; refs: Promise<string[] | undefined> }
  >();

  static create(options: {
    catalog: CatalogReader;
    auth: AuthService;
    logger: LoggerService;
    cacheMs: number;
  }): CatalogOwnership {
    return new CatalogOwnership(options);
  }

  private constructor(options: Parameters<typeof CatalogOwnership.create>[0]) {
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#logger = options.logger;
    this.#cacheMs = options.cacheMs;
  }

  /**
   * The lowercase ownership refs of the user, or undefined when the catalog has no such user.
   * Throws `ServiceUnavailableError` when the catalog cannot be asked.
   */
  async ownershipOf(userRef: string): Promise<string[] | undefined> {
    const key = userRef.toLocaleLowerCase('en-US');
    const now = Date.now();
    const cached = this.#cache.get(key);
    if (cached && now - cached.at < this.#cacheMs) {
      return cached.refs;
    }
    const refs = this.#read(key);
    this.#cache.set(key, { at: now, refs });
    // A failed lookup is not remembered: the next request asks again.
    refs.catch(() => this.#cache.delete(key));
    if (this.#cache.size > 10_000) {
      for (const [k, v] of this.#cache) {
        if (now - v.at >= this.#cacheMs) this.#cache.delete(k);
      }
    }
    return refs;
  }

  async #read(userRef: string): Promise<string[] | undefined> {
    let entity;
    try {
      entity = await this.#catalog.getEntityByRef(userRef, {
        credentials: await this.#auth.getOwnServiceCredentials(),
      });
    } catch (error) {
      this.#logger.warn('Could not read an API key owner from the catalog', {
        owner: userRef,
        error: String(error),
      });
      throw new ServiceUnavailableError(
        "The catalog did not answer, so the API key's owner could not be checked; try again shortly",
      );
    }
    if (!entity || entity.kind.toLocaleLowerCase('en-US') !== 'user') {
      return undefined;
    }
    const refs = [
      stringifyEntityRef(entity),
      ...(entity.relations ?? [])
        .filter(r => r.type === RELATION_MEMBER_OF)
        .map(r => r.targetRef),
    ].map(r => r.toLocaleLowerCase('en-US'));
    return [...new Set(refs)];
  }
}
