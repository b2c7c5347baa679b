import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clusterBinaries, resolveBinDir } from './binaries.ts';
import * as components from './components.ts';
import type { ClusterLayout, ComponentSpec } from './components.ts';
import { KubeApi } from './kubeapi.ts';
import {
  readKubeconfig,
  writeKubeconfig,
  type KubeCredentials,
} from './kubeconfig.ts';
import { containerLogFile, fakeNode, kwokConfigYaml } from './kwok.ts';
import { freePorts } from './ports.ts';
import { createClusterPki } from './pki.ts';
import {
  ManagedProcess,
  removeDir,
  removeOnExit,
  stopInOrder,
} from './processes.ts';
import {
  issueServiceAccountKubeconfig,
  type ServiceAccountKubeconfigRequest,
} from './serviceaccount.ts';
import { waitFor } from './wait.ts';

/** @public */
export interface StartClusterOptions {
  /** Directory with the binaries; default SUPACONTROL_TEST_BIN_DIR, else test/cluster/build.sh is run. */
  binDir?: string;
  /** Path of test/cluster/build.sh; found from the working directory when omitted. */
  buildScript?: string;
  /** Number of kwok nodes (default 3). */
  nodes?: number;
  /** How long to wait for the cluster to become ready (default 120 s). */
  timeoutMs?: number;
  /**
   * Use this existing cluster instead of starting one. Defaults to
   * SUPACONTROL_TEST_KUBECONFIG; `false` always starts a cluster.
   */
  existingKubeconfig?: string | false;
  /** Progress messages; silent by default. */
  log?: (message: string) => void;
}

/** @public */
export interface TestCluster {
  /** Admin kubeconfig (group system:masters). */
  readonly kubeconfigPath: string;
  /** The apiserver URL, https://127.0.0.1:<port> for a started cluster. */
  readonly server: string;
  readonly helmPath: string;
  readonly binDir: string;
  /** True when attached to SUPACONTROL_TEST_KUBECONFIG rather than started. */
  readonly external: boolean;
  /**
   * Creates the ServiceAccount if it is missing, requests a token for it and
   * writes a kubeconfig that authenticates as it. Returns the file's path.
   */
  issueServiceAccountKubeconfig(
    request: ServiceAccountKubeconfigRequest,
  ): Promise<string>;
  /**
   * Freezes kube-apiserver (SIGSTOP) for `ms`, then lets it run again (SIGCONT): an outage in
   * which requests hang, as behind a dead network path. Only for clusters this harness started.
   */
  suspendApiserver(ms: number): Promise<void>;
  /**
   * Stops kube-apiserver (its port refuses connections; etcd, the controllers and kwok keep
   * running) until {@link TestCluster.startApiserver}. Only for clusters this harness started.
   */
  stopApiserver(): Promise<void>;
  /** Starts kube-apiserver again on the same port and etcd, and waits until it is ready. */
  startApiserver(): Promise<void>;
  /** Stops every process started for the cluster and removes its files. */
  stop(): Promise<void>;
}

class Cluster implements TestCluster {
  readonly kubeconfigPath: string;
  readonly server: string;
  readonly helmPath: string;
  readonly binDir: string;
  readonly external: boolean;
  readonly #workDir: string;
  readonly #admin: KubeCredentials;
  readonly #processes: ManagedProcess[];
  readonly #relaunchApiserver?: () => ManagedProcess;
  #stopped: Promise<void> | undefined;

  constructor(init: {
    kubeconfigPath: string;
    admin: KubeCredentials;
    helmPath: string;
    binDir: string;
    external: boolean;
    workDir: string;
    processes: ManagedProcess[];
    relaunchApiserver?: () => ManagedProcess;
  }) {
    this.kubeconfigPath = init.kubeconfigPath;
    this.server = init.admin.server;
    this.helmPath = init.helmPath;
    this.binDir = init.binDir;
    this.external = init.external;
    this.#workDir = init.workDir;
    this.#admin = init.admin;
    this.#processes = init.processes;
    this.#relaunchApiserver = init.relaunchApiserver;
  }

