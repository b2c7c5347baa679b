import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  CLUSTER_NAME_PATTERN,
  InstancePlan,
} from '@supacontrol/plugin-supacontrol-common';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ChartSource } from '../helm/HelmClient';
import { ClusterConnection } from '../kubernetes/KubernetesClient';
import {
  ApiKeyPolicy,
  LimitsConfig,
  readApiKeyPolicy,
  readLimits,
  readServiceAccess,
  ServiceAccessRule,
} from './accessConfig';

/** A plan from `supacontrol.plans`. */
export interface PlanConfig extends InstancePlan {
  /** ResourceQuota `spec.hard` of the instance namespace. */
  quota: Record<string, string>;
  /** Chart values merged over the defaults SupaControl computes. */
  values: Record<string, unknown>;
  /** The SMTP server Auth sends mail through: the plan's own, else `supacontrol.smtp`. */
  smtp?: SmtpConfig;
  /** Regions its instances may be placed in; undefined means any. */
  regions?: string[];
}

/** Public URLs through an ingress controller, of all clusters or one. */
export interface IngressConfig {
  domain: string;
  className?: string;
  clusterIssuer?: string;
  /** Where the ingress controller runs: its pods may reach each instance's Kong. */
  controllerNamespace: string;
  /** Labels of the ingress controller's pods in that namespace; none means all of them. */
  controllerPodLabels: Record<string, string>;
}

/** One entry of `supacontrol.clusters` (or `supacontrol.kubernetes`, as cluster `default`). */
export interface ClusterConfig {
  name: string;
  region: string;
  labels: Record<string, string>;
  connection: ClusterConnection;
  /** Undefined: no limit. */
  maxInstances?: number;
  /** False: drained, takes no new instances. */
  enabled: boolean;
  /** Its own, or `supacontrol.ingress`; undefined: no public URLs. */
  ingress?: IngressConfig;
}

/** The cluster `supacontrol.kubernetes` stands for. */
export const DEFAULT_CLUSTER = 'default';

/** `supacontrol.smtp` or `supacontrol.plans.<name>.smtp`. */
export interface SmtpConfig {
  host: string;
  port: number;
  /** The sender address (GoTrue's admin e-mail). */
  senderEmail: string;
  senderName?: string;
  /** A Secret with the keys `username` and `password`, copied into each instance's Secret. */
  credentials?: { namespace: string; name: string };
}

/** The `supacontrol` configuration, read and validated once at start-up. */
export interface SupaControlConfig {
  plans: PlanConfig[];
  defaultPlan: string;
  /**
   * The chart to install: `version` for new instances, `versions` every version an instance may
   * be created with or upgraded to (always including `version`).
   */
  chart: {
    name: string;
    version: string;
    versions: string[];
    source: ChartSource;
  };
  /** Empty: no cluster configured; the portal runs, instances cannot be created. */
  clusters: ClusterConfig[];
  helm: { binary: string; timeoutMs: number };
  reconcile: {
    /** False runs an API-only replica: requests are recorded, another replica reconciles. */
    enabled: boolean;
    intervalSeconds: number;
    concurrency: number;
    maxAttempts: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    leaseMs: number;
    /** How long a release may take to become ready before the instance is Failed or Degraded. */
    progressDeadlineMs: number;
  };
  /** Notifications to owners and status signals to open pages (both best effort). */
  notifications: { enabled: boolean; signals: boolean };
  /**
   * Public URLs: `https://<name>.<domain>` and `https://studio-<name>.<domain>`; the default of
   * each cluster's own (`ClusterConfig.ingress`, which is what the driver uses).
   */
  ingress?: IngressConfig;
  /** Egress of the instances' pods beyond their namespace and the cluster DNS. */
  egress: EgressConfig;
  /** What each service principal may do; anything not listed is refused. */
  serviceAccess: ServiceAccessRule[];
  limits: LimitsConfig;
  apiKeys: ApiKeyPolicy;
}

/** `supacontrol.networkPolicy.egress`: the chart's `networkPolicy.egress.allow` and `.deny`. */
export interface EgressConfig {
  allow: { cidr: string; ports: { port: number; protocol: 'TCP' | 'UDP' }[] }[];
  /** Cut out of every allowed range, besides the metadata address and the apiserver. */
  deny: string[];
}

const PLAN_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const CHART_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const DOMAIN = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAME = /^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;
const IPV4_CIDR =
  /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(3[0-2]|[12]?\d)$/;
