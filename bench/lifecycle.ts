/*
 * Lifecycle at scale on the test bed: N instances created at once through the API of one or two
 * backend replicas sharing one PostgreSQL database; time until all are Running (8 workloads each,
 * pods marked Ready by kwok); what the scheduled passes over the N steady instances cost; peak
 * RSS of each replica; the history checked for instances worked by two replicas at once; then
 * time until all are deleted. Prints figures; asserts nothing. Figures: bench/README.md.
 *
 *   eval "$(./scripts/cluster up --with-postgres)"
 *   ./scripts/bench lifecycle [--instances N] [--replicas 1|2] [--concurrency C]
 *                             [--steady-seconds S] [--keep]
 */
import { AppsV1Api } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import knexFactory from 'knex';
import { benchTestBed } from './testBed';
import {
  apiClient,
  BackendProcess,
  createBackendProcess,
  loggedPasses,
} from '../test/lifecycle/backendProcess';

const { values: args } = parseArgs({
  options: {
    instances: { type: 'string', default: '100' },
    replicas: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '4' },
    'steady-seconds': { type: 'string', default: '30' },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(args.instances);
const REPLICAS = Number(args.replicas);
const CONCURRENCY = Number(args.concurrency);
const STEADY_MS = Number(args['steady-seconds']) * 1000;
/** The resync interval of the replicas (the tests use 2 s). */
const RESYNC_SECONDS = 10;
if (!(N >= 1 && REPLICAS >= 1 && CONCURRENCY >= 1 && STEADY_MS >= 0)) {
  throw new Error(
    'usage: --instances N (>= 1) --replicas R (>= 1) --concurrency C (>= 1) --steady-seconds S',
  );
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const load = () =>
  loadavg()
    .map(l => l.toFixed(2))
    .join(' ');
const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** Resident and peak resident memory of a process, in MiB (from /proc). */
function memoryOf(pid: number | undefined): { rss: number; peak: number } {
  if (!pid) return { rss: 0, peak: 0 };
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) =>
      Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
  } catch {
    return { rss: 0, peak: 0 };
  }
}

/** Runs `fn` over `items`, at most `parallel` at once. */
async function pool<T>(
  items: T[],
  parallel: number,
  fn: (item: T, index: number) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const index = next++;
        await fn(items[index], index);
      }
    }),
  );
}

