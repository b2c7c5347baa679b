import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ChartVersions,
  ApiKey,
  ClusterEvent,
  ClusterEventList,
  ClusterSummary,
  CreateApiKeyRequest,
  CreatedApiKey,
  CreateInstanceRequest,
  HealthResponse,
  Instance,
  InstanceComponentName,
  InstanceEvent,
  InstancePlan,
  ListClustersResponse,
  ListInstancesResponse,
  RotatableCredential,
  SUPACONTROL_PLUGIN_ID,
  UpdateInstanceRequest,
} from '@supacontrol/plugin-supacontrol-common';
import {
  InstanceCredentials,
  ListInstancesQuery,
  LogsQuery,
  SupaControlApi,
} from './SupaControlApi';

const instancePath = (name: string) =>
  `v1/instances/${encodeURIComponent(name)}`;

/**
 * {@link SupaControlApi} over HTTP: resolves the backend through `discoveryApi` and sends requests
 * through `fetchApi`, which adds the signed-in user's Backstage token.
 *
 * @public
 */
export class SupaControlClient implements SupaControlApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  async getHealth(): Promise<HealthResponse> {
    const response = await this.#request('health');
    // The health route answers 503 with a body that says what is degraded; show it, don't throw.
    if (response.status === 503) {
      return (await response.json()) as HealthResponse;
    }
    return this.#json(response);
  }

  async listPlans(): Promise<InstancePlan[]> {
    const body = await this.#json<{ items: InstancePlan[] }>(
      await this.#request('v1/plans'),
    );
    return body.items;
  }

  async getChartVersions(): Promise<ChartVersions> {
    return this.#json<ChartVersions>(await this.#request('v1/chart-versions'));
  }

  async listClusters(): Promise<ClusterSummary[]> {
    const body = await this.#json<ListClustersResponse>(
      await this.#request('v1/clusters'),
    );
    return body.items;
  }

  async listInstances(
    query: ListInstancesQuery = {},
  ): Promise<ListInstancesResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') {
        params.set(key, String(value));
      }
    }
    const search = params.toString();
    return this.#json(
      await this.#request(`v1/instances${search ? `?${search}` : ''}`),
    );
  }

  async getInstance(name: string): Promise<Instance> {
    return this.#json(await this.#request(instancePath(name)));
  }

  async createInstance(request: CreateInstanceRequest): Promise<Instance> {
    return this.#json(
      await this.#request('v1/instances', jsonBody('POST', request)),
    );
  }

  async deleteInstance(name: string): Promise<Instance> {
    return this.#json(
      await this.#request(instancePath(name), { method: 'DELETE' }),
    );
  }

  async retryInstance(name: string): Promise<Instance> {
    return this.#json(
      await this.#request(`${instancePath(name)}/retry`, { method: 'POST' }),
    );
  }

  async pauseInstance(name: string): Promise<Instance> {
    return this.#json(
      await this.#request(`${instancePath(name)}/pause`, { method: 'POST' }),
    );
  }

  async resumeInstance(name: string): Promise<Instance> {
    return this.#json(
      await this.#request(`${instancePath(name)}/resume`, { method: 'POST' }),
    );
  }

  async restartInstance(
    name: string,
    component?: InstanceComponentName,
  ): Promise<Instance> {
    return this.#json(
      await this.#request(
        `${instancePath(name)}/restart`,
        jsonBody('POST', component ? { component } : {}),
      ),
    );
  }

  async updateInstance(
    name: string,
    request: UpdateInstanceRequest,
  ): Promise<Instance> {
    return this.#json(
      await this.#request(instancePath(name), jsonBody('PATCH', request)),
    );
  }

  async rotateCredentials(
    name: string,
    what: RotatableCredential,
  ): Promise<Instance> {
    return this.#json(
      await this.#request(
        `${instancePath(name)}/rotate`,
        jsonBody('POST', { what }),
      ),
    );
  }

  async getClusterEvents(name: string): Promise<ClusterEvent[]> {
    const body = await this.#json<ClusterEventList>(
      await this.#request(`${instancePath(name)}/cluster-events`),
    );
    return body.items;
  }

  async readLogs(name: string, query: LogsQuery): Promise<string> {
    const response = await this.#request(logsPath(name, query, false));
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.text();
  }

  async followLogs(
    name: string,
    query: LogsQuery,
    onLine: (line: string) => void,
    signal: AbortSignal,
  ): Promise<void> {
    try {
      const response = await this.#request(logsPath(name, query, true), {
        signal,
      });
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      if (!response.body) {
        splitLines(await response.text()).forEach(onLine);
        return;
      }
      const reader = response.body.getReader();
      // Not every fetch ends a pending read on abort; cancelling the reader always does.
      const stop = () => {
        reader.cancel().catch(() => {});
      };
      if (signal.aborted) stop();
      signal.addEventListener('abort', stop, { once: true });
      // Chunks end anywhere, even inside a UTF-8 character; keep the unfinished line for later.
      const decoder = new TextDecoder();
      let partial = '';
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done || signal.aborted) break;
          const lines = (
            partial + decoder.decode(value, { stream: true })
          ).split('\n');
          partial = lines.pop()!;
          lines.forEach(onLine);
        }
      } finally {
        signal.removeEventListener('abort', stop);
      }
      partial += decoder.decode();
      if (partial && !signal.aborted) onLine(partial);
    } catch (error) {
      // Stopping the stream is how the caller ends it, not a failure.
      if (signal.aborted) return;
      throw error;
    }
  }

  async listInstanceEvents(name: string): Promise<InstanceEvent[]> {
    const body = await this.#json<{ items: InstanceEvent[] }>(
      await this.#request(`${instancePath(name)}/events`),
    );
    return body.items;
  }

  async getInstanceCredentials(name: string): Promise<InstanceCredentials> {
    return this.#json(await this.#request(`${instancePath(name)}/credentials`));
  }

  async listApiKeys(): Promise<ApiKey[]> {
    const body = await this.#json<{ items: ApiKey[] }>(
      await this.#request('v1/api-keys'),
    );
    return body.items;
  }

  async createApiKey(request: CreateApiKeyRequest): Promise<CreatedApiKey> {
    return this.#json(
      await this.#request('v1/api-keys', jsonBody('POST', request)),
    );
  }

  async revokeApiKey(id: string): Promise<void> {
    const response = await this.#request(
      `v1/api-keys/${encodeURIComponent(id)}`,
      { method: 'DELETE' },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
  }

  async #json<T>(response: Response): Promise<T> {
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  async #request(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.#discoveryApi.getBaseUrl(SUPACONTROL_PLUGIN_ID);
    return this.#fetchApi.fetch(`${baseUrl}/${path}`, init);
  }
}

function logsPath(name: string, query: LogsQuery, follow: boolean): string {
  const params = new URLSearchParams({ component: query.component });
  if (query.tail !== undefined) params.set('tail', String(query.tail));
  if (query.since !== undefined) params.set('since', String(query.since));
  if (follow) params.set('follow', 'true');
  return `${instancePath(name)}/logs?${params}`;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function jsonBody(method: string, body: unknown): RequestInit {
  return {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  };
}
