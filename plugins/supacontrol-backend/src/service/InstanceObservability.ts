import { Clusters } from '../clusters/Clusters';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import {
  ClusterEvent,
  ClusterEventList,
  InstanceComponentName,
  supacontrolInstanceReadPermission,
} from '@supacontrol/plugin-supacontrol-common';
import { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { InstanceStore } from '../database/InstanceStore';
import { InstanceRecord } from '../database/types';
import {
  KubernetesClient,
  PodLogOptions,
} from '../kubernetes/KubernetesClient';
import { Caller } from './callers';
import { fromCluster } from './clusterErrors';
import { InstanceAuthorizer } from './InstanceAuthorizer';

/** What `GET …/logs` asks for, validated by the router. */
export interface LogsQuery {
  component: InstanceComponentName;
  tail: number;
  since?: number;
  follow: boolean;
}

/**
 * Where log text goes. Nothing is written before every check has passed, so a refusal can still
 * be an error answer. `signal` aborts when the client goes away: following stops then.
 */
export interface LogSink {
  write(text: string): void;
  signal: AbortSignal;
}

/** The most events `clusterEvents` returns. */
export const MAX_CLUSTER_EVENTS = 200;

/**
 * The container of each component's pods. Each workload of charts/supabase has one container
 * named as its component, except the database StatefulSet, whose container is `postgres`
 * (templates/db/statefulset.yaml).
 */
const CONTAINER_OF: Record<InstanceComponentName, string> = {
  db: 'postgres',
  rest: 'rest',
  auth: 'auth',
  realtime: 'realtime',
  storage: 'storage',
  meta: 'meta',
  functions: 'functions',
  kong: 'kong',
  studio: 'studio',
};

/** The chart labels every workload with its component (`supabase.selectorLabels`). */
const COMPONENT_LABEL = 'app.kubernetes.io/component';

/**
 * Reads what runs in an instance's namespace: container logs of a component and the namespace's
 * Kubernetes events. Both need `supacontrol.instance.read` (API key scope `instances:read`).
 */
export class InstanceObservability {
  readonly #store: InstanceStore;
  readonly #authorizer: InstanceAuthorizer;
  readonly #clusters: Pick<Clusters, 'get'>;
  readonly #logger: LoggerService;

  static create(options: {
    store: InstanceStore;
    authorizer: InstanceAuthorizer;
    /** Absent when no cluster is configured: both operations answer 503. */
    /** Each instance's logs and events are read from its own cluster. */
    clusters: Pick<Clusters, 'get'>;
    logger: LoggerService;
  }): InstanceObservability {
    return new InstanceObservability(options);
  }

  private constructor(
    options: Parameters<typeof InstanceObservability.create>[0],
  ) {
    this.#store = options.store;
    this.#authorizer = options.authorizer;
    this.#clusters = options.clusters;
    this.#logger = options.logger;
  }

  /**
   * Writes the log lines of the component's pods to `sink`, each prefixed with `[<pod>] ` when
   * there are several pods. With `follow`, keeps writing until the logs end or the sink's signal
   * aborts.
   */
  async logs(
    name: string,
    query: LogsQuery,
    caller: Caller,
    sink: LogSink,
  ): Promise<void> {
    const { record, kube } = await this.#readable(name, caller);
    const pods = await fromCluster(
      `list the pods of instance ${name}`,
      this.#logger,
      () =>
        kube.listPods(
          record.namespace,
          `${COMPONENT_LABEL}=${query.component}`,
        ),
    );
    // A pod that has not started has no log yet; the kubelet would refuse with 400.
    const started = pods
      .filter(pod => pod.status?.phase && pod.status.phase !== 'Pending')
      .map(pod => pod.metadata!.name!)
      .sort();
    if (started.length === 0) {
      throw new ConflictError(
        `Component '${query.component}' of instance '${name}' has no running pod ` +
          `(instance status ${record.status}${describePods(
            pods,
          )}); logs exist while it runs`,
      );
    }
    const options: PodLogOptions = {
      container: CONTAINER_OF[query.component],
      tailLines: query.tail,
      sinceSeconds: query.since,
    };
    const prefixOf = (pod: string) => (started.length > 1 ? `[${pod}] ` : '');

    if (!query.follow) {
      const texts = await fromCluster(
        `read the logs of instance ${name}`,
        this.#logger,
        () =>
          Promise.all(
            started.map(pod => kube.readPodLog(record.namespace, pod, options)),
          ),
      );
      started.forEach((pod, i) => {
        for (const line of splitLines(texts[i])) {
          sink.write(`${prefixOf(pod)}${line}\n`);
        }
      });
      return;
    }

    // Follow every pod until the client leaves, or until one stream fails: then all stop. A
    // failure before any line was written is the answer (502/503); after, it can only be logged.
    const stop = new AbortController();
    const leave = () => stop.abort();
    sink.signal.addEventListener('abort', leave, { once: true });
    const outs = started.map(pod => lineWriter(prefixOf(pod), sink));
    try {
      await fromCluster(
        `follow the logs of instance ${name}`,
        this.#logger,
        () =>
          Promise.all(
            started.map((pod, i) =>
              kube.followPodLog(
                record.namespace,
                pod,
                options,
                outs[i],
                stop.signal,
              ),
            ),
          ),
      );
      for (const out of outs) out.flush();
    } catch (error) {
      if (!outs.some(out => out.wroteAny)) throw error;
      this.#logger.warn(`Following the logs of instance ${name} failed`, {
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      stop.abort();
      sink.signal.removeEventListener('abort', leave);
      for (const out of outs) out.stopped = true;
    }
  }

  /** The namespace's Kubernetes events: Warnings first, then newest first; at most 200. */
  async clusterEvents(name: string, caller: Caller): Promise<ClusterEventList> {
    const { record, kube } = await this.#readable(name, caller);
    const events = await fromCluster(
      `list the events of instance ${name}`,
      this.#logger,
      () => kube.listEvents(record.namespace),
    );
    const items = events.map(toClusterEvent).sort(warningsThenNewest);
    return { items: items.slice(0, MAX_CLUSTER_EVENTS) };
  }

  /** The live instance the caller may read, and the cluster client. */
  async #readable(
    name: string,
    caller: Caller,
  ): Promise<{ record: InstanceRecord; kube: KubernetesClient }> {
    this.#authorizer.checkServiceOperation(
      caller,
      supacontrolInstanceReadPermission,
    );
    const record = await this.#store.getInstance(name);
    if (!record) {
      throw new NotFoundError(`No instance named '${name}'`);
    }
    await this.#authorizer.authorize(
      caller,
      supacontrolInstanceReadPermission,
      record,
    );
    if (record.deletedAt) {
      throw new NotFoundError(
        `Instance '${name}' was deleted; its logs and events are gone`,
      );
    }
    const cluster = this.#clusters.get(record.cluster);
    if (!cluster) {
      throw new ServiceUnavailableError(
        `Cluster '${record.cluster}' of this instance is not configured (supacontrol.clusters); its logs and events live there`,
      );
    }
    return { record, kube: cluster.kube };
  }
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function describePods(pods: V1Pod[]): string {
  if (pods.length === 0) return ', no pod';
  const phases = pods.map(p => p.status?.phase ?? 'unknown');
  return `, pods ${phases.join(', ')}`;
}

