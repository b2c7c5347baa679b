// kwok plays the kubelet for fake nodes. Run standalone it has no built-in
// behaviour: Stages, given in its --config file, say which objects to change
// and how. These are the "fast" lifecycle: nodes become Ready at once and
// keep their lease; scheduled pods become Running and Ready at once; pods of
// Jobs complete; deleted pods go away without a grace period.
//
// Each Stage selects objects with jq expressions over the object's JSON and
// patches the status subresource with the YAML rendered by a Go template
// (kwok adds template functions such as Now, Quote, NodeConditions,
// NodeIPsWith and PodIPsWith). Strategic merge applies, so conditions merge
// by type and a patch only needs the fields it changes.

/** The annotation kwok is told to select the nodes it manages by. */
export const fakeNodeAnnotation = {
  key: 'kwok.x-k8s.io/node',
  value: 'fake',
} as const;

const nodeInitialize = `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: node-initialize
spec:
  resourceRef: { apiGroup: v1, kind: Node }
  selector:
    matchExpressions:
    - jq:
        key: '.status.conditions[]? | select(.type == "Ready") | .status'
        operator: NotIn
        values: ["True"]
  steps:
  - patch:
      subresource: status
      root: status
      template: |
        {{ $now := Now }}
        phase: Running
        conditions:
        {{ range NodeConditions }}
        - type: {{ .type | Quote }}
          status: {{ .status | Quote }}
          reason: {{ .reason | Quote }}
          message: {{ .message | Quote }}
          lastHeartbeatTime: {{ $now | Quote }}
          lastTransitionTime: {{ $now | Quote }}
        {{ end }}
        {{ if not .status.addresses }}
        addresses:
        - { type: InternalIP, address: {{ NodeIP | Quote }} }
        - { type: Hostname, address: {{ NodeName | Quote }} }
        {{ end }}
        {{ with NodePort }}
        daemonEndpoints:
          kubeletEndpoint:
            Port: {{ . }}
        {{ end }}
        {{ if not .status.capacity }}
        capacity: { cpu: "512", memory: 4Ti, pods: "2000" }
        allocatable: { cpu: "512", memory: 4Ti, pods: "2000" }
        {{ end }}
        {{ if not .status.nodeInfo.kubeletVersion }}
        nodeInfo:
          architecture: amd64
          operatingSystem: linux
          kubeletVersion: {{ printf "kwok-%s" Version | Quote }}
          kubeProxyVersion: {{ printf "kwok-%s" Version | Quote }}
          containerRuntimeVersion: {{ printf "kwok-%s" Version | Quote }}
        {{ end }}
`;

// kwok renews each node's Lease itself (--node-lease-duration-seconds), which
// is what the node lifecycle controller watches; the conditions only need a
// heartbeat now and then, like a kubelet's status report every few minutes.
const nodeHeartbeatWithLease = `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: node-heartbeat-with-lease
spec:
  resourceRef: { apiGroup: v1, kind: Node }
  selector:
    matchExpressions:
    - jq: { key: '.status.phase', operator: In, values: [Running] }
    - jq:
        key: '.status.conditions[]? | select(.type == "Ready") | .status'
        operator: In
        values: ["True"]
  delay:
    durationMilliseconds: 240000
    jitterDurationMilliseconds: 300000
  steps:
  - patch:
      subresource: status
      root: status
      template: |
        {{ $now := Now }}
        conditions:
        {{ range .status.conditions }}
        - type: {{ .type | Quote }}
          lastHeartbeatTime: {{ $now | Quote }}
        {{ end }}
`;

const podReady = `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-ready
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:
    - jq: { key: '.metadata.deletionTimestamp', operator: DoesNotExist }
    - jq: { key: '.status.phase', operator: In, values: [Pending] }
    - jq:
        key: '.status.conditions[]? | select(.type == "Ready") | .status'
        operator: NotIn
        values: ["True"]
  steps:
  - patch:
      subresource: status
      root: status
      template: |
        {{ $now := Now }}
        phase: Running
        startTime: {{ $now | Quote }}
        conditions:
        {{ range list "PodReadyToStartContainers" "Initialized" "ContainersReady" "Ready" }}
        - { type: {{ . }}, status: "True", lastTransitionTime: {{ $now | Quote }} }
        {{ end }}
        {{ range .spec.readinessGates }}
        - { type: {{ .conditionType | Quote }}, status: "True", lastTransitionTime: {{ $now | Quote }} }
        {{ end }}
        containerStatuses:
        {{ range .spec.containers }}
        - name: {{ .name | Quote }}
          image: {{ .image | Quote }}
          imageID: ""
          ready: true
          started: true
          restartCount: 0
          state: { running: { startedAt: {{ $now | Quote }} } }
        {{ end }}
        {{ with .spec.initContainers }}
        initContainerStatuses:
        {{ range . }}
        - name: {{ .name | Quote }}
          image: {{ .image | Quote }}
          imageID: ""
          restartCount: 0
          {{ if eq (or .restartPolicy "") "Always" }}
          ready: true
          started: true
          state: { running: { startedAt: {{ $now | Quote }} } }
          {{ else }}
          ready: true
          started: false
          state: { terminated: { exitCode: 0, reason: Completed, startedAt: {{ $now | Quote }}, finishedAt: {{ $now | Quote }} } }
          {{ end }}
        {{ end }}
        {{ end }}
        {{ with NodeIPsWith .spec.nodeName }}
        hostIP: {{ index . 0 | Quote }}
        hostIPs:
        {{ range . }}
        - ip: {{ . | Quote }}
        {{ end }}
        {{ end }}
        {{ with PodIPsWith .spec.nodeName (or .spec.hostNetwork false) (or .metadata.uid "") (or .metadata.name "") (or .metadata.namespace "") }}
        podIP: {{ index . 0 | Quote }}
        podIPs:
        {{ range . }}
        - ip: {{ . | Quote }}
        {{ end }}
        {{ end }}
`;

