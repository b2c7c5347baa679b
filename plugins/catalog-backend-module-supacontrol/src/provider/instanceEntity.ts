import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  EntityLink,
  KubernetesValidatorFunctions,
  ResourceEntity,
} from '@backstage/catalog-model';
import {
  Instance,
  instanceEntityRef,
  SUPABASE_INSTANCE_RESOURCE_TYPE,
  SUPACONTROL_INSTANCE_ANNOTATION,
} from '@supacontrol/plugin-supacontrol-common';

export {
  instanceEntityRef,
  SUPABASE_INSTANCE_RESOURCE_TYPE,
  SUPACONTROL_INSTANCE_ANNOTATION,
};

/** The instance's status when the entity was last published (informational). */
const STATUS_ANNOTATION = 'supacontrol.io/status';
const PLAN_ANNOTATION = 'supacontrol.io/plan';
/** Annotation and label keys of where the instance runs; it never moves. */
const CLUSTER_KEY = 'supacontrol.io/cluster';
const REGION_KEY = 'supacontrol.io/region';

/**
 * Cluster and region as labels, so that catalog filters can select on them. Names that follow
 * `CLUSTER_NAME_PATTERN` are valid label values; anything else (an older backend's answer) is
 * left out of the labels (it stays in the annotations) rather than have the catalog reject the
 * whole entity.
 */
function placementLabels(instance: Instance): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of [
    [CLUSTER_KEY, instance.cluster],
    [REGION_KEY, instance.region],
  ] as const) {
    if (KubernetesValidatorFunctions.isValidLabelValue(value)) {
      labels[key] = value;
    }
  }
  return labels;
}

/**
 * An instance as a catalog Resource. Only what the catalog needs to list, own and link it:
 * the live state (conditions, components) stays in SupaControl and is shown by the entity card.
 */
export function instanceEntity(
  instance: Instance,
  options: { appBaseUrl?: string },
): ResourceEntity {
  const location = `supacontrol:instance/${instance.name}`;
  const links: EntityLink[] = [];
  if (instance.endpoints.studio) {
    links.push({
      url: instance.endpoints.studio,
      title: 'Supabase Studio',
      icon: 'dashboard',
      type: 'supabase-studio',
    });
  }
  if (instance.endpoints.api) {
    links.push({
      url: instance.endpoints.api,
      title: 'Supabase API',
      icon: 'cloud',
      type: 'supabase-api',
    });
  }
  if (options.appBaseUrl) {
    links.push({
      url: `${options.appBaseUrl}/supacontrol/instances/${instance.name}`,
      title: 'SupaControl',
      icon: 'dashboard',
      type: 'supacontrol',
    });
  }
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: instance.name,
      namespace: 'default',
      description: `Supabase instance in Kubernetes namespace ${instance.namespace} of cluster ${instance.cluster} (region ${instance.region}, plan ${instance.plan}), run by SupaControl`,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [SUPACONTROL_INSTANCE_ANNOTATION]: instance.name,
        [STATUS_ANNOTATION]: instance.status,
        [PLAN_ANNOTATION]: instance.plan,
        [CLUSTER_KEY]: instance.cluster,
        [REGION_KEY]: instance.region,
      },
      labels: placementLabels(instance),
      tags: ['supabase'],
      links,
    },
    spec: {
      type: SUPABASE_INSTANCE_RESOURCE_TYPE,
      owner: instance.owner,
    },
  };
}
