/**
 * Annotation naming the SupaControl instance behind a catalog entity. The SupaControl catalog
 * provider sets it on every Resource it publishes; the frontend's entity card and tab read it.
 *
 * @public
 */
export const SUPACONTROL_INSTANCE_ANNOTATION = 'supacontrol.io/instance';

/** `spec.type` of the Resource entities of SupaControl instances. @public */
export const SUPABASE_INSTANCE_RESOURCE_TYPE = 'supabase-instance';

/**
 * Entity ref of the Resource the SupaControl catalog provider publishes for an instance.
 *
 * @public
 */
export function instanceEntityRef(name: string): string {
  return `resource:default/${name}`;
}
