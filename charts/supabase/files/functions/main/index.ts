// Router of the Edge Functions runtime: a request for `/<name>/...` runs the function in
// /home/deno/functions/<name> in a worker of its own. With VERIFY_JWT=true a request needs a bearer
// JWT signed (HS256) with the instance's JWT secret, such as the anon key or a user's session.

declare const EdgeRuntime: {
  userWorkers: {
    create(options: {
      servicePath: string;
      memoryLimitMb: number;
      workerTimeoutMs: number;
      noModuleCache: boolean;
      envVars: [string, string][];
    }): Promise<{ fetch(request: Request): Promise<Response> }>;
  };
};

const FUNCTIONS_DIR = '/home/deno/functions';
const FUNCTION_NAME = /^[A-Za-z0-9_-]+$/;
// Not handed to user code: it would let a function mint tokens for any role.
const WITHHELD_ENV = new Set(['JWT_SECRET', 'VERIFY_JWT']);

const verifyJwt = Deno.env.get('VERIFY_JWT') === 'true';
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let signingKey: Promise<CryptoKey> | undefined;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

function base64UrlDecode(text: string): Uint8Array {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, '=');
  return Uint8Array.from(atob(padded), c => c.charCodeAt(0));
}

async function isValidJwt(token: string): Promise<boolean> {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return false;
  }
  const [header, payload, signature] = parts;
  try {
    if (JSON.parse(decoder.decode(base64UrlDecode(header))).alg !== 'HS256') {
      return false;
    }
    signingKey ??= crypto.subtle.importKey(
      'raw',
      encoder.encode(Deno.env.get('JWT_SECRET') ?? ''),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    const signed = await crypto.subtle.verify(
      'HMAC',
      await signingKey,
      base64UrlDecode(signature),
      encoder.encode(`${header}.${payload}`),
    );
    if (!signed) {
      return false;
    }
    const { exp } = JSON.parse(decoder.decode(base64UrlDecode(payload)));
    return typeof exp !== 'number' || exp * 1000 > Date.now();
  } catch {
    return false;
  }
}

Deno.serve(async (request: Request) => {
  const name = new URL(request.url).pathname.split('/')[1] ?? '';
  if (!FUNCTION_NAME.test(name) || name === 'main') {
    return json(404, { msg: `no function named '${name}'` });
  }
  if (verifyJwt) {
    const authorization = request.headers.get('Authorization') ?? '';
    const token = authorization.startsWith('Bearer ')
      ? authorization.slice('Bearer '.length)
      : '';
    if (!(await isValidJwt(token))) {
      return json(401, { msg: 'a valid JWT is required' });
    }
  }
  try {
    const worker = await EdgeRuntime.userWorkers.create({
      servicePath: `${FUNCTIONS_DIR}/${name}`,
      memoryLimitMb: 150,
      workerTimeoutMs: 60_000,
      noModuleCache: false,
      envVars: Object.entries(Deno.env.toObject()).filter(
        ([key]) => !WITHHELD_ENV.has(key),
      ),
    });
    return await worker.fetch(request);
  } catch (error) {
    return json(500, { msg: String(error) });
  }
});
