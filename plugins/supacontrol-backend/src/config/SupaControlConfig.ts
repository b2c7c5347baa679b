import { Config } from '@backstage/config';
import { InstancePlan } from '@internal/plugin-supacontrol-common';

/** A plan from `supacontrol.plans`. Resource settings are added by the lifecycle engine. */
export interface PlanConfig extends InstancePlan {}

/** The `supacontrol` configuration, read and validated once at start-up. */
export interface SupaControlConfig {
  plans: PlanConfig[];
  defaultPlan: string;
  chart: { name: string; version: string };
}

const PLAN_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const CHART_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

const BUILT_IN_PLANS: PlanConfig[] = [
  {
    name: 'small',
    description: 'Development and previews: small resource requests',
    default: true,
  },
  {
    name: 'medium',
    description: 'Team workloads: larger database and API resources',
    default: false,
  },
];

function fail(key: string, message: string): never {
  throw new Error(`Invalid configuration at supacontrol.${key}: ${message}`);
}

/** Semantic version as Helm accepts for a pinned chart. */
export function isChartVersion(value: string): boolean {
  return CHART_VERSION.test(value);
}

/**
 * Reads `supacontrol.*` from the root config. A bad value stops start-up with a message naming
 * the key.
 */
export function readSupaControlConfig(config: Config): SupaControlConfig {
  const root = config.getOptionalConfig('supacontrol');
  const plansConfig = root?.getOptionalConfig('plans');
  let plans = BUILT_IN_PLANS;
  if (plansConfig) {
    plans = plansConfig.keys().map(name => {
      if (!PLAN_NAME.test(name)) {
        fail(
          `plans.${name}`,
          'plan names must be 1–32 lowercase letters, digits or "-", starting with a letter',
        );
      }
      const plan = plansConfig.getConfig(name);
      return {
        name,
        description: plan.getOptionalString('description') ?? name,
        default: plan.getOptionalBoolean('default') ?? false,
      };
    });
    if (plans.length === 0) {
      fail(
        'plans',
        'define at least one plan, or remove the key to use the built-in plans',
      );
    }
  }
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

  const chartName = root?.getOptionalString('chart.name') ?? 'supabase';
  const chartVersion = root?.getOptionalString('chart.version') ?? '0.1.0';
  if (!isChartVersion(chartVersion)) {
    fail(
      'chart.version',
      `must be a semantic version such as 0.1.0; got '${chartVersion}'`,
    );
  }
  return {
    plans: plans.map(p => ({ ...p, default: p.name === defaultPlan })),
    defaultPlan,
    chart: { name: chartName, version: chartVersion },
  };
}