const podComplete = `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-complete
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:
    - jq: { key: '.metadata.deletionTimestamp', operator: DoesNotExist }
    - jq: { key: '.status.phase', operator: In, values: [Running] }
    - jq: { key: '.metadata.ownerReferences[]?.kind', operator: In, values: [Job] }
  steps:
  - patch:
      subresource: status
      root: status
      template: |
        {{ $now := Now }}
        phase: Succeeded
        conditions:
        - { type: Ready, status: "False", reason: PodCompleted, lastTransitionTime: {{ $now | Quote }} }
        - { type: ContainersReady, status: "False", reason: PodCompleted, lastTransitionTime: {{ $now | Quote }} }
        containerStatuses:
        {{ range .spec.containers }}
        - name: {{ .name | Quote }}
          image: {{ .image | Quote }}
          imageID: ""
          ready: false
          started: false
          restartCount: 0
          state: { terminated: { exitCode: 0, reason: Completed, startedAt: {{ $now | Quote }}, finishedAt: {{ $now | Quote }} } }
        {{ end }}
`;

// Without a kubelet nobody would confirm a graceful deletion; kwok does it.
const podDelete = `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-delete
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:
    - jq: { key: '.metadata.deletionTimestamp', operator: Exists }
  steps:
  - delete: true
`;

/**
 * Container logs for every container of every pod: no selector matches all
 * pods, and a Log without `containers` is the default for any container.
 * kwok's server reads the file with the kubelet's CRI log reader, so the file
 * is in CRI log format and `tailLines`, `sinceSeconds` and `follow` behave as
 * on a real node; follow waits for writes until the client goes away.
 * Source: sigs.k8s.io/kwok v0.8.0 pkg/apis/v1alpha1/cluster_logs_types.go,
 * pkg/apis/internalversion/object_selector.go (Match),
 * pkg/kwok/server/debugging_logs.go (getPodLogs, findLogInLogs, readLogs).
 */
function clusterLogs(logsFile: string): string {
  return `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: all-containers
spec:
  logs:
  - logsFile: ${JSON.stringify(logsFile)}
`;
}

/**
 * What every simulated container has "logged", oldest first. Tests look for
 * these lines in what `pods/log` returns.
 * @public
 */
export const simulatedLogLines: readonly string[] = [
  'supacontrol-testbed: simulated container log line 1 of 3 (kwok ClusterLogs)',
  'supacontrol-testbed: simulated container log line 2 of 3 (kwok ClusterLogs)',
  'supacontrol-testbed: simulated container log line 3 of 3 (kwok ClusterLogs)',
];

/**
 * The lines every simulated container "logged", in CRI log format
 * (`<RFC3339Nano time> stdout|stderr F <text>`, k8s.io/cri-client v0.36.3
 * pkg/logs/logs.go parseCRILog), stamped with `now` so that `sinceSeconds`
 * keeps them while the test bed is young.
 */
export function containerLogFile(now: Date): string {
  const stamp = now.toISOString();
  return simulatedLogLines.map(line => `${stamp} stdout F ${line}\n`).join('');
}

/**
 * The --config file for kwok: the Stage objects and the ClusterLogs, one YAML
 * document each.
 */
export function kwokConfigYaml(options: { logsFile: string }): string {
  return [
    nodeInitialize,
    nodeHeartbeatWithLease,
    podReady,
    podComplete,
    podDelete,
    clusterLogs(options.logsFile),
  ]
    .map(doc => doc.trim())
    .join('\n---\n')
    .concat('\n');
}

/**
 * A Node object for kwok to manage. No taint: every node of the test cluster
 * is fake, so unmodified charts must schedule onto them. The address is
 * loopback: the apiserver reaches the node's "kubelet" (kwok's server, for
 * logs) there, and nothing that follows a node address leaves this machine.
 */
export function fakeNode(name: string, kubeletVersion: string): object {
  // Room for the 500-instance benchmark (8 pods, about 0.8 CPU and 1.8 GiB requested each)
  // on the three nodes.
  const resources = {
    cpu: '512',
    memory: '4Ti',
    pods: '2000',
    'ephemeral-storage': '1Ti',
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
      annotations: {
        [fakeNodeAnnotation.key]: fakeNodeAnnotation.value,
        'node.alpha.kubernetes.io/ttl': '0',
      },
    },
    spec: {},
    status: {
      capacity: resources,
      allocatable: resources,
      addresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        containerRuntimeVersion: 'kwok',
        kernelVersion: 'kwok',
        osImage: 'kwok',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    },
  };
}
