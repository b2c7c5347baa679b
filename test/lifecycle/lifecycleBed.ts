import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  startCluster,
  type StartClusterOptions,
  type TestCluster,
} from '../cluster/src/index.ts';
import { testPostgresConnection } from '../src/testBed';
import {
  apiClient,
  BackendProcess,
  createBackendProcess,
} from './backendProcess';

/** A cluster (the test bed's, or one of the test's own) and a SupaControl backend on it. */
export interface LifecycleBed {
  cluster: TestCluster;
  /** The cluster's core API as its admin, to look behind the backend's back. */
  core: CoreV1Api;
  backend: BackendProcess;
  api: ReturnType<typeof apiClient>;
  /** Kills the backend and stops the cluster (if the test started it). */
  stop(): Promise<void>;
}

/**
 * Starts the backend on the test bed's PostgreSQL and a cluster. `prepare` runs once the cluster
 * is up and may give the backend another kubeconfig or more `supacontrol` config.
 */
export async function startLifecycleBed(
  options: {
    cluster?: StartClusterOptions;
    prepare?: (cluster: TestCluster) => Promise<{
      kubeconfigPath?: string;
      supacontrol?: Record<string, unknown>;
    }>;
    /** Environment of the backend process (e.g. `LOG_LEVEL`). */
    backendEnv?: Record<string, string>;
  } = {},
): Promise<LifecycleBed> {
  const postgres = testPostgresConnection();
  const cluster = await startCluster(options.cluster);
  let backend: BackendProcess | undefined;
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    const prepared = (await options.prepare?.(cluster)) ?? {};
    backend = await createBackendProcess({
      kubeconfigPath: prepared.kubeconfigPath ?? cluster.kubeconfigPath,
      helmPath: cluster.helmPath,
      postgres,
      supacontrol: prepared.supacontrol,
    });
    await backend.start(options.backendEnv);
    const started = backend;
    return {
      cluster,
      core: kc.makeApiClient(CoreV1Api),
      backend: started,
      api: apiClient(started),
      async stop() {
        await started.kill();
        await cluster.stop();
      },
    };
  } catch (error) {
    await backend?.kill();
    await cluster.stop();
    throw error;
  }
}
