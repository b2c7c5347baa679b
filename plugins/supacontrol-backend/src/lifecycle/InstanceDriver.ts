import { InstanceComponent } from '@supacontrol/plugin-supacontrol-common';
import { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import {
  METADATA_CIDR,
  PlanConfig,
  SmtpConfig,
  SupaControlConfig,
} from '../config/SupaControlConfig';
import {
  CredentialRotations,
  ExpectedWorkload,
  InstanceRecord,
} from '../database/types';
import { parseAllDocuments } from 'yaml';
import {
  HelmCallOptions,
  HelmClient,
  HelmError,
  HelmRelease,
} from '../helm/HelmClient';
import { isTransientError } from './transientErrors';
import {
  KubernetesClient,
  LABELS,
  MANAGED_BY,
} from '../kubernetes/KubernetesClient';
import {
  completeSecretData,
  decodeSecretData,
  decodeSecretKeys,
  encodeSecretData,
  INSTANCE_SECRET_NAME,
  SECRET_KEYS,
  SecretKey,
  SMTP_SECRET_KEYS,
} from './instanceSecret';

/** The namespace exists but SupaControl did not create it for this instance. */
export class ForeignNamespaceError extends Error {
  constructor(namespace: string) {
    super(
      `Namespace ${namespace} exists and is not managed by SupaControl for this instance; ` +
        'delete it or choose another instance name',
    );
    this.name = 'ForeignNamespaceError';
  }
}

/** The instance's namespace is being deleted (out of band): it can be recreated once it is gone. */
export class NamespaceTerminatingError extends Error {
  constructor(readonly namespace: string) {
    super(
      `Namespace ${namespace} is being deleted; it is recreated once it is gone`,
    );
    this.name = 'NamespaceTerminatingError';
  }
}

/**
 * The instance Secret of an instance that has been provisioned is gone. It is never generated
 * again: the instance's database keeps the passwords and keys of the old one, so new values would
 * break it at its next restart. It must be restored.
 */
export class InstanceSecretMissingError extends Error {
  constructor(record: Pick<InstanceRecord, 'name' | 'namespace'>) {
    super(
      `The instance Secret ${INSTANCE_SECRET_NAME} in namespace ${record.namespace} is missing; ` +
        "it is not generated again, since the instance's database still uses its passwords and keys. " +
        `Restore the Secret ${INSTANCE_SECRET_NAME} in namespace ${record.namespace} from your backup, ` +
        `with the keys ${SECRET_KEYS.join(', ')}, then retry: ` +
        `POST /v1/instances/${record.name}/retry or supactl instances retry ${record.name}`,
    );
    this.name = 'InstanceSecretMissingError';
  }
}

const ROTATION_ANNOTATION = 'supacontrol.io/rotation';
const ROTATABLE = ['jwt', 'dashboard'] as const;
/** The Secret keys each rotation generates anew. */
const ROTATED_KEYS: Record<(typeof ROTATABLE)[number], SecretKey[]> = {
  jwt: ['jwt-secret', 'anon-key', 'service-role-key'],
  dashboard: ['dashboard-password'],
};

/** The rotations an instance Secret says it has applied. */
function appliedRotations(
  annotations: Record<string, string> | undefined,
): CredentialRotations {
  const read = (what: string) =>
    Number(annotations?.[`${ROTATION_ANNOTATION}-${what}`] ?? 0) || 0;
  return { jwt: read('jwt'), dashboard: read('dashboard') };
}

/** The chart's `secretRevision`: changes with every rotation, so that every pod rolls. */
export function rotationRevision(rotations: CredentialRotations): string {
  return rotations.jwt === 0 && rotations.dashboard === 0
    ? ''
    : `jwt-${rotations.jwt}.dashboard-${rotations.dashboard}`;
}

/**
 * An upgrade to another chart version did not happen: it did not render, or it failed and was
 * rolled back. The instance stays on `from`.
 */
export class UpgradeRejectedError extends Error {
  constructor(readonly from: string, readonly to: string, reason: string) {
    super(
      `Upgrade of chart ${from} to ${to} failed, still on ${from}: ${reason}`,
    );
    this.name = 'UpgradeRejectedError';
  }
}

/** Helm's own last error line, without its usage noise. */
function helmReason(error: HelmError): string {
  const lines = error.stderr.trim().split('\n').filter(Boolean);
  return (lines[lines.length - 1] ?? error.message).slice(0, 500);
}

/** ClusterRole bound in each instance namespace; see deploy/charts/supacontrol/templates/rbac.yaml. */
export const INSTANCE_CLUSTER_ROLE = 'supacontrol-instance';

export type Workloads = {
  deployments: V1Deployment[];
  statefulSets: V1StatefulSet[];
};

function deepMerge(
  base: Record<string, any>,
  over: Record<string, any>,
): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      typeof out[key] === 'object'
        ? deepMerge(out[key], value)
        : value;
  }
  return out;
}

