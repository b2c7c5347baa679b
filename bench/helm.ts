/*
 * What Helm costs, and SupaControl's overhead against bare Helm, for one instance on the test bed.
 *
 * 1. SupaControl: POST /v1/instances, then GET every 250 ms until Running (8 of 8 ready).
 * 2. Bare Helm, same cluster, same chart, the same values and the same Secret: create the
 *    namespace and the Secret, then `helm install --wait`.
 * 3. `helm upgrade --install` as SupaControl runs it (no --wait), and the same with
 *    `--disable-openapi-validation`: wall time, and the apiserver requests each makes, counted by
 *    a loopback proxy between helm and the apiserver.
 *
 * Each is repeated `--rounds` times (default 3); medians are printed. Asserts nothing.
 *
 *   eval "$(./scripts/cluster up --with-postgres)"
 *   ./scripts/bench helm [--rounds N]
 */
import { KubeConfig } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { request as httpsRequest, RequestOptions } from 'node:https';
import { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { benchTestBed } from './testBed';
import {
  apiClient,
  createBackendProcess,
} from '../test/lifecycle/backendProcess';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '3' } },
});
const ROUNDS = Number(args.rounds);
if (!(ROUNDS >= 1)) throw new Error('usage: --rounds N (>= 1)');
const CHART = resolve(__dirname, '../charts/supabase');

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};
const load = () =>
  loadavg()
    .map(l => l.toFixed(2))
    .join(' ');

/**
 * A plain-HTTP proxy on loopback that forwards every request to the apiserver with the admin's
 * credentials, and counts them by method and path (names of instances folded away).
 */
async function countingProxy(kc: KubeConfig) {
  const server = new URL(kc.getCurrentCluster()!.server);
  const tls: RequestOptions = {};
  await kc.applyToHTTPSOptions(tls);
  let counts = new Map<string, number>();
  const proxy = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const key = `${req.method} ${path
      .replace(/\/namespaces\/[^/]+/, '/namespaces/NS')
      .replace(
        /\/(secrets|services|configmaps|deployments|statefulsets|serviceaccounts|networkpolicies|persistentvolumeclaims|roles|rolebindings|ingresses|jobs)\/[^/]+$/,
        '/$1/NAME',
      )}${(req.url ?? '').includes('watch=') ? ' (watch)' : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const upstream = httpsRequest(
      {
        ...tls,
        host: server.hostname,
        port: server.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: server.host },
      },
      up => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', error => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstream);
  });
  await new Promise<void>(r => proxy.listen(0, '127.0.0.1', r));
  const { port } = proxy.address() as AddressInfo;
  const dir = mkdtempSync(join(tmpdir(), 'supacontrol-bench-helm-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'proxy', cluster: { server: `http://127.0.0.1:${port}` } },
      ],
      users: [{ name: 'proxy', user: {} }],
      contexts: [
        { name: 'proxy', context: { cluster: 'proxy', user: 'proxy' } },
      ],
      'current-context': 'proxy',
    }),
    { mode: 0o600 },
  );
  return {
    kubeconfig,
    /** Requests since the last call, by kind. */
    take() {
      const taken = counts;
      counts = new Map();
      return taken;
    },
    close: () => proxy.close(),
  };
}

function run(
  binary: string,
  argv: string[],
  env: Record<string, string>,
): Promise<number> {
  const start = Date.now();
  return new Promise((done, fail) =>
    execFile(
      binary,
      argv,
      { env: { ...process.env, ...env }, maxBuffer: 64 * 2 ** 20 },
      (error, _stdout, stderr) =>
        error
          ? fail(new Error(`${argv[0]}: ${stderr}`))
          : done(Date.now() - start),
    ),
  );
}

