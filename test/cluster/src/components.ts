// Command lines of the control-plane components. Everything binds to
// 127.0.0.1 on ports picked at start, so several clusters can run side by
// side and nothing is reachable from outside the machine.

import { join } from 'node:path';
import { frontProxyClientName, type ClusterPki } from './pki.ts';
import { fakeNodeAnnotation } from './kwok.ts';

export interface ClusterLayout {
  binDir: string;
  workDir: string;
  pki: ClusterPki;
  ports: {
    etcdClient: number;
    etcdPeer: number;
    apiserver: number;
    controllerManager: number;
    scheduler: number;
    /** kwok's kubelet-like server (container logs), the port nodes report. */
    kwokServer: number;
  };
  kubeconfigs: { admin: string; controllerManager: string; scheduler: string };
}

/** Virtual service IPs: never routed, nothing implements them. */
export const serviceCidr = '10.96.0.0/16';
/**
 * Pod IPs handed out by kwok. Loopback, so that no request to a "pod" can
 * leave the machine; the apiserver refuses to proxy to loopback addresses.
 */
export const podCidr = '127.65.0.0/16';

export interface ComponentSpec {
  name: string;
  command: string;
  args: string[];
  /** Clients stop first (0), then the apiserver (1), then etcd (2). */
  stopTier?: number;
}

export function etcd(l: ClusterLayout): ComponentSpec {
  const client = `http://127.0.0.1:${l.ports.etcdClient}`;
  const peer = `http://127.0.0.1:${l.ports.etcdPeer}`;
  return {
    name: 'etcd',
    command: join(l.binDir, 'etcd'),
    stopTier: 2,
    args: [
      '--name=test',
      `--data-dir=${join(l.workDir, 'etcd')}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=test=${peer}`,
      // Test data: losing it on a crash is fine, waiting for the disk is not.
      '--unsafe-no-fsync',
      '--auto-compaction-retention=1',
      '--log-level=warn',
    ],
  };
}

export function kubeApiserver(l: ClusterLayout): ComponentSpec {
  const { pki } = l;
  return {
    name: 'kube-apiserver',
    command: join(l.binDir, 'kube-apiserver'),
    stopTier: 1,
    args: [
      `--etcd-servers=http://127.0.0.1:${l.ports.etcdClient}`,
      '--bind-address=127.0.0.1',
      // Without it the apiserver looks for a host IP on the default route.
      '--advertise-address=127.0.0.1',
      `--secure-port=${l.ports.apiserver}`,
      `--cert-dir=${join(l.workDir, 'apiserver')}`,
      `--tls-cert-file=${pki.apiserver.certPath}`,
      `--tls-private-key-file=${pki.apiserver.keyPath}`,
      `--client-ca-file=${pki.ca.certPath}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.serviceAccountPublicKeyPath}`,
      `--service-account-signing-key-file=${pki.serviceAccountKeyPath}`,
      '--authorization-mode=Node,RBAC',
      // The aggregation layer's settings, published in kube-system's
      // extension-apiserver-authentication ConfigMap, which the controller
      // manager and scheduler (and any aggregated API server) read.
      `--requestheader-client-ca-file=${pki.frontProxyCa.certPath}`,
      `--requestheader-allowed-names=${frontProxyClientName}`,
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      `--proxy-client-cert-file=${pki.frontProxyClient.certPath}`,
      `--proxy-client-key-file=${pki.frontProxyClient.keyPath}`,
      `--service-cluster-ip-range=${serviceCidr}`,
      '--allow-privileged=true',
      // The reconciler would publish 127.0.0.1 as the endpoint of the
      // `kubernetes` Service, which validation rejects every 10 s; no
      // client of this cluster reaches the apiserver through that Service.
      '--endpoint-reconciler-type=none',
      '--profiling=false',
      // pods/log: the apiserver calls https://<node address>:<daemonEndpoints
      // port>/containerLogs/... on the node's "kubelet", which is kwok's server.
      // Only InternalIP (127.0.0.1) resolves; the default list starts with
      // Hostname (kwok-node-0). Without a CA the apiserver would skip
      // verification; with it, kwok's serving cert is checked. Source:
      // k8s.io/kubernetes v1.36.3 pkg/kubelet/client/kubelet_client.go
      // (GetConnectionInfo, transportConfig) and
      // cmd/kube-apiserver/app/options/options.go (PreferredAddressTypes).
      '--kubelet-preferred-address-types=InternalIP',
      `--kubelet-certificate-authority=${pki.ca.certPath}`,
    ],
  };
}