/** The public (or in-cluster) URLs of an instance. */
export function instanceEndpoints(
  record: Pick<InstanceRecord, 'name' | 'namespace'>,
  ingress: SupaControlConfig['ingress'],
): { api: string; studio: string } {
  if (ingress) {
    return {
      api: `https://${record.name}.${ingress.domain}`,
      studio: `https://studio-${record.name}.${ingress.domain}`,
    };
  }
  const kong = `http://${record.name}-kong.${record.namespace}.svc:8000`;
  return { api: kong, studio: kong };
}

/**
 * What an instance is made of in the cluster, and the idempotent steps that create, observe and
 * remove it. Every method is safe to repeat after a crash at any point.
 */
export class InstanceDriver {
  readonly #kube: KubernetesClient;
  readonly #helm: HelmClient;
  readonly #config: SupaControlConfig;
  #subject?: string;

  static create(options: {
    kube: KubernetesClient;
    helm: HelmClient;
    config: SupaControlConfig;
  }): InstanceDriver {
    return new InstanceDriver(options.kube, options.helm, options.config);
  }

  private constructor(
    kube: KubernetesClient,
    helm: HelmClient,
    config: SupaControlConfig,
  ) {
    this.#kube = kube;
    this.#helm = helm;
    this.#config = config;
  }

  get kubernetes(): KubernetesClient {
    return this.#kube;
  }

  /**
   * Whether the namespace of an instance name is free, ours (for that instance), ours but being
   * deleted, or foreign.
   */
  async namespaceOwnership(
    namespace: string,
    instanceId?: string,
  ): Promise<'absent' | 'ours' | 'terminating' | 'foreign'> {
    const ns = await this.#kube.getNamespace(namespace);
    if (!ns) return 'absent';
    const labels = ns.metadata?.labels ?? {};
    if (labels[LABELS.managedBy] !== MANAGED_BY) return 'foreign';
    if (instanceId && labels[LABELS.instanceId] !== instanceId)
      return 'foreign';
    return ns.metadata?.deletionTimestamp ? 'terminating' : 'ours';
  }

