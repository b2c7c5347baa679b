import { LoggerService } from '@backstage/backend-plugin-api';
import { ApiException, KubernetesObject } from '@kubernetes/client-node';
import {
  describeKubernetesError,
  KubernetesClient,
  WatchedCollection,
} from './KubernetesClient';

const PAGE_SIZE = 500;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/** The store key of an object: `namespace/name`, or `name` for cluster-scoped ones. */
export function objectKey(object: KubernetesObject): string {
  const { namespace, name } = object.metadata ?? {};
  return namespace ? `${namespace}/${name}` : `${name}`;
}

function isGone(error: unknown): boolean {
  return (
    (error instanceof ApiException && error.code === 410) ||
    (error as { statusCode?: number })?.statusCode === 410
  );
}

/**
 * An informer's reflector: lists a collection once (in pages), then watches it from the list's
 * resourceVersion, resuming each watch where the last one ended. A watch whose resourceVersion
 * is too old (410 Gone) lists again; a failed one is retried with backoff and jitter. Keeps a
 * projection of each object (only the fields SupaControl reads) and says which keys changed.
 *
 * `live` is true while the store follows the cluster: listed, and the watch up. A reader that
 * needs the truth while it is not (the apiserver is down) asks the cluster itself.
 */
export class Reflector<T> {
  readonly #kube: KubernetesClient;
  readonly #collection: WatchedCollection;
  readonly #labelSelector?: string;
  readonly #project: (object: any) => T;
  readonly #onChange: (key: string, before?: T, after?: T) => void;
  readonly #logger: LoggerService;
  readonly #quiet: boolean;
  readonly #watchSeconds?: number;
  #lists = 0;
  #watches = 0;
  readonly #items = new Map<string, T>();
  #resourceVersion = '';
  #stopped = false;
  #live = false;
  #synced = false;
  #failures = 0;
  #watch?: { stop(): void };
  #retry?: NodeJS.Timeout;

  constructor(options: {
    kube: KubernetesClient;
    collection: WatchedCollection;
    labelSelector?: string;
    /** The part of an object that is kept. */
    project: (object: any) => T;
    /** Called for every added, changed or removed object (also those a re-list finds). */
    onChange: (key: string, before?: T, after?: T) => void;
    logger: LoggerService;
    /** Failures are logged at debug level only (a watch of a namespace being deleted fails). */
    quiet?: boolean;
    /** How long the server keeps each watch open; default 4 to 6 minutes. */
    watchSeconds?: number;
  }) {
    this.#kube = options.kube;
    this.#collection = options.collection;
    this.#labelSelector = options.labelSelector;
    this.#project = options.project;
    this.#onChange = options.onChange;
    this.#logger = options.logger;
    this.#quiet = options.quiet ?? false;
    this.#watchSeconds = options.watchSeconds;
  }

