import { InstanceCredentials } from './instance';

/** One service check of {@link verifyInstance}. @public */
export interface VerifyCheck {
  /** `auth`, `auth-signup`, `rest`, `storage`, `realtime` or `studio`. */
  service: string;
  /** What was tried, e.g. "sign up and sign in a throwaway user". */
  description: string;
  ok: boolean;
  latencyMs: number;
  /** Why it failed: the step and what the service answered. */
  error?: string;
}

/** Result of `POST /v1/instances/:name/verify` and `supactl instances verify`. @public */
export interface VerifyResult {
  ok: boolean;
  checks: VerifyCheck[];
}

/** The credentials a verification needs. @public */
export type VerifyTarget = Pick<
  InstanceCredentials,
  'apiUrl' | 'studioUrl' | 'anonKey' | 'serviceRoleKey' | 'dashboard'
>;

class StepError extends Error {}

/**
 * The parts of the WebSocket API the realtime check uses (browsers and Node.js 22 have it).
 *
 * @public
 */
export interface SocketLike {
  send(data: string): void;
  close(): void;
  addEventListener(type: string, listener: (event: any) => void): void;
}

/**
 * What `verifyInstance` uses to reach the instance; the defaults are the global ones.
 *
 * @public
 */
export interface VerifyOptions {
  fetch?: typeof fetch;
  /** A WebSocket constructor; default the global one. */
  WebSocket?: new (url: string) => SocketLike;
  /** Per check; default 15 s. */
  timeoutMs?: number;
  /** Suffix of the throwaway user, table and bucket names; default random. */
  runId?: string;
}

/**
 * Checks that an instance really works, with its own credentials, the way its users reach it:
 * Auth answers its health check, a throwaway user signs up and signs in, the REST API reads back a
 * row of a table made for the check, Storage stores and returns a file, Realtime lets a client
 * join a channel, and Studio answers behind its login. Everything the checks create is removed
 * again. Each check reports its latency and, when it fails, which step failed and why.
 * @public
 */