/** Always denied, whatever the config: the cloud metadata address (AWS, GCP, Azure, ...). */
export const METADATA_CIDR = '169.254.169.254/32';

const DEFAULT_QUOTA = {
  'requests.cpu': '4',
  'requests.memory': '8Gi',
  'limits.memory': '24Gi',
  pods: '40',
  persistentvolumeclaims: '4',
  'requests.storage': '100Gi',
};

const BUILT_IN_PLANS: PlanConfig[] = [
  {
    name: 'small',
    description: 'Development and previews: small resource requests',
    default: true,
    quota: DEFAULT_QUOTA,
    values: {},
  },
  {
    name: 'medium',
    description: 'Team workloads: larger database and API resources',
    default: false,
    quota: { ...DEFAULT_QUOTA, 'requests.cpu': '8', 'requests.memory': '16Gi' },
    values: {
      db: {
        resources: {
          requests: { cpu: '1', memory: '2Gi' },
          limits: { memory: '4Gi' },
        },
      },
    },
  },
];

function fail(key: string, message: string): never {
  throw new Error(`Invalid configuration at supacontrol.${key}: ${message}`);
}

/** Semantic version as Helm accepts for a pinned chart. */
export function isChartVersion(value: string): boolean {
  return CHART_VERSION.test(value);
}

const EMAIL = /^[^@\s]+@[^@\s]+$/;

function readSmtp(
  smtp: Config | undefined,
  key: string,
): SmtpConfig | undefined {
  if (!smtp) return undefined;
  const host = smtp.getOptionalString('host');
  if (!host || !/^[A-Za-z0-9.-]+$/.test(host)) {
    fail(
      `${key}.host`,
      `must be the SMTP server's host name; got '${host ?? ''}'`,
    );
  }
  const port = smtp.getOptionalNumber('port') ?? 587;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`${key}.port`, `must be a port from 1 to 65535; got ${port}`);
  }
  const senderEmail = smtp.getOptionalString('senderEmail');
  if (!senderEmail || !EMAIL.test(senderEmail)) {
    fail(
      `${key}.senderEmail`,
      `must be the sender's e-mail address, e.g. noreply@example.com; got '${
        senderEmail ?? ''
      }'`,
    );
  }
  const credentials = smtp.getOptionalConfig('credentials');
  let secret: SmtpConfig['credentials'];
  if (credentials) {
    const namespace = credentials.getOptionalString('namespace');
    const name = credentials.getOptionalString('name');
    if (!namespace || !NAMESPACE.test(namespace) || !name || !NAME.test(name)) {
      fail(
        `${key}.credentials`,
        'must name a Secret, {namespace, name}, holding the keys username and password',
      );
    }
    secret = { namespace, name };
  }
  return {
    host,
    port,
    senderEmail,
    senderName: smtp.getOptionalString('senderName'),
    credentials: secret,
  };
}

const QUOTA_VALUE = /^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$/;

/**
 * A ResourceQuota's `hard`, read whole: its keys hold dots (`requests.cpu`), which config paths
 * would split.
 */
function readQuota(
  plan: Config,
  key: string,
): Record<string, string> | undefined {
  const quota = plan.getOptional('quota');
  if (quota === undefined) return undefined;
  if (typeof quota !== 'object' || quota === null || Array.isArray(quota)) {
    fail(
      key,
      "must be a map of resources to quantities, e.g. 'requests.cpu': '4'",
    );
  }
  return Object.fromEntries(
    Object.entries(quota).map(([resource, value]) => {
      const text = String(value);
      if (
        !/^[a-z0-9./-]+$/i.test(resource) ||
        (typeof value !== 'string' && typeof value !== 'number') ||
        !QUOTA_VALUE.test(text)
      ) {
        fail(
          `${key}.${resource}`,
          `must be a Kubernetes quantity such as '4', '500m' or '8Gi'; got '${text}'`,
        );
      }
      return [resource, text];
    }),
  );
}

