export { createSupaControlInstanceCreateAction } from './createInstance';
export { createSupaControlInstanceDeleteAction } from './deleteInstance';
export { createSupaControlInstanceWaitAction } from './waitInstance';
