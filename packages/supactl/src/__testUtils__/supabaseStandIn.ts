import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/*
 * A STAND-IN for a Supabase instance behind Kong, for testing `instances verify` where no
 * container runs (our test cluster's kwok nodes start none). It answers each route the checks use
 * the way the real service does (GoTrue, PostgREST with postgres-meta, Storage, Realtime's
 * Phoenix channel protocol, Kong's basic-auth in front of Studio), checks the keys, and keeps
 * state so that what is written can be read back. It is not Supabase: a run on a real cluster is
 * still owed (README.md, "On a real cluster").
 */

export interface StandInOptions {
  anonKey: string;
  serviceRoleKey: string;
  dashboard: { username: string; password: string };
  /** A service that answers 500 to everything, to see the failure reported. */
  broken?: 'auth' | 'rest' | 'storage' | 'realtime' | 'studio';
}

export interface SupabaseStandIn {
  url: string;
  /** Requests seen, as `METHOD /path`, for asserting on what the checks did. */
  requests: string[];
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

function send(res: ServerResponse, status: number, payload?: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(payload === undefined ? '' : JSON.stringify(payload));
}

export async function startSupabaseStandIn(
  options: StandInOptions,
): Promise<SupabaseStandIn> {
  const requests: string[] = [];
  const users = new Map<string, { id: string; password: string }>();
  const tables = new Map<string, unknown[]>();
  const buckets = new Map<string, Map<string, string>>();

  const keyOf = (req: IncomingMessage) => req.headers.apikey;
  const isService = (req: IncomingMessage) =>
    keyOf(req) === options.serviceRoleKey &&
    req.headers.authorization === `Bearer ${options.serviceRoleKey}`;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url!, 'http://stand-in');
    const path = url.pathname;
    requests.push(`${req.method} ${path}`);
    const service = path.split('/')[1];
    const broken =
      (options.broken === 'auth' && service === 'auth') ||
      (options.broken === 'rest' && (service === 'rest' || service === 'pg')) ||
      (options.broken === 'storage' && service === 'storage') ||
      (options.broken === 'studio' && path === '/');
    if (broken) {
      send(res, 500, { message: `stand-in: ${service} is broken` });
      return;
    }
    // Kong: key-auth on /auth/v1 (but the open routes), /rest/v1 and /pg (service key only).
    if (
      ['auth', 'rest', 'pg'].includes(service) &&
      ![options.anonKey, options.serviceRoleKey].includes(String(keyOf(req)))
    ) {
      send(res, 401, { message: 'No API key found in request' });
      return;
    }

    if (path === '/auth/v1/health') {
      send(res, 200, { version: 'stand-in', name: 'GoTrue' });
    } else if (path === '/auth/v1/signup' && req.method === 'POST') {
      const { email, password } = JSON.parse(await body(req));
      const id = `user-${users.size + 1}`;
      users.set(email, { id, password });
      send(res, 200, { id, email, aud: 'authenticated' });
    } else if (path === '/auth/v1/token' && req.method === 'POST') {
      const { email, password } = JSON.parse(await body(req));
      const user = users.get(email);
      if (!user || user.password !== password) {
        send(res, 400, { error_code: 'invalid_credentials' });
      } else {
        send(res, 200, { access_token: `token-of-${user.id}` });
      }
    } else if (path.startsWith('/auth/v1/admin/users/') && isService(req)) {
      const id = path.split('/').pop();
      for (const [email, user] of users)
        if (user.id === id) users.delete(email);
      send(res, 200, {});
    } else if (path === '/pg/query' && isService(req)) {
      const { query } = JSON.parse(await body(req));
      const create = /create table public\.(\w+)/.exec(query);
      const drop = /drop table if exists public\.(\w+)/.exec(query);
      if (create) tables.set(create[1], []);
      if (drop) tables.delete(drop[1]);
      send(res, 200, []);
    } else if (path.startsWith('/rest/v1/')) {
      const rows = tables.get(path.slice('/rest/v1/'.length));
      if (!rows) {
        send(res, 404, { code: 'PGRST205', message: 'table not found' });
      } else if (req.method === 'POST') {
        rows.push(JSON.parse(await body(req)));
        send(res, 201);
      } else {
        const id = Number(url.searchParams.get('id')?.replace('eq.', ''));
        send(
          res,
          200,
          rows
            .filter((r: any) => r.id === id)
            .map((r: any) => ({ note: r.note })),
        );
      }
    } else if (path.startsWith('/storage/v1/') && isService(req)) {
      const parts = path.split('/').slice(3);
      if (parts[0] === 'bucket' && req.method === 'POST') {
        const { name } = JSON.parse(await body(req));
        buckets.set(name, new Map());
        send(res, 200, { name });
      } else if (parts[0] === 'bucket' && req.method === 'DELETE') {
        buckets.delete(parts[1]);
        send(res, 200, { message: 'Successfully deleted' });
      } else if (parts[0] === 'object') {
        const files = buckets.get(parts[1]);
        if (!files) {
          send(res, 404, { message: 'Bucket not found' });
        } else if (req.method === 'POST') {
          files.set(parts.slice(2).join('/'), await body(req));
          send(res, 200, { Key: path });
        } else if (req.method === 'DELETE') {
          for (const prefix of JSON.parse(await body(req)).prefixes) {
            files.delete(prefix);
          }
          send(res, 200, []);
        } else {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(files.get(parts.slice(2).join('/')));
        }
      } else {
        send(res, 400, { message: 'stand-in: unknown storage request' });
      }
    } else if (path === '/') {
      // Kong's basic-auth in front of Studio.
      const expected = `Basic ${Buffer.from(
        `${options.dashboard.username}:${options.dashboard.password}`,
      ).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="kong"' });
        res.end();
      } else {
        res.writeHead(307, { location: '/project/default' });
        res.end();
      }
    } else {
      send(res, 404, { message: `stand-in: no route ${req.method} ${path}` });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(error => send(res, 500, { message: String(error) }));
  });
  // Realtime: the Phoenix channel protocol on /realtime/v1/websocket.
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url!, 'http://stand-in');
    requests.push(`WS ${url.pathname}`);
    if (
      options.broken === 'realtime' ||
      url.pathname !== '/realtime/v1/websocket' ||
      url.searchParams.get('apikey') !== options.anonKey
    ) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, ws => {
      ws.on('message', data => {
        const message = JSON.parse(String(data));
        if (message.event === 'phx_join') {
          ws.send(
            JSON.stringify({
              topic: message.topic,
              event: 'phx_reply',
              payload: { status: 'ok', response: {} },
              ref: message.ref,
            }),
          );
        }
      });
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    },
  };
}
