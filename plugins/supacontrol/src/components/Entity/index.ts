export {
  EntitySupabaseInstanceCard,
  EntitySupabaseInstanceContent,
} from './extensions';
export {
  isSupabaseInstanceEntity,
  SUPABASE_INSTANCE_RESOURCE_TYPE,
  SUPACONTROL_INSTANCE_ANNOTATION,
} from './entityInstance';