async function main() {
  const { postgres, helm, cluster, kc, core } = await benchTestBed();
  const apps = kc.makeApiClient(AppsV1Api);

  const prefix = `b${randomBytes(4).toString('hex')}_`;
  const backends: BackendProcess[] = [];
  for (let i = 0; i < REPLICAS; i++) {
    backends.push(
      await createBackendProcess({
        kubeconfigPath: cluster.kubeconfigPath,
        helmPath: helm,
        postgres,
        databasePrefix: prefix,
        supacontrol: {
          reconcile: {
            intervalSeconds: RESYNC_SECONDS,
            concurrency: CONCURRENCY,
            backoffBaseSeconds: 2,
            backoffMaxSeconds: 30,
            maxAttempts: 10,
            leaseSeconds: 60,
            progressDeadlineSeconds: 3600,
          },
          limits: {
            instancesPerOwner: N + 10,
            instancesTotal: N + 10,
            requestsPerMinute: 10_000_000,
          },
        },
      }),
    );
  }
  console.log(
    `# lifecycle: ${N} instances, ${REPLICAS} replica(s), reconcile.concurrency ${CONCURRENCY} each, resync every ${RESYNC_SECONDS} s`,
  );
  console.log(
    `# machine: ${cpus().length} CPUs (${cpus()[0]?.model}), ${(
      totalmem() /
      2 ** 30
    ).toFixed(1)} GiB, node ${process.version}, load before ${load()}`,
  );
  // Start one after the other: the first runs the migrations.
  for (const backend of backends) await backend.start({ LOG_LEVEL: 'debug' });
  const apis = backends.map(apiClient);
  const peaks = backends.map(() => 0);
  const sampler = setInterval(() => {
    backends.forEach((b, i) => {
      peaks[i] = Math.max(peaks[i], memoryOf(b.pid()).rss);
    });
  }, 1000);

  const suffix = randomBytes(2).toString('hex');
  const names = Array.from({ length: N }, (_, i) => `sc${suffix}-${i}`);
  const countByStatus = async () => {
    const counts: Record<string, number> = {};
    let cursor: string | undefined;
    do {
      const page = await apis[0].get(
        `/v1/instances?limit=100${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
        }`,
      );
      for (const item of page.body.items) {
        const settled =
          item.status === 'Running' &&
          item.components.length === 8 &&
          item.components.every((c: any) => c.ready);
        const key = settled ? 'Running (8/8 ready)' : item.status;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    return counts;
  };

  try {
    // All at once: 32 requests in flight, spread over the replicas.
    const start = Date.now();
    const failedCreates: string[] = [];
    await pool(names, 32, async (name, i) => {
      const res = await apis[i % REPLICAS].post('/v1/instances', {
        name,
        owner: 'group:default/bench',
      });
      if (res.status !== 201)
        failedCreates.push(
          `${name}: ${res.status} ${JSON.stringify(res.body)}`,
        );
    });
    const created = Date.now();
    console.log(
      `created ${N - failedCreates.length} of ${N} in ${seconds(
        created - start,
      )} s${failedCreates.length ? `; refused: ${failedCreates[0]}` : ''}`,
    );

    let counts: Record<string, number> = {};
    let lastPrint = 0;
    for (;;) {
      counts = await countByStatus();
      if ((counts['Running (8/8 ready)'] ?? 0) === N) break;
      if (Date.now() - lastPrint > 30_000) {
        lastPrint = Date.now();
        console.log(
          `  ${seconds(Date.now() - start)} s: ${JSON.stringify(
            counts,
          )}, load ${load()}`,
        );
      }
      if ((counts.Failed ?? 0) > 0 || Date.now() - start > 3_600_000) {
        throw new Error(`not all Running: ${JSON.stringify(counts)}`);
      }
      await sleep(2000);
    }
    const running = Date.now();
    console.log(
      `all ${N} Running (8 of 8 components ready) ${seconds(
        running - start,
      )} s after the first create (${(N / ((running - start) / 1000)).toFixed(
        2,
      )} instances/s), load ${load()}`,
    );

    // Steady: the scheduled passes over N steady instances.
    const marks = backends.map(b => b.log(Infinity).length);
    await sleep(STEADY_MS);
    const steady = backends
      .flatMap((b, i) =>
        loggedPasses(b, marks[i]).map(p => ({ ...p, replica: i })),
      )
      .filter(p => p.instances === N);
    const allSettled = steady.filter(p => p.settled === N);
    console.log(
      `steady passes over all ${N} in ${seconds(STEADY_MS)} s: ${
        steady.length
      } (${
        allSettled.length
      } found all ${N} steady); Kubernetes requests per pass: max ${Math.max(
        0,
        ...steady.map(p => p.kubernetesRequests),
      )}, database queries per pass: max ${Math.max(
        0,
        ...steady.map(p => p.databaseQueries),
      )}, instances worked: max ${Math.max(
        0,
        ...steady.map(p => p.worked),
      )}; open watches per replica: ${[
        ...new Set(steady.map(p => `replica ${p.replica}: ${p.watches}`)),
      ].join(', ')}`,
    );

    // The history: every status change in order, none twice, and who made them.
    const db = knexFactory({
      client: 'pg',
      connection: `${postgres}/${prefix}supacontrol`,
    });
    try {
      const events = await db('instance_events')
        .whereNotNull('to_status')
        .whereIn('instance_name', names)
        .orderBy([
          { column: 'created_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])
        .select('instance_name', 'from_status', 'to_status', 'worker');
      const byInstance = new Map<string, typeof events>();
      for (const e of events) {
        byInstance.set(e.instance_name, [
          ...(byInstance.get(e.instance_name) ?? []),
          e,
        ]);
      }
      const problems: string[] = [];
      const workersOf = new Map<string, number>();
      let shared = 0;
      for (const [name, list] of byInstance) {
        const seen = new Set<string>();
        let status: string | undefined;
        for (const e of list) {
          const edge = `${e.from_status}→${e.to_status}`;
          if (seen.has(edge)) problems.push(`${name}: ${edge} twice`);
          seen.add(edge);
          if (status !== undefined && e.from_status !== status) {
            problems.push(
              `${name}: ${edge} after ${status} (two writers on stale state)`,
            );
          }
          status = e.to_status;
        }
        const workers = new Set(list.map(e => e.worker).filter(Boolean));
        if (workers.size > 1) shared += 1;
        const runningBy = list.find(e => e.to_status === 'Running')?.worker;
        if (runningBy) {
          workersOf.set(runningBy, (workersOf.get(runningBy) ?? 0) + 1);
        }
      }
      console.log(
        `history: ${events.length} status changes of ${
          byInstance.size
        } instances; ${problems.length} out of order or repeated${
          problems.length ? ` (${problems.slice(0, 3).join('; ')})` : ''
        }; instances brought to Running per replica: ${[
          ...workersOf.values(),
        ].join(
          ' / ',
        )}; instances whose changes came from more than one replica (one after the other): ${shared}`,
      );
    } finally {
      await db.destroy();
    }

    // Helm: one release revision per instance (a second install would have made a second).
    const revisions = new Map<string, number>();
    const secrets = await core.listSecretForAllNamespaces({
      labelSelector: 'owner=helm',
    });
    for (const s of secrets.items) {
      const release = s.metadata?.labels?.name ?? '';
      if (names.includes(release)) {
        revisions.set(release, (revisions.get(release) ?? 0) + 1);
      }
    }
    const extra = [...revisions.values()].filter(v => v > 1).length;
    console.log(
      `helm: ${revisions.size} releases, ${extra} with more than one revision`,
    );
    const workloads =
      (
        await apps.listDeploymentForAllNamespaces({
          labelSelector: 'supacontrol.io/instance',
        })
      ).items.filter(d =>
        names.includes(d.metadata!.labels!['supacontrol.io/instance']),
      ).length +
      (
        await apps.listStatefulSetForAllNamespaces({
          labelSelector: 'supacontrol.io/instance',
        })
      ).items.filter(d =>
        names.includes(d.metadata!.labels!['supacontrol.io/instance']),
      ).length;
    console.log(`workloads in the cluster: ${workloads}`);
    console.log(
      `peak RSS per replica (sampled each second): ${peaks
        .map(p => `${p.toFixed(0)} MiB`)
        .join(' / ')}; VmHWM: ${backends
        .map(b => `${memoryOf(b.pid()).peak.toFixed(0)} MiB`)
        .join(' / ')}`,
    );

    if (!args.keep) {
      const deleting = Date.now();
      await pool(names, 32, async (name, i) => {
        await apis[i % REPLICAS].delete(`/v1/instances/${name}`);
      });
      for (;;) {
        const left = Object.entries(await countByStatus()).reduce(
          (sum, [, n]) => sum + n,
          0,
        );
        if (left === 0) break;
        if (Date.now() - deleting > 3_600_000) {
          throw new Error(`${left} instances not deleted after an hour`);
        }
        await sleep(2000);
      }
      console.log(
        `all ${N} deleted (release, namespace and Secret gone) ${seconds(
          Date.now() - deleting,
        )} s after the first DELETE, load ${load()}`,
      );
    }
  } finally {
    clearInterval(sampler);
    for (const backend of backends) await backend.stop();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
