import {
  ApiException,
  AppsV1Api,
  AuthenticationV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  KubernetesObject,
  CoreV1Event,
  KubernetesObjectApi,
  Log,
  PatchStrategy,
  V1Deployment,
  V1Namespace,
  V1Pod,
  V1Secret,
  V1StatefulSet,
  Watch,
} from '@kubernetes/client-node';
import { Writable } from 'node:stream';

/** How to reach the cluster, from `supacontrol.kubernetes`. */
export type ClusterConnection =
  | { type: 'kubeconfig'; path: string; context?: string }
  | { type: 'in-cluster' };

/** A collection SupaControl's informers list and watch. */
export type WatchedCollection =
  | { kind: 'namespaces' | 'deployments' | 'statefulsets' }
  | { kind: 'secrets'; namespace: string };

function watchPath(collection: WatchedCollection): string {
  switch (collection.kind) {
    case 'namespaces':
      return '/api/v1/namespaces';
    case 'deployments':
      return '/apis/apps/v1/deployments';
    case 'statefulsets':
      return '/apis/apps/v1/statefulsets';
    case 'secrets':
      return `/api/v1/namespaces/${encodeURIComponent(
        collection.namespace,
      )}/secrets`;
    default:
      throw new Error('unknown collection');
  }
}

/** Which log lines of a container to read (`pods/log` query parameters). */
export interface PodLogOptions {
  container: string;
  /** Only the last lines. */
  tailLines?: number;
  /** Only lines of the last seconds. */
  sinceSeconds?: number;
}

/** Labels SupaControl puts on everything it creates, and selects by. */
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  instance: 'supacontrol.io/instance',
  instanceId: 'supacontrol.io/instance-id',
} as const;
export const MANAGED_BY = 'supacontrol';

const FIELD_MANAGER = 'supacontrol';
const REQUEST_TIMEOUT_MS = 30_000;

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

function isConflict(error: unknown): boolean {
  return error instanceof ApiException && error.code === 409;
}

/** How a request ended, as a metric attribute: the HTTP status class, or why there was none. */
function requestOutcome(error: unknown): string {
  if (error instanceof ApiException) {
    if (error.code === 404) return 'not_found';
    if (error.code === 409) return 'conflict';
    return error.code >= 500 ? 'server_error' : 'client_error';
  }
  return (error as { code?: string })?.code === 'ETIMEDOUT'
    ? 'timeout'
    : 'network_error';
}