  /** Complete listings and watch requests made so far. */
  get stats(): { lists: number; watches: number } {
    return { lists: this.#lists, watches: this.#watches };
  }

  /** Listed at least once. */
  get synced(): boolean {
    return this.#synced;
  }

  /** Listed, and the watch is up: the store follows the cluster. */
  get live(): boolean {
    return this.#live && !this.#stopped;
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  values(): IterableIterator<T> {
    return this.#items.values();
  }

  start(): void {
    this.#list();
  }

  stop(): void {
    this.#stopped = true;
    this.#live = false;
    if (this.#retry) clearTimeout(this.#retry);
    this.#watch?.stop();
  }

  async #list(): Promise<void> {
    if (this.#stopped) return;
    try {
      const listed = new Map<string, T>();
      let continueToken: string | undefined;
      let resourceVersion = '';
      do {
        const page = await this.#kube.listPage(this.#collection, {
          labelSelector: this.#labelSelector,
          limit: PAGE_SIZE,
          continueToken,
        });
        for (const item of page.items) {
          listed.set(objectKey(item), this.#project(item));
        }
        continueToken = page.continueToken;
        resourceVersion = page.resourceVersion;
      } while (continueToken);
      if (this.#stopped) return;
      this.#lists += 1;
      // What changed while nothing was watched is reported like a watch event.
      const before = new Map(this.#items);
      this.#items.clear();
      for (const [key, value] of listed) this.#items.set(key, value);
      for (const [key, value] of listed) {
        const old = before.get(key);
        if (!old || JSON.stringify(old) !== JSON.stringify(value)) {
          this.#onChange(key, old, value);
        }
      }
      for (const [key, old] of before) {
        if (!listed.has(key)) this.#onChange(key, old, undefined);
      }
      this.#resourceVersion = resourceVersion;
      this.#synced = true;
      await this.#startWatch();
    } catch (error) {
      this.#failed(error, 'list');
    }
  }

  async #startWatch(): Promise<void> {
    if (this.#stopped) return;
    let ended = false;
    const started = Date.now();
    const end = (error: unknown) => {
      if (ended) return;
      ended = true;
      this.#live = false;
      this.#watch = undefined;
      if (this.#stopped) return;
      if (isGone(error)) {
        this.#list();
      } else if (error) {
        this.#failed(error, 'watch');
      } else if (Date.now() - started < 1_000) {
        // Closed as soon as opened: not resumed in a tight loop.
        this.#failed(new Error('the watch was closed at once'), 'watch');
      } else {
        // The server ended the watch (its timeout): resume from the last version seen.
        this.#startWatch().catch(e => this.#failed(e, 'watch'));
      }
    };
    const watch = await this.#kube.watch(
      this.#collection,
      {
        labelSelector: this.#labelSelector,
        resourceVersion: this.#resourceVersion,
        // Ended by the server every 4 to 6 minutes, then resumed: a connection that silently
        // died is noticed.
        timeoutSeconds:
          this.#watchSeconds ?? 240 + Math.floor(Math.random() * 120),
      },
      (type, object) => {
        if (ended) return;
        if (type === 'ERROR') {
          end(
            object?.code === 410
              ? { statusCode: 410 }
              : new Error(object?.message ?? 'watch error'),
          );
          return;
        }
        const version = object?.metadata?.resourceVersion;
        if (version) this.#resourceVersion = version;
        if (type === 'BOOKMARK') return;
        const key = objectKey(object);
        const before = this.#items.get(key);
        if (type === 'DELETED') {
          this.#items.delete(key);
          this.#onChange(key, before, undefined);
          return;
        }
        const after = this.#project(object);
        this.#items.set(key, after);
        // A change to a field that is not kept (a heartbeat, managedFields) is no change here.
        if (before && JSON.stringify(before) === JSON.stringify(after)) return;
        this.#onChange(key, before, after);
      },
      end,
    );
    this.#watches += 1;
    if (ended || this.#stopped) {
      watch.stop();
      return;
    }
    this.#watch = watch;
    this.#live = true;
    if (this.#failures > 0 && !this.#quiet) {
      this.#logger.info(`Watching ${this.#describe()} again`);
    }
    this.#failures = 0;
  }

  #failed(error: unknown, what: string) {
    this.#live = false;
    if (this.#stopped) return;
    this.#failures += 1;
    const delay = Math.min(
      RETRY_MAX_MS,
      RETRY_MIN_MS * 2 ** (this.#failures - 1),
    );
    const message = `Could not ${what} ${this.#describe()}; retrying in ${Math.round(
      delay / 1000,
    )} s: ${describeKubernetesError(error)}`;
    // One warning per outage, not one per retry.
    if (this.#failures === 1 && !this.#quiet) this.#logger.warn(message);
    else this.#logger.debug(message);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      // A watch that failed resumes where it was; one that never listed lists.
      if (this.#synced && what === 'watch') {
        this.#startWatch().catch(e => this.#failed(e, 'watch'));
      } else {
        this.#list();
      }
    }, delay * (0.8 + Math.random() * 0.4));
    this.#retry.unref?.();
  }

  #describe(): string {
    const c = this.#collection;
    return c.kind === 'secrets' ? `the Secrets of ${c.namespace}` : c.kind;
  }
}