export async function verifyInstance(
  target: VerifyTarget,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const runId =
    options.runId ??
    `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const api = target.apiUrl.replace(/\/+$/, '');
  const anon = { apikey: target.anonKey };
  const service = {
    apikey: target.serviceRoleKey,
    authorization: `Bearer ${target.serviceRoleKey}`,
  };

  /** A request that must answer `expect` (a status or a list of them); returns the body. */
  async function call(
    step: string,
    url: string,
    init: RequestInit & { expect?: number[] } = {},
  ): Promise<any> {
    let res: Response;
    try {
      res = await doFetch(url, {
        ...init,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, ...) is its cause.
      const cause = (error as { cause?: any }).cause;
      const reason =
        cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? undefined;
      throw new StepError(
        `${step}: ${(error as Error).message}${reason ? ` (${reason})` : ''}`,
      );
    }
    const text = await res.text();
    const expected = init.expect ?? [200];
    if (!expected.includes(res.status)) {
      throw new StepError(
        `${step}: answered ${res.status}, expected ${expected.join(
          ' or ',
        )}: ${text.slice(0, 300)}`,
      );
    }
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      return text;
    }
  }

  async function check(
    name: string,
    description: string,
    run: () => Promise<void>,
  ): Promise<VerifyCheck> {
    const start = Date.now();
    try {
      await run();
      return {
        service: name,
        description,
        ok: true,
        latencyMs: Date.now() - start,
      };
    } catch (error) {
      return {
        service: name,
        description,
        ok: false,
        latencyMs: Date.now() - start,
        error:
          error instanceof StepError
            ? error.message
            : `unexpected error: ${String(error)}`,
      };
    }
  }

  const checks: VerifyCheck[] = [];

  checks.push(
    await check('auth', 'GET /auth/v1/health', async () => {
      await call('auth health', `${api}/auth/v1/health`, { headers: anon });
    }),
  );

  checks.push(
    await check(
      'auth-signup',
      'sign up and sign in a throwaway user, then delete it',
      async () => {
        const email = `supacontrol-verify-${runId}@example.com`;
        const password = `Verify-${runId}-${Math.random().toString(36)}`;
        const signup = await call('sign up', `${api}/auth/v1/signup`, {
          method: 'POST',
          body: JSON.stringify({ email, password }),
          headers: { ...anon, 'content-type': 'application/json' },
        });
        const userId: string | undefined = signup?.user?.id ?? signup?.id;
        try {
          const token = await call(
            'sign in',
            `${api}/auth/v1/token?grant_type=password`,
            {
              method: 'POST',
              body: JSON.stringify({ email, password }),
              headers: { ...anon, 'content-type': 'application/json' },
            },
          );
          if (!token?.access_token) {
            throw new StepError('sign in: the answer holds no access_token');
          }
        } finally {
          if (userId) {
            await call(
              'delete the user',
              `${api}/auth/v1/admin/users/${userId}`,
              { method: 'DELETE', headers: service },
            );
          }
        }
      },
    ),
  );

  checks.push(
    await check(
      'rest',
      'create a table, write and read a row through /rest/v1, drop it',
      async () => {
        const table = `supacontrol_verify_${runId.replace(/[^a-z0-9]/g, '')}`;
        const sql = (query: string, step: string) =>
          call(step, `${api}/pg/query`, {
            method: 'POST',
            body: JSON.stringify({ query }),
            headers: { ...service, 'content-type': 'application/json' },
          });
        await sql(
          `create table public.${table} (id int primary key, note text); ` +
            `grant all on public.${table} to service_role; notify pgrst, 'reload schema';`,
          'create the table',
        );
        try {
          // PostgREST learns of the table when it reloads its schema cache.
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            try {
              await call('write a row', `${api}/rest/v1/${table}`, {
                method: 'POST',
                body: JSON.stringify({ id: 1, note: runId }),
                headers: {
                  ...service,
                  'content-type': 'application/json',
                  prefer: 'return=minimal',
                },
                expect: [201],
              });
              break;
            } catch (error) {
              if (Date.now() > deadline) throw error;
              await new Promise(r => setTimeout(r, 250));
            }
          }
          const rows = await call(
            'read the row',
            `${api}/rest/v1/${table}?id=eq.1&select=note`,
            { headers: service },
          );
          if (!Array.isArray(rows) || rows[0]?.note !== runId) {
            throw new StepError(
              `read the row: got ${JSON.stringify(
                rows,
              )}, expected the row just written`,
            );
          }
        } finally {
          await sql(`drop table if exists public.${table};`, 'drop the table');
        }
      },
    ),
  );

  checks.push(
    await check(
      'storage',
      'create a bucket, upload, download and delete a file',
      async () => {
        const bucket = `supacontrol-verify-${runId}`;
        const content = `supacontrol verify ${runId}`;
        await call('create a bucket', `${api}/storage/v1/bucket`, {
          method: 'POST',
          body: JSON.stringify({ id: bucket, name: bucket, public: false }),
          headers: { ...service, 'content-type': 'application/json' },
        });
        try {
          await call(
            'upload a file',
            `${api}/storage/v1/object/${bucket}/verify.txt`,
            {
              method: 'POST',
              body: content,
              headers: { ...service, 'content-type': 'text/plain' },
            },
          );
          const downloaded = await call(
            'download the file',
            `${api}/storage/v1/object/${bucket}/verify.txt`,
            { headers: service },
          );
          if (downloaded !== content) {
            throw new StepError(
              'download the file: its content differs from what was uploaded',
            );
          }
          await call('delete the file', `${api}/storage/v1/object/${bucket}`, {
            method: 'DELETE',
            body: JSON.stringify({ prefixes: ['verify.txt'] }),
            headers: { ...service, 'content-type': 'application/json' },
          });
        } finally {
          await call(
            'delete the bucket',
            `${api}/storage/v1/bucket/${bucket}`,
            {
              method: 'DELETE',
              headers: service,
            },
          );
        }
      },
    ),
  );

  checks.push(
    await check('realtime', 'join a channel over the WebSocket', async () => {
      const Socket =
        options.WebSocket ??
        (globalThis as { WebSocket?: VerifyOptions['WebSocket'] }).WebSocket;
      if (!Socket) {
        throw new StepError('join a channel: no WebSocket client available');
      }
      const url = `${api.replace(
        /^http/,
        'ws',
      )}/realtime/v1/websocket?apikey=${encodeURIComponent(
        target.anonKey,
      )}&vsn=1.0.0`;
      await new Promise<void>((resolve, reject) => {
        const socket = new Socket(url);
        const state: {
          settled: boolean;
          timer?: ReturnType<typeof setTimeout>;
        } = { settled: false };
        const settle = () => {
          if (state.settled) return false;
          state.settled = true;
          clearTimeout(state.timer);
          // Closing may dispatch 'error' at once, which must find this settled.
          socket.close();
          return true;
        };
        const fail = (message: string) => {
          if (settle()) reject(new StepError(`join a channel: ${message}`));
        };
        state.timer = setTimeout(
          () => fail(`no reply within ${timeoutMs} ms`),
          timeoutMs,
        );
        socket.addEventListener('open', () =>
          socket.send(
            JSON.stringify({
              topic: `realtime:supacontrol-verify-${runId}`,
              event: 'phx_join',
              payload: { config: {}, access_token: target.anonKey },
              ref: '1',
            }),
          ),
        );
        socket.addEventListener('message', event => {
          let message: any;
          try {
            message = JSON.parse(String(event.data));
          } catch {
            return;
          }
          if (message.event !== 'phx_reply' || message.ref !== '1') return;
          if (message.payload?.status === 'ok') {
            if (settle()) resolve();
          } else {
            fail(`refused: ${JSON.stringify(message.payload)}`);
          }
        });
        socket.addEventListener('error', event =>
          fail(
            `connection failed${event?.message ? `: ${event.message}` : ''}`,
          ),
        );
      });
    }),
  );

  checks.push(
    await check(
      'studio',
      'Studio refuses without its login and answers with it',
      async () => {
        const studio = target.studioUrl.replace(/\/+$/, '');
        await call('open Studio without the login', `${studio}/`, {
          expect: [401],
          redirect: 'manual',
        });
        const basic = btoa(
          `${target.dashboard.username}:${target.dashboard.password}`,
        );
        await call('open Studio with the login', `${studio}/`, {
          headers: { authorization: `Basic ${basic}` },
          expect: [200, 307, 308],
          redirect: 'manual',
        });
      },
    ),
  );

  return { ok: checks.every(c => c.ok), checks };
}
