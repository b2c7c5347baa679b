// The few apiserver calls the harness itself makes (health, nodes, service
// accounts, token requests), over node:https. Tests use
// @kubernetes/client-node; this exists so the harness has no dependencies.

import { Agent, request } from 'node:https';
import type { KubeCredentials } from './kubeconfig.ts';

export interface KubeResponse<T> {
  status: number;
  body: T;
  text: string;
}

export class KubeApiError extends Error {
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
  }
}

export class KubeApi {
  readonly #url: URL;
  readonly #agent: Agent;
  readonly #token: string | undefined;

  constructor(creds: KubeCredentials) {
    this.#url = new URL(creds.server);
    this.#token = creds.token;
    this.#agent = new Agent({
      keepAlive: true,
      ca: creds.caPem,
      cert: creds.certPem,
      key: creds.keyPem,
      rejectUnauthorized: !creds.insecureSkipTlsVerify,
    });
  }

  /** Sends one request; any status is returned, network errors throw. */
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = 15000,
  ): Promise<KubeResponse<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const base = this.#url.pathname.replace(/\/$/, '');
    return new Promise((resolvePromise, reject) => {
      const req = request(
        {
          protocol: this.#url.protocol,
          hostname: this.#url.hostname,
          port: this.#url.port,
          path: base + path,
          method,
          agent: this.#agent,
          timeout: timeoutMs,
          headers: {
            accept: 'application/json',
            ...(payload === undefined
              ? {}
              : {
                  'content-type': 'application/json',
                  'content-length': Buffer.byteLength(payload),
                }),
            ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
          },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // /readyz and friends answer in plain text.
            }
            resolvePromise({
              status: res.statusCode ?? 0,
              body: parsed as T,
              text,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(
          new Error(`${method} ${path} timed out after ${timeoutMs} ms`),
        ),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like request(), but throws KubeApiError unless the status is 2xx or in `accept`. */
  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    accept: number[] = [],
  ): Promise<KubeResponse<T>> {
    const res = await this.request<T>(method, path, body);
    if ((res.status >= 200 && res.status < 300) || accept.includes(res.status))
      return res;
    const message =
      (res.body as { message?: string } | null)?.message ??
      res.text.slice(0, 500);
    throw new KubeApiError(
      `${method} ${path}: HTTP ${res.status}: ${message}`,
      res.status,
    );
  }

  close(): void {
    this.#agent.destroy();
  }
}
