import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  CreateInstanceRequest,
  Instance,
  SUPACONTROL_PLUGIN_ID,
} from '@supacontrol/plugin-supacontrol-common';

/** The `@backstage/errors` class for each refusal the SupaControl API documents. */
const ERROR_FOR_STATUS: Record<number, new (message: string) => Error> = {
  400: InputError,
  401: AuthenticationError,
  403: NotAllowedError,
  404: NotFoundError,
  409: ConflictError,
  503: ServiceUnavailableError,
};

/**
 * The backend's refusal as the matching `@backstage/errors` class, carrying the backend's own
 * message (which says what to do), so that it reaches the task log unchanged.
 */
async function refusal(response: Response): Promise<Error> {
  const error = await ResponseError.fromResponse(response);
  const message = error.cause?.message || error.message;
  const ErrorClass = ERROR_FOR_STATUS[error.statusCode];
  return ErrorClass
    ? new ErrorClass(message)
    : new Error(`SupaControl answered ${error.statusCode}: ${message}`);
}

/**
 * The part of the SupaControl REST API (`/api/supacontrol/v1`) that template actions use. Every
 * call carries a token on behalf of the given credentials, so the backend applies the permissions
 * of the person who runs the template.
 *
 * @public
 */
export class SupaControlInstanceClient {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;

  static create(options: {
    discovery: DiscoveryService;
    auth: AuthService;
  }): SupaControlInstanceClient {
    return new SupaControlInstanceClient(options.discovery, options.auth);
  }

  private constructor(discovery: DiscoveryService, auth: AuthService) {
    this.#discovery = discovery;
    this.#auth = auth;
  }

  /** `POST /v1/instances`: the new instance, `Pending`. */
  async createInstance(
    request: CreateInstanceRequest,
    options: {
      credentials: BackstageCredentials;
      /** Makes a repeat of this request answer with the instance it created, not "name taken". */
      idempotencyKey?: string;
    },
  ): Promise<Instance> {
    const response = await this.#request('v1/instances', options, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(options.idempotencyKey && {
          'Idempotency-Key': options.idempotencyKey,
        }),
      },
      body: JSON.stringify(request),
    });
    if (response.status !== 201) {
      throw await refusal(response);
    }
    return (await response.json()) as Instance;
  }

  /**
   * `GET /v1/instances/:name`, or undefined when there is none the caller may read (the backend
   * does not tell those apart, so that others' instance names do not leak).
   */
  async getInstance(
    name: string,
    options: { credentials: BackstageCredentials },
  ): Promise<Instance | undefined> {
    const response = await this.#request(
      `v1/instances/${encodeURIComponent(name)}`,
      options,
    );
    if (response.status === 404) {
      return undefined;
    }
    if (!response.ok) {
      throw await refusal(response);
    }
    return (await response.json()) as Instance;
  }

  /** `DELETE /v1/instances/:name`: the instance, `Deleting` (or already gone). */
  async deleteInstance(
    name: string,
    options: { credentials: BackstageCredentials },
  ): Promise<Instance> {
    const response = await this.#request(
      `v1/instances/${encodeURIComponent(name)}`,
      options,
      { method: 'DELETE' },
    );
    if (response.status !== 202) {
      throw await refusal(response);
    }
    return (await response.json()) as Instance;
  }

  async #request(
    path: string,
    options: { credentials: BackstageCredentials },
    init: RequestInit = {},
  ): Promise<Response> {
    const [baseUrl, { token }] = await Promise.all([
      this.#discovery.getBaseUrl(SUPACONTROL_PLUGIN_ID),
      this.#auth.getPluginRequestToken({
        onBehalfOf: options.credentials,
        targetPluginId: SUPACONTROL_PLUGIN_ID,
      }),
    ]);
    return fetch(`${baseUrl}/${path}`, {
      ...init,
      headers: { ...init.headers, Authorization: `Bearer ${token}` },
    });
  }
}
