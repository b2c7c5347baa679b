/*
 * Benchmark of the lifecycle engine on the test bed: wall time from "create" to Running for 1
 * and for 20 instances requested at once, and the Kubernetes API requests of a reconcile pass in
 * steady state. Prints figures; asserts nothing.
 *
 *   ./scripts/cluster up --with-postgres && source <(./scripts/cluster env)
 *   node --require @backstage/cli-node/config/nodeTransform.cjs test/lifecycle/benchmark.ts
 */
import { startCluster } from '../cluster/src/index.ts';
import { apiClient, createBackendProcess, eventually } from './backendProcess';

async function main() {
  const postgres =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  const helm = process.env.SUPACONTROL_TEST_HELM;
  if (!postgres || !helm) {
    throw new Error(
      'load the test bed env first: source <(./scripts/cluster env)',
    );
  }
  const cluster = await startCluster();
  const backend = await createBackendProcess({
    kubeconfigPath: cluster.kubeconfigPath,
    helmPath: helm,
    postgres,
  });
  await backend.start({ LOG_LEVEL: 'debug' });
  const api = apiClient(backend);
  const suffix = Date.now().toString(36).slice(-4);
  try {
    for (const count of [1, 20]) {
      const names = Array.from(
        { length: count },
        (_, i) => `bench-${suffix}-${count}-${i}`,
      );
      const start = Date.now();
      await Promise.all(
        names.map(name =>
          api.post('/v1/instances', { name, owner: 'group:default/bench' }),
        ),
      );
      await eventually(
        `${count} instances Running`,
        async () => {
          const list = await api.get('/v1/instances?limit=100&status=Running');
          return list.body.items.filter((i: any) => names.includes(i.name))
            .length === count
            ? true
            : undefined;
        },
        900_000,
      );
      const wall = (Date.now() - start) / 1000;
      // Let a few full passes run in steady state and read what they cost.
      await new Promise(r => setTimeout(r, 7_000));
      const passes = [
        ...backend
          .log()
          // The backend colours its log; strip the ANSI escapes before matching.
          // eslint-disable-next-line no-control-regex
          .replace(/\x1b\[[0-9;]*m/g, '')
          .matchAll(
            /Reconcile pass done instances=(\d+) kubernetesRequests=(\d+)/g,
          ),
      ]
        .map(m => ({ instances: Number(m[1]), requests: Number(m[2]) }))
        .filter(p => p.instances >= count);
      const last = passes[passes.length - 1];
      console.log(
        `${count} instance(s): create → all Running in ${wall.toFixed(1)} s; ` +
          `steady-state pass over ${last?.instances ?? '?'} instances: ${
            last?.requests ?? '?'
          } Kubernetes API requests`,
      );
    }
  } finally {
    await backend.kill();
    await cluster.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
