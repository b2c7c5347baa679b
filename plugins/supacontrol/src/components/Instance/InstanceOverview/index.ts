export { InstanceOverview } from './InstanceOverview';
