export { EntitySupabaseInstanceCard } from './EntitySupabaseInstanceCard';