  #apiserver(): ManagedProcess | undefined {
    if (!this.#relaunchApiserver) {
      throw new Error(
        'stopping the apiserver needs a cluster started by this harness, not an attached one; ' +
          'call startCluster({ existingKubeconfig: false })',
      );
    }
    return this.#processes.find(
      p => p.name === 'kube-apiserver' && !p.exitInfo,
    );
  }

  async stopApiserver(): Promise<void> {
    await this.#apiserver()?.stop();
  }

  async startApiserver(): Promise<void> {
    if (this.#apiserver()) return;
    const old = this.#processes.findIndex(p => p.name === 'kube-apiserver');
    const proc = this.#relaunchApiserver!();
    this.#processes.splice(old, 1, proc);
    const api = new KubeApi(this.#admin);
    try {
      await waitFor(
        'kube-apiserver /readyz after a restart',
        async () => {
          const res = await api.request('GET', '/readyz');
          return res.status === 200 ? true : undefined;
        },
        {
          timeoutMs: 120_000,
          abortIf: () =>
            proc.exitInfo
              ? `${proc.describeExit()}; the end of its log:\n${proc.tail()}`
              : undefined,
        },
      );
    } finally {
      api.close();
    }
  }

  issueServiceAccountKubeconfig(
    request: ServiceAccountKubeconfigRequest,
  ): Promise<string> {
    if (this.#stopped)
      return Promise.reject(new Error('the test cluster has been stopped'));
    return issueServiceAccountKubeconfig(this.#admin, this.#workDir, request);
  }

  async suspendApiserver(ms: number): Promise<void> {
    const apiserver = this.#processes.find(p => p.name === 'kube-apiserver');
    if (!apiserver) {
      throw new Error(
        'suspendApiserver needs a cluster started by this harness, not an attached one; ' +
          'call startCluster({ existingKubeconfig: false })',
      );
    }
    process.kill(apiserver.pid, 'SIGSTOP');
    try {
      await new Promise(resolve => setTimeout(resolve, ms));
    } finally {
      process.kill(apiserver.pid, 'SIGCONT');
    }
  }

  stop(): Promise<void> {
    this.#stopped ??= stopInOrder(this.#processes).then(() =>
      removeDir(this.#workDir),
    );
    return this.#stopped;
  }
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and
 * kwok with fake nodes on free loopback ports, and resolves once the cluster
 * schedules and runs pods. With SUPACONTROL_TEST_KUBECONFIG set it attaches
 * to that cluster instead.
 * @public
 */
export async function startCluster(
  options: StartClusterOptions = {},
): Promise<TestCluster> {
  const existing =
    options.existingKubeconfig === undefined
      ? process.env.SUPACONTROL_TEST_KUBECONFIG || undefined
      : options.existingKubeconfig || undefined;
  return existing ? attach(existing, options) : start(options);
}

async function attach(
  kubeconfigPath: string,
  options: StartClusterOptions,
): Promise<TestCluster> {
  let admin: KubeCredentials;
  try {
    admin = readKubeconfig(kubeconfigPath);
  } catch (e) {
    throw new Error(
      `SUPACONTROL_TEST_KUBECONFIG=${kubeconfigPath}: ${
        e instanceof Error ? e.message : String(e)
      }; ` + 'start a test bed with ./scripts/cluster up and load its env',
    );
  }
  const api = new KubeApi(admin);
  try {
    const res = await api.request('GET', '/readyz');
    if (res.status !== 200)
      throw new Error(
        `/readyz answered HTTP ${res.status}: ${res.text.slice(0, 300)}`,
      );
  } catch (e) {
    throw new Error(
      `SUPACONTROL_TEST_KUBECONFIG=${kubeconfigPath}: the cluster at ${admin.server} is not ready ` +
        `(${
          e instanceof Error ? e.message : String(e)
        }); start one with ./scripts/cluster up`,
    );
  } finally {
    api.close();
  }
  const envHelm = process.env.SUPACONTROL_TEST_HELM;
  const binDir =
    options.binDir ??
    process.env.SUPACONTROL_TEST_BIN_DIR ??
    (envHelm ? dirname(envHelm) : undefined);
  const resolvedBinDir = await resolveBinDir({
    binDir,
    buildScript: options.buildScript,
    need: envHelm ? [] : ['helm'],
  });
  const workDir = mkdtempSync(join(tmpdir(), 'supacontrol-cluster-client-'));
  removeOnExit(workDir);
  return new Cluster({
    kubeconfigPath,
    admin,
    binDir: resolvedBinDir,
    external: true,
    workDir,
    processes: [],
    helmPath: envHelm ?? join(resolvedBinDir, 'helm'),
  });
}

async function start(options: StartClusterOptions): Promise<TestCluster> {
  const log = options.log ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 120_000;
  const binDir = await resolveBinDir({
    binDir: options.binDir,
    buildScript: options.buildScript,
    need: [...clusterBinaries, 'helm'],
  });
  const began = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'supacontrol-cluster-'));
  removeOnExit(workDir);
  const processes: ManagedProcess[] = [];
  const logDir = join(workDir, 'logs');
  mkdirSync(logDir);
  mkdirSync(join(workDir, 'pki'));

  const launch = (spec: ComponentSpec): ManagedProcess => {
    const proc = ManagedProcess.start({
      ...spec,
      logPath: join(logDir, `${spec.name}.log`),
      cwd: workDir,
    });
    processes.push(proc);
    log(`started ${spec.name} (pid ${proc.pid})`);
    return proc;
  };
  // A component that dies while we wait is the error to report.
  const abortIf = (): string | undefined => {
    const dead = processes.find(p => p.exitInfo);
    return dead
      ? `${dead.describeExit()}; the end of its log:\n${dead.tail()}`
      : undefined;
  };
  const deadline = (): number =>
    Math.max(1000, timeoutMs - (Date.now() - began));

  let api: KubeApi | undefined;
  try {
    const [
      etcdClient,
      etcdPeer,
      apiserver,
      controllerManager,
      scheduler,
      kwokServer,
    ] = await freePorts(6);
    const pki = await createClusterPki(join(workDir, 'pki'));
    const server = `https://127.0.0.1:${apiserver}`;
    const kubeconfigs = {
      admin: join(workDir, 'admin.kubeconfig'),
      controllerManager: join(workDir, 'controller-manager.kubeconfig'),
      scheduler: join(workDir, 'scheduler.kubeconfig'),
    };
    const admin: KubeCredentials = {
      server,
      caPem: pki.ca.certPem,
      certPem: pki.admin.certPem,
      keyPem: pki.admin.keyPem,
    };
    writeKubeconfig(kubeconfigs.admin, 'supacontrol-test', admin);
    writeKubeconfig(kubeconfigs.controllerManager, 'supacontrol-test', {
      server,
      caPem: pki.ca.certPem,
      certPem: pki.controllerManager.certPem,
      keyPem: pki.controllerManager.keyPem,
    });
    writeKubeconfig(kubeconfigs.scheduler, 'supacontrol-test', {
      server,
      caPem: pki.ca.certPem,
      certPem: pki.scheduler.certPem,
      keyPem: pki.scheduler.keyPem,
    });
    const layout: ClusterLayout = {
      binDir,
      workDir,
      pki,
      kubeconfigs,
      ports: {
        etcdClient: etcdClient!,
        etcdPeer: etcdPeer!,
        apiserver: apiserver!,
        controllerManager: controllerManager!,
        scheduler: scheduler!,
        kwokServer: kwokServer!,
      },
    };

    const etcd = launch(components.etcd(layout));
    await waitFor(
      'etcd /health',
      async () => {
        const { status, body } = await plainGet(
          `http://127.0.0.1:${etcdClient}/health`,
        );
        return status === 200 && body.includes('"true"') ? true : undefined;
      },
      { timeoutMs: deadline(), abortIf },
    );

    const apiserverProc = launch(components.kubeApiserver(layout));
    api = new KubeApi(admin);
    const a = api;
    await waitFor(
      'kube-apiserver /readyz',
      async () => {
        const res = await a.request('GET', '/readyz');
        return res.status === 200 ? true : undefined;
      },
      { timeoutMs: deadline(), abortIf },
    );
    log(
      `kube-apiserver ready at ${server} after ${(
        (Date.now() - began) /
        1000
      ).toFixed(1)} s`,
    );

    const kwokConfig = join(workDir, 'kwok.yaml');
    const logsFile = join(workDir, 'container.log');
    writeFileSync(logsFile, containerLogFile(new Date()));
    writeFileSync(kwokConfig, kwokConfigYaml({ logsFile }));
    const controllerManagerProc = launch(
      components.kubeControllerManager(layout),
    );
    const schedulerProc = launch(components.kubeScheduler(layout));
    const kwokProc = launch(components.kwok(layout, kwokConfig));

    const version = (await a.call<{ gitVersion: string }>('GET', '/version'))
      .body.gitVersion;
    const nodeNames = Array.from(
      { length: options.nodes ?? 3 },
      (_, i) => `kwok-node-${i}`,
    );
    for (const name of nodeNames) {
      await a.call('POST', '/api/v1/nodes', fakeNode(name, version), [409]);
    }
    // The default StorageClass: claims without a class bind at once (controller manager's
    // hostPath provisioner), as the README's local demo with the default plans needs.
    await a.call(
      'POST',
      '/apis/storage.k8s.io/v1/storageclasses',
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: {
          name: 'standard',
          annotations: {
            'storageclass.kubernetes.io/is-default-class': 'true',
          },
        },
        provisioner: 'kubernetes.io/host-path',
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
      },
      [409],
    );

    const waits = { timeoutMs: deadline(), abortIf };
    await Promise.all([
      waitFor(
        'kube-controller-manager /healthz',
        () => healthz(controllerManager!),
        waits,
      ),
      waitFor('kube-scheduler /healthz', () => healthz(scheduler!), waits),
      waitFor(
        `nodes ${nodeNames.join(', ')} Ready (kwok)`,
        () => nodesReady(a, nodeNames),
        waits,
      ),
      // Created by the controller manager; pods are refused until it exists.
      waitFor(
        'ServiceAccount default/default',
        async () => {
          const res = await a.request(
            'GET',
            '/api/v1/namespaces/default/serviceaccounts/default',
          );
          return res.status === 200 ? true : undefined;
        },
        waits,
      ),
    ]).catch((e: unknown) => {
      const tails = [
        controllerManagerProc,
        schedulerProc,
        kwokProc,
        apiserverProc,
        etcd,
      ]
        .map(p => `--- ${p.name} (${p.logPath}) ---\n${p.tail(15)}`)
        .join('\n');
      throw new Error(
        `${e instanceof Error ? e.message : String(e)}\n${tails}`,
      );
    });
    log(`cluster ready after ${((Date.now() - began) / 1000).toFixed(1)} s`);
    api.close();
    return new Cluster({
      kubeconfigPath: kubeconfigs.admin,
      admin,
      binDir,
      external: false,
      workDir,
      processes,
      helmPath: join(binDir, 'helm'),
      // Not `launch`: the restarted process replaces the stopped one in the list.
      relaunchApiserver: () =>
        ManagedProcess.start({
          ...components.kubeApiserver(layout),
          logPath: join(logDir, 'kube-apiserver.log'),
          cwd: workDir,
        }),
    });
  } catch (e) {
    api?.close();
    await stopInOrder(processes);
    removeDir(workDir);
    throw new Error(
      `test cluster did not start: ${
        e instanceof Error ? e.message : String(e)
      }`,
      { cause: e },
    );
  }
}

interface NodeList {
  items: {
    metadata: { name: string };
    spec?: { taints?: { key: string }[] };
    status?: { conditions?: { type: string; status: string }[] };
  }[];
}

async function nodesReady(
  api: KubeApi,
  names: string[],
): Promise<true | undefined> {
  const { body } = await api.call<NodeList>('GET', '/api/v1/nodes');
  const ready = body.items.filter(
    n =>
      n.status?.conditions?.some(
        c => c.type === 'Ready' && c.status === 'True',
      ) &&
      // The node lifecycle controller lifts this taint once it sees Ready;
      // until then nothing schedules there.
      !n.spec?.taints?.some(t => t.key === 'node.kubernetes.io/not-ready'),
  );
  return names.every(name => ready.some(n => n.metadata.name === name))
    ? true
    : undefined;
}

function plainGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = httpGet(url, { timeout: 5000 }, res => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      res.on('end', () =>
        resolvePromise({ status: res.statusCode ?? 0, body }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

// Controller manager and scheduler serve a self-signed certificate of their
// own making; only liveness is checked here, on loopback.
function healthz(port: number): Promise<true | undefined> {
  return new Promise((resolvePromise, reject) => {
    const req = httpsGet(
      `https://127.0.0.1:${port}/healthz`,
      { rejectUnauthorized: false, timeout: 5000 },
      res => {
        res.resume();
        res.on('end', () =>
          resolvePromise(res.statusCode === 200 ? true : undefined),
        );
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`healthz on port ${port} timed out`)),
    );
    req.on('error', reject);
  });
}
