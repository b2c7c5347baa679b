import {
  ClusterEventList,
  ListClustersResponse,
  CreateInstanceRequest,
  Instance,
  InstanceComponentName,
  InstanceEvent,
  InstanceCredentials,
  VerifyResult,
  InstancePlan,
  InstanceStatus,
  ListInstancesResponse,
  RestartInstanceRequest,
  RotateCredentialsRequest,
  SUPACONTROL_PLUGIN_ID,
  UpdateInstanceRequest,
} from '@supacontrol/plugin-supacontrol-common';
import { formatDuration } from '../args/duration';
import { CliError } from '../errors';
import { ApiError, ConnectionError, RequestTimeoutError } from './errors';
import { describeNetworkError } from './networkErrors';

/** Per-call options. */
export interface RequestOptions {
  /** Aborts the call; its reason is rethrown as is, so the caller can tell its own abort apart. */
  signal?: AbortSignal;
}

type Query = Record<string, string | number | undefined>;

/** What `GET …/logs` reads; the server's defaults apply to what is left out. */
export interface LogsRequest {
  component: InstanceComponentName;
  tail?: number;
  sinceSeconds?: number;
  follow?: boolean;
}

/**
 * Client of the SupaControl v1 API with a plugin API key. One instance per target; every call has
 * a timeout, and every failure becomes a `CliError` whose message names what went wrong.
 */
export class SupaControlClient {
  readonly #apiRoot: string;
  readonly #apiKey: string;
  readonly #requestTimeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #userAgent: string;

  static create(options: {
    /** The portal's base URL, e.g. `https://portal.example.com`. */
    portalUrl: string;
    apiKey: string;
    requestTimeoutMs: number;
    userAgent: string;
    fetch?: typeof fetch;
  }): SupaControlClient {
    return new SupaControlClient(options);
  }

  private constructor(options: Parameters<typeof SupaControlClient.create>[0]) {
    this.#apiRoot = `${options.portalUrl}/api/${SUPACONTROL_PLUGIN_ID}`;
    this.#apiKey = options.apiKey;
    this.#requestTimeoutMs = options.requestTimeoutMs;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#userAgent = options.userAgent;
  }

  /** `<portal>/api/supacontrol`, for messages. */
  get apiRoot(): string {
    return this.#apiRoot;
  }

  async listPlans(
    options?: RequestOptions,
  ): Promise<{ items: InstancePlan[] }> {
    return this.#request('GET', '/v1/plans', options);
  }

  async listClusters(options?: RequestOptions): Promise<ListClustersResponse> {
    return this.#request('GET', '/v1/clusters', options);
  }

  async listInstances(
    query: {
      limit?: number;
      cursor?: string;
      status?: InstanceStatus;
      cluster?: string;
      region?: string;
    },
    options?: RequestOptions,
  ): Promise<ListInstancesResponse> {
    return this.#request('GET', '/v1/instances', { ...options, query });
  }

  async getInstance(name: string, options?: RequestOptions): Promise<Instance> {
    return this.#request('GET', instancePath(name), options);
  }

  async createInstance(
    body: CreateInstanceRequest,
    options?: RequestOptions,
  ): Promise<Instance> {
    return this.#request('POST', '/v1/instances', { ...options, body });
  }

  async deleteInstance(
    name: string,
    options?: RequestOptions,
  ): Promise<Instance> {
    return this.#request('DELETE', instancePath(name), options);
  }

  async retryInstance(
    name: string,
    options?: RequestOptions,
  ): Promise<Instance> {
    return this.#request('POST', `${instancePath(name)}/retry`, options);
  }

  async pauseInstance(
    name: string,
    options?: RequestOptions,
  ): Promise<Instance> {
    return this.#request('POST', `${instancePath(name)}/pause`, options);
  }

  async resumeInstance(
    name: string,
    options?: RequestOptions,
  ): Promise<Instance> {
    return this.#request('POST', `${instancePath(name)}/resume`, options);
  }

