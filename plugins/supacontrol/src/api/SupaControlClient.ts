import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ApiKey,
  CreateApiKeyRequest,
  CreatedApiKey,
  CreateInstanceRequest,
  HealthResponse,
  Instance,
  InstanceEvent,
  InstancePlan,
  ListInstancesResponse,
  SUPACONTROL_PLUGIN_ID,
} from '@internal/plugin-supacontrol-common';
import {
  InstanceCredentials,
  ListInstancesQuery,
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

function jsonBody(method: string, body: unknown): RequestInit {
  return {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  };
}