async function main() {
  const { postgres, helm, cluster, kc, core } = await benchTestBed();
  const proxy = await countingProxy(kc);
  const backend = await createBackendProcess({
    kubeconfigPath: cluster.kubeconfigPath,
    helmPath: helm,
    postgres,
  });
  await backend.start();
  const api = apiClient(backend);
  const suffix = randomBytes(2).toString('hex');
  console.log(
    `# helm: ${ROUNDS} rounds; ${cpus().length} CPUs (${
      cpus()[0]?.model
    }), node ${process.version}, load before ${load()}`,
  );
  const supa: number[] = [];
  const bare: number[] = [];
  const bareHelmOnly: number[] = [];
  const plain: number[] = [];
  const noOpenApi: number[] = [];
  const requests: Record<string, Map<string, number>> = {};
  const helmEnv = {
    KUBECONFIG: proxy.kubeconfig,
    HELM_CACHE_HOME: join(tmpdir(), 'supacontrol-bench-helm-cache'),
  };
  const namespaces: string[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // 1. SupaControl, create → Running.
      const name = `hb${suffix}-${round}`;
      let start = Date.now();
      const created = await api.post('/v1/instances', {
        name,
        owner: 'group:default/bench',
      });
      if (created.status !== 201) {
        throw new Error(
          `create: ${created.status} ${JSON.stringify(created.body)}`,
        );
      }
      for (;;) {
        const got = (await api.get(`/v1/instances/${name}`)).body;
        if (
          got.status === 'Running' &&
          got.components.length === 8 &&
          got.components.every((c: any) => c.ready)
        ) {
          break;
        }
        if (got.status === 'Failed')
          throw new Error(`${name}: ${got.lastError}`);
        await sleep(250);
      }
      supa.push(Date.now() - start);
      namespaces.push(`supa-${name}`);

      // The same values and Secret, for the bare installs.
      const dir = mkdtempSync(join(tmpdir(), 'supacontrol-bench-values-'));
      const valuesFile = join(dir, 'values.yaml');
      await new Promise<void>((done, fail) =>
        execFile(
          helm,
          ['get', 'values', name, '-n', `supa-${name}`, '-o', 'yaml'],
          { env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath } },
          (error, stdout) => {
            if (error) return fail(error);
            writeFileSync(valuesFile, stdout, { mode: 0o600 });
            return done();
          },
        ),
      );
      const secret = await core.readNamespacedSecret({
        name: 'supabase-secrets',
        namespace: `supa-${name}`,
      });
      const prepare = async (namespace: string) => {
        namespaces.push(namespace);
        await core.createNamespace({ body: { metadata: { name: namespace } } });
        await core.createNamespacedSecret({
          namespace,
          body: {
            metadata: { name: 'supabase-secrets', namespace },
            type: 'Opaque',
            data: secret.data,
          },
        });
      };

      // 2. Bare Helm with --wait: namespace, Secret, install, all ready.
      const bareNs = `hb${suffix}-bare-${round}`;
      start = Date.now();
      await prepare(bareNs);
      proxy.take();
      bareHelmOnly.push(
        await run(
          helm,
          [
            'install',
            name,
            CHART,
            '-n',
            bareNs,
            '-f',
            valuesFile,
            '--wait',
            '--timeout',
            '10m',
          ],
          helmEnv,
        ),
      );
      bare.push(Date.now() - start);
      requests['helm install --wait'] = proxy.take();

      // 3. As SupaControl runs it, with and without the OpenAPI validation.
      for (const [label, extra, into] of [
        ['helm upgrade --install', [], plain],
        [
          'helm upgrade --install --disable-openapi-validation',
          ['--disable-openapi-validation'],
          noOpenApi,
        ],
      ] as const) {
        const ns = `hb${suffix}-${extra.length ? 'noapi' : 'plain'}-${round}`;
        await prepare(ns);
        proxy.take();
        (into as number[]).push(
          await run(
            helm,
            [
              'upgrade',
              '--install',
              name,
              CHART,
              '-n',
              ns,
              '-f',
              valuesFile,
              '--history-max',
              '5',
              '-o',
              'json',
              ...extra,
            ],
            helmEnv,
          ),
        );
        requests[label] = proxy.take();
      }
    }

    const ms = (x: number) => `${(x / 1000).toFixed(2)} s`;
    console.log(
      `SupaControl create → Running: median ${ms(median(supa))} (${supa
        .map(ms)
        .join(', ')})`,
    );
    console.log(
      `bare: namespace + Secret + helm install --wait: median ${ms(
        median(bare),
      )} (${bare.map(ms).join(', ')}); helm alone ${ms(median(bareHelmOnly))}`,
    );
    console.log(
      `ratio SupaControl / bare Helm: ${(median(supa) / median(bare)).toFixed(
        2,
      )}`,
    );
    console.log(
      `helm upgrade --install (no --wait): median ${ms(
        median(plain),
      )}; with --disable-openapi-validation ${ms(median(noOpenApi))}`,
    );
    for (const [label, counts] of Object.entries(requests)) {
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      console.log(`apiserver requests of ${label} (last round): ${total}`);
      for (const [key, n] of [...counts.entries()].sort(
        (a, b) => b[1] - a[1],
      )) {
        console.log(`  ${String(n).padStart(4)}  ${key}`);
      }
    }
  } finally {
    for (const namespace of namespaces) {
      if (namespace.startsWith('supa-')) {
        await api.delete(`/v1/instances/${namespace.slice(5)}`);
      } else {
        await core.deleteNamespace({ name: namespace }).catch(() => {});
      }
    }
    await sleep(5000);
    await backend.stop();
    proxy.close();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
