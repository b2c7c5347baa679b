import { Entity } from '@backstage/catalog-model';

/**
 * Annotation naming the SupaControl instance behind a catalog entity. The SupaControl catalog
 * provider (`@internal/plugin-catalog-backend-module-supacontrol`) sets it on every Resource it
 * publishes.
 *
 * @public
 */
export const SUPACONTROL_INSTANCE_ANNOTATION = 'supacontrol.io/instance';

/** `spec.type` of the Resources of SupaControl instances. @public */
export const SUPABASE_INSTANCE_RESOURCE_TYPE = 'supabase-instance';

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