function readPlans(root: Config | undefined): PlanConfig[] {
  const plansConfig = root?.getOptionalConfig('plans');
  if (!plansConfig) {
    const smtp = readSmtp(root?.getOptionalConfig('smtp'), 'smtp');
    return BUILT_IN_PLANS.map(plan => ({ ...plan, smtp }));
  }
  const plans = plansConfig.keys().map(name => {
    if (!PLAN_NAME.test(name)) {
      fail(
        `plans.${name}`,
        'plan names must be 1–32 lowercase letters, digits or "-", starting with a letter',
      );
    }
    const plan = plansConfig.getConfig(name);
    const quota = readQuota(plan, `plans.${name}.quota`);
    return {
      name,
      description: plan.getOptionalString('description') ?? name,
      default: plan.getOptionalBoolean('default') ?? false,
      quota: quota ?? DEFAULT_QUOTA,
      values: (plan.getOptional('values') as Record<string, unknown>) ?? {},
      smtp:
        readSmtp(plan.getOptionalConfig('smtp'), `plans.${name}.smtp`) ??
        readSmtp(root?.getOptionalConfig('smtp'), 'smtp'),
      regions: plan.getOptionalStringArray('regions'),
    };
  });
  if (plans.length === 0) {
    fail(
      'plans',
      'define at least one plan, or remove the key to use the built-in plans',
    );
  }
  return plans;
}

function readChart(root: Config | undefined): SupaControlConfig['chart'] {
  const name = root?.getOptionalString('chart.name') ?? 'supabase';
  const version = root?.getOptionalString('chart.version') ?? '0.1.0';
  if (!isChartVersion(version)) {
    fail(
      'chart.version',
      `must be a semantic version such as 0.1.0; got '${version}'`,
    );
  }
  const versions = [
    ...new Set([
      version,
      ...(root?.getOptionalStringArray('chart.versions') ?? []),
    ]),
  ];
  for (const v of versions) {
    if (!isChartVersion(v)) {
      fail(
        'chart.versions',
        `must list semantic versions such as 0.1.0; got '${v}'`,
      );
    }
  }
  const source = root?.getOptionalString('chart.source');
  /**
   * The repository's `charts/supabase` when the plugin runs from the repository (or the portal
   * image, which copies it there), else the published package's copy (`chart/`). The repository
   * comes first: `chart/` exists there only while the package is being packed.
   */
  function bundledChartPath(): string {
    const repository = resolvePackagePath(
      '@supacontrol/plugin-supacontrol-backend',
      '../../charts/supabase',
    );
    return existsSync(join(repository, 'Chart.yaml'))
      ? repository
      : resolvePackagePath('@supacontrol/plugin-supacontrol-backend', 'chart');
  }
  if (!source) {
    return {
      name,
      version,
      versions,
      source: { type: 'path', path: bundledChartPath() },
    };
  }
  if (source.startsWith('oci://')) {
    return {
      name,
      version,
      versions,
      source: { type: 'oci', ref: source, version },
    };
  }
  if (/^https?:\/\//.test(source)) {
    return {
      name,
      version,
      versions,
      source: { type: 'repo', url: source, chart: name, version },
    };
  }
  return {
    name,
    version,
    versions,
    source: {
      type: 'path',
      path: isAbsolute(source) ? source : resolve(source),
    },
  };
}

function readCidr(key: string, value: unknown): string {
  if (typeof value !== 'string' || !IPV4_CIDR.test(value)) {
    fail(key, `must be an IPv4 range such as 10.0.0.0/8; got '${value}'`);
  }
  return value;
}

function readEgress(root: Config | undefined): EgressConfig {
  const egress = root?.getOptionalConfig('networkPolicy.egress');
  const allow = (egress?.getOptionalConfigArray('allow') ?? []).map(
    (entry, i) => {
      const key = `networkPolicy.egress.allow[${i}]`;
      const ports = entry.getOptionalConfigArray('ports') ?? [];
      if (ports.length === 0) {
        fail(
          `${key}.ports`,
          'list the ports to allow, e.g. [{port: 587}]; a range without ports is refused',
        );
      }
      return {
        cidr: readCidr(`${key}.cidr`, entry.getOptionalString('cidr')),
        ports: ports.map((p, j) => {
          const port = p.getOptionalNumber('port');
          if (!Number.isInteger(port) || port! < 1 || port! > 65535) {
            fail(
              `${key}.ports[${j}].port`,
              `must be a port from 1 to 65535; got ${port}`,
            );
          }
          const protocol = p.getOptionalString('protocol') ?? 'TCP';
          if (protocol !== 'TCP' && protocol !== 'UDP') {
            fail(
              `${key}.ports[${j}].protocol`,
              `must be TCP or UDP; got '${protocol}'`,
            );
          }
          return { port: port!, protocol: protocol as 'TCP' | 'UDP' };
        }),
      };
    },
  );
  const deny = (egress?.getOptionalStringArray('deny') ?? []).map((cidr, i) =>
    readCidr(`networkPolicy.egress.deny[${i}]`, cidr),
  );
  return { allow, deny };
}

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

