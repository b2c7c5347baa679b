export { EntitySupabaseInstanceContent } from './EntitySupabaseInstanceContent';
