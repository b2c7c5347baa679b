import { createApiRef } from '@backstage/core-plugin-api';
import {
  ApiKey,
  ChartVersions,
  ClusterEvent,
  ClusterSummary,
  CreateApiKeyRequest,
  CreatedApiKey,
  CreateInstanceRequest,
  HealthResponse,
  Instance,
  InstanceComponentName,
  InstanceCredentials as CommonInstanceCredentials,
  InstanceEvent,
  InstancePlan,
  InstanceStatus,
  ListInstancesResponse,
  RotatableCredential,
  UpdateInstanceRequest,
} from '@supacontrol/plugin-supacontrol-common';

/**
 * How to connect to an instance, from `GET /v1/instances/:name/credentials`. Reading it needs
 * `supacontrol.instance.credentials.read` and is audited. (The shape is defined once, in
 * `-common`; it is re-exported here for the plugin's API.)
 *
 * @public
 */
export type InstanceCredentials = CommonInstanceCredentials;

/**
 * Query of {@link SupaControlApi.listInstances}; every field is optional.
 *
 * @public
 */
export interface ListInstancesQuery {
  /** Page size, 1–100; the backend's default is 20. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Entity ref of the owner, e.g. `group:default/team-a`. */
  owner?: string;
  status?: InstanceStatus;
  /** Only instances on this cluster. */
  cluster?: string;
  /** Only instances in this region. */
  region?: string;
}

/**
 * Which log lines {@link SupaControlApi.readLogs} and {@link SupaControlApi.followLogs} ask for.
 *
 * @public
 */
export interface LogsQuery {
  component: InstanceComponentName;
  /** Lines from the end of each pod's log; the backend has a default and a maximum. */
  tail?: number;
  /** Only lines of the last this many seconds (1 to 604800). */
  since?: number;
}

/**
 * Client of the SupaControl backend, used by every component of the plugin. Components never call
 * `fetch` themselves. Failed requests reject with a `ResponseError` from `@backstage/errors` whose
 * `cause.message` is the backend's explanation.
 *
 * @public
 */
export interface SupaControlApi {
  /** Reads `GET /health`. */
  getHealth(): Promise<HealthResponse>;
  /** Plans a new instance can use, from `GET /v1/plans`. */
  listPlans(): Promise<InstancePlan[]>;
  /** The chart versions allowed at create and upgrade, from `GET /v1/chart-versions`. */
  getChartVersions(): Promise<ChartVersions>;
  /**
   * The clusters instances can be placed on, with their region, room and reachability, from
   * `GET /v1/clusters`.
   */
  listClusters(): Promise<ClusterSummary[]>;
  /** A page of the instances the user may read, from `GET /v1/instances`. */
  listInstances(query?: ListInstancesQuery): Promise<ListInstancesResponse>;
  /** One instance, from `GET /v1/instances/:name`. */
  getInstance(name: string): Promise<Instance>;
  /** Requests a new instance (`POST /v1/instances`); it starts as `Pending`. */
  createInstance(request: CreateInstanceRequest): Promise<Instance>;
  /** Requests deletion (`DELETE /v1/instances/:name`); the instance moves to `Deleting`. */
  deleteInstance(name: string): Promise<Instance>;
  /** Re-arms a `Failed` instance (`POST /v1/instances/:name/retry`). */
  retryInstance(name: string): Promise<Instance>;
  /** Scales every component to zero (`POST /v1/instances/:name/pause`); desiredState `paused`. */
  pauseInstance(name: string): Promise<Instance>;
  /** Brings a paused instance back (`POST /v1/instances/:name/resume`). */
  resumeInstance(name: string): Promise<Instance>;
  /** Restarts one component, or all without `component` (`POST /v1/instances/:name/restart`). */
  restartInstance(
    name: string,
    component?: InstanceComponentName,
  ): Promise<Instance>;
  /** Changes the plan or the deletion protection (`PATCH /v1/instances/:name`). */
  updateInstance(
    name: string,
    request: UpdateInstanceRequest,
  ): Promise<Instance>;
  /** Replaces a credential (`POST /v1/instances/:name/rotate`); `database` is refused (400). */
  rotateCredentials(name: string, what: RotatableCredential): Promise<Instance>;
  /** Kubernetes events of the instance's namespace, Warnings first (`GET …/cluster-events`). */
  getClusterEvents(name: string): Promise<ClusterEvent[]>;
  /** The last log lines of a component, as text (`GET /v1/instances/:name/logs`). */
  readLogs(name: string, query: LogsQuery): Promise<string>;
  /**
   * Streams a component's log (`GET …/logs?follow=true`), calling `onLine` with each line (no
   * newline) until the backend ends the stream or `signal` aborts; aborting resolves, it does
   * not reject.
   */
  followLogs(
    name: string,
    query: LogsQuery,
    onLine: (line: string) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /** History of an instance, oldest first, from `GET /v1/instances/:name/events`. */
  listInstanceEvents(name: string): Promise<InstanceEvent[]>;
  /** Connection details, from `GET /v1/instances/:name/credentials`. */
  getInstanceCredentials(name: string): Promise<InstanceCredentials>;
  /** The user's API keys (revoked ones included), from `GET /v1/api-keys`. */
  listApiKeys(): Promise<ApiKey[]>;
  /** Creates an API key (`POST /v1/api-keys`); the answer is the only time `key` is shown. */
  createApiKey(request: CreateApiKeyRequest): Promise<CreatedApiKey>;
  /** Revokes an API key (`DELETE /v1/api-keys/:id`). */
  revokeApiKey(id: string): Promise<void>;
}

/**
 * API reference for {@link SupaControlApi}.
 *
 * @public
 */
export const supacontrolApiRef = createApiRef<SupaControlApi>({
  id: 'plugin.supacontrol.service',
});
