export { ConditionsTimeline } from './ConditionsTimeline';
