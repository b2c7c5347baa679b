import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  HealthResponse,
  SUPACONTROL_PLUGIN_ID,
} from '@internal/plugin-supacontrol-common';
import { SupaControlApi } from './SupaControlApi';

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
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as HealthResponse;
  }

  async #request(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.#discoveryApi.getBaseUrl(SUPACONTROL_PLUGIN_ID);
    return this.#fetchApi.fetch(`${baseUrl}/${path}`, init);
  }
}