/** A short message of an API error, for conditions and `lastError` (never a response body dump). */
export function describeKubernetesError(error: unknown): string {
  if (error instanceof ApiException) {
    let message = '';
    try {
      const body =
        typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
      message = body?.message ?? '';
    } catch {
      message = String(error.body).slice(0, 200);
    }
    return `Kubernetes API answered ${error.code}${
      message ? `: ${message}` : ''
    }`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * The only place that talks to the Kubernetes API, over `@kubernetes/client-node`. Counts its
 * requests, so that benchmarks can report the cost of a reconcile pass.
 */
export class KubernetesClient {
  readonly #core: CoreV1Api;
  readonly #discovery: DiscoveryV1Api;
  readonly #apps: AppsV1Api;
  readonly #objects: KubernetesObjectApi;
  readonly #authn: AuthenticationV1Api;
  readonly #log: Log;
  readonly #watch: Watch;
  readonly kubeconfigPath?: string;
  readonly context?: string;
  #requests = 0;
  #watchRequests = 0;
  readonly #onRequest?: (verb: string, outcome: string) => void;

  static create(
    connection: ClusterConnection,
    options: {
      /** Called after each API request, with its verb and outcome (for metrics). */
      onRequest?: (verb: string, outcome: string) => void;
    } = {},
  ): KubernetesClient {
    const kc = new KubeConfig();
    if (connection.type === 'in-cluster') {
      kc.loadFromCluster();
    } else {
      kc.loadFromFile(connection.path);
      if (connection.context) {
        if (!kc.getContexts().some(c => c.name === connection.context)) {
          throw new Error(
            `Invalid configuration at supacontrol.kubernetes.context: the kubeconfig ${connection.path} has no context '${connection.context}'`,
          );
        }
        kc.setCurrentContext(connection.context);
      }
    }
    return new KubernetesClient(
      kc,
      connection.type === 'kubeconfig' ? connection.path : undefined,
      connection.type === 'kubeconfig' ? kc.getCurrentContext() : undefined,
      options.onRequest,
    );
  }

  private constructor(
    kc: KubeConfig,
    kubeconfigPath?: string,
    context?: string,
    onRequest?: (verb: string, outcome: string) => void,
  ) {
    this.#onRequest = onRequest;
    this.#core = kc.makeApiClient(CoreV1Api);
    this.#apps = kc.makeApiClient(AppsV1Api);
    this.#objects = KubernetesObjectApi.makeApiClient(kc);
    this.#authn = kc.makeApiClient(AuthenticationV1Api);
    this.#discovery = kc.makeApiClient(DiscoveryV1Api);
    this.#log = new Log(kc);
    this.#watch = new Watch(kc);
    this.kubeconfigPath = kubeconfigPath;
    this.context = context;
  }

  /** Requests sent since start, other than the informers' lists and watches. */
  get requestCount(): number {
    return this.#requests;
  }

  /** The informers' list pages and watch requests since start. */
  get watchRequestCount(): number {
    return this.#watchRequests;
  }

  /**
   * One page of a collection, for an informer: namespaces, Deployments and StatefulSets across
   * all namespaces, or the Secrets of one namespace.
   */
  async listPage(
    collection: WatchedCollection,
    options: { labelSelector?: string; limit: number; continueToken?: string },
  ): Promise<{
    items: KubernetesObject[];
    resourceVersion: string;
    continueToken?: string;
  }> {
    const params = {
      labelSelector: options.labelSelector,
      limit: options.limit,
      _continue: options.continueToken,
    };
    const list = await this.#call(
      'list',
      async () => {
        switch (collection.kind) {
          case 'namespaces':
            return this.#core.listNamespace(params);
          case 'deployments':
            return this.#apps.listDeploymentForAllNamespaces(params);
          case 'statefulsets':
            return this.#apps.listStatefulSetForAllNamespaces(params);
          case 'secrets':
            return this.#core.listNamespacedSecret({
              ...params,
              namespace: collection.namespace,
            });
          default:
            throw new Error('unknown collection');
        }
      },
      'informer',
    );
    return {
      items: list.items as KubernetesObject[],
      resourceVersion: list.metadata?.resourceVersion ?? '',
      continueToken: list.metadata?._continue || undefined,
    };
  }

  /**
   * Starts a watch of a collection from `resourceVersion`. `onEvent` gets each event (ADDED,
   * MODIFIED, DELETED, BOOKMARK, ERROR); `done` is called once when the watch ends, with the
   * error if it failed. Resolves with the means to stop it once the server has accepted it.
   */
  async watch(
    collection: WatchedCollection,
    options: {
      labelSelector?: string;
      resourceVersion: string;
      timeoutSeconds: number;
    },
    onEvent: (type: string, object: any) => void,
    done: (error: unknown) => void,
  ): Promise<{ stop(): void }> {
    this.#watchRequests += 1;
    this.#onRequest?.('watch', 'success');
    const controller = await this.#watch.watch(
      watchPath(collection),
      {
        labelSelector: options.labelSelector,
        resourceVersion: options.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: options.timeoutSeconds,
      },
      onEvent,
      done,
    );
    return { stop: () => controller.abort() };
  }

  /**
   * A request, counted as the reconciler's (`requestCount`), an informer's (`watchRequestCount`)
   * or neither (the reachability probe), measured, and timed out after `timeoutMs`.
   */
  async #call<T>(
    verb: string,
    fn: () => Promise<T>,
    counted: 'request' | 'informer' | 'none' = 'request',
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<T> {
    if (counted === 'informer') this.#watchRequests += 1;
    if (counted === 'request') this.#requests += 1;
    // @kubernetes/client-node sets no timeout: a request to an apiserver that stopped answering
    // would hold its reconcile (and the instance's lease) forever. Time out; the reconciler
    // treats ETIMEDOUT as transient and retries.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            Object.assign(
              new Error(
                `Kubernetes API request timed out after ${timeoutMs / 1000} s`,
              ),
              { code: 'ETIMEDOUT' },
            ),
          ),
        timeoutMs,
      );
    });
    try {
      const result = await Promise.race([fn(), timeout]);
      this.#onRequest?.(verb, 'success');
      return result;
    } catch (error) {
      this.#onRequest?.(verb, requestOutcome(error));
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The apiserver's IPv4 addresses as instance pods would reach it: the ClusterIP of the Service
   * `default/kubernetes` and the endpoints behind it (the EndpointSlice of the same name, which
   * the apiserver keeps itself). Each as a /32, for the chart's egress `deny` list.
   */
  async apiServerCidrs(): Promise<string[]> {
    const service = await this.#call('get', () =>
      this.#core.readNamespacedService({
        namespace: 'default',
        name: 'kubernetes',
      }),
    );
    // An apiserver that advertises no routable address (one on loopback, as on our test bed)
    // publishes no EndpointSlice: then the ClusterIP is the only way pods reach it.
    const slice = await this.#call('get', () =>
      this.#discovery.readNamespacedEndpointSlice({
        namespace: 'default',
        name: 'kubernetes',
      }),
    ).catch(error => {
      if (isNotFound(error)) return undefined;
      throw error;
    });
    const addresses = [
      ...(service.spec?.clusterIPs ?? [service.spec?.clusterIP ?? '']),
      ...(slice?.endpoints ?? []).flatMap(e => e.addresses),
    ];
    return [
      ...new Set(
        addresses
          .filter(a => /^\d+\.\d+\.\d+\.\d+$/.test(a))
          .map(a => `${a}/32`),
      ),
    ];
  }

  /**
   * Whether the apiserver answers within `timeoutMs` (a list of one namespace): the cluster's
   * reachability probe. Measured like every request, but not counted in `requestCount`, which
   * reports the work reconcile passes do.
   */
  async probe(timeoutMs: number): Promise<void> {
    await this.#call(
      'probe',
      () => this.#core.listNamespace({ limit: 1 }),
      'none',
      timeoutMs,
    );
  }

  /** The user name the cluster knows SupaControl by (SelfSubjectReview). */
  async whoAmI(): Promise<string> {
    const review = await this.#call('create', () =>
      this.#authn.createSelfSubjectReview({
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'SelfSubjectReview',
        },
      }),
    );
    const name = review.status?.userInfo?.username;
    if (!name) {
      throw new Error(
        'The cluster did not say who SupaControl is (SelfSubjectReview)',
      );
    }
    return name;
  }

  async getNamespace(name: string): Promise<V1Namespace | undefined> {
    try {
      return await this.#call('get', () => this.#core.readNamespace({ name }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async deleteNamespace(name: string): Promise<void> {
    try {
      await this.#call('delete', () => this.#core.deleteNamespace({ name }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** Server-side apply: creates or updates the fields SupaControl owns, leaves the rest alone. */
  async apply<T extends KubernetesObject>(object: T): Promise<T> {
    return this.#call('patch', () =>
      this.#objects.patch(
        object,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      ),
    );
  }

  async getSecret(
    namespace: string,
    name: string,
  ): Promise<V1Secret | undefined> {
    try {
      return await this.#call('get', () =>
        this.#core.readNamespacedSecret({ namespace, name }),
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Creates a Secret unless one exists; returns whichever is in the cluster afterwards. */
  async createSecretIfMissing(secret: V1Secret): Promise<V1Secret> {
    const namespace = secret.metadata!.namespace!;
    try {
      return await this.#call('create', () =>
        this.#core.createNamespacedSecret({ namespace, body: secret }),
      );
    } catch (error) {
      if (!isConflict(error)) throw error;
      const existing = await this.getSecret(namespace, secret.metadata!.name!);
      if (!existing) throw error;
      return existing;
    }
  }

  async replaceSecret(secret: V1Secret): Promise<V1Secret> {
    return this.#call('update', () =>
      this.#core.replaceNamespacedSecret({
        namespace: secret.metadata!.namespace!,
        name: secret.metadata!.name!,
        body: secret,
      }),
    );
  }

  async listPods(namespace: string, labelSelector: string): Promise<V1Pod[]> {
    const list = await this.#call('list', () =>
      this.#core.listNamespacedPod({ namespace, labelSelector }),
    );
    return list.items;
  }

  /** The namespace's events (core/v1, which also shows those recorded through events.k8s.io). */
  async listEvents(namespace: string): Promise<CoreV1Event[]> {
    const list = await this.#call('list', () =>
      this.#core.listNamespacedEvent({ namespace }),
    );
    return list.items;
  }

  /** The log of one container, as the kubelet (kwok on the test bed) returns it. */
  async readPodLog(
    namespace: string,
    pod: string,
    options: PodLogOptions,
  ): Promise<string> {
    return this.#call('get', () =>
      this.#core.readNamespacedPodLog({
        namespace,
        name: pod,
        container: options.container,
        tailLines: options.tailLines,
        sinceSeconds: options.sinceSeconds,
      }),
    );
  }

  /**
   * Follows the log of one container into `out` until the log ends (the container stopped) or
   * `signal` aborts; resolves then. Only the start of the stream counts against the request
   * timeout. `out` is ended when the log ends, not when `signal` aborts.
   */
  async followPodLog(
    namespace: string,
    pod: string,
    options: PodLogOptions,
    out: Writable,
    signal: AbortSignal,
  ): Promise<void> {
    const controller = await this.#call('get', () =>
      this.#log.log(namespace, pod, options.container, out, {
        follow: true,
        tailLines: options.tailLines,
        sinceSeconds: options.sinceSeconds,
      }),
    );
    let stop = () => {};
    await new Promise<void>(resolve => {
      // The response body is piped into `out` without its errors: an aborted body never ends
      // `out`, so stopping must not wait for it.
      stop = () => {
        controller.abort();
        resolve();
      };
      if (signal.aborted) {
        stop();
        return;
      }
      signal.addEventListener('abort', stop, { once: true });
      out.once('finish', resolve);
      out.once('close', resolve);
    });
    signal.removeEventListener('abort', stop);
  }

  /**
   * Every Deployment and StatefulSet of every instance, in two list calls whatever the number of
   * instances.
   */
  async listWorkloads(): Promise<{
    deployments: V1Deployment[];
    statefulSets: V1StatefulSet[];
  }> {
    const labelSelector = LABELS.instance;
    const [deployments, statefulSets] = await Promise.all([
      this.#call('list', () =>
        this.#apps.listDeploymentForAllNamespaces({ labelSelector }),
      ),
      this.#call('list', () =>
        this.#apps.listStatefulSetForAllNamespaces({ labelSelector }),
      ),
    ]);
    return { deployments: deployments.items, statefulSets: statefulSets.items };
  }
}
