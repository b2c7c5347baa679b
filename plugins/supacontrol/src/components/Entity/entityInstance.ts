import { Entity } from '@backstage/catalog-model';
import {
  SUPABASE_INSTANCE_RESOURCE_TYPE,
  SUPACONTROL_INSTANCE_ANNOTATION,
} from '@supacontrol/plugin-supacontrol-common';

export { SUPABASE_INSTANCE_RESOURCE_TYPE, SUPACONTROL_INSTANCE_ANNOTATION };

/**
 * Whether an entity is a SupaControl instance: a Resource of `spec.type: supabase-instance`
 * with the instance annotation. For `EntitySwitch` in apps on the legacy frontend system.
 *
 * @public
 */
export function isSupabaseInstanceEntity(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    entity.spec?.type === SUPABASE_INSTANCE_RESOURCE_TYPE &&
    !!entity.metadata.annotations?.[SUPACONTROL_INSTANCE_ANNOTATION]
  );
}

/** The instance name of an entity, if it has the annotation. */
export function instanceNameOf(entity: Entity): string | undefined {
  return entity.metadata.annotations?.[SUPACONTROL_INSTANCE_ANNOTATION];
}
