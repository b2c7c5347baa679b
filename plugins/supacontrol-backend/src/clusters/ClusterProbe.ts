import { ClusterReachability } from '@supacontrol/plugin-supacontrol-common';
import {
  describeKubernetesError,
  KubernetesClient,
} from '../kubernetes/KubernetesClient';

/** What the last probe of a cluster found. */
export interface Reachability {
  status: ClusterReachability;
  /** Why it is unreachable. */
  message?: string;
  checkedAt?: Date;
}

/** How long one probe may take before the cluster counts as unreachable. */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * Whether a cluster's apiserver answers, asked at most once per `maxAgeMs` however many callers
 * ask (reconcile passes, the health endpoint), and remembered for placement and
 * `GET /v1/clusters`. Concurrent callers share one probe.
 */
export class ClusterProbe {
  readonly #kube: Pick<KubernetesClient, 'probe'>;
  #last: Reachability = { status: 'unknown' };
  #running?: Promise<Reachability>;

  static create(options: {
    kube: Pick<KubernetesClient, 'probe'>;
  }): ClusterProbe {
    return new ClusterProbe(options.kube);
  }

  private constructor(kube: Pick<KubernetesClient, 'probe'>) {
    this.#kube = kube;
  }

  /** What the last probe found, without asking; `unknown` before the first. */
  get last(): Reachability {
    return this.#last;
  }

  /** The last finding if it is younger than `maxAgeMs`, else a new probe's. */
  async check(maxAgeMs: number): Promise<Reachability> {
    const { checkedAt } = this.#last;
    if (checkedAt && Date.now() - checkedAt.getTime() < maxAgeMs) {
      return this.#last;
    }
    this.#running ??= this.#kube
      .probe(PROBE_TIMEOUT_MS)
      .then(
        (): Reachability => ({ status: 'reachable', checkedAt: new Date() }),
        (error): Reachability => ({
          status: 'unreachable',
          message: describeKubernetesError(error),
          checkedAt: new Date(),
        }),
      )
      .then(found => {
        this.#last = found;
        this.#running = undefined;
        return found;
      });
    return this.#running;
  }
}