  async restartInstance(
    name: string,
    body: RestartInstanceRequest,
    options?: RequestOptions,
  ): Promise<Instance> {
    return this.#request('POST', `${instancePath(name)}/restart`, {
      ...options,
      body,
    });
  }

  async updateInstance(
    name: string,
    body: UpdateInstanceRequest,
    options?: RequestOptions,
  ): Promise<Instance> {
    return this.#request('PATCH', instancePath(name), { ...options, body });
  }

  async rotateCredentials(
    name: string,
    body: RotateCredentialsRequest,
    options?: RequestOptions,
  ): Promise<Instance> {
    return this.#request('POST', `${instancePath(name)}/rotate`, {
      ...options,
      body,
    });
  }

  async getCredentials(
    name: string,
    options?: RequestOptions,
  ): Promise<InstanceCredentials> {
    return this.#request('GET', `${instancePath(name)}/credentials`, options);
  }

  /** The portal runs the checks of `instances verify` from inside the cluster. */
  async verifyInstance(
    name: string,
    options?: RequestOptions,
  ): Promise<VerifyResult> {
    return this.#request('POST', `${instancePath(name)}/verify`, options);
  }

  async listEvents(
    name: string,
    options?: RequestOptions,
  ): Promise<{ items: InstanceEvent[] }> {
    return this.#request('GET', `${instancePath(name)}/events`, options);
  }

  async listClusterEvents(
    name: string,
    options?: RequestOptions,
  ): Promise<ClusterEventList> {
    return this.#request(
      'GET',
      `${instancePath(name)}/cluster-events`,
      options,
    );
  }

  /**
   * Passes the log text to `write` as it arrives. The request timeout covers the wait for the
   * answer to start, not a `follow` that stays open until `options.signal` aborts.
   */
  async readLogs(
    name: string,
    request: LogsRequest,
    write: (text: string) => void,
    options: RequestOptions = {},
  ): Promise<void> {
    const query: Query = {
      component: request.component,
      tail: request.tail,
      since: request.sinceSeconds,
      follow: request.follow ? 'true' : undefined,
    };
    await this.#exchange(
      'GET',
      `${instancePath(name)}/logs`,
      { ...options, query, accept: 'text/plain' },
      async (response, what, streaming) => {
        if (!response.ok) {
          throw errorFromResponse(
            response,
            await response.text(),
            what,
            this.#apiRoot,
          );
        }
        const type = response.headers.get('content-type') ?? '';
        if (!type.startsWith('text/plain') || !response.body) {
          throw new CliError(
            `${what} answered ${response.status} with ${
              type || 'no content type'
            } instead of text; is ${
              this.#apiRoot
            } the SupaControl API of a Backstage portal?`,
          );
        }
        streaming();
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          write(decoder.decode(value, { stream: true }));
        }
        write(decoder.decode());
      },
    );
  }

  async #request<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    options: RequestOptions & { query?: Query; body?: unknown } = {},
  ): Promise<T> {
    return this.#exchange(method, path, options, async (response, what) => {
      const text = await response.text();
      if (!response.ok) {
        throw errorFromResponse(response, text, what, this.#apiRoot);
      }
      return parseJson(response, text, what, this.#apiRoot) as T;
    });
  }

  /**
   * Sends one request and lets `handle` read the answer, with the errors of both turned into
   * `CliError`s. The timeout runs until `handle` finishes, or until it calls `streaming()`.
   */
  async #exchange<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    options: RequestOptions & {
      query?: Query;
      body?: unknown;
      accept?: string;
    },
    handle: (
      response: Response,
      what: string,
      streaming: () => void,
    ) => Promise<T>,
  ): Promise<T> {
    const url = new URL(`${this.#apiRoot}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const what = `${method} ${url.pathname}`;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.#requestTimeoutMs);
    const signal = options.signal
      ? AbortSignal.any([options.signal, timeout.signal])
      : timeout.signal;
    const headers: Record<string, string> = {
      Accept: options.accept ?? 'application/json',
      Authorization: `Bearer ${this.#apiKey}`,
      'User-Agent': this.#userAgent,
    };
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }

    try {
      const response = await this.#fetch(url, {
        method,
        headers,
        body:
          options.body === undefined ? undefined : JSON.stringify(options.body),
        signal,
        // Following a redirect would resend the key to wherever it points; say where instead.
        redirect: 'manual',
      });
      return await handle(response, what, () => clearTimeout(timer));
    } catch (error) {
      if (options.signal?.aborted) {
        throw options.signal.reason;
      }
      if (error instanceof CliError) {
        throw error;
      }
      if (timeout.signal.aborted) {
        throw new RequestTimeoutError(
          `${what} on ${url.origin} got no answer within ${formatDuration(
            this.#requestTimeoutMs,
          )} (raise it with --request-timeout)`,
        );
      }
      throw new ConnectionError(
        `cannot reach ${this.#apiRoot}: ${describeNetworkError(error)}`,
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

function instancePath(name: string): string {
  return `/v1/instances/${encodeURIComponent(name)}`;
}

function parseJson(
  response: Response,
  text: string,
  what: string,
  apiRoot: string,
): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // A portal's frontend may answer unknown paths with its HTML page and status 200.
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new CliError(
      `${what} answered ${response.status} with a body that is not JSON (${type}); is ${apiRoot} the SupaControl API of a Backstage portal?`,
    );
  }
}

function errorFromResponse(
  response: Response,
  text: string,
  what: string,
  apiRoot: string,
): ApiError {
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const message = body?.error?.message;
  if (typeof message === 'string' && message.length > 0) {
    return new ApiError({
      statusCode: response.status,
      errorName:
        typeof body.error.name === 'string' ? body.error.name : undefined,
      message: message.replace(/\s*\n\s*/g, ' '),
    });
  }
  const location = response.headers.get('location');
  if (response.status >= 300 && response.status < 400 && location) {
    return new ApiError({
      statusCode: response.status,
      message: `${what} was redirected to ${location}; use the portal's final URL (log in again with it, or fix SUPACTL_URL)`,
    });
  }
  const hint =
    response.status === 404
      ? `; is ${apiRoot} the SupaControl API of a Backstage portal, and does it have this endpoint?`
      : '';
  return new ApiError({
    statusCode: response.status,
    message: `${what} answered ${response.status} ${response.statusText}${hint}`,
  });
}
