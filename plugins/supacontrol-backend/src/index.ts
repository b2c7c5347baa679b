/**
 * The SupaControl backend plugin: Supabase instances on Kubernetes, managed from Backstage.
 *
 * @packageDocumentation
 */

export { supacontrolPlugin as default } from './plugin';