/**
 * What kube-controller-manager and kube-scheduler share: their kubeconfig for the apiserver and
 * for checking who calls their own endpoint, a loopback port, and no leader election (one of each).
 */
function controlPlaneClientArgs(
  kubeconfig: string,
  port: number,
  certDir: string,
): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--authorization-always-allow-paths=/healthz,/readyz,/livez',
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${certDir}`,
    '--leader-elect=false',
  ];
}

export function kubeControllerManager(l: ClusterLayout): ComponentSpec {
  const kubeconfig = l.kubeconfigs.controllerManager;
  return {
    name: 'kube-controller-manager',
    command: join(l.binDir, 'kube-controller-manager'),
    args: [
      ...controlPlaneClientArgs(
        kubeconfig,
        l.ports.controllerManager,
        join(l.workDir, 'controller-manager'),
      ),
      // Each controller acts as its own service account, so RBAC is
      // exercised the way it is in a real cluster.
      '--use-service-account-credentials=true',
      `--root-ca-file=${l.pki.ca.certPath}`,
      `--service-account-private-key-file=${l.pki.serviceAccountKeyPath}`,
      `--cluster-signing-cert-file=${l.pki.ca.certPath}`,
      `--cluster-signing-key-file=${l.pki.ca.keyPath}`,
      `--service-cluster-ip-range=${serviceCidr}`,
      '--kube-api-qps=100',
      '--kube-api-burst=200',
      // Binds claims of the StorageClass `standard` (see cluster.ts) to hostPath volumes made
      // under /tmp/hostpath_pv on this machine, which kwok's pods never touch: so that charts
      // with PersistentVolumeClaims start here as on a real cluster. "For testing or
      // development only" (k8s.io/kubernetes v1.36.3
      // cmd/kube-controller-manager/app/options/persistentvolumebindercontroller.go;
      // pkg/volume/hostpath/host_path.go, Provision).
      '--enable-hostpath-provisioner=true',
    ],
  };
}

export function kubeScheduler(l: ClusterLayout): ComponentSpec {
  const kubeconfig = l.kubeconfigs.scheduler;
  return {
    name: 'kube-scheduler',
    command: join(l.binDir, 'kube-scheduler'),
    args: [
      ...controlPlaneClientArgs(
        kubeconfig,
        l.ports.scheduler,
        join(l.workDir, 'scheduler'),
      ),
    ],
  };
}

export function kwok(l: ClusterLayout, configPath: string): ComponentSpec {
  const port = l.ports.kwokServer;
  return {
    name: 'kwok',
    command: join(l.binDir, 'kwok'),
    args: [
      `--kubeconfig=${l.kubeconfigs.admin}`,
      `--config=${configPath}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${fakeNodeAnnotation.key}=${fakeNodeAnnotation.value}`,
      `--cidr=${podCidr}`,
      '--node-ip=127.0.0.1',
      '--node-lease-duration-seconds=40',
      // kwok's server answers /containerLogs/... from ClusterLogs in --config.
      // --node-port alone would listen on 0.0.0.0; --server-address keeps it
      // on loopback while --node-port is what the NodePort template function
      // (daemonEndpoints in node-initialize) reports. Without cert files kwok
      // serves a throw-away self-signed cert. Source: sigs.k8s.io/kwok v0.8.0
      // pkg/kwok/cmd/root.go (startServer) and pkg/kwok/server/server.go (Run).
      `--server-address=127.0.0.1:${port}`,
      `--node-port=${port}`,
      `--tls-cert-file=${l.pki.kwokServing.certPath}`,
      `--tls-private-key-file=${l.pki.kwokServing.keyPath}`,
    ],
  };
}
