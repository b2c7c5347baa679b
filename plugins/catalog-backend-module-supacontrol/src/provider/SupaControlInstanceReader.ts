import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  Instance,
  ListInstancesResponse,
  SUPACONTROL_PLUGIN_ID,
} from '@supacontrol/plugin-supacontrol-common';

/** The backend's largest page. */
const PAGE_SIZE = 100;

/**
 * Reads every instance from the SupaControl backend (`GET /v1/instances`, all pages) with the
 * catalog's own service credentials; service principals may read every instance.
 */
export class SupaControlInstanceReader {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;

  static create(options: {
    discovery: DiscoveryService;
    auth: AuthService;
  }): SupaControlInstanceReader {
    return new SupaControlInstanceReader(options.discovery, options.auth);
  }

  private constructor(discovery: DiscoveryService, auth: AuthService) {
    this.#discovery = discovery;
    this.#auth = auth;
  }

  async listInstances(): Promise<Instance[]> {
    const baseUrl = await this.#discovery.getBaseUrl(SUPACONTROL_PLUGIN_ID);
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: SUPACONTROL_PLUGIN_ID,
    });
    const instances: Instance[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (cursor) query.set('cursor', cursor);
      const response = await fetch(`${baseUrl}/v1/instances?${query}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (!response.ok) {
        const error = await ResponseError.fromResponse(response);
        throw new Error(
          `SupaControl did not list instances (${error.statusCode}): ${
            error.cause?.message || error.message
          }`,
        );
      }
      const page = (await response.json()) as ListInstancesResponse;
      instances.push(...page.items);
      // A cursor seen before would loop forever; the backend never sends one, but be sure.
      cursor =
        page.nextCursor && !seen.has(page.nextCursor)
          ? page.nextCursor
          : undefined;
      if (cursor) seen.add(cursor);
    } while (cursor);
    return instances;
  }
}
