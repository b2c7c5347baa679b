export { ClusterEventsCard } from './ClusterEventsCard';
