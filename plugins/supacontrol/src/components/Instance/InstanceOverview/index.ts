export { InstanceOverview } from './InstanceOverview';
export { InstanceStatusSummary } from './InstanceStatusSummary';
