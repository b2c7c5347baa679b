/*
 * What a second test cluster costs on this machine: start time, and CPU and memory of the
 * control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok) while idle,
 * for one cluster and for two started at once, as test/lifecycle/multicluster.test.ts does.
 * CPU is the processes' own utime + stime from /proc over the idle window, as a share of one
 * core; memory is the sum of their resident sets at its end. Asserts nothing.
 *
 *   ./scripts/bench clusters [--idle-seconds 30]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { startCluster, type TestCluster } from '../test/cluster/src/index.ts';

const { values: args } = parseArgs({
  options: { 'idle-seconds': { type: 'string', default: '30' } },
});
const IDLE_MS = Number(args['idle-seconds']) * 1000;
if (!(IDLE_MS >= 1000)) throw new Error('usage: --idle-seconds N (>= 1)');
const TICKS = 100; // USER_HZ on Linux

/** Every process descended from this one: the clusters' components. */
function descendants(): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!found.has(pid) && found.has(ppid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  found.delete(process.pid);
  return [...found];
}

function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function measure(count: number) {
  const began = Date.now();
  const clusters: TestCluster[] = await Promise.all(
    Array.from({ length: count }, () =>
      startCluster({ existingKubeconfig: false }),
    ),
  );
  const startMs = Date.now() - began;
  // Let the controllers finish their start-up work before the idle window.
  await new Promise(r => setTimeout(r, 10_000));
  const pids = descendants();
  const before = pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
  const windowStart = Date.now();
  await new Promise(r => setTimeout(r, IDLE_MS));
  const seconds = (Date.now() - windowStart) / 1000;
  const ticks = pids.reduce((sum, pid) => sum + cpuTicks(pid), 0) - before;
  const rss = pids.reduce((sum, pid) => sum + rssMiB(pid), 0);
  await Promise.all(clusters.map(c => c.stop()));
  return {
    clusters: count,
    processes: pids.length,
    startSeconds: (startMs / 1000).toFixed(1),
    idleCpuPercentOfOneCore: ((ticks / TICKS / seconds) * 100).toFixed(1),
    rssMiB: Math.round(rss),
    load: loadavg()
      .map(l => l.toFixed(2))
      .join(' '),
  };
}

async function main() {
  // eslint-disable-next-line no-console
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, ${(
      totalmem() /
      2 ** 30
    ).toFixed(1)} GiB, Node ${process.versions.node}; idle window ${
      IDLE_MS / 1000
    } s`,
  );
  for (const count of [1, 2]) {
    // eslint-disable-next-line no-console
    console.log(JSON.stringify(await measure(count)));
  }
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
