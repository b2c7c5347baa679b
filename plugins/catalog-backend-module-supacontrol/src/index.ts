/**
 * Catalog entity provider for SupaControl: every Supabase instance as a `Resource` entity of
 * `spec.type: supabase-instance`, kept in step with the SupaControl backend over HTTP.
 *
 * @packageDocumentation
 */

export { catalogModuleSupaControlEntityProvider as default } from './module';
export { SupaControlEntityProvider } from './provider/SupaControlEntityProvider';
export {
  SUPABASE_INSTANCE_RESOURCE_TYPE,
  SUPACONTROL_INSTANCE_ANNOTATION,
} from './provider/instanceEntity';