type LineWriter = Writable & {
  wroteAny: boolean;
  /** Set once following is over: whatever still arrives is dropped. */
  stopped: boolean;
  /** Sends a last line that had no newline. */
  flush(): void;
};

/** A Writable that passes whole lines, prefixed, to the sink. */
function lineWriter(prefix: string, sink: LogSink): LineWriter {
  // A multi-byte character may be split between two chunks.
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const lines = (rest + decoder.write(chunk)).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (out.stopped) break;
        out.wroteAny = true;
        sink.write(`${prefix}${line}\n`);
      }
      callback();
    },
  }) as LineWriter;
  out.wroteAny = false;
  out.stopped = false;
  out.flush = () => {
    rest += decoder.end();
    if (rest && !out.stopped) sink.write(`${prefix}${rest}\n`);
    rest = '';
  };
  return out;
}

function toClusterEvent(event: CoreV1Event): ClusterEvent {
  const object = event.involvedObject;
  // Events recorded through events.k8s.io/v1 show in core/v1 with eventTime and series instead
  // of lastTimestamp and count.
  const last =
    event.series?.lastObservedTime ??
    event.lastTimestamp ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata?.creationTimestamp;
  return {
    type: event.type === 'Warning' ? 'Warning' : 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? '',
    object: `${object.kind ?? ''}/${object.name ?? ''}`,
    count: event.series?.count ?? event.count ?? 1,
    ...(last ? { lastTimestamp: new Date(last).toISOString() } : {}),
  };
}

function warningsThenNewest(a: ClusterEvent, b: ClusterEvent): number {
  if (a.type !== b.type) return a.type === 'Warning' ? -1 : 1;
  return (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? '');
}