function readLabels(
  root: Config | undefined,
  key: string,
  /** The key as messages name it, from `supacontrol.`; default `key`. */
  name = key,
): Record<string, string> {
  // Read whole: label names hold dots and slashes, which config paths would split.
  const labels = root?.getOptional(key);
  if (labels === undefined) return {};
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    fail(name, 'must be a map of label names to values');
  }
  return Object.fromEntries(
    Object.entries(labels).map(([label, value]) => {
      if (
        typeof value !== 'string' ||
        !LABEL_KEY.test(label) ||
        !LABEL_VALUE.test(value)
      ) {
        fail(
          `${name}.${label}`,
          `must be a Kubernetes label (name and value); got '${label}: ${value}'`,
        );
      }
      return [label, value];
    }),
  );
}

function readConnection(entry: Config): ClusterConnection | undefined {
  if (entry.getOptionalBoolean('inCluster')) {
    return { type: 'in-cluster' };
  }
  const path = entry.getOptionalString('kubeconfigPath');
  if (!path) return undefined;
  return {
    type: 'kubeconfig',
    path,
    context: entry.getOptionalString('context'),
  };
}

function readName(entry: Config, key: string, fallback?: string): string {
  const value = entry.getOptionalString(key) ?? fallback;
  if (value === undefined || !CLUSTER_NAME_PATTERN.test(value)) {
    throw new Error(
      `must be 1–32 lowercase letters, digits or "-", starting with a letter and not ending with "-"; got '${
        value ?? ''
      }'`,
    );
  }
  return value;
}

function readMaxInstances(entry: Config, key: string): number | undefined {
  const value = entry.getOptionalNumber('maxInstances');
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > 100_000) {
    fail(
      `${key}.maxInstances`,
      `must be a whole number from 0 to 100000; got ${value}`,
    );
  }
  return value;
}

/**
 * `supacontrol.kubernetes` as the cluster `default` (when it has a connection), then
 * `supacontrol.clusters`; each gets its ingress from its own keys over `supacontrol.ingress`.
 */
function readClusters(
  root: Config | undefined,
  ingress: IngressConfig | undefined,
): ClusterConfig[] {
  const single = root?.getOptionalConfig('kubernetes');
  const list = root?.getOptionalConfigArray('clusters');
  // `kubernetes` with a connection is the cluster `default`, besides any in the list (the portal
  // chart always sets `inCluster: true`; `inCluster: false` there places nothing on its cluster).
  const defaultConnection = single && readConnection(single);
  const defaults: ClusterConfig[] = [];
  if (single && defaultConnection) {
    let region: string;
    try {
      region = readName(single, 'region', 'default');
    } catch (error) {
      fail('kubernetes.region', (error as Error).message);
    }
    defaults.push({
      name: DEFAULT_CLUSTER,
      region,
      labels: {},
      connection: defaultConnection,
      maxInstances: readMaxInstances(single, 'kubernetes'),
      enabled: single.getOptionalBoolean('enabled') ?? true,
      ingress,
    });
  }
  const clusters = (list ?? []).map((entry, i) => {
    const key = `clusters[${i}]`;
    let name: string;
    let region: string;
    try {
      name = readName(entry, 'name');
    } catch (error) {
      fail(`${key}.name`, (error as Error).message);
    }
    try {
      region = readName(entry, 'region', 'default');
    } catch (error) {
      fail(`${key}.region`, (error as Error).message);
    }
    const connection = readConnection(entry);
    if (!connection) {
      fail(
        key,
        `cluster '${name}' needs kubeconfigPath (and optionally context) or inCluster: true`,
      );
    }
    return {
      name,
      region,
      labels: readLabels(entry, 'labels', `${key}.labels`),
      connection,
      maxInstances: readMaxInstances(entry, key),
      enabled: entry.getOptionalBoolean('enabled') ?? true,
      ingress: readIngress(
        entry.getOptionalConfig('ingress'),
        `${key}.ingress`,
        ingress,
      ),
    };
  });
  const seen = new Set<string>();
  for (const cluster of [...defaults, ...clusters]) {
    if (seen.has(cluster.name)) {
      fail(
        'clusters',
        cluster.name === DEFAULT_CLUSTER
          ? "the name 'default' is supacontrol.kubernetes's; rename the entry, or move that connection into the list"
          : `names must be unique; '${cluster.name}' appears twice`,
      );
    }
    seen.add(cluster.name);
  }
  return [...defaults, ...clusters];
}