  /** Namespace with our labels and Pod Security labels, our RoleBinding, quota and limits. */
  async ensureNamespace(
    record: InstanceRecord,
    plan: PlanConfig,
  ): Promise<void> {
    const ownership = await this.namespaceOwnership(
      record.namespace,
      record.id,
    );
    if (ownership === 'foreign') {
      throw new ForeignNamespaceError(record.namespace);
    }
    if (ownership === 'terminating') {
      throw new NamespaceTerminatingError(record.namespace);
    }
    await this.#kube.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: record.namespace,
        labels: {
          [LABELS.managedBy]: MANAGED_BY,
          [LABELS.instance]: record.name,
          [LABELS.instanceId]: record.id,
          'pod-security.kubernetes.io/enforce': 'baseline',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
        annotations: { 'supacontrol.io/owner': record.owner },
      },
    });
    // SupaControl manages what is inside the namespace through a RoleBinding to itself, so it
    // needs no cluster-wide rights on Secrets, workloads or Helm's storage.
    await this.#kube.apply({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {
        name: 'supacontrol',
        namespace: record.namespace,
        labels: {
          [LABELS.managedBy]: MANAGED_BY,
          [LABELS.instance]: record.name,
        },
      },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: INSTANCE_CLUSTER_ROLE,
      },
      subjects: [await this.#selfSubject()],
    } as any);
    const labels = {
      [LABELS.managedBy]: MANAGED_BY,
      [LABELS.instance]: record.name,
    };
    await this.#kube.apply({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: {
        name: 'supacontrol-plan',
        namespace: record.namespace,
        labels,
      },
      spec: { hard: plan.quota },
    } as any);
    await this.#kube.apply({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: {
        name: 'supacontrol-defaults',
        namespace: record.namespace,
        labels,
      },
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: { cpu: '50m', memory: '64Mi' },
            default: { memory: '512Mi' },
          },
        ],
      },
    } as any);
  }

  /**
   * The instance Secret: generated once; missing keys are added, present ones never change. The
   * SMTP credentials of the plan are copied in (and follow their source Secret when it changes).
   * With `mustExist` (the instance has been provisioned with it), a missing Secret is an
   * {@link InstanceSecretMissingError}, never generated anew.
   */
  async ensureSecret(
    record: InstanceRecord,
    plan?: PlanConfig,
    options: { mustExist?: boolean } = {},
  ): Promise<void> {
    const existing = await this.#kube.getSecret(
      record.namespace,
      INSTANCE_SECRET_NAME,
    );
    if (!existing && options.mustExist) {
      throw new InstanceSecretMissingError(record);
    }
    const current = decodeSecretData(existing?.data);
    const smtp = await this.#smtpSecretData(plan?.smtp);
    const smtpCurrent = decodeSecretKeys(existing?.data, SMTP_SECRET_KEYS);
    // Rotations asked for and not yet applied: their keys are generated anew. The Secret
    // records what it has applied, in the same write as the new keys, so a crash in between
    // repeats nothing and loses nothing.
    const applied = appliedRotations(existing?.metadata?.annotations);
    const rotate = ROTATABLE.filter(
      what => existing && record.rotations[what] > applied[what],
    );
    for (const what of rotate) {
      for (const key of ROTATED_KEYS[what]) delete current[key];
    }
    if (
      existing &&
      rotate.length === 0 &&
      SECRET_KEYS.every(k => current[k]) &&
      JSON.stringify(smtpCurrent) === JSON.stringify(smtp)
    ) {
      return;
    }
    const data = encodeSecretData({
      ...(await completeSecretData(current)),
      ...smtp,
    });
    const annotations = Object.fromEntries(
      ROTATABLE.map(what => [
        `${ROTATION_ANNOTATION}-${what}`,
        String(Math.max(record.rotations[what], applied[what])),
      ]),
    );
    const metadata = {
      name: INSTANCE_SECRET_NAME,
      namespace: record.namespace,
      labels: {
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.instance]: record.name,
      },
      annotations,
    };
    if (existing) {
      await this.#kube.replaceSecret({
        ...existing,
        metadata: {
          ...existing.metadata,
          annotations: { ...existing.metadata?.annotations, ...annotations },
        },
        data,
      });
    } else {
      await this.#kube.createSecretIfMissing({
        metadata,
        type: 'Opaque',
        data,
      });
    }
  }

  async releaseStatus(
    record: InstanceRecord,
    options: HelmCallOptions = {},
  ): Promise<HelmRelease | undefined> {
    return this.#helm.status(record.name, record.namespace, options);
  }

  /**
   * Installs or upgrades the release and returns the workloads its manifest declares. An operation interrupted by a crash leaves the release
   * `pending-*`; it is cleared first (a never-completed install is removed, an upgrade rolled back).
   */
  async ensureRelease(
    record: InstanceRecord,
    plan: PlanConfig,
    options: HelmCallOptions = {},
  ): Promise<{ workloads: ExpectedWorkload[]; upgradedFrom?: string }> {
    const release = await this.releaseStatus(record, options);
    const status = release?.info.status;
    if (
      status === 'pending-install' ||
      (status === 'failed' && release!.version === 1)
    ) {
      await this.#helm.uninstall(record.name, record.namespace, options);
    } else if (status === 'pending-upgrade' || status === 'pending-rollback') {
      await this.#helm.rollback(record.name, record.namespace, options);
    }
    const request = {
      release: record.name,
      namespace: record.namespace,
      chart: this.#chartFor(record),
      values: this.values(record, plan, await this.#deniedEgress()),
      signal: options.signal,
    };
    // Another chart version than the deployed one is an upgrade: it must render (and pass the
    // apiserver's checks) before anything changes, and a failed one goes back to the deployed
    // revision instead of leaving the instance half upgraded.
    const from =
      status === 'deployed'
        ? await this.#helm.chartVersion(record.name, record.namespace, options)
        : undefined;
    const upgrading = !!from && from !== record.chartVersion;
    if (upgrading) {
      try {
        await this.#helm.upgradeInstall({ ...request, dryRun: true });
      } catch (error) {
        if (!(error instanceof HelmError) || isTransientError(error)) {
          throw error;
        }
        throw new UpgradeRejectedError(
          from!,
          record.chartVersion,
          `it did not render: ${helmReason(error)}`,
        );
      }
    }
    try {
      await this.#helm.upgradeInstall(request);
    } catch (error) {
      if (
        !upgrading ||
        !(error instanceof HelmError) ||
        isTransientError(error)
      ) {
        throw error;
      }
      await this.#helm.rollback(record.name, record.namespace, options);
      throw new UpgradeRejectedError(
        from!,
        record.chartVersion,
        `helm upgrade failed and was rolled back: ${helmReason(error)}`,
      );
    }
    return {
      workloads: await this.expectedWorkloads(record, options),
      upgradedFrom: upgrading ? from : undefined,
    };
  }

  /** Deployments and StatefulSets of the installed release, from its manifest. */
  async expectedWorkloads(
    record: InstanceRecord,
    options: HelmCallOptions = {},
  ): Promise<ExpectedWorkload[]> {
    const manifest = await this.#helm.manifest(
      record.name,
      record.namespace,
      options,
    );
    return parseAllDocuments(manifest)
      .map(doc => doc.toJS() as any)
      .filter(o => o && (o.kind === 'Deployment' || o.kind === 'StatefulSet'))
      .map(o => ({
        kind: o.kind,
        name: o.metadata.name,
        component:
          o.metadata.labels?.['app.kubernetes.io/component'] ?? o.metadata.name,
      }));
  }

  /**
   * Ranges instance pods must never reach, for the chart's egress `deny`: the metadata address,
   * the configured ones, and, once any range is allowed at all, the apiserver's addresses (read
   * from the cluster, so that no allowed range can include them).
   */
  async #deniedEgress(): Promise<string[]> {
    const { allow, deny } = this.#config.egress;
    if (allow.length === 0) return [METADATA_CIDR, ...deny];
    let apiServer: string[];
    try {
      apiServer = await this.#kube.apiServerCidrs();
    } catch (error) {
      throw new Error(
        `could not read the apiserver's addresses (Service and EndpointSlice default/kubernetes), which supacontrol.networkPolicy.egress.allow needs to keep the apiserver out of reach; grant the Role supacontrol-apiserver-addresses of deploy/charts/supacontrol/templates/rbac.yaml: ${
          (error as Error).message
        }`,
      );
    }
    return [...new Set([METADATA_CIDR, ...deny, ...apiServer])];
  }

  /**
   * `smtp-username` and `smtp-password` for the instance Secret, from the Secret the SMTP config
   * names (empty for a server without authentication; nothing without SMTP).
   */
  async #smtpSecretData(
    smtp: SmtpConfig | undefined,
  ): Promise<Record<string, string>> {
    if (!smtp) return {};
    if (!smtp.credentials) return { 'smtp-username': '', 'smtp-password': '' };
    const { namespace, name } = smtp.credentials;
    const source = await this.#kube.getSecret(namespace, name);
    if (!source) {
      throw new Error(
        `the SMTP credentials Secret ${namespace}/${name} does not exist (supacontrol.smtp.credentials)`,
      );
    }
    const { username, password } = decodeSecretKeys(source.data, [
      'username',
      'password',
    ]);
    if (username === undefined || password === undefined) {
      throw new Error(
        `the SMTP credentials Secret ${namespace}/${name} needs the keys 'username' and 'password'`,
      );
    }
    return { 'smtp-username': username, 'smtp-password': password };
  }

  /** Chart values: ours first, then the plan's overrides. */
  values(
    record: InstanceRecord,
    plan: PlanConfig,
    deniedEgress: string[] = [METADATA_CIDR, ...this.#config.egress.deny],
  ): Record<string, unknown> {
    const ingress = this.#config.ingress;
    const base: Record<string, unknown> = {
      fullnameOverride: record.name,
      secretName: INSTANCE_SECRET_NAME,
      // Rolls every pod when a rotation changed the Secret's content (`ensureSecret` applied it).
      secretRevision: rotationRevision(record.rotations),
      paused: record.desiredState === 'paused',
      restarts: record.restarts,
      commonLabels: {
        [LABELS.instance]: record.name,
        [LABELS.instanceId]: record.id,
      },
      ...(plan.smtp && {
        auth: {
          smtp: {
            enabled: true,
            host: plan.smtp.host,
            port: plan.smtp.port,
            adminEmail: plan.smtp.senderEmail,
            senderName: plan.smtp.senderName ?? '',
          },
        },
      }),
      networkPolicy: {
        ...(ingress && {
          ingressController: {
            namespace: ingress.controllerNamespace,
            podSelector:
              Object.keys(ingress.controllerPodLabels).length > 0
                ? { matchLabels: ingress.controllerPodLabels }
                : {},
          },
        }),
        egress: { allow: this.#config.egress.allow, deny: deniedEgress },
      },
      ...(ingress && {
        ingress: {
          enabled: true,
          ...(ingress.className && { className: ingress.className }),
          hosts: {
            api: `${record.name}.${ingress.domain}`,
            studio: `studio-${record.name}.${ingress.domain}`,
          },
          tls: {
            enabled: true,
            ...(ingress.clusterIssuer && {
              certManager: { clusterIssuer: ingress.clusterIssuer },
            }),
          },
        },
      }),
    };
    const values = deepMerge(base, plan.values) as any;
    // A plan may widen what is allowed, never what is denied.
    if (values.networkPolicy?.egress) {
      values.networkPolicy.egress.deny = [
        ...new Set([
          ...deniedEgress,
          ...(values.networkPolicy.egress.deny ?? []),
        ]),
      ];
    }
    return values;
  }

  /**
   * Why the instance's pods are not ready, one line per pod that is not: the scheduler's reason
   * (e.g. an unbound PersistentVolumeClaim), or a container's waiting or terminated reason (image
   * pull errors, crash loops). Read when readiness is overdue, never on every pass.
   */
  async podProblems(record: InstanceRecord): Promise<string[]> {
    const pods = await this.#kube.listPods(
      record.namespace,
      `${LABELS.instance}=${record.name}`,
    );
    const problems: string[] = [];
    for (const pod of pods) {
      const conditions = pod.status?.conditions ?? [];
      if (conditions.some(c => c.type === 'Ready' && c.status === 'True')) {
        continue;
      }
      const name = pod.metadata?.name ?? 'pod';
      const unscheduled = conditions.find(
        c => c.type === 'PodScheduled' && c.status === 'False',
      );
      const container = [
        ...(pod.status?.initContainerStatuses ?? []),
        ...(pod.status?.containerStatuses ?? []),
      ].find(c => c.state?.waiting?.reason || c.state?.terminated?.reason);
      const waiting = container?.state?.waiting ?? container?.state?.terminated;
      let why = `${pod.status?.phase ?? 'Unknown'}, not ready`;
      if (unscheduled) {
        why = `${unscheduled.reason ?? 'Unschedulable'}: ${
          unscheduled.message ?? ''
        }`;
      } else if (waiting) {
        why = `${container!.name}: ${waiting.reason}${
          waiting.message ? `: ${waiting.message}` : ''
        }`;
      }
      problems.push(`${name}: ${why.trim()}`.slice(0, 300));
    }
    return problems;
  }

  /** Readiness of each Deployment and StatefulSet of the instance, from one shared listing. */
  components(
    record: InstanceRecord,
    workloads: Workloads,
  ): InstanceComponent[] {
    const mine = (w: V1Deployment | V1StatefulSet) =>
      w.metadata?.namespace === record.namespace &&
      w.metadata?.labels?.[LABELS.instance] === record.name;
    const toComponent = (
      w: V1Deployment | V1StatefulSet,
      kind: InstanceComponent['kind'],
    ): InstanceComponent => {
      const replicas = w.spec?.replicas ?? 1;
      const readyReplicas = w.status?.readyReplicas ?? 0;
      const current =
        (w.status?.observedGeneration ?? 0) >= (w.metadata?.generation ?? 0);
      const updated =
        kind === 'Deployment'
          ? (w.status?.updatedReplicas ?? 0) >= replicas
          : (w.status?.updatedReplicas ?? 0) >= replicas;
      return {
        name:
          w.metadata?.labels?.['app.kubernetes.io/component'] ??
          w.metadata!.name!,
        kind,
        replicas,
        readyReplicas,
        ready: current && updated && readyReplicas >= replicas,
      };
    };
    const observed = [
      ...workloads.statefulSets
        .filter(mine)
        .map(w => ({ w, c: toComponent(w, 'StatefulSet') })),
      ...workloads.deployments
        .filter(mine)
        .map(w => ({ w, c: toComponent(w, 'Deployment') })),
    ];
    // Every workload the release declares, observed or not yet created (then not ready).
    const components = record.expectedWorkloads
      ? record.expectedWorkloads.map(
          e =>
            observed.find(
              o => o.c.kind === e.kind && o.w.metadata?.name === e.name,
            )?.c ?? {
              name: e.component,
              kind: e.kind,
              replicas: 0,
              readyReplicas: 0,
              ready: false,
            },
        )
      : observed.map(o => o.c);
    return components.sort((a, b) => a.name.localeCompare(b.name));
  }

  async uninstall(
    record: InstanceRecord,
    options: HelmCallOptions = {},
  ): Promise<void> {
    await this.#helm.uninstall(record.name, record.namespace, options);
  }

  /** Deletes the namespace if it is ours; `gone` once it no longer exists. */
  async deleteNamespace(
    record: InstanceRecord,
  ): Promise<'gone' | 'terminating'> {
    const ownership = await this.namespaceOwnership(
      record.namespace,
      record.id,
    );
    if (ownership === 'absent') return 'gone';
    if (ownership === 'foreign') {
      // Never delete what is not ours: the instance's resources are gone with the release.
      return 'gone';
    }
    if (ownership === 'terminating') return 'terminating';
    await this.#kube.deleteNamespace(record.namespace);
    return (await this.#kube.getNamespace(record.namespace))
      ? 'terminating'
      : 'gone';
  }

  async readSecret(record: InstanceRecord) {
    const secret = await this.#kube.getSecret(
      record.namespace,
      INSTANCE_SECRET_NAME,
    );
    return secret ? decodeSecretData(secret.data) : undefined;
  }

  #chartFor(record: InstanceRecord) {
    const source = this.#config.chart.source;
    if (source.type === 'path') return source;
    return { ...source, version: record.chartVersion };
  }

  async #selfSubject(): Promise<{
    kind: string;
    name: string;
    apiGroup?: string;
    namespace?: string;
  }> {
    if (!this.#subject) {
      this.#subject = await this.#kube.whoAmI();
    }
    const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(this.#subject);
    return sa
      ? { kind: 'ServiceAccount', namespace: sa[1], name: sa[2] }
      : {
          kind: 'User',
          apiGroup: 'rbac.authorization.k8s.io',
          name: this.#subject,
        };
  }
}
