export { InstanceFilters } from './InstanceFilters';
export type { InstanceFilterValues } from './InstanceFilters';