/**
 * An ingress block (`supacontrol.ingress`, or a cluster's), each key falling back to `inherited`.
 * Undefined when it has no domain.
 */
function readIngress(
  block: Config | undefined,
  key: string,
  inherited?: IngressConfig,
): IngressConfig | undefined {
  const domain = block?.getOptionalString('domain') ?? inherited?.domain;
  if (domain === undefined) return undefined;
  if (!DOMAIN.test(domain)) {
    fail(
      `${key}.domain`,
      `must be a DNS domain such as supabase.example.com; got '${domain}'`,
    );
  }
  const controllerNamespace =
    block?.getOptionalString('controllerNamespace') ??
    inherited?.controllerNamespace;
  if (!controllerNamespace) {
    fail(
      `${key}.controllerNamespace`,
      "is required with ingress.domain: the namespace of the ingress controller (e.g. 'ingress-nginx'), whose pods the instances' NetworkPolicy admits to Kong",
    );
  }
  if (!NAMESPACE.test(controllerNamespace)) {
    fail(
      `${key}.controllerNamespace`,
      `must be a namespace name; got '${controllerNamespace}'`,
    );
  }
  return {
    domain,
    className: block?.getOptionalString('className') ?? inherited?.className,
    clusterIssuer:
      block?.getOptionalString('clusterIssuer') ?? inherited?.clusterIssuer,
    controllerNamespace,
    controllerPodLabels:
      block?.getOptional('controllerPodLabels') !== undefined
        ? readLabels(block, 'controllerPodLabels', `${key}.controllerPodLabels`)
        : inherited?.controllerPodLabels ?? {},
  };
}

function positive(
  root: Config | undefined,
  key: string,
  fallback: number,
  max: number,
): number {
  const value = root?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    fail(key, `must be a whole number from 1 to ${max}; got ${value}`);
  }
  return value;
}

/**
 * Reads `supacontrol.*` from the root config. A bad value stops start-up with a message naming
 * the key.
 */
export function readSupaControlConfig(config: Config): SupaControlConfig {
  const root = config.getOptionalConfig('supacontrol');
  const plans = readPlans(root);
  const defaults = plans.filter(p => p.default);
  if (defaults.length > 1) {
    fail(
      'plans',
      `only one plan may be the default; ${defaults
        .map(p => p.name)
        .join(', ')} are`,
    );
  }
  const defaultPlan = (defaults[0] ?? plans[0]).name;

  const ingress = readIngress(root?.getOptionalConfig('ingress'), 'ingress');
  const clusters = readClusters(root, ingress);
  const regions = new Set(clusters.map(c => c.region));
  for (const plan of plans) {
    for (const region of plan.regions ?? []) {
      if (!regions.has(region)) {
        fail(
          `plans.${plan.name}.regions`,
          `'${region}' is not the region of any cluster in supacontrol.clusters (${
            [...regions].join(', ') || 'none configured'
          })`,
        );
      }
    }
  }

  return {
    plans: plans.map(p => ({ ...p, default: p.name === defaultPlan })),
    defaultPlan,
    chart: readChart(root),
    clusters,
    helm: {
      binary: root?.getOptionalString('helm.binary') ?? 'helm',
      timeoutMs: positive(root, 'helm.timeoutSeconds', 300, 3600) * 1000,
    },
    notifications: {
      enabled: root?.getOptionalBoolean('notifications.enabled') ?? true,
      signals: root?.getOptionalBoolean('notifications.signals') ?? true,
    },
    reconcile: {
      enabled: root?.getOptionalBoolean('reconcile.enabled') ?? true,
      intervalSeconds: positive(root, 'reconcile.intervalSeconds', 30, 3600),
      concurrency: positive(root, 'reconcile.concurrency', 4, 64),
      maxAttempts: positive(root, 'reconcile.maxAttempts', 5, 100),
      backoffBaseMs:
        positive(root, 'reconcile.backoffBaseSeconds', 5, 3600) * 1000,
      backoffMaxMs:
        positive(root, 'reconcile.backoffMaxSeconds', 300, 86400) * 1000,
      leaseMs: positive(root, 'reconcile.leaseSeconds', 120, 86400) * 1000,
      progressDeadlineMs:
        positive(root, 'reconcile.progressDeadlineSeconds', 600, 86400) * 1000,
    },
    ingress,
    egress: readEgress(root),
    serviceAccess: readServiceAccess(root),
    limits: readLimits(root),
    apiKeys: readApiKeyPolicy(root),
  };
}
