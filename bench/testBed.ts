import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startCluster } from '../test/cluster/src/index.ts';

/**
 * The running test bed a benchmark works on: PostgreSQL, helm and the cluster (attached through
 * SUPACONTROL_TEST_KUBECONFIG), with an admin client. Fails with the command to start it.
 */
export async function benchTestBed() {
  const postgres =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  const helm = process.env.SUPACONTROL_TEST_HELM;
  if (!postgres || !helm) {
    throw new Error(
      'load the test bed env first: eval "$(./scripts/cluster up --with-postgres)"',
    );
  }
  const cluster = await startCluster();
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  return { postgres, helm, cluster, kc, core: kc.makeApiClient(CoreV1Api) };
}
