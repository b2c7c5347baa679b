import { LoggerService } from '@backstage/backend-plugin-api';
import { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import { KubernetesClient, LABELS, MANAGED_BY } from './KubernetesClient';
import { Reflector } from './Reflector';

const COMPONENT_LABEL = 'app.kubernetes.io/component';
const HELM_RELEASE_TYPE = 'helm.sh/release.v1';

type NamespaceState = {
  name: string;
  instance?: string;
  instanceId?: string;
  managed: boolean;
  terminating: boolean;
};

type SecretState = {
  name: string;
  type?: string;
  managed: boolean;
  /** Helm's storage labels of a release Secret. */
  release?: { name: string; status: string; version: number };
};

/** What the cache says of one instance's objects, or undefined where it cannot tell. */
export type CachedInstance = {
  namespace: 'absent' | 'ours' | 'terminating' | 'foreign';
  /** Whether the instance Secret exists. */
  secret: boolean;
  /** The latest revision of the instance's Helm release. */
  release?: { status: string; version: number };
};

/** Keeps only what readiness reads of a Deployment or StatefulSet. */
function projectWorkload<W extends V1Deployment | V1StatefulSet>(w: W): W {
  const labels = w.metadata?.labels ?? {};
  return {
    metadata: {
      name: w.metadata?.name,
      namespace: w.metadata?.namespace,
      generation: w.metadata?.generation,
      labels: {
        [LABELS.instance]: labels[LABELS.instance],
        ...(labels[COMPONENT_LABEL] && {
          [COMPONENT_LABEL]: labels[COMPONENT_LABEL],
        }),
      },
    },
    spec: { replicas: w.spec?.replicas } as any,
    status: {
      readyReplicas: w.status?.readyReplicas,
      updatedReplicas: w.status?.updatedReplicas,
      observedGeneration: w.status?.observedGeneration,
    } as any,
  } as unknown as W;
}

function projectNamespace(ns: any): NamespaceState {
  const labels = ns.metadata?.labels ?? {};
  return {
    name: ns.metadata?.name,
    instance: labels[LABELS.instance],
    instanceId: labels[LABELS.instanceId],
    managed: labels[LABELS.managedBy] === MANAGED_BY,
    terminating: !!ns.metadata?.deletionTimestamp,
  };
}

/** Keeps a Secret's name and labels, never its data. */
function projectSecret(secret: any): SecretState {
  const labels = secret.metadata?.labels ?? {};
  const isRelease =
    secret.type === HELM_RELEASE_TYPE && labels.owner === 'helm';
  return {
    name: secret.metadata?.name,
    type: secret.type,
    managed: labels[LABELS.managedBy] === MANAGED_BY,
    ...(isRelease && {
      release: {
        name: labels.name,
        status: labels.status,
        version: Number(labels.version) || 0,
      },
    }),
  };
}

/**
 * SupaControl's informers: the namespaces it manages and the Deployments and StatefulSets of its
 * instances, each watched across the cluster by label, and the Secrets of each instance
 * namespace (the instance Secret and Helm's release records), watched per namespace.
 *
 * Secrets are watched namespace by namespace on purpose: watching them across the cluster would
 * need the right to read every Secret of the cluster, while SupaControl reads Secrets only where
 * its RoleBinding in an instance namespace lets it. That costs one watch connection per instance,
 * and no request per reconcile pass.
 *
 * Every change to an instance's objects calls `onInstance` with its name, so that the reconciler
 * works on it at once instead of polling.
 */
export class ClusterCache {
  readonly #kube: KubernetesClient;
  readonly #logger: LoggerService;
  readonly #onInstance: (name: string) => void;
  readonly #instanceSecretName: string;
  readonly #namespaces: Reflector<NamespaceState>;
  readonly #deployments: Reflector<V1Deployment>;
  readonly #statefulSets: Reflector<V1StatefulSet>;
  readonly #secrets = new Map<string, Reflector<SecretState>>();
  #stopped = false;

  static create(options: {
    kube: KubernetesClient;
    logger: LoggerService;
    /** The name of the Secret each instance namespace holds. */
    instanceSecretName: string;
    onInstance: (name: string) => void;
  }): ClusterCache {
    return new ClusterCache(options);
  }

  private constructor(options: Parameters<typeof ClusterCache.create>[0]) {
    this.#kube = options.kube;
    this.#logger = options.logger;
    this.#onInstance = options.onInstance;
    this.#instanceSecretName = options.instanceSecretName;
    this.#namespaces = new Reflector<NamespaceState>({
      kube: this.#kube,
      collection: { kind: 'namespaces' },
      labelSelector: `${LABELS.managedBy}=${MANAGED_BY}`,
      project: projectNamespace,
      onChange: (_key, before, after) => this.#namespaceChanged(before, after),
      logger: this.#logger,
    });
    const workloadChanged = (
      _key: string,
      before?: V1Deployment | V1StatefulSet,
      after?: V1Deployment | V1StatefulSet,
    ) => {
      const name =
        after?.metadata?.labels?.[LABELS.instance] ??
        before?.metadata?.labels?.[LABELS.instance];
      if (name) this.#onInstance(name);
    };
    this.#deployments = new Reflector<V1Deployment>({
      kube: this.#kube,
      collection: { kind: 'deployments' },
      labelSelector: LABELS.instance,
      project: projectWorkload,
      onChange: workloadChanged,
      logger: this.#logger,
    });
    this.#statefulSets = new Reflector<V1StatefulSet>({
      kube: this.#kube,
      collection: { kind: 'statefulsets' },
      labelSelector: LABELS.instance,
      project: projectWorkload,
      onChange: workloadChanged,
      logger: this.#logger,
    });
  }

  start(): void {
    this.#namespaces.start();
    this.#deployments.start();
    this.#statefulSets.start();
  }

  stop(): void {
    this.#stopped = true;
    this.#namespaces.stop();
    this.#deployments.stop();
    this.#statefulSets.stop();
    for (const reflector of this.#secrets.values()) reflector.stop();
    this.#secrets.clear();
  }

  /** Every cluster-wide informer follows the cluster. */
  get live(): boolean {
    return (
      this.#namespaces.live && this.#deployments.live && this.#statefulSets.live
    );
  }

  /** The watches held open: one per cluster-wide informer and one per instance namespace. */
  get watches(): number {
    return 3 + this.#secrets.size;
  }

  /** Every instance's workloads, or undefined when the informers do not follow the cluster. */
  workloads():
    | { deployments: V1Deployment[]; statefulSets: V1StatefulSet[] }
    | undefined {
    if (!this.live) return undefined;
    return {
      deployments: [...this.#deployments.values()],
      statefulSets: [...this.#statefulSets.values()],
    };
  }

  /**
   * What the cluster holds of an instance, as last seen, or undefined when the informers (or the
   * watch of its namespace's Secrets) do not follow the cluster right now.
   */
  instance(record: {
    id: string;
    name: string;
    namespace: string;
  }): CachedInstance | undefined {
    if (!this.live) return undefined;
    const ns = this.#namespaces.get(record.namespace);
    if (!ns) return { namespace: 'absent', secret: false };
    if (!ns.managed || ns.instanceId !== record.id) {
      return { namespace: 'foreign', secret: false };
    }
    const secrets = this.#watchSecrets(record.namespace);
    if (!secrets.live) return undefined;
    let secret = false;
    let release: CachedInstance['release'];
    for (const s of secrets.values()) {
      if (s.managed && s.name === this.#instanceSecretName) secret = true;
      if (
        s.release?.name === record.name &&
        (!release || s.release.version > release.version)
      ) {
        release = { status: s.release.status, version: s.release.version };
      }
    }
    return {
      namespace: ns.terminating ? 'terminating' : 'ours',
      secret,
      release,
    };
  }

  /**
   * The watch of a namespace's Secrets, started the first time the reconciler asks about one of
   * its instances (so that only namespaces of this installation's instances are watched).
   */
  #watchSecrets(name: string): Reflector<SecretState> {
    let reflector = this.#secrets.get(name);
    if (!reflector) {
      reflector = new Reflector<SecretState>({
        kube: this.#kube,
        collection: { kind: 'secrets', namespace: name },
        project: projectSecret,
        onChange: () => {
          const instance = this.#namespaces.get(name)?.instance;
          if (instance) this.#onInstance(instance);
        },
        logger: this.#logger,
        // Refused until SupaControl's RoleBinding exists in a new namespace, and once it is
        // deleted from one being removed: retried quietly.
        quiet: true,
      });
      this.#secrets.set(name, reflector);
      if (!this.#stopped) reflector.start();
    }
    return reflector;
  }

  #namespaceChanged(before?: NamespaceState, after?: NamespaceState) {
    const name = after?.name ?? before?.name;
    if (!name) return;
    if (!after) {
      this.#secrets.get(name)?.stop();
      this.#secrets.delete(name);
    }
    const instance = after?.instance ?? before?.instance;
    if (instance) this.#onInstance(instance);
  }
}
