import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InstancePlan } from '@internal/plugin-supacontrol-common';
import { isAbsolute, resolve } from 'node:path';
import { ChartSource } from '../helm/HelmClient';
import { ClusterConnection } from '../kubernetes/KubernetesClient';

/** A plan from `supacontrol.plans`. */
export interface PlanConfig extends InstancePlan {
  /** ResourceQuota `spec.hard` of the instance namespace. */
  quota: Record<string, string>;
  /** Chart values merged over the defaults SupaControl computes. */
  values: Record<string, unknown>;
}

/** The `supacontrol` configuration, read and validated once at start-up. */
export interface SupaControlConfig {
  plans: PlanConfig[];
  defaultPlan: string;
  chart: { name: string; version: string; source: ChartSource };
  /** Undefined: no cluster configured; the portal runs, instances cannot be created. */
  kubernetes?: ClusterConnection;
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
  };
  /** Public URLs: `https://<name>.<domain>` and `https://studio-<name>.<domain>`. */
  ingress?: { domain: string; className?: string; clusterIssuer?: string };
}

const PLAN_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const CHART_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const DOMAIN = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/;

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

function readPlans(root: Config | undefined): PlanConfig[] {
  const plansConfig = root?.getOptionalConfig('plans');
  if (!plansConfig) return BUILT_IN_PLANS;
  const plans = plansConfig.keys().map(name => {
    if (!PLAN_NAME.test(name)) {
      fail(
        `plans.${name}`,
        'plan names must be 1–32 lowercase letters, digits or "-", starting with a letter',
      );
    }
    const plan = plansConfig.getConfig(name);
    const quota = plan.getOptionalConfig('quota');
    return {
      name,
      description: plan.getOptionalString('description') ?? name,
      default: plan.getOptionalBoolean('default') ?? false,
      quota: quota
        ? Object.fromEntries(quota.keys().map(k => [k, quota.getString(k)]))
        : DEFAULT_QUOTA,
      values: (plan.getOptional('values') as Record<string, unknown>) ?? {},
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
  const source = root?.getOptionalString('chart.source');
  if (!source) {
    // The chart bundled with this repository.
    return {
      name,
      version,
      source: {
        type: 'path',
        path: resolvePackagePath(
          '@internal/plugin-supacontrol-backend',
          '../../charts/supabase',
        ),
      },
    };
  }
  if (source.startsWith('oci://')) {
    return { name, version, source: { type: 'oci', ref: source, version } };
  }
  if (/^https?:\/\//.test(source)) {
    return {
      name,
      version,
      source: { type: 'repo', url: source, chart: name, version },
    };
  }
  return {
    name,
    version,
    source: {
      type: 'path',
      path: isAbsolute(source) ? source : resolve(source),
    },
  };
}

function readKubernetes(
  root: Config | undefined,
): ClusterConnection | undefined {
  const k8s = root?.getOptionalConfig('kubernetes');
  if (!k8s) return undefined;
  if (k8s.getOptionalBoolean('inCluster')) {
    return { type: 'in-cluster' };
  }
  const path = k8s.getOptionalString('kubeconfigPath');
  if (!path) return undefined;
  return {
    type: 'kubeconfig',
    path,
    context: k8s.getOptionalString('context'),
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

  const domain = root?.getOptionalString('ingress.domain');
  if (domain !== undefined && !DOMAIN.test(domain)) {
    fail(
      'ingress.domain',
      `must be a DNS domain such as supabase.example.com; got '${domain}'`,
    );
  }

  return {
    plans: plans.map(p => ({ ...p, default: p.name === defaultPlan })),
    defaultPlan,
    chart: readChart(root),
    kubernetes: readKubernetes(root),
    helm: {
      binary: root?.getOptionalString('helm.binary') ?? 'helm',
      timeoutMs: positive(root, 'helm.timeoutSeconds', 300, 3600) * 1000,
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
    },
    ingress: domain
      ? {
          domain,
          className: root?.getOptionalString('ingress.className'),
          clusterIssuer: root?.getOptionalString('ingress.clusterIssuer'),
        }
      : undefined,
  };
}
