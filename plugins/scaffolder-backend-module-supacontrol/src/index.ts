/**
 * Software Templates actions for SupaControl: `supacontrol:instance:create`,
 * `supacontrol:instance:wait` and `supacontrol:instance:delete`. They call the SupaControl backend
 * over HTTP on behalf of the user who runs the template.
 *
 * @packageDocumentation
 */

export { scaffolderModuleSupaControl as default } from './module';
export {
  createSupaControlInstanceCreateAction,
  createSupaControlInstanceDeleteAction,
  createSupaControlInstanceWaitAction,
} from './actions';
export { SupaControlInstanceClient } from './client/SupaControlInstanceClient';
